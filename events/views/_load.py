"""Loading what an events page acts on, in one place: the event (404 when there is none; 403
unless the user may view it, or manage it for anything but a GET) and the records inside it
(404 unless they belong to that event, whatever their id)."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user

from core.extensions import db
from core.permissions import can_manage, can_view, require
from events.models import Event

T = TypeVar("T")


def permitted(obj: T) -> T:
    """``obj`` if the user may view it (GET) or manage it (anything else), else 403."""
    allowed = can_view if request.method in ("GET", "HEAD") else can_manage
    require(allowed(current_user, obj))
    return obj


def event_or_404(event_id: int) -> Event:
    return permitted(db.session.get(Event, event_id) or abort(404))


def in_event(model: type[T], object_id: int, event: Event) -> T:
    """The ``model`` row ``object_id`` of ``event``, already permitted (a session, wave,
    question, theme or registration of it, or a registration's access need or payment)."""
    found: Any = db.session.get(model, object_id)
    owner = getattr(found, "event_id", None)
    if owner is None and found is not None and hasattr(found, "registration"):
        owner = found.registration.event_id
    if found is None or owner != event.id:
        abort(404)
    return found
