"""The events demo (part of `flask demo seed`): a held workshop and an assembly mid-recruitment,
true to the rules (places held match the statuses), the demo resident confirmed at the
upcoming one, the demo organiser organising both, the same from the same seed, nobody
emailed."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Message, User
from events.capacity import counted_places
from events.demo import seed_events
from events.models import (
    Event,
    EventStatus,
    NeedStatus,
    Payment,
    Registration,
    RegistrationStatus,
)
from panel.demo import DEMO_RESIDENT, demo_email, seed_demo

S = RegistrationStatus
pytestmark = pytest.mark.clock("2026-12-07 10:00")


@pytest.fixture
def demo(app):
    seed_demo(seed=5, residents=300)
    return seed_events(5)


def statuses(event):
    return Counter(db.session.scalars(select(Registration.status).where(
        Registration.event_id == event.id)))


def test_a_held_event_and_one_recruiting(demo):
    held, upcoming = db.session.scalars(select(Event).order_by(Event.id)).all()
    assert "2 events" in demo
    assert held.status == EventStatus.HELD and upcoming.status == EventStatus.SELECTING
    assert held.last_ends_at < datetime(2026, 12, 7) < upcoming.first_starts_at
    assert {S.ATTENDED, S.NO_SHOW, S.DECLINED, S.RESERVE} <= set(statuses(held))
    assert {S.INVITED, S.INTERESTED, S.SELECTED, S.CONFIRMED, S.RESERVE, S.DECLINED} <= set(
        statuses(upcoming))
    assert len(upcoming.sessions) == 2 and upcoming.first_starts_at > held.last_ends_at
    for event in (held, upcoming):
        assert event.places_taken == counted_places(event)
        assert [o.email for o in event.organisers] == [demo_email("organiser")]
    assert held.themes and held.engagement.announced_at is not None


def test_payments_some_paid_and_access_needs_at_every_status(demo):
    held, upcoming = db.session.scalars(select(Event).order_by(Event.id)).all()
    payments = db.session.scalars(select(Payment)).all()
    attended = statuses(held)[S.ATTENDED]
    assert sum(p.kind.value == "thank_you" for p in payments) == attended
    assert any(p.paid_at for p in payments) and any(p.paid_at is None for p in payments)
    needs = {n.status for r in db.session.scalars(select(Registration).where(
        Registration.event_id == upcoming.id)) for n in r.needs}
    assert {NeedStatus.REQUESTED, NeedStatus.BOOKED} <= needs


def test_the_demo_resident_has_a_confirmed_place(demo):
    user = db.session.scalar(select(User).where(User.email == demo_email(DEMO_RESIDENT)))
    mine = db.session.scalars(select(Registration).where(
        Registration.resident_id == user.resident.id)).all()
    assert [(r.event.title, r.status) for r in mine] == [("Climate citizens' assembly",
                                                           S.CONFIRMED)]


def test_nobody_is_emailed_and_the_public_page_shows_the_themes(client, demo):
    assert db.session.query(Message).count() == 0
    held = db.session.scalars(select(Event).order_by(Event.id)).first()
    page = client.get(f"/outcomes/{held.engagement_id}").get_data(as_text=True)
    assert "Keep the market" in page


def test_the_same_seed_gives_the_same_demo(app):
    seed_demo(seed=5, residents=300)
    seed_events(5)
    first = [(r.resident.user.email, r.status) for r in db.session.scalars(
        select(Registration).order_by(Registration.id))]
    from tests.conftest import empty_all_tables

    empty_all_tables()
    seed_demo(seed=5, residents=300)
    seed_events(5)
    second = [(r.resident.user.email, r.status) for r in db.session.scalars(
        select(Registration).order_by(Registration.id))]
    assert first == second
