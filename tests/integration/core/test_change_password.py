"""Changing one's own password (any role): the current password must match, the one rule
applies, sessions elsewhere end and this one carries on (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role
from tests.conftest import PASSWORD, csrf_token_from

NEW_PASSWORD = "violet lantern orbit marmalade"


def change(client, current, new):
    token = csrf_token_from(client, "/change-password")
    return client.post("/change-password", data={"current_password": current, "password": new,
                                                  "csrf_token": token})


def other_session(app, user):
    other = app.test_client()
    token = csrf_token_from(other)
    other.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                 "csrf_token": token})
    assert other.get("/dashboard").status_code == 200
    return other


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get("/change-password")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.OFFICER, Role.ORGANISER, Role.ADMIN])
def test_any_role_changes_password_and_stays_signed_in(app, make_user, sign_in, role):
    user = make_user(role)
    other = other_session(app, user)
    client = sign_in(user)
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/change-password").status_code == 200  # this session carries on
    assert other.get("/dashboard").status_code == 302  # the other one ended
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "password_changed"))
    assert event is not None and event.actor_id == user.id


def test_wrong_current_password_is_shown_next_to_the_field(make_user, sign_in):
    user = make_user(Role.OFFICER)
    client = sign_in(user)
    response = change(client, "not my password at all", NEW_PASSWORD)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert page.count("Your current password is not right") == 2
    assert 'href="#current_password"' in page
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_new_password_follows_the_one_rule(make_user, sign_in):
    user = make_user(Role.RESIDENT)
    client = sign_in(user)
    response = change(client, PASSWORD, "password1234")
    assert response.status_code == 422
    assert "Your password is too easy to guess" in response.get_data(as_text=True)
    response = change(client, "", "")
    page = response.get_data(as_text=True)
    assert "Enter your current password" in page and "Enter a new password" in page
