"""Error pages in the site layout; short plain responses for htmx calls."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from core.extensions import db


class DomainError(Exception):
    """A rule of the domain was broken; the message is plain English for the user."""


TITLES = {
    400: ("Sorry, there is a problem with that request",
          "The request could not be understood. Go back, reload the page and try again."),
    403: ("You do not have permission to see this page",
          "Your account does not give access to this page. If you think it should, "
          "contact your Civic Panel administrator."),
    404: ("Page not found",
          "If you typed the web address, check it is correct. If you pasted the web address, "
          "check you copied the entire address."),
    405: ("Sorry, that action is not allowed here", "Go back and try again."),
    422: ("Sorry, we could not process that",
          "Some of what you sent could not be processed. Go back, check it and try again."),
    429: ("Too many attempts",
          "You have tried too many times in a short time. Wait a few minutes, then try again."),
    500: ("Sorry, there is a problem with the service",
          "Try again later. Nothing you had already saved has been lost."),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    title, body = TITLES.get(code, TITLES[500] if code >= 500 else TITLES[400])
    return render_template("errors/error.html", code=code, title=title, body=detail or body), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return render_error(
            400,
            "Your form could not be sent because it was out of date or incomplete. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Any:
        db.session.rollback()
        return render_error(500)
