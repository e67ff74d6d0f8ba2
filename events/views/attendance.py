"""Attendance, access needs, payments and what happens after the event."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("event_attendance", __name__)


# Placeholders so that every part of the flow can link to this one (replaced by the pages).
@bp.get("/events/<int:event_id>/attendance")
def attendance(event_id: int):
    abort(404)


@bp.get("/events/<int:event_id>/access-needs")
def needs(event_id: int):
    abort(404)


@bp.get("/events/<int:event_id>/payments")
def payments(event_id: int):
    abort(404)


@bp.get("/events/<int:event_id>/after")
def after(event_id: int):
    abort(404)
