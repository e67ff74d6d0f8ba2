"""A selected person confirms or declines their place through their personal link (the token is
the secret: no sign-in), and downloads the calendar file.

Double clicks are harmless: confirming a confirmed place, or declining a declined one, changes
nothing. The deadline is ``Event.confirm_by``, or 48 hours after the chase for someone chased
(``events.reminders``); after it, or once the place was released or the event cancelled, the
page says so plainly and nothing changes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from core import audit, mail
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from events.calendar import calendar_file
from events.capacity import EventFull
from events.models import Event, EventStatus, Registration, RegistrationStatus
from events.registrations import change_status, hold

S = RegistrationStatus
GRACE_AFTER_CHASE = timedelta(hours=48)
WITH_CALENDAR = frozenset({S.SELECTED, S.CONFIRMED, S.ATTENDED, S.NO_SHOW})


class Choice(enum.StrEnum):
    CONFIRM = "confirm"
    DECLINE = "decline"


class ConfirmRefused(DomainError):
    """The place cannot be confirmed or declined now; the message says why."""


def registration_for(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.token == token))


def confirm_by(registration: Registration) -> datetime | None:
    """The first deadline: the event's confirm-by date, or 48 hours after the offer for someone
    offered a place later (a replacement)."""
    event_deadline = registration.event.confirm_by
    if event_deadline is None:
        return None
    if registration.selected_at is None:
        return event_deadline
    return max(event_deadline, registration.selected_at + GRACE_AFTER_CHASE)


def deadline(registration: Registration) -> datetime | None:
    """When the place must be confirmed by (naive UTC): 48 hours after a chase, else
    ``confirm_by``."""
    if registration.chased_at is not None:
        return registration.chased_at + GRACE_AFTER_CHASE
    return confirm_by(registration)


@dataclass(frozen=True)
class Standing:
    """What the confirmation page says and offers."""

    can_answer: bool
    message: str
    deadline: datetime | None


def standing(registration: Registration, now: datetime | None = None) -> Standing:
    now = now or utcnow()
    event, status = registration.event, registration.status
    due = deadline(registration)
    if event.status == EventStatus.CANCELLED:
        return Standing(False, "This event has been cancelled. We are sorry; nobody needs to "
                        "do anything.", due)
    if status == S.CONFIRMED:
        return Standing(False, "You have confirmed your place. Thank you: we look forward to "
                        "seeing you.", due)
    if status in (S.ATTENDED, S.NO_SHOW):
        return Standing(False, "This event has taken place.", due)
    if status == S.DECLINED:
        return Standing(False, "You told us you cannot take this place. Thank you for letting "
                        "us know.", due)
    if status == S.WITHDRAWN:
        return Standing(False, "You have withdrawn from this event.", due)
    if status == S.RELEASED:
        return Standing(False, "We did not hear from you in time, so this place was offered to "
                        "someone else. Thank you for your interest.", due)
    if status != S.SELECTED:
        return Standing(False, "There is no place to confirm on this link.", due)
    if event.status == EventStatus.HELD:
        return Standing(False, "This event has taken place.", due)
    if due is not None and now >= due:
        return Standing(False, "The deadline to confirm this place has passed. We will be in "
                        "touch if the place can still be yours.", due)
    return Standing(True, "", due)


def answer(registration: Registration, choice: Choice, now: datetime | None = None) -> bool:
    """Confirm or decline. True if this changed something (False for a repeated click);
    ``ConfirmRefused`` (or ``EventFull``) with nothing changed otherwise. Commits once."""
    now = now or utcnow()
    wanted = S.CONFIRMED if choice == Choice.CONFIRM else S.DECLINED
    hold(registration)
    if registration.status == wanted:
        db.session.rollback()
        return False
    shown = standing(registration, now)
    if not shown.can_answer:
        db.session.rollback()
        raise ConfirmRefused(shown.message)
    try:
        change_status(registration, wanted, now)
    except EventFull:
        db.session.rollback()
        raise
    actor = registration.resident.user if registration.resident else None
    audit.record(actor, f"event_place_{wanted.value}", "event_registration", registration.id,
                 event=registration.event_id)
    if wanted == S.CONFIRMED:
        _tell_confirmed(registration)
    db.session.commit()
    return True


def _tell_confirmed(registration: Registration) -> None:
    to = registration.contact_email
    if not to:
        return
    event = registration.event
    mail.queue_templated(
        to, "event_confirmed", registration=registration, event=event,
        link=mail.absolute_url("event_selection.confirm", token=registration.token),
        calendar_link=mail.absolute_url("event_selection.calendar", token=registration.token),
        attachments=[{"filename": f"event-{event.id}.ics",
                      "content_type": "text/calendar",
                      "content": (calendar_for(registration) or b"").decode()}])


def calendar_for(registration: Registration) -> bytes | None:
    """The calendar file for someone with a place (selected or confirmed), else None."""
    event: Event = registration.event
    if registration.status not in WITH_CALENDAR or event.status == EventStatus.CANCELLED:
        return None
    domain = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return calendar_file(event, domain=domain, link=mail.absolute_url(
        "event_selection.confirm", token=registration.token))
