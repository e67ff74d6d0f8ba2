"""Shared fixtures. Integration tests run on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.

The schema is built once per backend by the Alembic migrations (so every run proves they work);
each test gets a fresh app and the tables are emptied after it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from core.config import TestConfig
from core.extensions import db
from core.models import Role, User
from panel.models import Resident
from wsgi import create_app

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        backends.append("postgresql")
    elif os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true needs TEST_DATABASE_URL (PostgreSQL) so nothing skips")
    return backends


BACKENDS = _backends()

CLOCK_VARIABLE = "CIVIC_PANEL_TEST_CLOCK"


def parse_clock(value: str) -> datetime:
    """``2027-03-28 00:30`` (UTC; 'T' or a space between date and time) -> aware datetime."""
    moment = datetime.fromisoformat(value.strip())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@pytest.fixture(scope="session", autouse=True)
def _whole_run_clock() -> Iterator[None]:
    """With CIVIC_PANEL_TEST_CLOCK set (``make clocks``), the whole run starts at that moment
    (UTC) and the clock ticks from there, so an awkward day shows any test that depends on
    the real date. Unset (the normal run), nothing changes."""
    value = os.environ.get(CLOCK_VARIABLE)
    if not value:
        yield
        return
    # a timestamp, not an aware datetime: time-machine would set TZ=UTC, and the run should
    # keep the machine's time zone (make clocks uses Europe/London)
    with time_machine.travel(parse_clock(value).timestamp(), tick=True):
        yield


@pytest.fixture(autouse=True)
def _clock_from_marker(request: pytest.FixtureRequest) -> Iterator[None]:
    """``@pytest.mark.clock("2027-02-03 10:00")``: the test, and every fixture it uses, runs at
    that moment (UTC, and in the UTC time zone) with the clock stopped. Autouse, so it starts
    before the test signs in."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield
        return
    with time_machine.travel(parse_clock(marker.args[0]), tick=False):
        yield


def _postgres_url() -> str:
    url = os.environ["TEST_DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def reset_postgres(url: str) -> None:
    """Empty the dedicated test database (it must not be shared with anything else)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def migrate_to_head(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One migrated database per backend for the whole session."""
    urls = {}
    for backend in BACKENDS:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        else:
            url = _postgres_url()
            reset_postgres(url)
        migrate_to_head(url)
        urls[backend] = url
    return urls


def empty_all_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (fresh ``g`` and session), as in production.

    Without this, requests made while the test holds an app context would share its ``g``
    (Flask reuses an active context), leaking the signed-in user and CSRF token between clients.
    """

    def open(self, *args, **kwargs):  # type: ignore[override]
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, database_urls: dict[str, str]) -> Iterator[Flask]:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_urls[request.param])
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token_from(client: FlaskClient, url: str = "/sign-in") -> str:
    """The CSRF token a page gives this client's session (as a browser would read it)."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.OFFICER, email: str | None = None,
             password: str | None = PASSWORD, **fields: object) -> User:
        user = User(email=email or f"{role.value}{next(counter)}@example.org", role=role,
                    **fields)
        if password:
            user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_resident(make_user: Callable[..., User]) -> Callable[..., Resident]:
    def make(email: str | None = None, **fields: object) -> Resident:
        user = make_user(Role.RESIDENT, email=email)
        resident = Resident(user=user, first_name=fields.pop("first_name", "Ada"),
                            last_name=fields.pop("last_name", "Lovelace"), **fields)
        db.session.add(resident)
        db.session.commit()
        return resident

    return make


@pytest.fixture
def member(make_resident: Callable[..., Resident]) -> Callable[..., Resident]:
    """A resident who may be asked: email confirmed and membership consent given."""
    from datetime import timedelta

    from core.models import utcnow
    from panel.membership import CONSENT_WORDING
    from panel.models import Consent, ConsentKind

    def make(email: str, **fields: object) -> Resident:
        resident = make_resident(email=email, **fields)
        resident.user.verified_at = utcnow() - timedelta(days=10)
        resident.consents.append(Consent(kind=ConsentKind.MEMBERSHIP, granted=True,
                                         privacy_notice_version="test",
                                         wording=CONSENT_WORDING[ConsentKind.MEMBERSHIP]))
        db.session.commit()
        return resident

    return make


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Sign ``user`` in through the real sign-in form (CSRF token included)."""

    def do(user: User, password: str = PASSWORD) -> FlaskClient:
        token = csrf_token_from(client)
        response = client.post("/sign-in", data={"email": user.email, "password": password,
                                                 "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture
def login(make_user: Callable[..., User], sign_in: Callable[[User], FlaskClient]
          ) -> Callable[[Role], FlaskClient]:
    """``login(Role.OFFICER)``: a client signed in as a new user with that role."""

    def do(role: Role) -> FlaskClient:
        return sign_in(make_user(role))

    return do


PROJECT_ROOT = Path(__file__).resolve().parent.parent
