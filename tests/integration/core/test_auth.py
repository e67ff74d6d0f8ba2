"""Sign-in, roles, CSRF, htmx session expiry and redirects (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role
from tests.conftest import PASSWORD, csrf_token_from


def post_sign_in(client, email, password, next_url=None):
    token = csrf_token_from(client)
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def test_officer_signs_in_and_reaches_dashboard(client, make_user):
    officer = make_user(Role.OFFICER, email="Officer@Example.org")
    response = post_sign_in(client, "  officer@example.ORG ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "The panel today" in page
    assert "Engagement officer" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signed_in"))
    assert event is not None and event.actor_id == officer.id


@pytest.mark.parametrize("email,password", [
    ("officer@example.org", "wrong password"),
    ("nobody@example.org", PASSWORD),
])
def test_wrong_credentials_are_refused_with_one_message(client, make_user, email, password):
    make_user(Role.OFFICER, email="officer@example.org")
    response = post_sign_in(client, email, password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page  # error summary
    assert page.count("Enter a correct email address and password") == 2  # summary + field
    assert "<title>Error: Sign in" in page
    assert client.get("/dashboard").status_code == 302  # still signed out


def test_invalid_email_gets_a_plain_english_message(client):
    response = post_sign_in(client, "not-an-email", "x")
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)


def test_empty_form_names_each_missing_field(client):
    response = post_sign_in(client, "", "")
    page = response.get_data(as_text=True)
    assert "Enter your email address" in page and "Enter your password" in page


def test_anonymous_is_sent_to_sign_in_with_next(client):
    response = client.get("/targets?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/targets?x%3D1"


def test_resident_on_officer_page_is_forbidden(login):
    client = login(Role.RESIDENT)
    response = client.get("/targets")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("role,path,expected", [
    (Role.OFFICER, "/targets", 200),
    (Role.ORGANISER, "/targets", 403),
    (Role.ADMIN, "/targets", 200),
    (Role.OFFICER, "/outbox", 403),
    (Role.ADMIN, "/outbox", 200),
])
def test_role_checks(login, role, path, expected):
    assert login(role).get(path).status_code == expected


def test_admin_viewing_the_outbox_is_audited(login):
    client = login(Role.ADMIN)
    client.get("/outbox")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "viewed_outbox"))


def test_htmx_call_with_expired_session_gets_401_and_hx_redirect(client):
    response = client.get("/targets", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/targets?page=2"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/sign-in?next=/targets?page%3D2"


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user(Role.OFFICER, email="officer@example.org")
    response = client.post("/sign-in", data={"email": "officer@example.org",
                                             "password": PASSWORD})
    assert response.status_code == 400
    assert "out of date or incomplete" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_htmx_post_sends_csrf_token_in_header(login):
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/dashboard")
    assert client.post("/sign-out", headers={"HX-Request": "true"}).status_code == 400
    response = client.post("/sign-out", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302  # signed out


@pytest.mark.parametrize("next_url,expected", [
    ("/targets", "/targets"),
    ("https://evil.example/", "/dashboard"),
    ("//evil.example/", "/dashboard"),
    ("/\\evil.example", "/dashboard"),
    ("javascript:alert(1)", "/dashboard"),
])
def test_next_redirect_stays_on_this_site(client, make_user, next_url, expected):
    make_user(Role.OFFICER, email="officer@example.org")
    response = post_sign_in(client, "officer@example.org", PASSWORD, next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_sign_out_ends_the_session(login):
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/dashboard")
    response = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=True)
    assert "You have signed out." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_deactivated_account_cannot_sign_in(client, make_user):
    make_user(Role.OFFICER, email="officer@example.org", is_active_account=False)
    assert post_sign_in(client, "officer@example.org", PASSWORD).status_code == 422


def test_passwords_are_hashed(make_user):
    user = make_user(Role.OFFICER)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
