"""Forgotten passwords: the same answer for every address, a single-use link through the outbox
that works for an hour, the one password rule, every session ended, audited (SQLite and
PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Message, Role
from tests.conftest import PASSWORD, csrf_token_from

NEW_PASSWORD = "violet lantern orbit marmalade"
SAME_ANSWER = "If there is an account for that address, we have sent a link"


def ask_for_link(client, email):
    token = csrf_token_from(client, "/forgot-password")
    return client.post("/forgot-password", data={"email": email, "csrf_token": token})


def reset_link(email):
    message = db.session.scalars(select(Message).where(Message.to_address == email)
                                 .order_by(Message.id.desc())).first()
    assert message is not None, f"no email to {email}"
    return re.search(r"https?://\S+/reset-password/\S+", message.body_text).group(0)


def path_of(link):
    return "/reset-password/" + link.rsplit("/reset-password/", 1)[1]


def set_password(client, path, password):
    token = csrf_token_from(client, path)
    return client.post(path, data={"password": password, "csrf_token": token})


def test_sign_in_page_links_to_forgotten_password(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/forgot-password"' in page and "Forgotten your password?" in page


def test_known_and_unknown_addresses_get_the_same_answer(client, make_user):
    make_user(Role.RESIDENT, email="ada@example.org")
    known = ask_for_link(client, "ADA@example.org ")
    unknown = ask_for_link(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    known_page, unknown_page = known.get_data(as_text=True), unknown.get_data(as_text=True)
    assert SAME_ANSWER in known_page
    assert known_page.replace("ADA@example.org", "") == unknown_page.replace(
        "nobody@example.org", "")
    recipients = db.session.scalars(select(Message.to_address)).all()
    assert recipients == ["ada@example.org"]  # nothing queued for the unknown address


def test_email_address_is_checked(client):
    response = ask_for_link(client, "not-an-email")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert page.count("Enter an email address in the correct format") == 2


def test_reset_sets_the_password_ends_sessions_and_is_audited(app, client, make_user, sign_in):
    user = make_user(Role.OFFICER, email="officer@example.org")
    other = app.test_client()
    token = csrf_token_from(other)
    other.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                 "csrf_token": token})
    assert other.get("/dashboard").status_code == 200
    ask_for_link(client, user.email)
    link = reset_link(user.email)
    assert link.startswith(app.config["PUBLIC_BASE_URL"].rstrip("/"))
    path = path_of(link)
    assert client.get(path).status_code == 200
    response = set_password(client, path, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "Your password has been changed" in client.get("/sign-in").get_data(as_text=True)
    assert other.get("/dashboard").status_code == 302  # every session ended
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_reset"))
    assert event is not None and event.actor_id == user.id and event.object_id == user.id
    sign_in(user, NEW_PASSWORD)


def test_link_works_only_once(client, make_user):
    user = make_user(Role.RESIDENT, email="ada@example.org")
    ask_for_link(client, user.email)
    path = path_of(reset_link(user.email))
    assert set_password(client, path, NEW_PASSWORD).status_code == 302
    again = client.get(path)
    assert again.status_code == 404
    page = again.get_data(as_text=True)
    assert "This link does not work" in page and 'href="/forgot-password"' in page
    token = csrf_token_from(client)
    response = client.post(path, data={"password": "another quite long passphrase",
                                       "csrf_token": token})
    assert response.status_code == 404


def test_a_new_password_stops_older_links(client, make_user):
    user = make_user(Role.RESIDENT, email="ada@example.org")
    ask_for_link(client, user.email)
    first = path_of(reset_link(user.email))
    user.set_password("a completely different phrase")
    db.session.commit()
    assert client.get(first).status_code == 404


def test_link_expires_after_an_hour(client, make_user):
    user = make_user(Role.RESIDENT, email="ada@example.org")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("itsdangerous.timed.time.time", lambda: 1_000_000_000)
        ask_for_link(client, user.email)
        path = path_of(reset_link(user.email))
        patch.setattr("itsdangerous.timed.time.time", lambda: 1_000_000_000 + 3599)
        assert client.get(path).status_code == 200
        patch.setattr("itsdangerous.timed.time.time", lambda: 1_000_000_000 + 3601)
        expired = client.get(path)
    assert expired.status_code == 410
    page = expired.get_data(as_text=True)
    assert "This link has expired" in page and 'href="/forgot-password"' in page


def test_tampered_link_is_refused(client, make_user):
    user = make_user(Role.RESIDENT, email="ada@example.org")
    ask_for_link(client, user.email)
    path = path_of(reset_link(user.email))
    assert client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")).status_code \
        == 404
    assert client.get("/reset-password/nonsense").status_code == 404


def test_new_password_follows_the_one_rule(client, make_user):
    user = make_user(Role.RESIDENT, email="ada@example.org")
    ask_for_link(client, user.email)
    path = path_of(reset_link(user.email))
    response = set_password(client, path, "short")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert page.count("Your password must be at least 12 characters") == 2
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    assert set_password(client, path, NEW_PASSWORD).status_code == 302  # link still usable


def test_deactivated_account_gets_no_link(client, make_user):
    user = make_user(Role.OFFICER, email="gone@example.org", is_active_account=False)
    assert SAME_ANSWER in ask_for_link(client, user.email).get_data(as_text=True)
    assert db.session.scalars(select(Message)).all() == []


def test_requests_per_address_are_limited_with_the_same_answer(client, make_user):
    make_user(Role.RESIDENT, email="ada@example.org")
    for _ in range(5):
        assert SAME_ANSWER in ask_for_link(client, "ada@example.org").get_data(as_text=True)
    assert len(db.session.scalars(select(Message)).all()) == 3
