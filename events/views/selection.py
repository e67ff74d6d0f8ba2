"""Selection, confirmation (with the calendar file) and replacements."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("event_selection", __name__)


# Placeholders so that every part of the flow can link to this one (replaced by the pages).
@bp.get("/events/<int:event_id>/selection")
def selection(event_id: int):
    abort(404)


@bp.get("/events/<int:event_id>/registrations/<int:registration_id>/replace")
def replace(event_id: int, registration_id: int):
    abort(404)


@bp.get("/events/r/<token>/confirm")
def confirm(token: str):
    abort(404)


@bp.get("/events/r/<token>/calendar.ics")
def calendar(token: str):
    abort(404)
