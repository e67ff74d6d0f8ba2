"""Take the README screenshot from a running `make run`: python scripts/screenshot.py [URL]."""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

from wsgi import create_app
from panel.demo import demo_email, demo_password

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
with create_app({"SECRET_KEY": "screenshot"}).app_context():
    from core.extensions import db
    from core.models import Setting

    seed = int(db.session.get(Setting, "demo_seed").value)

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{url}/sign-in")
    page.get_by_label("Email address").fill(demo_email("officer"))
    page.get_by_role("textbox", name="Password").fill(demo_password(seed, "officer"))
    page.get_by_role("button", name="Sign in").click()
    page.screenshot(path="docs/screenshot.png", full_page=True)
    browser.close()
