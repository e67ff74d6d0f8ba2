"""Organisers' pages: their events, setting one up, its dashboard."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("events", __name__, url_prefix="/events")


# Placeholders so that every part of the flow can link to this one (replaced by the pages).
@bp.get("/")
def list_events():
    abort(404)


@bp.get("/<int:event_id>")
def show_event(event_id: int):
    abort(404)
