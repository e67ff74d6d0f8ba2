"""Imported members confirm their membership from the welcome email's link (no sign-in: the
link is their proof), and officers send those emails. Thin: the rules are in panel.welcome."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, logout_user

from core.auth.sessions import role_required, start_session
from core.errors import DomainError
from core.forms import ForgotPasswordForm
from core.models import Role
from panel import welcome
from panel.membership import FieldError
from panel.models import ResidentStatus
from panel.welcome_forms import ConfirmMembershipForm, SendWelcomeForm

bp = Blueprint("welcome", __name__)


@bp.app_context_processor
def _confirmations() -> dict[str, Any]:
    """``welcome_confirmations()`` for the imports page's partial (asked only when shown)."""
    return {"welcome_confirmations": welcome.confirmations}


# --- the member ---------------------------------------------------------------------------------

@bp.route("/welcome/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Any:
    try:
        resident = welcome.invited_resident(token)
    except welcome.LinkUsed as used:
        return render_template("account/confirm_link_problem.html", used=True,
                               message=str(used)), 410
    except DomainError as error:
        return render_template("account/confirm_link_problem.html", used=False,
                               message=str(error)), 410
    user = resident.user
    form = ConfirmMembershipForm(user_inputs=(user.email, resident.full_name))
    if form.validate_on_submit():
        try:
            user = welcome.confirm(
                resident, password=form.password.data or "",
                special_category_consent=bool(form.special_category_consent.data),
                interested_in_events=bool(form.interested_in_events.data),
                privacy_notice_version=current_app.config["PRIVACY_NOTICE_VERSION"])
        except FieldError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            if current_user.is_authenticated:
                logout_user()
            start_session(user)
            flash("Thank you: you are a member of the panel. Your email address is confirmed "
                  "and your password is set.", "success")
            return redirect(url_for("account.overview"))
    return (render_template("account/confirm.html", form=form, resident=resident, token=token),
            422 if form.errors else 200)


@bp.route("/welcome/new-link", methods=["GET", "POST"])
def new_link() -> Any:
    form = ForgotPasswordForm()
    form.submit.label.text = "Send me a new link"
    if form.validate_on_submit():
        welcome.send_new_link(form.email.data or "")
        return render_template("account/confirm_link_sent.html", email=form.email.data)
    return render_template("account/confirm_new_link.html", form=form), 422 if form.errors else 200


# --- the officer --------------------------------------------------------------------------------

@bp.route("/panel/import/welcome-emails", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def send() -> Any:
    counts = welcome.confirmations()
    form = SendWelcomeForm()
    form.submit.label.text = (f"Send {counts.invited:,} welcome "
                              f"email{'' if counts.invited == 1 else 's'}")
    if form.validate_on_submit():
        try:
            job = welcome.start_welcome(current_user)
        except DomainError as error:
            flash(str(error), "error")
            return redirect(url_for("imports.upload"))
        return redirect(url_for("jobs.show_job", job_id=job.id), 303)
    return render_template("imports/welcome_send.html", form=form, counts=counts,
                           running=welcome.running_job())


@bp.get("/account/confirm-membership")
@role_required(Role.RESIDENT)
def confirm_from_account() -> Any:
    """An imported member who signed in before confirming (say, after a password reset):
    the confirm page, through a fresh link."""
    resident = current_user.resident
    if resident is None or resident.status != ResidentStatus.INVITED:
        return redirect(url_for("account.overview"))
    return redirect(url_for("welcome.confirm", token=welcome.welcome_token(resident)))
