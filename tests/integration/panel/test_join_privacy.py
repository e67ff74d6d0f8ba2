"""Joining neither confirms which emails have accounts nor accepts a guessable password; the CLI
follows the same password rule (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Message, Role, User
from panel.models import Resident
from tests.conftest import CSRF_RE, PASSWORD, csrf_token_from
from tests.integration.panel.test_account import join_data
from tests.integration.panel.test_account import schema as schema  # noqa: F401 (a fixture)


def join(client, **overrides):
    """Post the join form (joining itself signs nobody in)."""
    return client.post("/join", data=join_data(client, **overrides))


def comparable(app, response) -> tuple:
    """What a requester sees of a response, CSRF tokens aside (the session cookie decoded)."""
    body = CSRF_RE.sub("csrf", response.get_data(as_text=True))
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", body)
    headers = sorted((k, v) for k, v in response.headers.items() if k != "Set-Cookie")
    serializer = app.session_interface.get_signing_serializer(app)
    cookies = []
    for cookie in response.headers.getlist("Set-Cookie"):
        name, _, rest = cookie.partition("=")
        value, _, attributes = rest.partition(";")
        if name == "session" and value:
            content = serializer.loads(value)
            content.pop("csrf_token", None)
            value = repr(sorted(content.items()))
        cookies.append((name, value, attributes))
    return response.status_code, headers, body, cookies


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.OFFICER])
def test_joining_with_an_email_that_has_an_account_looks_the_same(schema, app, make_user, role):
    owner = make_user(role, email="taken@example.org")
    new_client, taken_client = app.test_client(), app.test_client()
    for client in (new_client, taken_client):
        csrf_token_from(client, "/join")  # both sessions hold a CSRF token before joining
    fresh = join(new_client, email="fresh@example.org")
    taken = join(taken_client, email="Taken@Example.org")
    assert comparable(app, fresh) == comparable(app, taken)
    assert fresh.status_code == 302
    # The next page is the same too.
    assert comparable(app, new_client.get(fresh.headers["Location"])) == comparable(
        app, taken_client.get(taken.headers["Location"]))
    assert "There is already an account" not in taken.get_data(as_text=True)
    # Nobody new was registered under the owner's address; the owner is told by email.
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "taken@example.org")) == 1
    mails = list(db.session.scalars(select(Message).where(
        Message.to_address == "taken@example.org")))
    assert len(mails) == 1
    assert "someone tried to join" in mails[0].body_text.lower()
    assert re.search(r"http://127.0.0.1:5000/sign-in", mails[0].body_text)
    assert db.session.get(User, owner.id).password_hash == owner.password_hash


def test_the_owner_is_emailed_at_most_once_a_day_however_often_someone_tries(
        schema, app, make_user):
    make_user(Role.RESIDENT, email="taken@example.org")

    def emails() -> int:
        return db.session.scalar(select(func.count()).select_from(Message).where(
            Message.to_address == "taken@example.org"))

    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            assert join(app.test_client(), email="taken@example.org").status_code == 302
        assert emails() == 1
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        join(app.test_client(), email="taken@example.org")
        assert emails() == 1
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        join(app.test_client(), email="taken@example.org")
        assert emails() == 2
    attempts = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "join_attempt_with_existing_email")).all()
    assert [a.detail["emailed"] for a in attempts] == [True, False, False, False, True]


def test_a_joiner_confirms_their_email_then_signs_in(schema, client):
    response = join(client)
    assert response.headers["Location"] == "/join/check-your-email"
    page = client.get("/join/check-your-email").get_data(as_text=True)
    assert "Check your email" in page
    message = db.session.scalar(select(Message))
    link = re.search(r"http://127.0.0.1:5000(/verify-email/\S+)", message.body_text).group(1)
    assert client.get(link).headers["Location"].startswith("/sign-in")
    token = csrf_token_from(client)
    signed_in = client.post("/sign-in?next=/account/profile", data={
        "email": "ada@example.org", "password": "a long enough password", "csrf_token": token})
    assert signed_in.headers["Location"] == "/account/profile"


@pytest.mark.parametrize("password,message", [
    ("password1234", "too easy to guess"),
    (" " * 12, "too easy to guess"),
    ("ada lovelac", "at least 12 characters"),
    ("adalovelace1990", "your name or email address"),
])
def test_join_refuses_a_guessable_password_next_to_the_field(schema, client, password, message):
    response = join(client, password=password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert 'href="#password' in page
    assert db.session.scalar(select(Resident)) is None


@pytest.mark.parametrize("password", ["1", "password1234", " " * 12])
def test_the_cli_refuses_a_weak_admin_password(app, password):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "boss@example.org", "--role", "admin",
        "--password", password])
    assert result.exit_code != 0
    assert "Password" in result.output or "password" in result.output
    assert db.session.scalar(select(User)) is None


def test_the_cli_creates_an_admin_with_a_strong_password(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "boss@example.org", "--role", "admin",
        "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User)).role == Role.ADMIN


def test_setting_a_weak_password_on_any_account_is_refused(app, make_user):
    from core.auth.passwords import WeakPassword

    user = make_user(Role.OFFICER)
    with pytest.raises(WeakPassword):
        user.set_password("password1234")
