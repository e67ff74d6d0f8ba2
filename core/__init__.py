"""The host: ``create_app`` wires configuration, extensions and the host's own pages, then
registers the features it is given (``core.features.Feature``). It never imports a feature."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from core.config import PROJECT_ROOT, Config, load
from core.features import Feature, register_features

__version__ = "0.1.0"


def create_app(config: type[Config] | Mapping[str, Any] | None = None,
               features: Iterable[Feature] = (), **overrides: Any) -> Flask:
    """The app with the host's pages and the ``features`` given, in that order (``wsgi.py``
    names the product's features; a test may pass fewer)."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    register_config(app, config, overrides)
    register_input_guard(app)
    register_extensions(app)
    register_templates(app)
    register_features(app, (host_feature(), *features))
    register_security(app)
    register_errors(app)
    register_cli(app)
    register_mail(app)
    register_jobs(app)
    register_proxies(app)
    return app


def register_proxies(app: Flask) -> None:
    """Behind N reverse proxies (PROXIES=N), take the client's address and scheme from the
    X-Forwarded-For and X-Forwarded-Proto headers the last N of them set, so rate limits are
    per resident, not one bucket for everyone behind the load balancer. Never trust headers a
    client could set: leave 0 without a proxy."""
    hops = int(app.config.get("PROXIES", 0) or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def register_config(app: Flask, config: Any, overrides: Mapping[str, Any]) -> None:
    """The settings, read from the environment now (core.config.load), then ``overrides``."""
    app.config.update(load(config))
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or CIVIC_PANEL_ENV=development for a local demo)."
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)


def register_input_guard(app: Flask) -> None:
    """First, so its checks run before any other (and its URL converter is in place before
    any blueprint's rules are added)."""
    from core import input_guard

    input_guard.init_app(app)


def register_extensions(app: Flask) -> None:
    from core.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    from core.auth import sessions

    sessions.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _enable_sqlite_foreign_keys(app)


def _enable_sqlite_foreign_keys(app: Flask) -> None:
    from sqlalchemy import event

    from core.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from core import templating

    app.jinja_loader = ChoiceLoader([  # type: ignore[assignment]
        app.jinja_loader,  # type: ignore[list-item]
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    WTFormsHelpers(app)
    templating.init_app(app)


def host_feature() -> Feature:
    """The host's own pages, declared the way every feature declares its own."""
    from core import outbox, site
    from core.auth import views as auth
    from core.features import NavItem
    from core.jobs import views as jobs
    from core.models import Role
    from core.permissions import HOST_RULES

    return Feature(name="core", blueprints=(auth.bp, site.bp, outbox.bp, jobs.bp),
                   nav=(NavItem("Outbox", "outbox.list_messages", frozenset({Role.ADMIN}),
                                position=90),),
                   permissions=HOST_RULES)


def register_security(app: Flask) -> None:
    from core import security

    security.init_app(app)


def register_errors(app: Flask) -> None:
    from core import errors

    errors.init_app(app)


def register_cli(app: Flask) -> None:
    from core import cli

    cli.init_app(app)


def register_mail(app: Flask) -> None:
    """Development only: deliver due outbox messages after each response has been sent."""
    if not app.config["MAIL_SEND_AFTER_REQUEST"]:
        return
    from flask import Response, request

    from core import mail

    @app.after_request
    def _send_outbox_later(response: Response) -> Response:
        if request.endpoint == "static":
            return response

        def send() -> None:
            with app.app_context():
                mail.send_pending()

        response.call_on_close(send)
        return response


def register_jobs(app: Flask) -> None:
    """`flask jobs run`; in development, queued jobs also run after each response is sent."""
    from core.jobs import runner

    runner.init_app(app)
