"""Events for the events tests: ``make_event`` (an engagement, the event, its sessions and an
organiser) and ``make_registration`` (a panel member's registration at a status)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import count

import pytest

from core.extensions import db
from core.models import Role, User
from events.models import (
    PLACE_HOLDERS,
    Event,
    EventFormat,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    SessionPlace,
)
from events.registrations import new_token
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident

FIRST_SESSION = datetime(2027, 3, 20, 10, 0)   # naive UTC, as stored


@pytest.fixture
def make_event(app, make_user) -> Callable[..., Event]:
    def make(*, capacity: int = 10, sessions: int = 1, organiser: User | None = None,
             status: EventStatus = EventStatus.RECRUITING, starts: datetime = FIRST_SESSION,
             **fields: object) -> Event:
        engagement = Engagement(title=fields.pop("engagement_title", "Future of our parks"),
                                level=SpectrumLevel.INVOLVE)
        event = Event(engagement=engagement, title=fields.pop("title", "Parks workshop"),
                      format=fields.pop("format", EventFormat.WORKSHOP), capacity=capacity,
                      status=status, **fields)
        for n in range(sessions):
            start = starts + timedelta(days=7 * n)
            event.sessions.append(EventSession(starts_at=start, ends_at=start + timedelta(hours=3),
                                               venue="Burnley Town Hall",
                                               address="Manchester Road, Burnley BB11 9SA",
                                               step_free=True))
        event.organisers.append(organiser or make_user(Role.ORGANISER))
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def make_registration(member) -> Callable[..., Registration]:
    numbers = count(1)

    def make(event: Event, status: RegistrationStatus = RegistrationStatus.INVITED,
             resident: Resident | None = None) -> Registration:
        resident = resident or member(f"registrant{next(numbers)}@example.org")
        registration = Registration(event=event, resident=resident, token=new_token(),
                                    status=status)
        for session in event.sessions:
            registration.places.append(SessionPlace(session=session, available=True))
        if status in PLACE_HOLDERS:
            event.places_taken += 1
        db.session.add(registration)
        db.session.commit()
        return registration

    return make
