"""Selection, confirmation (with the calendar file) and replacements. Thin: load, check, call
one service (``events.selecting``, ``events.confirming``, ``events.replacing``), render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.htmx import render_page
from core.models import Role
from events import confirming, replacing, selecting
from events.capacity import EventFull
from events.models import Event, Registration
from events.views._load import event_or_404, in_event

bp = Blueprint("event_selection", __name__)
STAFF = (Role.OFFICER, Role.ORGANISER)




def _page(event: Event, status: int = 200, **extra: Any) -> Any:
    page = selecting.page_for(current_user, event)
    selecting.record_view(current_user, event)
    return render_page("events/selection/show.html", block=extra.pop("block", None),
                       event=event, page=page, **extra), status


@bp.get("/events/<int:event_id>/selection")
@role_required(*STAFF)
def selection(event_id: int) -> Any:
    return _page(event_or_404(event_id))


@bp.post("/events/<int:event_id>/selection")
@role_required(*STAFF)
def select_room(event_id: int) -> Any:
    event = event_or_404(event_id)
    try:
        record = selecting.select_room(current_user, event)
    except selecting.QuotasNotMet:
        return redirect(url_for("event_selection.selection", event_id=event.id) + "#unmet", 303)
    except selecting.SelectionError as error:
        return _page(event, 409, problem=str(error))
    flash(f"{len(record['selected'])} people are selected and asked to confirm by email; "
          f"{len(record['reserves'])} are on the reserve list.", "success")
    return redirect(url_for("event_selection.selection", event_id=event.id), 303)


@bp.post("/events/<int:event_id>/selection/reproduce")
@role_required(*STAFF)
def reproduce(event_id: int) -> Any:
    event = event_or_404(event_id)
    try:
        differences = selecting.check_reproduces(current_user, event)
    except selecting.SelectionError as error:
        return _page(event, 409, problem=str(error))
    return _page(event, reproduction={"same": not differences, "differences": differences},
                 block="reproduction")




@bp.get("/events/<int:event_id>/registrations/<int:registration_id>/replace")
@role_required(*STAFF)
def replace(event_id: int, registration_id: int) -> Any:
    event = event_or_404(event_id)
    leaving = in_event(Registration, registration_id, event)
    try:
        proposal, problem = replacing.propose(current_user, event, leaving), None
    except replacing.ReplaceError as error:
        proposal, problem = None, str(error)
    replacing.record_view(current_user, event, leaving)
    return render_page("events/selection/replace.html", event=event, leaving=leaving,
                       who=selecting.person(leaving), proposal=proposal, problem=problem,
                       person=selecting.person)


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/replace")
@role_required(*STAFF)
def replace_registration(event_id: int, registration_id: int) -> Any:
    event = event_or_404(event_id)
    leaving = in_event(Registration, registration_id, event)
    chosen = request.form.get("replacement_id", "")
    try:
        replacement = replacing.replace(current_user, event, leaving,
                                        int(chosen) if chosen.isdigit() else -1)
    except (replacing.ReplaceError, EventFull) as error:
        flash(str(error), "error")
        return redirect(url_for("event_selection.replace", event_id=event.id,
                                registration_id=leaving.id), 303)
    flash(f"{replacement.display_name or 'The reserve'} is offered the place and asked to "
          "confirm by email. Every quota is still met.", "success")
    return redirect(url_for("event_selection.selection", event_id=event.id) + "#selected", 303)


# --- the selected person's link (no sign-in: the token is the secret) -------------------------

def _registration(token: str) -> Registration:
    registration = confirming.registration_for(token)
    if registration is None:
        abort(404)
    return registration


@bp.route("/events/r/<token>/confirm", methods=["GET", "POST"])
def confirm(token: str) -> Any:
    registration = _registration(token)
    problem, status = None, 200
    if request.method == "POST":
        choice = request.form.get("choice", "")
        if choice not in {c.value for c in confirming.Choice}:
            problem, status = "Choose whether you can take the place.", 422
        else:
            try:
                confirming.answer(registration, confirming.Choice(choice))
                return redirect(url_for("event_selection.confirm", token=token), 303)
            except (confirming.ConfirmRefused, EventFull) as error:
                problem, status = str(error), 409
    shown = confirming.standing(registration)
    return render_template("events/selection/confirm.html", registration=registration,
                           event=registration.event, shown=shown, problem=problem,
                           has_calendar=registration.status in confirming.WITH_CALENDAR
                           ), status


@bp.get("/events/r/<token>/calendar.ics")
def calendar(token: str) -> Any:
    registration = _registration(token)
    body = confirming.calendar_for(registration)
    if body is None:
        abort(404)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="event-{registration.event_id}.ics"',
        "Cache-Control": "private, no-store"})
