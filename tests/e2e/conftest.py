"""Browser tests: Playwright drives Debian's chromium against a live server on 127.0.0.1.

axe-core (bundled by axe-playwright-python) checks every page a test visits.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from core.config import TestConfig
from core.extensions import db
from core.models import Role, User
from panel.demo import install_dimensions, ward_dimension
from panel.models import Category, Dimension, PostcodeWard
from panel.reference_data import load_burnley_wards, load_default_dimensions
from tests.conftest import PASSWORD, migrate_to_head
from tests.smtp import SMTPServer
from wsgi import create_app

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
                 if shutil.which(p)), None)

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true but chromium is missing: apt-get install -y chromium")
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install -y chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"],
    }


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class LiveServer:
    app: Flask
    url: str
    smtp: SMTPServer

    def add_members(self, emails: str, profiles: list[dict[str, str]]) -> None:
        """Verified members who gave membership consent, one per profile (dimension key ->
        category key), emailed ``emails.format(n)``; with the default target set in place."""
        from datetime import timedelta

        from core.models import utcnow
        from panel.demo import install_target_set
        from panel.membership import CONSENT_WORDING
        from panel.models import Consent, ConsentKind, ProfileAnswer, Resident, TargetSet
        from panel.reference_data import (
            DEFAULT_TARGET_SET_NAME,
            DEFAULT_TARGET_SET_SOURCE,
            load_default_targets,
        )

        with self.app.app_context():
            if db.session.scalar(select(TargetSet.id).where(
                    TargetSet.name == DEFAULT_TARGET_SET_NAME)) is None:
                ids = install_dimensions([*load_default_dimensions(),
                                          ward_dimension(load_burnley_wards())])
                install_target_set(DEFAULT_TARGET_SET_NAME, DEFAULT_TARGET_SET_SOURCE,
                                   load_default_targets(), ids)
            category = {(d, c): i for d, c, i in db.session.execute(
                select(Dimension.key, Category.key, Category.id).join(Category.dimension))}
            dimension = dict(db.session.execute(select(Dimension.key, Dimension.id)).all())
            for n, profile in enumerate(profiles):
                user = User(email=emails.format(n), role=Role.RESIDENT,
                            verified_at=utcnow() - timedelta(days=3))
                resident = Resident(user=user, first_name="Member", last_name=f"Number {n}")
                resident.consents.append(Consent(
                    kind=ConsentKind.MEMBERSHIP, granted=True, privacy_notice_version="test",
                    wording=CONSENT_WORDING[ConsentKind.MEMBERSHIP]))
                resident.answers.extend(ProfileAnswer(dimension_id=dimension[key],
                                                      category_id=category[(key, value)])
                                        for key, value in profile.items())
                db.session.add(resident)
            db.session.commit()

    def create_user(self, role: Role, email: str, password: str = PASSWORD) -> User:
        with self.app.app_context():
            user = User(email=email, role=role, display_name=role.label)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 with a real SMTP server, the default profile questions and wards."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.sqlite'}"
    migrate_to_head(url)
    smtp = SMTPServer()
    smtp.start()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url,
                     SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, MAIL_SEND_AFTER_REQUEST=True)
    with app.app_context():
        install_dimensions([*load_default_dimensions(), ward_dimension(load_burnley_wards())])
        trinity = db.session.scalar(select(Category).join(Dimension).where(
            Dimension.key == "ward", Category.label == "Trinity (Burnley)"))
        db.session.add(PostcodeWard(postcode="BB112DL", ward_id=trinity.id))
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", smtp=smtp)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        smtp.stop()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-GB"}


_AXE = Axe()


def assert_accessible(page) -> None:  # noqa: ANN001 (playwright Page)
    """axe-core finds no violations on the page as it is now."""
    results = _AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def watch_console(page) -> list[str]:  # noqa: ANN001
    """Collect console errors (e.g. a script blocked by our CSP) for the test to assert on.

    Chromium also logs every 4xx page load as an error; an invalid form's 422 is expected.
    """
    errors: list[str] = []
    expected = "the server responded with a status of 4"
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and expected not in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def sign_in(page, email: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    """Sign in through the form (the page must be in a context with a base URL)."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def tab_to(page, name: str, limit: int = 40) -> None:  # noqa: ANN001
    """Press Tab until the focused element's accessible text is ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || "
            "document.activeElement.getAttribute('aria-label') || '').trim()"
        )
        if focused == name:
            return
    raise AssertionError(f"could not reach {name!r} with the Tab key")


@pytest.fixture
def leaves_the_pool(live_server: LiveServer) -> Iterator[list[str]]:
    """Emails of members a test adds: withdrawn afterwards, so that the session's shared server
    keeps the pool other tests draw from (a quota test counts its own volunteers)."""
    from panel.models import Resident, ResidentStatus

    emails: list[str] = []
    yield emails
    with live_server.app.app_context():
        for resident in db.session.scalars(select(Resident).join(Resident.user)
                                           .where(User.email.in_(emails))):
            resident.status = ResidentStatus.WITHDRAWN
        db.session.commit()
