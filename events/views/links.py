"""Invitation waves, a registrant's personal link, the public registration link, and residents'
own events in their account."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("event_links", __name__)


# Placeholders so that every part of the flow can link to this one (replaced by the pages).
@bp.get("/events/<int:event_id>/invitations")
def invitations(event_id: int):
    abort(404)


@bp.get("/events/r/<token>")
def respond(token: str):
    abort(404)


@bp.get("/events/register/<code>")
def public_register(code: str):
    abort(404)


@bp.get("/account/events")
def my_events():
    abort(404)
