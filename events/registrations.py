"""Moving a registration along its transitions, with its place at the event held or given back
in the same transaction (the one way every part of ``events`` changes a status)."""

from __future__ import annotations

import secrets
from datetime import datetime

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
    and giving it back when it stops. The caller commits."""
    if not registration.may_move_to(status):
        registration.move_to(status, at)  # raises TransitionRefused with the reason
    held, holds = registration.status.holds_place, status.holds_place
    if holds and not held:
        take_place(registration.event)
    elif held and not holds:
        give_back_place(registration.event)
    registration.move_to(status, at or utcnow())
