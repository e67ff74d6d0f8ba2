"""Reminders before an event, chasing people who have not confirmed, and releasing their place.

Run regularly (``Feature.schedules``); each run sends only what is due and records it on the
registration, so running it twice sends nothing twice:
- confirmed people get a reminder at each of ``Event.reminder_days`` before the first session
  (``Registration.reminders_sent``); someone who confirms late gets only the nearest one due;
- selected people who have not confirmed by ``Event.confirm_by`` are chased once
  (``Registration.chased_at``);
- still not confirmed 48 hours after the chase, their place is released (an email says so
  kindly) and shows on the selection page as a place to fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from core import audit, mail
from core.extensions import db
from core.models import utcnow
from events.confirming import GRACE_AFTER_CHASE, confirm_by
from events.models import Event, EventStatus, Registration, RegistrationStatus
from events.registrations import change_status

S = RegistrationStatus
DEFAULT_REMINDER_DAYS = (7, 1)


@dataclass
class Sent:
    reminders: int = 0
    chased: int = 0
    released: int = 0

    def line(self) -> str:
        return (f"{self.reminders} reminder(s), {self.chased} chase(s), "
                f"{self.released} place(s) released")


def due_reminder(days: list[int], sent: list[int], first: datetime, now: datetime
                 ) -> tuple[int | None, list[int]]:
    """The reminder to send now (the nearest day due, None if none) and every day now passed
    (so an earlier reminder missed is not sent after a later one). PURE."""
    if now >= first:
        return None, []
    due = sorted(d for d in set(days) if d > 0 and d not in sent
                 and now >= first - timedelta(days=d))
    return (due[0] if due else None), due


def _events(now: datetime) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.status == EventStatus.SELECTING)
                                   .order_by(Event.id)))


def run(now: datetime | None = None) -> Sent:
    """Everything due now, for every event in confirmation. Commits once."""
    now = now or utcnow()
    sent = Sent()
    for event in _events(now):
        first = event.first_starts_at
        if first is None or now >= first:
            continue
        rows = db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            Registration.status.in_([S.CONFIRMED, S.SELECTED])).order_by(Registration.id))
        for registration in rows:
            if registration.status == S.CONFIRMED:
                sent.reminders += _remind(event, registration, first, now)
            elif registration.chased_at is None:
                sent.chased += _chase(event, registration, now)
            elif now >= registration.chased_at + GRACE_AFTER_CHASE:
                sent.released += _release(event, registration, now)
    db.session.commit()
    return sent


def _remind(event: Event, registration: Registration, first: datetime, now: datetime) -> int:
    days = list(DEFAULT_REMINDER_DAYS if event.reminder_days is None else event.reminder_days)
    day, passed = due_reminder(days, list(registration.reminders_sent or []), first, now)
    if day is None:
        return 0
    registration.reminders_sent = sorted({*(registration.reminders_sent or []), *passed})
    _send(registration, "event_reminder", days=day,
          calendar_link=mail.absolute_url("event_selection.calendar",
                                          token=registration.token))
    return 1


def _chase(event: Event, registration: Registration, now: datetime) -> int:
    due = confirm_by(registration)
    if due is None or now < due:
        return 0
    registration.chased_at = now
    _send(registration, "event_chase", deadline=now + GRACE_AFTER_CHASE)
    audit.record(None, "event_place_chased", "event_registration", registration.id,
                 event=event.id)
    return 1


def _release(event: Event, registration: Registration, now: datetime) -> int:
    change_status(registration, S.RELEASED, now)
    _send(registration, "event_released")
    audit.record(None, "event_place_released", "event_registration", registration.id,
                 event=event.id)
    return 1


def _send(registration: Registration, template: str, **context: object) -> None:
    to = registration.contact_email
    if not to:
        return
    mail.queue_templated(
        to, template, registration=registration, event=registration.event,
        link=mail.absolute_url("event_selection.confirm", token=registration.token), **context)


def scheduled() -> str:
    """For ``Feature.schedules``: one line for the log."""
    return run().line()
