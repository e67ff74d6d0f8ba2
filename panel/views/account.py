"""Residents: joining the panel, verifying their email, and managing their own account.

Every account page acts on the signed-in resident's own record only (no ids in URLs).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user

from core.auth.sessions import role_required
from core.errors import DomainError
from core.features import page_sections, registry
from core.htmx import is_fragment_request, render_page
from core.models import Role
from core.permissions import can_manage, can_view, require
from panel import data_export, joining, membership, profiles
from panel.account_forms import AddressForm, EmailForm, NameForm
from panel.forms import (
    ConfirmForm,
    ContactPreferencesForm,
    JoinForm,
    PauseForm,
    SpecialConsentForm,
    profile_form,
)
from panel.joining import JoinDetails
from panel.membership import FieldError
from panel.models import ConsentKind, Resident

bp = Blueprint("account", __name__)


def _resident() -> Resident:
    resident = current_user.resident
    if resident is None:  # a staff account has no panel membership
        abort(404)
    require(can_manage(current_user, resident))
    return resident


def _version() -> str:
    return current_app.config["PRIVACY_NOTICE_VERSION"]


def _ward_choices() -> list:
    from wtforms.fields.choices import SelectChoice

    wards = joining.wards_to_choose()
    return [SelectChoice("", "Choose your ward"), *(SelectChoice(w.key, w.label) for w in wards)]


# --- joining -------------------------------------------------------------------------------

@bp.route("/join", methods=["GET", "POST"])
def join() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("account.overview"))
    form = JoinForm()
    form.ward.choices = _ward_choices()
    if form.validate_on_submit():
        details = JoinDetails(
            email=form.email.data, password=form.password.data,
            first_name=form.first_name.data, last_name=form.last_name.data,
            address_line=form.address_line.data, postcode=form.postcode.data,
            ward_key=form.ward.data or None,
            year_of_birth=int(form.year_of_birth.data) if form.year_of_birth.data else None,
            special_category_consent=form.special_category_consent.data,
            interested_in_events=form.interested_in_events.data)
        try:
            # None when the address has an account: its owner is emailed, and this answer is
            # the same as for a new joiner (never say which addresses have accounts).
            joining.register_resident(details, privacy_notice_version=_version())
        except FieldError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            return redirect(url_for("account.check_email"))
    return render_template("account/join.html", form=form), 422 if form.errors else 200


@bp.get("/join/check-your-email")
def check_email() -> str:
    return render_template("account/check_email.html")


@bp.post("/join/resend")
@role_required(Role.RESIDENT)
def resend_email() -> Any:
    joining.resend_verification(current_user)
    flash("We have sent you a new link. It works for 7 days.", "success")
    return redirect(url_for("account.check_email"))


@bp.get("/verify-email/<token>")
def verify_email(token: str) -> Any:
    try:
        user = joining.verify_email(token, current_app.config["VERIFY_EMAIL_MAX_AGE"])
    except DomainError as error:
        return render_template("account/link_problem.html", message=str(error)), 400
    flash("Your email address is confirmed. Welcome to the panel.", "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("account.edit_profile"))
    return redirect(url_for("auth.sign_in", next=url_for("account.edit_profile")))


# --- my panel account ----------------------------------------------------------------------

@bp.get("/account")
@role_required(Role.RESIDENT)
def overview() -> str:
    resident = _resident()
    return render_template(
        "account/overview.html", resident=resident,
        questions=profiles.profile_questions(resident),
        derived=profiles.derived_answers(resident),
        special_consent=resident.has_consent(ConsentKind.SPECIAL_CATEGORY),
        sections=page_sections(registry().account_sections, resident))


@bp.route("/account/profile", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def edit_profile() -> Any:
    resident = _resident()
    questions = profiles.profile_questions(resident)
    consent = resident.has_consent(ConsentKind.SPECIAL_CATEGORY)
    shown = [q for q in questions if consent or not q.dimension.special_category]
    form = profile_form(shown)
    if request.method == "GET":
        _fill(form, shown, resident)
    elif form.validate_on_submit():
        for question in shown:
            _save(resident, question, form)
        flash("Your answers have been saved.", "success")
        return redirect(url_for("account.overview"))
    return render_template("account/profile.html", form=form, questions=shown,
                           hidden=[q for q in questions if q not in shown],
                           consent=consent), 422 if form.errors else 200


@bp.route("/account/profile/<key>", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def edit_answer(key: str) -> Any:
    """One question: a page of its own, or (htmx) edited in place on the account page."""
    resident = _resident()
    question = next((q for q in profiles.profile_questions(resident) if q.key == key), None)
    if question is None or not profiles.may_store(resident, question.dimension):
        abort(404)
    require(can_view(current_user, question.dimension))
    form = profile_form([question])
    if request.method == "GET":
        _fill(form, [question], resident)
    elif form.validate_on_submit():
        _save(resident, question, form)
        if is_fragment_request():
            updated = next(q for q in profiles.profile_questions(resident) if q.key == key)
            row = render_page("account/overview.html", block="profile_row", question=updated,
                              resident=resident, special_consent=True)
            return row, {"HX-Retarget": f"#profile-{key}", "HX-Reswap": "outerHTML"}
        flash(f"Your answer to '{question.dimension.label}' has been saved.", "success")
        return redirect(url_for("account.overview") + f"#profile-{key}")
    status = 422 if form.errors else 200
    return render_page("account/answer.html", block="answer_form", form=form,
                       question=question), status


def _fill(form: Any, questions: list[profiles.Question], resident: Resident) -> None:
    for question in questions:
        if question.key == "disability":
            if question.answer == "not_disabled":
                form.disability_condition.data = "no"
            elif question.answer == "prefer_not_to_say":
                form.disability_condition.data = "prefer_not_to_say"
            elif question.answer == "disabled":
                form.disability_condition.data = "yes"
        else:
            getattr(form, question.key).data = question.answer


def _save(resident: Resident, question: profiles.Question, form: Any) -> None:
    if question.key == "disability":
        profiles.answer_question(resident, question.dimension, None,
                                 condition=form.disability_condition.data,
                                 reduced=form.disability_reduced.data)
    else:
        profiles.answer_question(resident, question.dimension,
                                 getattr(form, question.key).data or None)


@bp.route("/account/special-category-consent", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def special_consent() -> Any:
    resident = _resident()
    form = SpecialConsentForm()
    if request.method == "GET":
        form.granted.data = "yes" if resident.has_consent(ConsentKind.SPECIAL_CATEGORY) else None
    elif form.validate_on_submit():
        granted = form.granted.data == "yes"
        profiles.set_special_category_consent(resident, granted, _version())
        flash("Thank you: you can now answer every profile question." if granted else
              "Your consent is withdrawn and those answers have been deleted.", "success")
        return redirect(url_for("account.edit_profile" if granted else "account.overview"))
    return render_template("account/special_consent.html", form=form), \
        422 if form.errors else 200


@bp.route("/account/contact", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def edit_contact() -> Any:
    resident = _resident()
    form = ContactPreferencesForm()
    if request.method == "GET":
        prefs = profiles.contact_preferences(resident)
        form.by_email.data, form.by_post.data, form.by_phone.data = (
            prefs.by_email, prefs.by_post, prefs.by_phone)
        form.phone.data, form.interested_in_events.data = prefs.phone, prefs.interested_in_events
    elif form.validate_on_submit():
        profiles.update_contact_preferences(resident, profiles.ContactPreferences(
            form.by_email.data, form.by_post.data, form.by_phone.data, form.phone.data or "",
            form.interested_in_events.data))
        if is_fragment_request():
            rows = render_page("account/overview.html", block="contact_rows", resident=resident)
            return rows, {"HX-Retarget": "#contact-preferences", "HX-Reswap": "outerHTML"}
        flash("Your contact preferences have been saved.", "success")
        return redirect(url_for("account.overview") + "#contact")
    return render_page("account/contact.html", block="contact_form", form=form), \
        422 if form.errors else 200


@bp.route("/account/pause", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def pause() -> Any:
    resident = _resident()
    form = PauseForm()
    if form.validate_on_submit():
        try:
            membership.pause(resident, form.until.data)
        except FieldError as error:
            form.until.errors = [*form.until.errors, str(error)]
        else:
            flash(f"Your membership is paused until {form.until.data:%-d %B %Y}.", "success")
            return redirect(url_for("account.overview"))
    return render_template("account/pause.html", form=form), 422 if form.errors else 200


@bp.post("/account/resume")
@role_required(Role.RESIDENT)
def resume() -> Any:
    resident = _resident()
    if resident.status.value == "invited":   # consent first: only the confirm page activates
        return redirect(url_for("welcome.confirm_from_account"))
    if resident.status.value == "withdrawn":
        membership.rejoin(resident, _version())
    else:
        membership.resume(resident)
    flash("Welcome back: your membership is active again.", "success")
    return redirect(url_for("account.overview"))


@bp.route("/account/withdraw", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def withdraw() -> Any:
    resident = _resident()
    form = ConfirmForm()
    if form.validate_on_submit():
        membership.withdraw(resident, _version())
        flash("You have left the panel. We will not contact you again.", "success")
        return redirect(url_for("account.overview"))
    return render_template("account/withdraw.html", form=form), 422 if form.errors else 200


@bp.get("/account/my-data.<fmt>")
@role_required(Role.RESIDENT)
def download_data(fmt: str) -> Any:
    resident = _resident()
    if fmt == "json":
        response = current_app.json.response(data_export.export_data(resident))
    elif fmt == "csv":
        response = Response(data_export.export_csv(resident), mimetype="text/csv")
    else:
        abort(404)
    response.headers["Content-Disposition"] = f'attachment; filename="my-panel-data.{fmt}"'
    return response


@bp.route("/account/erase", methods=["GET", "POST"])
@login_required
def erase() -> Any:
    resident = _resident()
    form = ConfirmForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        logout_user()
        membership.erase_resident(user, resident)
        session.clear()
        return redirect(url_for("account.erased"))
    return render_template("account/erase.html", form=form), 422 if form.errors else 200


@bp.get("/account/erased")
def erased() -> str:
    return render_template("account/erased.html")


# --- my details: name, email address (confirmed from the new address), address ------------

@bp.route("/account/name", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def change_name() -> Any:
    resident = _resident()
    form = NameForm(obj=resident)
    if form.validate_on_submit():
        joining.change_name(current_user, resident, form.first_name.data, form.last_name.data)
        flash("Your name has been changed.", "success")
        return redirect(url_for("account.overview"))
    return render_template("account/details_form.html", form=form, title="Change your name"
                           ), 422 if form.errors else 200


@bp.route("/account/email", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def change_email() -> Any:
    resident = _resident()
    form = EmailForm()
    if form.validate_on_submit():
        joining.request_email_change(current_user, resident.user, form.email.data)
        flash(f"We have sent a link to {form.email.data}. Your email address changes when you "
              "open it. Until then we keep using your current address.", "success")
        return redirect(url_for("account.overview"))
    return render_template("account/details_form.html", form=form,
                           title="Change your email address"), 422 if form.errors else 200


@bp.get("/account/confirm-email/<token>")
def confirm_new_email(token: str) -> Any:
    try:
        joining.confirm_email_change(token, current_app.config["VERIFY_EMAIL_MAX_AGE"])
    except DomainError as error:
        return render_template("account/link_problem.html", message=str(error)), 400
    flash("Your email address has been changed. Use it to sign in from now on.", "success")
    return redirect(url_for("account.overview"))


@bp.route("/account/address", methods=["GET", "POST"])
@role_required(Role.RESIDENT)
def change_address() -> Any:
    resident = _resident()
    form = AddressForm(obj=resident)
    form.ward.choices = _ward_choices()
    if form.validate_on_submit():
        try:
            joining.change_address(current_user, resident, form.address_line.data,
                                   form.postcode.data, form.ward.data)
        except FieldError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash("Your address has been changed.", "success")
            return redirect(url_for("account.overview"))
    return render_template("account/details_form.html", form=form, title="Change your address"
                           ), 422 if form.errors else 200
