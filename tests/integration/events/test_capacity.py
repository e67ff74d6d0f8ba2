"""Capacity is held by the database: places are taken in the booking's own transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from events.capacity import EventFull, counted_places
from events.models import Event, Registration, RegistrationStatus, TransitionRefused
from events.registrations import change_status
from tests.integration.at_once import at_once

S = RegistrationStatus


def test_confirming_takes_a_place_and_withdrawing_gives_it_back(make_event, make_registration):
    event = make_event(capacity=2)
    registration = make_registration(event, S.SELECTED)
    change_status(registration, S.CONFIRMED)
    db.session.commit()
    assert event.places_taken == 1 == counted_places(event)
    change_status(registration, S.WITHDRAWN)
    db.session.commit()
    assert event.places_taken == 0 == counted_places(event)


def test_the_last_place_cannot_be_taken_twice(make_event, make_registration):
    event = make_event(capacity=1)
    first, second = (make_registration(event, S.SELECTED) for _ in range(2))
    change_status(first, S.CONFIRMED)
    db.session.commit()
    with pytest.raises(EventFull):
        change_status(second, S.CONFIRMED)
    db.session.rollback()
    assert second.status == S.SELECTED
    assert event.places_taken == 1


def test_the_database_refuses_more_places_than_capacity(make_event):
    event = make_event(capacity=3)
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE events SET places_taken = 4 WHERE id = :id"),
                           {"id": event.id})
        db.session.flush()
    db.session.rollback()


def test_fifty_people_confirming_at_once_for_ten_places_get_exactly_ten(
        app, make_event, make_registration):
    event = make_event(capacity=10)
    ids = [make_registration(event, S.SELECTED).id for _ in range(50)]
    queue = iter(ids)

    def confirm(registration_id: int) -> str:
        registration = db.session.get(Registration, registration_id)
        try:
            change_status(registration, S.CONFIRMED)
            db.session.commit()
            return "confirmed"
        except EventFull:
            db.session.rollback()
            return "full"

    outcomes = at_once(app, 50, confirm, prepare=lambda: next(queue))
    assert outcomes.count("confirmed") == 10, outcomes
    assert outcomes.count("full") == 40, outcomes
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.places_taken == 10 == counted_places(event)


def test_two_withdrawals_of_the_same_place_at_once_give_it_back_once(
        app, make_event, make_registration):
    event = make_event(capacity=3)
    holders = [make_registration(event, S.CONFIRMED) for _ in range(2)]
    registration_id = holders[0].id

    def withdraw(_: object) -> str:
        registration = db.session.get(Registration, registration_id)
        try:
            change_status(registration, S.WITHDRAWN)
            db.session.commit()
            return "withdrawn"
        except TransitionRefused:
            db.session.rollback()
            return "already"

    outcomes = at_once(app, 2, withdraw)
    assert sorted(outcomes) == ["already", "withdrawn"], outcomes
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.places_taken == 1 == counted_places(event)
