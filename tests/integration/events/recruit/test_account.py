"""A resident's events in their account: the list, changing availability, withdrawing, the
account page's summary, their data download and erasure (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Role, User
from events.models import (
    AccessNeed,
    EventStatus,
    NeedKind,
    Registration,
    RegistrationStatus,
)
from panel.data_export import export_data
from panel.membership import erase_resident
from tests.conftest import csrf_token_from

S = RegistrationStatus


@pytest.fixture
def resident(member):
    return member("ada@example.org")


@pytest.fixture
def event(make_event):
    return make_event(capacity=3, sessions=2, title="Parks assembly")


def test_a_resident_sees_their_events_and_what_to_do_next(sign_in, resident, event,
                                                          make_event, make_registration):
    make_registration(event, S.INVITED, resident=resident)
    other = make_event(title="Libraries workshop")
    make_registration(other, S.CONFIRMED, resident=resident)
    someone_else = make_registration(make_event(title="Not mine"), S.INVITED)
    client = sign_in(resident.user)
    page = client.get("/account/events").get_data(as_text=True)
    assert "Parks assembly" in page and "Say whether you are interested" in page
    assert "Libraries workshop" in page and "Confirmed" in page
    assert "Not mine" not in page and someone_else.token not in page
    overview = client.get("/account").get_data(as_text=True)
    assert "Your events" in overview and "/account/events" in overview


def test_a_confirmed_place_comes_with_its_calendar_file(sign_in, resident, event,
                                                       make_registration):
    confirmed = make_registration(event, S.CONFIRMED, resident=resident)
    client = sign_in(resident.user)
    link = f"/events/r/{confirmed.token}/calendar.ics"
    assert link in client.get("/account/events").get_data(as_text=True)
    assert link in client.get("/account").get_data(as_text=True)
    calendar = client.get(link)
    assert calendar.status_code == 200
    assert calendar.get_data(as_text=True).count("BEGIN:VEVENT") == 2


def test_staff_have_no_events_page(login):
    assert login(Role.ORGANISER).get(
        "/account/events").status_code == 403


def test_availability_changes_until_selection(sign_in, resident, event, make_registration):
    registration = make_registration(event, S.INTERESTED, resident=resident)
    client = sign_in(resident.user)
    token = csrf_token_from(client, "/account/events")
    second = event.sessions[1].id
    response = client.post(f"/account/events/{registration.id}/availability",
                           data={"csrf_token": token, "available": [str(second)]})
    assert response.status_code == 303
    db.session.refresh(registration)
    assert {p.session_id for p in registration.places if p.available} == {second}
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "event_availability_changed")) == 1
    none = client.post(f"/account/events/{registration.id}/availability",
                       data={"csrf_token": token, "available": ["junk", "99999999999999"]})
    assert none.status_code == 303
    assert "Tick at least one session" in client.get("/account/events").get_data(as_text=True)
    db.session.refresh(registration)
    assert {p.session_id for p in registration.places if p.available} == {second}


def test_another_residents_registration_is_not_found(sign_in, resident, event, member,
                                                     make_registration):
    theirs = make_registration(event, S.INTERESTED, resident=member("bob@example.org"))
    client = sign_in(resident.user)
    token = csrf_token_from(client, "/account/events")
    response = client.post(f"/account/events/{theirs.id}/availability",
                           data={"csrf_token": token,
                                 "available": [str(event.sessions[0].id)]})
    assert response.status_code == 404
    assert client.post("/account/events/99999999999999999999999/availability",
                       data={"csrf_token": token}).status_code == 404


def test_withdrawing_from_the_account_gives_the_place_back_and_is_audited(
        sign_in, resident, event, make_registration):
    registration = make_registration(event, S.CONFIRMED, resident=resident)
    client = sign_in(resident.user)
    page = client.get("/account/events").get_data(as_text=True)
    assert f"/events/r/{registration.token}/withdraw" in page
    token = csrf_token_from(client, "/account/events")
    client.post(f"/events/r/{registration.token}/withdraw", data={"csrf_token": token})
    db.session.refresh(registration)
    db.session.refresh(event)
    assert registration.status == S.WITHDRAWN and event.places_taken == 0
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event_registration_withdrawn"))
    assert audit.actor_id == resident.user_id


def test_their_data_download_has_registrations_needs_and_answers(resident, event,
                                                                 make_registration):
    registration = make_registration(event, S.INTERESTED, resident=resident)
    registration.needs.append(AccessNeed(kind=NeedKind.INTERPRETER, detail="Polish"))
    registration.screening = {"q1": "Happy"}
    db.session.commit()
    rows = export_data(resident)["Events"]
    assert len(rows) == 1
    assert rows[0]["event"] == "Parks assembly" and rows[0]["status"] == "Interested"
    assert "Polish" in rows[0]["access_needs"] and "Happy" in rows[0]["answers"]
    assert "Saturday 20 March 2027" in rows[0]["available_for"]


def test_erasure_gives_back_the_places_they_held(resident, event, make_registration):
    make_registration(event, S.CONFIRMED, resident=resident)
    make_registration(event, S.CONFIRMED)
    db.session.refresh(event)
    assert event.places_taken == 2
    erase_resident(db.session.get(User, resident.user_id), resident)
    db.session.refresh(event)
    assert event.places_taken == 1
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert event.status == EventStatus.RECRUITING
