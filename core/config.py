"""Configuration. ``Config`` for running, ``DevelopmentConfig`` for a local demo, ``TestConfig``
for tests.

Nothing is read from the environment when this module is imported: a setting taken from it is
declared as ``Env(name, default)`` (or ``EnvInt``, ``EnvFloat``, ``EnvBool``), and
``create_app`` calls ``load()``, which reads the environment then. So an app made after a
variable changes sees the change, and importing the project needs no environment at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
SQLITE_FILE = f"sqlite:///{INSTANCE_DIR / 'civic_panel.sqlite'}"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(url: str) -> str:
    url = url.strip()
    if not url:
        return SQLITE_FILE
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """DATABASE_URL (``postgres://`` accepted); a SQLite file under instance/ if unset."""
    return _database_url((os.environ if environ is None else environ).get("DATABASE_URL", ""))


@dataclass(frozen=True)
class Env:
    """A setting read from the environment variable ``name`` when an app is made; ``default``
    when the variable is unset (or, for a number, empty)."""

    name: str
    default: Any
    parse: Callable[[str], Any] = str

    def read(self, environ: Mapping[str, str]) -> Any:
        value = environ.get(self.name)
        return self.default if value is None else self.parse(value)


def EnvInt(name: str, default: int) -> Env:  # noqa: N802 (reads like the class it makes)
    return Env(name, default, lambda value: int(value) if value.strip() else default)


def EnvFloat(name: str, default: float) -> Env:  # noqa: N802
    return Env(name, default, lambda value: float(value) if value.strip() else default)


def EnvBool(name: str, default: bool) -> Env:  # noqa: N802
    return Env(name, default, _bool)


class Config:
    """Production: every setting, the ``Env`` ones read from the environment when an app is
    made (``from_environment``)."""

    ENV_NAME = "production"
    SECRET_KEY = Env("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = Env("DATABASE_URL", SQLITE_FILE, _database_url)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Branding shown in the header, footer and emails.
    COUNCIL_NAME = Env("COUNCIL_NAME", "Burnley Borough Council")
    SERVICE_NAME = Env("SERVICE_NAME", "Civic Panel")
    PUBLIC_BASE_URL = Env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Consents record the privacy notice version the resident saw; change it with the notice.
    PRIVACY_NOTICE_VERSION = Env("PRIVACY_NOTICE_VERSION", "2026-11")
    # An emailed verification link works this long; unverified sign-ups are then removed.
    VERIFY_EMAIL_MAX_AGE = 60 * 60 * 24 * 7

    # Cookies: HttpOnly and SameSite always; Secure unless explicitly serving plain HTTP.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = EnvBool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # A session ends after this long however active (seconds; a working day), and sooner when
    # unused: staff after 30 minutes, residents after 2 hours (idle timeouts, in seconds).
    PERMANENT_SESSION_LIFETIME = EnvInt("PERMANENT_SESSION_LIFETIME", 60 * 60 * 8)
    IDLE_TIMEOUT_STAFF = EnvInt("IDLE_TIMEOUT_STAFF", 30 * 60)
    IDLE_TIMEOUT_RESIDENT = EnvInt("IDLE_TIMEOUT_RESIDENT", 2 * 60 * 60)

    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    # Rate limits: memory by default, Redis when RATELIMIT_STORAGE_URI is set.
    RATELIMIT_STORAGE_URI = Env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = EnvBool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Failed sign-ins only (a success never counts), in growing windows. Per account and
    # address; per address; and per account from all addresses together, a ceiling far above
    # what one address can reach, so a guesser cannot lock the owner out (core/auth/throttle.py).
    SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS = Env(
        "SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "5 per minute; 20 per hour; 50 per day")
    SIGN_IN_FAILURES_PER_ADDRESS = Env(
        "SIGN_IN_FAILURES_PER_ADDRESS", "20 per minute; 100 per hour; 300 per day")
    SIGN_IN_FAILURES_PER_ACCOUNT = Env(
        "SIGN_IN_FAILURES_PER_ACCOUNT", "500 per hour; 2000 per day")
    PROXIES = EnvInt("PROXIES", 0)  # reverse proxies in front (see README)

    # Outbox. Without SMTP_HOST the sender logs messages instead of delivering them.
    SMTP_HOST = Env("SMTP_HOST", "")
    SMTP_PORT = EnvInt("SMTP_PORT", 25)
    SMTP_USERNAME = Env("SMTP_USERNAME", "")
    SMTP_PASSWORD = Env("SMTP_PASSWORD", "")
    SMTP_STARTTLS = EnvBool("SMTP_STARTTLS", False)
    SMTP_SSL = EnvBool("SMTP_SSL", False)
    SMTP_TIMEOUT = EnvFloat("SMTP_TIMEOUT", 10)
    MAIL_FROM = Env("MAIL_FROM", "Civic Panel <panel@burnley.example>")
    MAIL_MAX_ATTEMPTS = EnvInt("MAIL_MAX_ATTEMPTS", 8)
    # Deliver the outbox after each request that queued mail (the dev server's sender);
    # production runs `flask mail send-pending` from a scheduler instead.
    MAIL_SEND_AFTER_REQUEST = EnvBool("MAIL_SEND_AFTER_REQUEST", False)
    # Likewise for queued jobs (imports); production runs `flask jobs run --watch`.
    JOBS_RUN_AFTER_REQUEST = EnvBool("JOBS_RUN_AFTER_REQUEST", False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Every setting of this class (upper-case names), each ``Env`` one read from
        ``environ`` (the process's environment, by default) now."""
        environ = os.environ if environ is None else environ
        return {name: value.read(environ) if isinstance(value, Env) else value
                for name in dir(cls) if name.isupper()
                for value in (getattr(cls, name),)}


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = Env("SECRET_KEY", "dev-only-not-secret")
    SESSION_COOKIE_SECURE = EnvBool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    MAIL_SEND_AFTER_REQUEST = EnvBool("MAIL_SEND_AFTER_REQUEST", True)
    JOBS_RUN_AFTER_REQUEST = EnvBool("JOBS_RUN_AFTER_REQUEST", True)


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


CONFIGS: dict[str, type[Config]] = {
    "production": Config,
    "development": DevelopmentConfig,
    "test": TestConfig,
}


def load(config: type[Config] | Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings for an app, read from the environment now: those of ``config`` (a class
    here), or, given a mapping or nothing, those of the class CIVIC_PANEL_ENV names
    (production by default) updated with the mapping."""
    environ = os.environ if environ is None else environ
    if config is None or isinstance(config, Mapping):
        chosen = CONFIGS.get(environ.get("CIVIC_PANEL_ENV", "production"), Config)
        return {**chosen.from_environment(environ), **(config or {})}
    return config.from_environment(environ)
