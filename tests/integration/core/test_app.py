"""The app factory, configuration, security headers and error pages."""

from __future__ import annotations

import pytest
from flask import abort

from core.config import Config, TestConfig, database_url
from wsgi import create_app


def test_factory_uses_the_given_config(app):
    assert app.config["TESTING"] is True
    assert {"panel", "auth", "quota", "surveys", "events", "outcomes"} <= set(app.blueprints)


def test_production_config_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CIVIC_PANEL_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"SECRET_KEY": ""})


def test_production_cookies_are_secure():
    production = Config.from_environment({})
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("given,expected", [
    ("", "sqlite:///"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
])
def test_database_url_from_environment(monkeypatch, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    assert database_url().startswith(expected)


def test_strict_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HX-Request" in response.headers["Vary"]


def test_pages_have_no_inline_script_or_style(client):
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert 'name="htmx-config"' in page and '"includeIndicatorStyles":false' in page.replace(
        "&#34;", '"')


def test_session_cookie_flags(app, make_user, sign_in):
    user = make_user()
    client = sign_in(user)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_not_found_page_uses_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and 'id="main-content"' in page
    assert "Skip to main content" in page


@pytest.mark.parametrize("code,text", [
    (400, "problem with that request"), (403, "permission"), (422, "could not process"),
    (429, "Too many attempts"),
])
def test_error_pages(app, client, code, text):
    app.add_url_rule(f"/boom-{code}", f"boom_{code}", lambda: abort(code))
    response = client.get(f"/boom-{code}")
    assert response.status_code == code and text in response.get_data(as_text=True)


def test_server_error_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    response = client.get("/broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "problem with the service" in page and "boom" not in page


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_test_config_is_isolated():
    assert TestConfig.SQLALCHEMY_DATABASE_URI == "sqlite://"
    assert TestConfig.SMTP_HOST == ""
