"""Reminders before the event, the chase, and releasing places not confirmed after it: each run
sends only what is due, and never twice."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Message
from events import reminders
from events.models import EventStatus, RegistrationStatus

S = RegistrationStatus
FIRST = datetime(2027, 3, 20, 10, 0)
CONFIRM_BY = datetime(2027, 3, 10, 17, 0)


@pytest.fixture
def event_with(make_event, make_registration):
    def make(*statuses: S, **fields):
        event = make_event(status=EventStatus.SELECTING, confirm_by=CONFIRM_BY, **fields)
        people = []
        for status in statuses:
            registration = make_registration(event, status)
            registration.selected_at = datetime(2027, 3, 1, 9, 0)
            people.append(registration)
        db.session.commit()
        return event, people
    return make


def _subjects() -> list[str]:
    return [m.subject for m in db.session.scalars(select(Message).order_by(Message.id))]


@pytest.mark.clock("2027-03-13T10:30")
def test_reminders_at_each_day_set_and_never_twice(event_with):
    event, (confirmed,) = event_with(S.CONFIRMED)
    assert reminders.run().reminders == 1                  # 7 days before
    assert reminders.run().reminders == 0                  # the same day again: nothing
    assert confirmed.reminders_sent == [7]
    assert _subjects() == ["Reminder: Parks workshop in 7 days"]
    with time_machine.travel(datetime(2027, 3, 19, 10, 30), tick=False):
        assert reminders.run().reminders == 1
        assert reminders.run().reminders == 0
    assert confirmed.reminders_sent == [1, 7]
    assert _subjects()[-1] == "Reminder: Parks workshop tomorrow"
    body = db.session.scalars(select(Message).order_by(Message.id.desc())).first().body_text
    assert f"/events/r/{confirmed.token}/calendar.ics" in body
    with time_machine.travel(datetime(2027, 3, 20, 11, 0), tick=False):
        assert reminders.run().reminders == 0              # started: no more


@pytest.mark.clock("2027-03-19T12:00")
def test_a_late_confirmer_gets_only_the_nearest_reminder(event_with):
    _, (confirmed,) = event_with(S.CONFIRMED, reminder_days=[7, 3, 1])
    assert reminders.run().reminders == 1
    assert confirmed.reminders_sent == [1, 3, 7]
    assert _subjects() == ["Reminder: Parks workshop tomorrow"]


@pytest.mark.clock("2027-03-10T16:00")
def test_chased_once_after_the_deadline_then_released(event_with):
    event, (slow, quick) = event_with(S.SELECTED, S.SELECTED)
    assert reminders.run().chased == 0                     # not yet the deadline
    with time_machine.travel(datetime(2027, 3, 10, 17, 30), tick=False):
        sent = reminders.run()
        assert sent.chased == 2
        assert reminders.run().chased == 0
        assert slow.chased_at == datetime(2027, 3, 10, 17, 30)
    assert _subjects() == ["Can you still take your place? Parks workshop"] * 2
    assert "Friday 12 March 2027 at 5:30pm" in db.session.scalars(select(Message)).first().body_text
    quick.status = S.CONFIRMED
    event.places_taken = 1
    db.session.commit()
    with time_machine.travel(datetime(2027, 3, 12, 17, 0), tick=False):
        assert reminders.run().released == 0               # 47.5 hours
    with time_machine.travel(datetime(2027, 3, 12, 17, 31), tick=False):
        assert reminders.run().released == 1
        assert reminders.run().released == 0
    assert slow.status == S.RELEASED and quick.status == S.CONFIRMED
    assert _subjects()[-1] == "Your place at Parks workshop"
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event_place_released", AuditEvent.object_id == slow.id))


@pytest.mark.clock("2027-03-11T09:00")
def test_no_deadline_no_chase_and_other_events_untouched(event_with, make_event,
                                                         make_registration):
    event, _ = event_with(S.SELECTED)
    event.confirm_by = None
    recruiting = make_event(status=EventStatus.RECRUITING, confirm_by=CONFIRM_BY)
    make_registration(recruiting, S.CONFIRMED)
    db.session.commit()
    assert reminders.run().line() == "0 reminder(s), 0 chase(s), 0 place(s) released"


def test_the_schedule_is_declared(app):
    from core.features import registry
    with app.test_request_context():
        assert "event-reminders" in registry().schedules


@pytest.mark.clock("2027-03-19T12:00")
def test_an_event_that_sets_no_reminders_sends_none(event_with):
    _, (confirmed,) = event_with(S.CONFIRMED, reminder_days=[])
    assert reminders.run().reminders == 0 and confirmed.reminders_sent == []
