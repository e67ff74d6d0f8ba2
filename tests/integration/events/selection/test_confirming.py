"""Confirming or declining a place through the personal link, and the calendar file."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from core.extensions import db
from core.mail import build_email
from core.models import AuditEvent, Message
from events.models import EventStatus, RegistrationStatus
from tests.integration.events.selection.conftest import csrf

S = RegistrationStatus
CONFIRM_BY = datetime(2027, 3, 10, 17, 0)


@pytest.fixture
def offered(make_event, make_registration):
    def make(status: S = S.SELECTED, **fields):
        fields.setdefault("status", EventStatus.SELECTING)
        fields.setdefault("confirm_by", CONFIRM_BY)
        event = make_event(**fields)
        registration = make_registration(event, status)
        if status == S.SELECTED:
            registration.selected_at = datetime(2027, 3, 1, 9, 0)
        db.session.commit()
        return event, registration
    return make


def _post(client, registration, choice: str):
    url = f"/events/r/{registration.token}/confirm"
    return client.post(url, data={"csrf_token": csrf(client, url), "choice": choice})


@pytest.mark.clock("2027-03-05T09:00")
def test_confirm_takes_a_place_and_emails_the_calendar_link(client, offered):
    event, registration = offered()
    page = client.get(f"/events/r/{registration.token}/confirm").get_data(as_text=True)
    assert "You have been offered a place" in page
    assert "Wednesday 10 March 2027 at 5pm" in page          # the deadline, UK time
    assert "Saturday 20 March 2027, 10am to 1pm" in page          # the session (GMT)
    response = _post(client, registration, "confirm")
    assert response.status_code == 303
    db.session.expire_all()
    assert registration.status == S.CONFIRMED and event.places_taken == 1
    message = db.session.scalars(select(Message)).one()
    assert message.to_address == registration.resident.user.email
    assert f"/events/r/{registration.token}/calendar.ics" in message.body_text
    email = build_email(message, "panel@example.org")              # the .ics travels with it
    attached = [part for part in email.iter_attachments()]
    assert [a.get_content_type() for a in attached] == ["text/calendar"]
    assert attached[0].get_filename() == f"event-{event.id}.ics"
    assert len(Calendar.from_ical(attached[0].get_content()).walk("VEVENT")) == 1
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event_place_confirmed"))
    again = _post(client, registration, "confirm")          # a double click
    assert again.status_code == 303
    db.session.expire_all()
    assert event.places_taken == 1 and db.session.query(Message).count() == 1
    page = client.get(f"/events/r/{registration.token}/confirm").get_data(as_text=True)
    assert "You have confirmed your place" in page and "calendar.ics" in page
    declined = _post(client, registration, "decline")
    assert declined.status_code == 409
    db.session.expire_all()
    assert registration.status == S.CONFIRMED


@pytest.mark.clock("2027-03-05T09:00")
def test_decline_is_recorded_once(client, offered):
    event, registration = offered()
    assert _post(client, registration, "decline").status_code == 303
    assert _post(client, registration, "decline").status_code == 303
    db.session.expire_all()
    assert registration.status == S.DECLINED and event.places_taken == 0
    assert db.session.query(Message).count() == 0
    assert "You told us you cannot take this place" in client.get(
        f"/events/r/{registration.token}/confirm").get_data(as_text=True)
    assert _post(client, registration, "confirm").status_code == 409


@pytest.mark.clock("2027-03-11T09:00")
def test_after_the_deadline_nothing_changes(client, offered):
    _, registration = offered()
    page = client.get(f"/events/r/{registration.token}/confirm").get_data(as_text=True)
    assert "The deadline to confirm this place has passed" in page
    assert "Yes, I can come" not in page
    assert _post(client, registration, "confirm").status_code == 409
    db.session.expire_all()
    assert registration.status == S.SELECTED


@pytest.mark.clock("2027-03-11T09:00")
def test_chased_people_have_48_hours_more(client, offered):
    _, registration = offered()
    registration.chased_at = datetime(2027, 3, 10, 18, 0)
    db.session.commit()
    assert _post(client, registration, "confirm").status_code == 303


@pytest.mark.clock("2027-03-05T09:00")
def test_a_full_event_says_so_and_changes_nothing(client, offered, make_registration):
    event, registration = offered(capacity=1)
    make_registration(event, S.CONFIRMED)
    response = _post(client, registration, "confirm")
    assert response.status_code == 409
    assert "every place at this event has now been taken" in response.get_data(as_text=True)
    db.session.expire_all()
    assert registration.status == S.SELECTED and event.places_taken == 1


@pytest.mark.clock("2027-03-05T09:00")
@pytest.mark.parametrize(("status", "words"), [
    (S.RELEASED, "offered to someone else"), (S.WITHDRAWN, "withdrawn"),
    (S.RESERVE, "no place to confirm")])
def test_links_that_cannot_confirm_say_why(client, offered, status, words):
    _, registration = offered(status)
    page = client.get(f"/events/r/{registration.token}/confirm").get_data(as_text=True)
    assert words in page and "Yes, I can come" not in page
    assert _post(client, registration, "confirm").status_code == 409


@pytest.mark.clock("2027-03-05T09:00")
def test_cancelled_event(client, offered):
    event, registration = offered()
    event.status = EventStatus.CANCELLED
    db.session.commit()
    page = client.get(f"/events/r/{registration.token}/confirm").get_data(as_text=True)
    assert "This event has been cancelled" in page
    assert client.get(f"/events/r/{registration.token}/calendar.ics").status_code == 404


@pytest.mark.clock("2027-03-05T09:00")
def test_bad_input(client, offered):
    _, registration = offered()
    response = _post(client, registration, "maybe")
    assert response.status_code == 422
    assert "Choose whether you can take the place" in response.get_data(as_text=True)
    assert client.get("/events/r/not-a-token/confirm").status_code == 404
    assert client.get("/events/r/not-a-token/calendar.ics").status_code == 404
    assert client.get("/events/r/" + "x" * 300 + "/confirm").status_code == 404


@pytest.mark.clock("2027-03-05T09:00")
def test_calendar_has_uk_times_either_side_of_the_clock_change(client, offered):
    # sessions 2027-03-20 and 2027-04-03 10:00 UK time; BST starts 2027-03-28
    event, registration = offered(sessions=1, starts=datetime(2027, 3, 20, 10, 0))
    from events.models import EventSession
    event.sessions.append(EventSession(starts_at=datetime(2027, 4, 3, 9, 0),
                                       ends_at=datetime(2027, 4, 3, 12, 0), venue="Online hall",
                                       online_url="https://meet.example.org/parks"))
    db.session.commit()
    response = client.get(f"/events/r/{registration.token}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert calendar.get("version") == "2.0"
    assert [tz.get("tzid") for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    sessions = calendar.walk("VEVENT")
    assert len(sessions) == 2
    first, second = (s.decoded("dtstart") for s in sessions)
    assert (first.hour, first.utcoffset()) == (10, timedelta(0))           # GMT
    assert (second.hour, second.utcoffset()) == (10, timedelta(hours=1))   # BST
    assert str(first.tzinfo) == "Europe/London"
    assert "DTSTART;TZID=Europe/London:20270403T100000" in response.get_data(as_text=True)
    assert sessions[1].decoded("dtend").hour == 13
    assert "Burnley Town Hall" in str(sessions[0].get("location"))
    assert str(sessions[1].get("url")) == "https://meet.example.org/parks"
    assert sessions[0].get("summary") == "Parks workshop (session 1 of 2)"
    uids = [str(s.get("uid")) for s in sessions]
    again = Calendar.from_ical(client.get(f"/events/r/{registration.token}/calendar.ics").data)
    assert [str(s.get("uid")) for s in again.walk("VEVENT")] == uids and len(set(uids)) == 2


@pytest.mark.clock("2027-03-05T09:00")
def test_only_people_with_a_place_get_the_calendar(client, offered):
    _, registration = offered(S.RESERVE)
    assert client.get(f"/events/r/{registration.token}/calendar.ics").status_code == 404
    registration.status = S.CONFIRMED
    db.session.commit()
    assert client.get(f"/events/r/{registration.token}/calendar.ics").status_code == 200


@pytest.mark.clock("2027-03-05T09:00")
def test_five_clicks_at_once_confirm_once(app, offered):
    from events import confirming
    from events.models import Event, Registration
    from tests.integration.at_once import at_once

    event, registration = offered()
    registration_id, event_id = registration.id, event.id
    db.session.commit()   # the test's own session holds no transaction while they click

    def click(registration_id: int):
        return confirming.answer(db.session.get(Registration, registration_id),
                                 confirming.Choice.CONFIRM)

    outcomes = at_once(app, 5, click, prepare=lambda: registration_id)
    assert sorted(outcomes, key=str) == [False, False, False, False, True], outcomes
    db.session.expire_all()
    assert db.session.get(Event, event_id).places_taken == 1
    assert db.session.query(Message).count() == 1


@pytest.mark.clock("2027-03-05T09:00")
def test_someone_who_registered_by_the_public_link_confirms_too(client, make_event):
    from events.models import Registration, RegistrationSource
    from events.registrations import new_token

    event = make_event(status=EventStatus.SELECTING, confirm_by=CONFIRM_BY)
    public = Registration(event=event, token=new_token(), source=RegistrationSource.PUBLIC,
                          status=S.SELECTED, name="Sam Public", email="sam@example.org",
                          selected_at=datetime(2027, 3, 1, 9, 0))
    db.session.add(public)
    db.session.commit()
    assert _post(client, public, "confirm").status_code == 303
    db.session.expire_all()
    assert public.status == S.CONFIRMED
    message = db.session.scalars(select(Message)).one()
    assert message.to_address == "sam@example.org" and "Dear Sam Public" in message.body_text
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event_place_confirmed"))
    assert audit.actor_id is None and audit.object_id == public.id
