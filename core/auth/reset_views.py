"""The password pages: a forgotten password (ask for a link, then set a new password through
it) and changing one's own. Thin: the rules are in core.auth.reset and core.accounts."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from core import accounts
from core.auth import reset
from core.auth.blueprint import bp
from core.auth.sessions import start_session
from core.errors import DomainError
from core.features import page_url
from core.forms import ChangePasswordForm, ForgotPasswordForm, NewPasswordForm


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> Any:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset.request_reset(form.email.data or "")
        return render_template("auth/reset_sent.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    try:
        user = reset.user_for_token(token)
    except reset.ResetLinkExpired:
        return render_template("auth/reset_link_unusable.html", expired=True), 410
    except reset.ResetLinkInvalid:
        return render_template("auth/reset_link_unusable.html", expired=False), 404
    form = NewPasswordForm(user_inputs=(user.email, user.display_name))
    if form.validate_on_submit():
        try:
            reset.reset_password(token, form.password.data or "")
        except DomainError as error:
            form.password.errors = [*form.password.errors, str(error)]
        else:
            if current_user.is_authenticated:
                logout_user()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    status = 422 if form.errors else 200
    return render_template("auth/reset_password.html", form=form, token=token), status


@bp.route("/change-password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    """Any signed-in person: sessions elsewhere end, this browser carries on in a fresh one."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(user_inputs=(user.email, user.display_name))
    if form.validate_on_submit():
        try:
            accounts.change_own_password(user, form.current_password.data or "",
                                         form.password.data or "")
        except accounts.WrongPassword as error:
            form.current_password.errors = [*form.current_password.errors, str(error)]
        except DomainError as error:
            form.password.errors = [*form.password.errors, str(error)]
        else:
            start_session(user)
            flash("Your password has been changed. You have been signed out on every other "
                  "device.", "success")
            return redirect(page_url("dashboard"))
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status
