"""Configuration, read from the environment. ``Config`` for running, ``TestConfig`` for tests."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url() -> str:
    """DATABASE_URL (``postgres://`` accepted); a SQLite file under instance/ if unset."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'civic_panel.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Branding shown in the header, footer and emails.
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Burnley Borough Council")
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Civic Panel")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Consents record the privacy notice version the resident saw; change it with the notice.
    PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "2026-11")
    # An emailed verification link works this long; unverified sign-ups are then removed.
    VERIFY_EMAIL_MAX_AGE = 60 * 60 * 24 * 7

    # Cookies: HttpOnly and SameSite always; Secure unless explicitly serving plain HTTP.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    # A session ends after this long however active (seconds; a working day), and sooner when
    # unused: staff after 30 minutes, residents after 2 hours (idle timeouts, in seconds).
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("PERMANENT_SESSION_LIFETIME", 60 * 60 * 8))
    IDLE_TIMEOUT_STAFF = int(os.environ.get("IDLE_TIMEOUT_STAFF", 30 * 60))
    IDLE_TIMEOUT_RESIDENT = int(os.environ.get("IDLE_TIMEOUT_RESIDENT", 2 * 60 * 60))

    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    # Rate limits: memory by default, Redis when RATELIMIT_STORAGE_URI is set.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins only (a success never counts), in growing windows. Per account and
    # address; per address; and per account from all addresses together, a ceiling far above
    # what one address can reach, so a guesser cannot lock the owner out (panel/sign_in_throttle).
    SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS = os.environ.get(
        "SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "5 per minute; 20 per hour; 50 per day")
    SIGN_IN_FAILURES_PER_ADDRESS = os.environ.get(
        "SIGN_IN_FAILURES_PER_ADDRESS", "20 per minute; 100 per hour; 300 per day")
    SIGN_IN_FAILURES_PER_ACCOUNT = os.environ.get(
        "SIGN_IN_FAILURES_PER_ACCOUNT", "500 per hour; 2000 per day")
    PROXIES = int(os.environ.get("PROXIES", "0") or 0)  # reverse proxies in front (see README)
    # Starting an anonymous response to a public survey, per address (a library's shared
    # computers start many, a script thousands).
    PUBLIC_SURVEY_RATE_LIMIT = os.environ.get("PUBLIC_SURVEY_RATE_LIMIT", "60 per hour")

    # Outbox. Without SMTP_HOST the sender logs messages instead of delivering them.
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
    SMTP_SSL = _bool("SMTP_SSL", False)
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "10"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "Civic Panel <panel@burnley.example>")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    # Deliver the outbox after each request that queued mail (the dev server's sender);
    # production runs `flask mail send-pending` from a scheduler instead.
    MAIL_SEND_AFTER_REQUEST = _bool("MAIL_SEND_AFTER_REQUEST", False)
    # Likewise for queued jobs (imports); production runs `flask jobs run --watch`.
    JOBS_RUN_AFTER_REQUEST = _bool("JOBS_RUN_AFTER_REQUEST", False)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    MAIL_SEND_AFTER_REQUEST = _bool("MAIL_SEND_AFTER_REQUEST", True)
    JOBS_RUN_AFTER_REQUEST = _bool("JOBS_RUN_AFTER_REQUEST", True)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    RATELIMIT_STORAGE_URI = "memory://"
    SMTP_HOST = ""
    MAIL_SEND_AFTER_REQUEST = False
