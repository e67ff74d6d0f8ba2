"""The sign-in and sign-out pages."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, session
from flask_login import current_user, logout_user

from core import accounts
from core.auth import (
    reset_views,  # noqa: F401  (the password pages, on the same blueprint)
    throttle,
)
from core.auth.blueprint import bp
from core.auth.sessions import safe_next_url, start_session
from core.errors import render_error
from core.features import page_url
from core.forms import SignInForm


def _throttled(seconds: int) -> Response:
    """429 in plain English, saying when to try again (and the Retry-After header)."""
    detail = ("You have tried to sign in too many times with a wrong email address or "
              f"password. Try again in {throttle.wait_in_words(seconds)}. "
              "If you have forgotten your password, use the 'Forgotten your password?' link "
              "on the sign-in page.")
    body, status = render_error(429, detail)
    return Response(body, status=status, headers={"Retry-After": str(seconds)})


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or page_url("dashboard"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        email = form.email.data or ""
        wait = throttle.seconds_to_wait(email)
        if wait is not None:  # not even checked: guessing while throttled gains nothing
            return _throttled(wait)
        user = accounts.authenticate(email, form.password.data or "")
        if user is not None:
            start_session(user)
            return redirect(next_url or page_url("dashboard"))
        throttle.record_failure(email)
        form.email.errors.append("Enter a correct email address and password")
    if form.errors:
        status = 422
    return render_template("auth/sign_in.html", form=form, next_url=next_url), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(page_url("home"))


