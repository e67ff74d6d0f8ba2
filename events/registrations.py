"""Moving a registration along its transitions, with its place at the event held or given back
in the same transaction (the one way every part of ``events`` changes a status)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import update

from core.extensions import db
from core.models import utcnow
from events.capacity import give_back_place, take_place
from events.models import Registration, RegistrationStatus


def new_token() -> str:
    """The secret in a registrant's personal link."""
    return secrets.token_urlsafe(24)


def change_status(registration: Registration, status: RegistrationStatus,
                  at: datetime | None = None) -> None:
    """Move ``registration`` to ``status`` (refused by ``Registration.move_to`` if not allowed),
    taking a place when it starts to hold one (``EventFull`` if none is left: nothing changed)
    and giving it back when it stops. The registration's row is held first and its status read
    afresh, so two requests moving the same person at once go one after the other (the
    second is refused, or finds nothing to do). The caller commits."""
    hold(registration)
    if not registration.may_move_to(status):
        registration.move_to(status, at)  # raises TransitionRefused with the reason
    held, holds = registration.status.holds_place, status.holds_place
    if holds and not held:
        take_place(registration.event)
    elif held and not holds:
        give_back_place(registration.event)
    registration.move_to(status, at or utcnow())


def hold(registration: Registration) -> None:
    """Hold the registration's row until this transaction ends, then read it afresh. A write
    does that on both databases (PostgreSQL: the row lock; SQLite: the database's write lock),
    where ``SELECT ... FOR UPDATE`` would not on SQLite. Pending changes are flushed first."""
    db.session.execute(update(Registration).where(Registration.id == registration.id)
                       .values(status=Registration.status)
                       .execution_options(synchronize_session=False))
    db.session.refresh(registration)
