"""Attendance, access needs, payments and what happens after the event (thin: load, check,
call one service, render). Everyone here manages the event: officers, or its organisers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.errors import DomainError
from core.htmx import is_fragment_request, render_page
from core.models import Role, utcnow
from events import after as after_
from events import attendance as attendance_
from events import needs as needs_
from events import payments as payments_
from events.attendance_forms import NeedForm, PaidForm, ThemeForm
from events.models import (
    AccessNeed,
    Attendance,
    Event,
    EventSession,
    EventStatus,
    EventTheme,
    NeedStatus,
    Payment,
    Registration,
)
from events.views._load import event_or_404, in_event, permitted

bp = Blueprint("event_attendance", __name__)
STAFF = (Role.OFFICER, Role.ORGANISER)


# --- attendance --------------------------------------------------------------------------------

@bp.get("/events/<int:event_id>/attendance")
@role_required(*STAFF)
def attendance(event_id: int) -> Any:
    event = event_or_404(event_id)
    now = utcnow()
    releasable = [r for r in attendance_.no_shows(event) if attendance_.may_release(r, now)]
    return render_template("events/attendance/index.html", event=event,
                           summaries=attendance_.summaries(event), releasable=releasable)


def _session_page(event: Event, session: EventSession, status: int = 200) -> Any:
    search = request.args.get("q", "")[:100]
    places = attendance_.session_places(session, search)
    return render_page("events/attendance/session.html", "people", event=event,
                       session=session, places=places, search=search,
                       Attendance=Attendance), status


@bp.get("/events/<int:event_id>/sessions/<int:session_id>/attendance")
@role_required(*STAFF)
def session_attendance(event_id: int, session_id: int) -> Any:
    event = event_or_404(event_id)
    return _session_page(event, in_event(EventSession, session_id, event))


@bp.post("/events/<int:event_id>/sessions/<int:session_id>/attendance/<int:registration_id>")
@role_required(*STAFF)
def mark(event_id: int, session_id: int, registration_id: int) -> Any:
    event = event_or_404(event_id)
    session = in_event(EventSession, session_id, event)
    place = attendance_.place_of(session, registration_id) or abort(404)
    permitted(place.registration)
    try:
        attendance = Attendance(request.form.get("attendance", ""))
    except ValueError:
        abort(400)
    try:
        attendance_.mark(current_user, place, attendance)
    except DomainError as error:
        if is_fragment_request():
            return render_template("events/attendance/_row.html", event=event, session=session,
                                   place=place, error=str(error), Attendance=Attendance), 422
        flash(str(error))
        return redirect(url_for(".session_attendance", event_id=event.id, session_id=session.id))
    if is_fragment_request():
        return render_template("events/attendance/_row.html", event=event, session=session,
                               place=place, error="", Attendance=Attendance)
    flash(f"{place.registration.display_name}: {attendance.label.lower()}.", "success")
    return redirect(url_for(".session_attendance", event_id=event.id, session_id=session.id,
                            q=request.form.get("q") or None))


@bp.get("/events/<int:event_id>/sessions/<int:session_id>/sheet")
@role_required(*STAFF)
def sheet(event_id: int, session_id: int) -> Any:
    event = event_or_404(event_id)
    session = in_event(EventSession, session_id, event)
    return render_template("events/attendance/sheet.html", event=event, session=session,
                           rows=attendance_.sheet(current_user, session))


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/release")
@role_required(*STAFF)
def release(event_id: int, registration_id: int) -> Any:
    event = event_or_404(event_id)
    registration = in_event(Registration, registration_id, event)
    try:
        attendance_.release(current_user, registration)
    except DomainError as error:
        flash(str(error))
        return redirect(url_for(".attendance", event_id=event.id))
    flash(f"{registration.display_name} was released: their place is free for a "
          "replacement.", "success")
    return redirect(url_for("event_selection.replace", event_id=event.id,
                            registration_id=registration.id))


# --- access needs ------------------------------------------------------------------------------

@bp.get("/events/<int:event_id>/access-needs")
@role_required(*STAFF)
def needs(event_id: int) -> Any:
    event = event_or_404(event_id)
    found = needs_.needs_of(event)
    return render_template("events/attendance/needs.html", event=event,
                           counts=needs_.counts(found), statuses=list(NeedStatus),
                           checklists=needs_.venue_checklists(event, found))


@bp.get("/events/<int:event_id>/access-needs/people")
@role_required(*STAFF)
def needs_people(event_id: int) -> Any:
    event = event_or_404(event_id)
    found = needs_.needs_of(event)
    needs_.record_people_viewed(current_user, event, found)
    return render_template("events/attendance/needs_people.html", event=event, needs=found)


def _need_page(event: Event, need: AccessNeed, form: NeedForm, status: int = 200) -> Any:
    return render_template("events/attendance/need.html", event=event, need=need,
                           form=form), status


@bp.route("/events/<int:event_id>/access-needs/<int:need_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_need(event_id: int, need_id: int) -> Any:
    event = event_or_404(event_id)
    need = in_event(AccessNeed, need_id, event)
    form = NeedForm()
    if request.method == "GET":
        form.status.data = need.status.value
        form.cost.data = payments_.pounds(need.cost_pence) if need.cost_pence else None
        return _need_page(event, need, form)
    if not form.validate_on_submit():
        return _need_page(event, need, form, 422)
    needs_.update_need(current_user, need, NeedStatus(form.status.data), form.cost_pence)
    flash(f"{need.kind.label} for {need.registration.display_name} saved.", "success")
    return redirect(url_for(".needs_people", event_id=event.id))


# --- payments ----------------------------------------------------------------------------------

@bp.get("/events/<int:event_id>/payments")
@role_required(*STAFF)
def payments(event_id: int) -> Any:
    event = event_or_404(event_id)
    ledger = payments_.ledger(event)
    payments_.record_ledger_viewed(current_user, event, ledger)
    return render_template("events/attendance/payments.html", event=event, ledger=ledger)


@bp.get("/events/<int:event_id>/payments.csv")
@role_required(*STAFF)
def payments_csv(event_id: int) -> Any:
    event = event_or_404(event_id)
    return Response(payments_.spreadsheet(current_user, event), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="event-{event.id}-payments.csv"'})


def _paid_page(event: Event, payment: Payment, form: PaidForm, status: int = 200) -> Any:
    return render_template("events/attendance/paid.html", event=event, payment=payment,
                           form=form, reference=payments_.reference(payment.registration)), status


@bp.route("/events/<int:event_id>/payments/<int:payment_id>/paid", methods=["GET", "POST"])
@role_required(*STAFF)
def mark_paid(event_id: int, payment_id: int) -> Any:
    event = event_or_404(event_id)
    payment = in_event(Payment, payment_id, event)
    form = PaidForm()
    if request.method == "GET":
        form.paid_on.data = utcnow().date()
        return _paid_page(event, payment, form)
    if not form.validate_on_submit():
        return _paid_page(event, payment, form, 422)
    try:
        payments_.mark_paid(current_user, payment, form.paid_on.data, form.reference.data or "")
    except DomainError as error:
        form.form_errors.append(str(error))
        return _paid_page(event, payment, form, 422)
    flash(f"Payment to {payment.registration.display_name} marked as paid.", "success")
    return redirect(url_for(".payments", event_id=event.id))


# --- after the event ---------------------------------------------------------------------------

def _after_page(event: Event, form: ThemeForm, status: int = 200) -> Any:
    return render_template("events/attendance/after.html", event=event, form=form,
                           may_mark_held=after_.may_mark_held(event, utcnow()),
                           survey=after_.feedback_survey(event),
                           attendees=len(after_.panel_attendees(event)),
                           held=event.status == EventStatus.HELD), status


@bp.get("/events/<int:event_id>/after")
@role_required(*STAFF)
def after(event_id: int) -> Any:
    return _after_page(event_or_404(event_id), ThemeForm(formdata=None))


@bp.post("/events/<int:event_id>/held")
@role_required(*STAFF)
def mark_held(event_id: int) -> Any:
    event = event_or_404(event_id)
    try:
        after_.mark_held(current_user, event)
        flash("The event is marked as held.", "success")
    except DomainError as error:
        flash(str(error))
    return redirect(url_for(".after", event_id=event.id))


@bp.post("/events/<int:event_id>/feedback-survey")
@role_required(*STAFF)
def send_feedback(event_id: int) -> Any:
    event = event_or_404(event_id)
    try:
        report = after_.send_feedback_survey(current_user, event)
        flash(f"Feedback survey: {report.sent_text}.", "success")
    except DomainError as error:
        flash(str(error))
    return redirect(url_for(".after", event_id=event.id))


@bp.post("/events/<int:event_id>/themes")
@role_required(*STAFF)
def add_theme(event_id: int) -> Any:
    event = event_or_404(event_id)
    form = ThemeForm()
    if not form.validate_on_submit():
        return _after_page(event, form, 422)
    after_.add_theme(current_user, event, form.title.data, form.detail.data or "")
    flash("Theme added.", "success")
    return redirect(url_for(".after", event_id=event.id) + "#themes")


@bp.route("/events/<int:event_id>/themes/<int:theme_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_theme(event_id: int, theme_id: int) -> Any:
    event = event_or_404(event_id)
    theme = in_event(EventTheme, theme_id, event)
    form = ThemeForm(obj=theme) if request.method == "GET" else ThemeForm()
    if request.method == "POST" and form.validate_on_submit():
        after_.update_theme(current_user, theme, form.title.data, form.detail.data or "")
        flash("Theme saved.", "success")
        return redirect(url_for(".after", event_id=event.id) + "#themes")
    return render_template("events/attendance/theme.html", event=event, theme=theme,
                           form=form), 422 if request.method == "POST" else 200


@bp.post("/events/<int:event_id>/themes/<int:theme_id>/move")
@role_required(*STAFF)
def move_theme(event_id: int, theme_id: int) -> Any:
    event = event_or_404(event_id)
    theme = in_event(EventTheme, theme_id, event)
    after_.move_theme(current_user, theme, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for(".after", event_id=event.id) + "#themes")


@bp.post("/events/<int:event_id>/themes/<int:theme_id>/remove")
@role_required(*STAFF)
def remove_theme(event_id: int, theme_id: int) -> Any:
    event = event_or_404(event_id)
    after_.remove_theme(current_user, in_event(EventTheme, theme_id, event))
    flash("Theme removed.", "success")
    return redirect(url_for(".after", event_id=event.id) + "#themes")
