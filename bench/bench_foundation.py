"""Foundation figures: seeding the demo council, and the pages every user opens first."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from bench.timing import measure, print_table
from panel import create_app, demo
from panel.config import TestConfig
from panel.extensions import db


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url,
                         SIGN_IN_RATE_LIMIT="100000 per minute")
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            start = time.perf_counter()
            demo.seed_demo(seed=2021, residents=5000)
            seed_seconds = time.perf_counter() - start
            officer = ("officer", demo.demo_email("officer"), demo.demo_password(2021, "officer"))
            db.session.remove()

        client = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                          client.get("/sign-in").get_data(as_text=True)).group(1)
        response = client.post("/sign-in", data={"email": officer[1], "password": officer[2],
                                                 "csrf_token": token})
        assert response.status_code == 302, "could not sign in as the demo officer"
        rows = [{"what": "flask demo seed (5,000 residents)", "seconds": seed_seconds}]
        print_table(rows)
        print()
        pages = []
        for path in ("/", "/sign-in", "/dashboard", "/targets"):
            figures = measure(lambda p=path: client.get(p), repeat=200)
            pages.append({"page": path, "requests": 200, **figures})
        print_table(pages)
        with app.app_context():
            db.engine.dispose()
