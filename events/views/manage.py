"""Organisers' pages: their events, setting one up (details, sessions, support, recruitment,
quotas, screening questions, organisers), opening recruitment, the event's page with its live
dashboard, changing the number of places, cancelling. Thin: the rules are in
``events.services``; the figures in ``events.dashboard``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from core.auth.sessions import role_required
from core.extensions import db
from core.htmx import add_vary_header, is_fragment_request, render_page
from core.models import Role
from events import services
from events.forms import (
    CancelForm,
    CapacityForm,
    DetailsForm,
    OpenForm,
    OrganisersForm,
    QuestionForm,
    QuotaForm,
    RecruitmentForm,
    RemoveForm,
    SessionForm,
    SupportForm,
)
from events.models import Event, EventSession, EventStatus, ScreeningQuestion, ThankYouKind
from events.services import EventProblem
from events.views._load import event_or_404, in_event
from panel.engagements import Engagement
from panel.models import TargetSet

bp = Blueprint("events", __name__, url_prefix="/events")
STAFF = (Role.OFFICER, Role.ORGANISER)
FORM_PAGE = "events/manage/form.html"
STATUS_TAGS = {"draft": "govuk-tag--grey", "recruiting": "govuk-tag--blue",
               "selecting": "govuk-tag--yellow", "held": "govuk-tag--green",
               "cancelled": "govuk-tag--red"}


def _to_event(event: Event, message: str = "") -> Any:
    if message:
        flash(message, "success")
    return redirect(url_for("events.show_event", event_id=event.id), 303)


def _form_page(form: Any, event: Event | None, title: str, action: str, *, intro: str = "",
               params: dict[str, Any] | None = None, status: int | None = None,
               problem: str = "") -> Any:
    code = status if status is not None else (422 if form.errors or problem else 200)
    return render_page(FORM_PAGE, form=form, event=event, title=title, action=action,
                       intro=intro, params=params or {}, problem=problem), code


def _show_problem(form: Any, error: EventProblem) -> str:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
        return ""
    return str(error)


# --- the list -----------------------------------------------------------------------------

@bp.get("/")
@role_required(*STAFF)
def list_events() -> Any:
    query = select(Event).order_by(Event.created_at.desc(), Event.id.desc())
    if not current_user.has_role(Role.OFFICER):
        query = query.where(Event.organisers.any(id=current_user.id))
    return render_page("events/manage/list.html", events=list(db.session.scalars(query)),
                       officer=current_user.has_role(Role.OFFICER), status_tags=STATUS_TAGS)


# --- details ------------------------------------------------------------------------------

def _engagements() -> list[tuple[int, str]]:
    return [(e.id, e.title) for e in db.session.scalars(
        select(Engagement).order_by(Engagement.created_at.desc(), Engagement.id.desc()))]


DETAILS_PARAMS = {"title": {"classes": "govuk-!-width-full"},
                  "capacity": {"classes": "govuk-input--width-4", "inputmode": "numeric"},
                  "format": {"fieldset": {"legend": {"text": "Format",
                                                     "classes": "govuk-fieldset__legend--s"}}}}


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_event() -> Any:
    form = DetailsForm(engagements=_engagements())
    if form.validate_on_submit():
        event = services.create_event(current_user, **form.values())
        return _to_event(event, "Event created as a draft. Add its sessions next.")
    return _form_page(form, None, "Create an event", url_for("events.new_event"),
                      params=DETAILS_PARAMS)


@bp.route("/<int:event_id>/details", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_details(event_id: int) -> Any:
    event = event_or_404(event_id)
    form = DetailsForm(obj=event, engagements=_engagements(),
                       with_capacity=event.status == EventStatus.DRAFT)
    if request.method == "GET":
        form.engagement.data, form.format.data = str(event.engagement_id), event.format.value
    problem = ""
    if form.validate_on_submit():
        try:
            services.update_details(current_user, event, **form.values())
            return _to_event(event, "Details saved.")
        except EventProblem as error:
            problem = _show_problem(form, error)
    return _form_page(form, event, "Event details", request.path, params=DETAILS_PARAMS,
                      problem=problem)


# --- sessions -----------------------------------------------------------------------------

SESSION_PARAMS = {
    "day": {"fieldset": {"legend": {"text": "Date", "classes": "govuk-fieldset__legend--s"}}},
    "starts": {"classes": "govuk-input--width-5"}, "ends": {"classes": "govuk-input--width-5"},
    "venue": {"classes": "govuk-!-width-two-thirds"}, "address": {"rows": 3},
    "online_url": {"classes": "govuk-!-width-full", "spellcheck": False}}


def _session_page(event: Event, session: EventSession | None) -> Any:
    form = SessionForm(obj=session)
    if request.method == "GET" and session is not None:
        form.fill(session)
    problem = ""
    if form.validate_on_submit():
        try:
            services.save_session(current_user, event, session, **form.values())
            return _to_event(event, "Session saved.")
        except EventProblem as error:
            problem = _show_problem(form, error)
    return _form_page(form, event, "Edit the session" if session else "Add a session",
                      request.path, params=SESSION_PARAMS, problem=problem,
                      intro="Times are in UK time.")


@bp.route("/<int:event_id>/sessions/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_session(event_id: int) -> Any:
    return _session_page(event_or_404(event_id), None)


@bp.route("/<int:event_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_session(event_id: int, session_id: int) -> Any:
    event = event_or_404(event_id)
    return _session_page(event, in_event(EventSession, session_id, event))


@bp.post("/<int:event_id>/sessions/<int:session_id>/remove")
@role_required(*STAFF)
def remove_session(event_id: int, session_id: int) -> Any:
    event = event_or_404(event_id)
    session = in_event(EventSession, session_id, event)
    if not RemoveForm().validate_on_submit():
        abort(400)
    try:
        services.remove_session(current_user, event, session)
    except EventProblem as error:
        flash(str(error), "error")
        return _to_event(event)
    return _to_event(event, "Session removed.")


# --- support and recruitment --------------------------------------------------------------

@bp.route("/<int:event_id>/support", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_support(event_id: int) -> Any:
    event = event_or_404(event_id)
    form = SupportForm(obj=event)
    if request.method == "GET":
        form.thank_you_kind.data = event.thank_you_kind.value
        form.thank_you_amount.data = (f"{event.thank_you_pence / 100:.2f}"
                                      if event.thank_you_kind != ThankYouKind.NONE else "")
    problem = ""
    if form.validate_on_submit():
        try:
            services.save_support(current_user, event, **form.values())
            return _to_event(event, "Support saved.")
        except EventProblem as error:
            problem = _show_problem(form, error)
    return _form_page(form, event, "Support offered", request.path, problem=problem,
                      intro="What the council provides so that anyone can take part. People "
                            "tell you their own needs when they register.",
                      params={"thank_you_amount": {"classes": "govuk-input--width-5",
                                                   "prefix": {"text": "£"}}})


@bp.route("/<int:event_id>/recruitment", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_recruitment(event_id: int) -> Any:
    event = event_or_404(event_id)
    form = RecruitmentForm(obj=event)
    if request.method == "GET":
        form.fill(event)
    problem = ""
    if form.validate_on_submit():
        try:
            services.save_recruitment(current_user, event, **form.values())
            return _to_event(event, "Recruitment settings saved.")
        except EventProblem as error:
            problem = _show_problem(form, error)
    short = {"classes": "govuk-input--width-4", "inputmode": "numeric"}
    legend = {"classes": "govuk-fieldset__legend--s"}
    return _form_page(form, event, "Recruitment", request.path, problem=problem, params={
        "expected_response_rate": {**short, "suffix": {"text": "%"}},
        "closes_on": {"fieldset": {"legend": {"text": form.closes_on.label.text, **legend}}},
        "confirm_on": {"fieldset": {"legend": {"text": form.confirm_on.label.text, **legend}}},
        "closes_at": {"classes": "govuk-input--width-5"},
        "confirm_at": {"classes": "govuk-input--width-5"},
        "first_reminder": short, "second_reminder": short})


# --- quotas, questions, organisers ----------------------------------------------------------

@bp.route("/<int:event_id>/quotas", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_quotas(event_id: int) -> Any:
    event = event_or_404(event_id)
    form = QuotaForm(
        designs=[(d.id, d.name) for d in services.approved_designs()],
        target_sets=[(t.id, t.name) for t in db.session.scalars(
            select(TargetSet).order_by(TargetSet.name))],
        dimensions=services.quota_dimensions(current_user))
    if request.method == "GET":
        form.design.data = str(event.design_id or "")
        form.target_set.data = str(event.target_set_id or "")
        offered = {choice.value for choice in form.dimensions.choices}
        form.dimensions.data = [d for d in event.dimensions or [] if d in offered]
        form.one_per_household.data = event.one_per_household
    problem = ""
    if form.validate_on_submit():
        try:
            services.save_quotas(
                current_user, event, design_id=int(form.design.data) if form.design.data
                else None, target_set_id=int(form.target_set.data) if form.target_set.data
                else None, dimensions=form.dimensions.data or [],
                one_per_household=form.one_per_household.data)
            return _to_event(event, "Quotas saved.")
        except EventProblem as error:
            problem = _show_problem(form, error)
    return _form_page(form, event, "Selection quotas", request.path, problem=problem,
                      intro="Who the room should look like. Choose an approved design, or the "
                            "questions and the target set to match.")


@bp.route("/<int:event_id>/questions/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_question(event_id: int) -> Any:
    return _question_page(event_or_404(event_id), None)


@bp.route("/<int:event_id>/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_question(event_id: int, question_id: int) -> Any:
    event = event_or_404(event_id)
    return _question_page(event, in_event(ScreeningQuestion, question_id, event))


def _question_page(event: Event, question: ScreeningQuestion | None) -> Any:
    form = QuestionForm(obj=question)
    if request.method == "GET" and question is not None:
        form.options.data = "\n".join(question.options)
        form.shares.data = "\n".join(
            f"{100 * (question.quota_shares or {}).get(o, 0):g}" for o in question.options) \
            if question.quota_shares else ""
    problem = ""
    if form.validate_on_submit():
        try:
            services.save_question(current_user, event, question, text=form.text.data,
                                   options=form.answer_options(),
                                   quota_shares=form.quota_shares())
            return _to_event(event, "Question saved.")
        except EventProblem as error:
            problem = _show_problem(form, error)
    return _form_page(form, event, "Edit the screening question" if question else
                      "Add a screening question", request.path, problem=problem,
                      params={"text": {"classes": "govuk-!-width-full"},
                              "options": {"rows": 5}, "shares": {"rows": 5}},
                      intro="An extra question people answer when they register, for "
                            "example their attitude to the topic. It can be a quota.")


@bp.post("/<int:event_id>/questions/<int:question_id>/remove")
@role_required(*STAFF)
def remove_question(event_id: int, question_id: int) -> Any:
    event = event_or_404(event_id)
    question = in_event(ScreeningQuestion, question_id, event)
    if not RemoveForm().validate_on_submit():
        abort(400)
    try:
        services.remove_question(current_user, event, question)
    except EventProblem as error:
        flash(str(error), "error")
        return _to_event(event)
    return _to_event(event, "Question removed.")


@bp.route("/<int:event_id>/organisers", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_organisers(event_id: int) -> Any:
    event = event_or_404(event_id)
    form = OrganisersForm(people=[(u.id, u.email) for u in services.organiser_choices()])
    if request.method == "GET":
        form.organisers.data = [str(u.id) for u in event.organisers]
    if form.validate_on_submit():
        services.set_organisers(current_user, event, [int(i) for i in form.organisers.data])
        return _to_event(event, "Organisers saved.")
    return _form_page(form, event, "Organisers", request.path)


# --- opening, capacity, cancelling ----------------------------------------------------------

@bp.post("/<int:event_id>/open")
@role_required(*STAFF)
def open_recruitment(event_id: int) -> Any:
    event = event_or_404(event_id)
    if not OpenForm().validate_on_submit():
        abort(400)
    try:
        services.open_recruitment(current_user, event)
    except EventProblem as error:
        return _show_page(event, problem=str(error), status=422)
    return _to_event(event, f"Recruitment is open. The public registration code is "
                            f"{event.public_code}.")


@bp.route("/<int:event_id>/capacity", methods=["GET", "POST"])
@role_required(*STAFF)
def change_capacity(event_id: int) -> Any:
    event = event_or_404(event_id)
    confirmed = services.confirmed_registrations(current_user, event) \
        if event.places_taken else []
    form = CapacityForm(confirmed=[(r.id, r.display_name or f"Registration {r.id}")
                                   for r in confirmed])
    if request.method == "GET":
        form.capacity.data = event.capacity
    if not confirmed:
        del form.move
    problem = ""
    if form.validate_on_submit():
        try:
            change = services.change_capacity(
                current_user, event, form.capacity.data,
                [int(i) for i in (form.move.data or [])] if "move" in form._fields else [])
            return _to_event(event, f"The event now has {change.capacity} places" + (
                f"; {change.moved} moved to the reserve list and emailed." if change.moved
                else "."))
        except EventProblem as error:
            problem = _show_problem(form, error)
    return _form_page(
        form, event, "Change the number of places", request.path, problem=problem,
        params={"capacity": {"classes": "govuk-input--width-4", "inputmode": "numeric"}},
        intro=f"{event.places_taken} of {event.capacity} places are taken. To have fewer "
              "places than are taken, tick who moves to the reserve list: exactly as many as "
              "there are too many. They are emailed.")


@bp.route("/<int:event_id>/cancel", methods=["GET", "POST"])
@role_required(*STAFF)
def cancel_event(event_id: int) -> Any:
    event = event_or_404(event_id)
    if event.status == EventStatus.CANCELLED:
        return _to_event(event)
    form = CancelForm()
    problem = ""
    if form.validate_on_submit():
        try:
            emailed = services.cancel_event(current_user, event, form.reason.data)
            return _to_event(event, f"Event cancelled. {emailed} "
                                    f"{'person was' if emailed == 1 else 'people were'} "
                                    "emailed.")
        except EventProblem as error:
            problem = _show_problem(form, error)
    affected = services.affected_count(event)
    return _form_page(form, event, "Cancel the event", request.path, problem=problem,
                      params={"reason": {"rows": 4}},
                      intro=f"This cannot be undone. {affected} "
                            f"{'person' if affected == 1 else 'people'} invited, interested, "
                            "selected, confirmed or on the reserve list will be emailed.")


# --- the event's page ---------------------------------------------------------------------

def _show_page(event: Event, problem: str = "", status: int = 200) -> Any:
    figures = services.dashboard(current_user, event, audit=not is_fragment_request())
    response = render_page(
        "events/manage/show.html", "dashboard", event=event, figures=figures,
        missing=services.missing_to_open(event), problem=problem, open_form=OpenForm(),
        remove_form=RemoveForm(), editable=event.status in services.EDITABLE,
        status_tags=STATUS_TAGS, live=event.status in (EventStatus.RECRUITING,
                                                        EventStatus.SELECTING),
        is_officer=current_user.has_role(Role.OFFICER),
        quotas=services.quota_summary(current_user, event))
    return response, status


@bp.get("/<int:event_id>")
@role_required(*STAFF)
def show_event(event_id: int) -> Any:
    event = event_or_404(event_id)
    body, status = _show_page(event)
    return add_vary_header(make_response(body, status))
