"""Places at an event, held by the database in the booking's own transaction.

``take_place`` is one conditional UPDATE: ``places_taken + 1`` only while it is below
``capacity``. On PostgreSQL a second booking for the same event waits for the first one's row
lock and then re-checks the condition, so the last place goes to exactly one of them; the CHECK
constraint on ``events`` refuses anything above capacity whatever the code does. The caller
moves the registration in the same transaction and commits once.
"""

from __future__ import annotations

from sqlalchemy import select, update

from core.errors import DomainError
from core.extensions import db
from events.models import PLACE_HOLDERS, Event, Registration


class EventFull(DomainError):
    """Every place is taken."""


def take_place(event: Event) -> None:
    """Hold one place at ``event`` or raise ``EventFull`` (nothing changed)."""
    taken = db.session.execute(
        update(Event).where(Event.id == event.id, Event.places_taken < Event.capacity)
        .values(places_taken=Event.places_taken + 1)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise EventFull("Sorry, every place at this event has now been taken.")
    db.session.refresh(event, ["places_taken"])


def give_back_place(event: Event) -> None:
    """Free one place (someone who held one withdrew, was released or erased their data)."""
    db.session.execute(
        update(Event).where(Event.id == event.id, Event.places_taken > 0)
        .values(places_taken=Event.places_taken - 1)
        .execution_options(synchronize_session=False))
    db.session.refresh(event, ["places_taken"])


def counted_places(event: Event) -> int:
    """The places held, counted from the registrations (to check the counter against)."""
    return len(db.session.scalars(select(Registration.id).where(
        Registration.event_id == event.id,
        Registration.status.in_(list(PLACE_HOLDERS)))).all())
