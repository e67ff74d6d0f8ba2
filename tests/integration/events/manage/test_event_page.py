"""The event's page and what is done from it (SQLite and PostgreSQL): who may open each page,
the live dashboard as a fragment for htmx and a whole page without, figures organisers see
passing suppression and never a special-category question, lowering the places by choosing
who moves to the reserve list, cancelling with everyone affected emailed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Message, Role
from events.models import EventStatus, Registration, RegistrationStatus
from tests.integration.events.manage.conftest import answer, post

pytestmark = pytest.mark.clock("2027-03-01 09:00")
S = RegistrationStatus


def routes(event) -> list[tuple[str, str]]:
    session, base = event.sessions[0].id, f"/events/{event.id}"
    return [("GET", base), ("GET", f"{base}/details"), ("POST", f"{base}/details"),
            ("GET", f"{base}/sessions/new"), ("POST", f"{base}/sessions/new"),
            ("GET", f"{base}/sessions/{session}"), ("POST", f"{base}/sessions/{session}"),
            ("POST", f"{base}/sessions/{session}/remove"),
            ("GET", f"{base}/support"), ("POST", f"{base}/support"),
            ("GET", f"{base}/recruitment"), ("POST", f"{base}/recruitment"),
            ("GET", f"{base}/quotas"), ("POST", f"{base}/quotas"),
            ("GET", f"{base}/questions/new"), ("POST", f"{base}/questions/new"),
            ("GET", f"{base}/organisers"), ("POST", f"{base}/organisers"),
            ("POST", f"{base}/open"), ("GET", f"{base}/capacity"),
            ("POST", f"{base}/capacity"), ("GET", f"{base}/cancel"),
            ("POST", f"{base}/cancel")]


def test_an_organiser_of_another_event_and_residents_get_403_everywhere(
        app, make_event, make_user, signed_in, make_resident):
    event = make_event(status=EventStatus.DRAFT)
    other = signed_in(make_user(Role.ORGANISER))
    resident = signed_in(make_resident("res@example.org").user)
    tokens = {other: _token(other), resident: _token(resident)}
    for method, url in routes(event):
        for client in (other, resident):
            response = client.open(url, method=method, data={"csrf_token": tokens[client]})
            assert response.status_code == 403, (method, url)
    assert resident.get("/events/").status_code == 403
    assert resident.get("/events/new").status_code == 403
    assert app.test_client().get(f"/events/{event.id}").status_code == 302  # to sign in
    db.session.refresh(event)
    assert event.status == EventStatus.DRAFT and len(event.sessions) == 1


def _token(client) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(client, "/events/")


def test_the_dashboard_is_a_fragment_for_htmx_and_part_of_the_whole_page_without(
        make_event, make_user, signed_in, make_registration):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser)
    for status in (S.INVITED, S.INVITED, S.INTERESTED, S.CONFIRMED, S.DECLINED):
        make_registration(event, status)
    client = signed_in(organiser)
    whole = client.get(f"/events/{event.id}")
    page = whole.get_data(as_text=True)
    assert whole.status_code == 200 and "HX-Request" in whole.headers["Vary"]
    assert page.count("<h1") == 1 and 'id="event-dashboard"' in page
    assert 'hx-trigger="every 15s"' in page
    fragment = client.get(f"/events/{event.id}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="event-dashboard"')
    assert "<h1" not in body and "<html" not in body
    assert "1 of 10" in body  # places taken
    counts = dict(_stats(body))
    assert (counts["Invited"], counts["Interested"], counts["Confirmed"],
            counts["Declined"], counts["Attended"]) == ("2", "1", "1", "1", "0")
    boosted = client.get(f"/events/{event.id}", headers={"HX-Request": "true",
                                                         "HX-Boosted": "true"})
    assert "<h1" in boosted.get_data(as_text=True)


def _stats(html: str) -> list[tuple[str, str]]:
    import re

    return [(label, value) for value, label in re.findall(
        r'cp-stat__value">([^<]*)</span><span class="cp-stat__label">([^<]*)<', html)]


def test_organisers_see_suppressed_figures_and_no_special_category_question(
        make_event, make_user, signed_in, make_registration, target_set):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, capacity=20, target_set_id=target_set.id,
                       dimensions=["sex", "ethnic_group"])
    for n in range(14):
        registration = make_registration(event, S.ATTENDED if n < 12 else S.CONFIRMED)
        answer(registration.resident, "sex", "female" if n < 11 else "male")
        answer(registration.resident, "ethnic_group", "white_british")
    page = signed_in(organiser).get(f"/events/{event.id}").get_data(as_text=True)
    assert "Ethnic group" not in page and "Sex" in page
    assert "Hidden to protect the privacy of small groups" in page
    assert ">3 (" not in page  # the 3 men selected are a small group
    officer = signed_in(make_user(Role.OFFICER)).get(f"/events/{event.id}")
    seen = officer.get_data(as_text=True)
    assert "Ethnic group" in seen and "3 (21.4%)" in seen and "Hidden to protect" not in seen
    audited = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "event.special_category_figures_viewed")).all()
    assert [a.detail["special_category_questions"] for a in audited] == [["ethnic_group"]]


def test_raising_the_places_is_simple(make_event, make_user, signed_in):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, capacity=10)
    response = post(signed_in(organiser), f"/events/{event.id}/capacity", capacity="12")
    assert response.status_code == 303
    db.session.refresh(event)
    assert event.capacity == 12


def test_lowering_the_places_below_those_taken_needs_exactly_enough_moved_to_reserve(
        make_event, make_user, signed_in, make_registration):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, capacity=5)
    confirmed = [make_registration(event, S.CONFIRMED) for _ in range(4)]
    client = signed_in(organiser)
    form = client.get(f"/events/{event.id}/capacity").get_data(as_text=True)
    assert all(f'value="{r.id}"' in form for r in confirmed)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event.registrants_viewed")) is not None
    for chosen in ([], [confirmed[0].id]):
        refused = post(client, f"/events/{event.id}/capacity", capacity="2",
                       move=[str(i) for i in chosen])
        assert refused.status_code == 422
        assert "choose exactly 2 confirmed people" in refused.get_data(as_text=True)
        assert 'value="2"' in refused.get_data(as_text=True)  # what was typed is kept
    db.session.refresh(event)
    assert (event.capacity, event.places_taken) == (5, 4)
    moved = post(client, f"/events/{event.id}/capacity", capacity="2",
                 move=[str(confirmed[0].id), str(confirmed[1].id)])
    assert moved.status_code == 303
    db.session.refresh(event)
    assert (event.capacity, event.places_taken) == (2, 2)
    db.session.expire_all()
    statuses = [db.session.get(Registration, r.id).status for r in confirmed]
    assert statuses == [S.RESERVE, S.RESERVE, S.CONFIRMED, S.CONFIRMED]
    emailed = sorted(m.to_address for m in db.session.scalars(select(Message)))
    assert emailed == sorted(r.contact_email for r in confirmed[:2])


def test_cancelling_needs_a_reason_then_emails_everyone_affected(
        make_event, make_user, signed_in, make_registration):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser)
    told = [make_registration(event, s) for s in (S.INVITED, S.INTERESTED, S.SELECTED,
                                                  S.CONFIRMED, S.RESERVE)]
    make_registration(event, S.DECLINED)
    client = signed_in(organiser)
    confirm = client.get(f"/events/{event.id}/cancel").get_data(as_text=True)
    assert "5 people" in confirm
    refused = post(client, f"/events/{event.id}/cancel", reason="  ")
    assert refused.status_code == 422 and "Enter why the event is cancelled" in \
        refused.get_data(as_text=True)
    response = post(client, f"/events/{event.id}/cancel", reason="The hall flooded.")
    assert response.status_code == 303
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED and event.cancelled_at is not None
    messages = list(db.session.scalars(select(Message)))
    assert sorted(m.to_address for m in messages) == sorted(r.contact_email for r in told)
    assert all("The hall flooded." in m.body_text for m in messages)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event.cancelled")).detail["emailed"] == 5
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "This event was cancelled" in page and "The hall flooded." in page
    assert "every 15s" not in page
    assert post(client, f"/events/{event.id}/cancel", f"/events/{event.id}",
                reason="Again").status_code == 303
    assert len(list(db.session.scalars(select(Message)))) == 5  # told once


def test_the_staff_dashboard_lists_the_organisers_upcoming_events(
        make_event, make_user, signed_in, make_registration):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, title="Parks workshop")
    make_event(title="Not mine")
    make_registration(event, S.INTERESTED)
    make_registration(event, S.SELECTED)
    client = signed_in(organiser)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Parks workshop" in page and "Not mine" not in page
    assert "1 interested, waiting for selection" in page
    assert "1 selected, not confirmed yet" in page
    nav = client.get("/events/").get_data(as_text=True)
    assert 'href="/events/"' in nav


def test_a_screening_question_with_shares_is_compared_with_its_shares(
        make_event, make_user, signed_in, make_registration):
    from events.models import ScreeningQuestion

    event = make_event(capacity=30)
    question = ScreeningQuestion(text="How do you feel about parks?",
                                 options=["Happy", "Worried"],
                                 quota_shares={"Happy": 0.6, "Worried": 0.4})
    event.questions.append(question)
    db.session.commit()
    for n in range(24):
        registration = make_registration(event, S.CONFIRMED)
        registration.screening = {question.key: "Happy" if n < 12 else "Worried"}
    db.session.commit()
    page = signed_in(event.organisers[0]).get(f"/events/{event.id}").get_data(as_text=True)
    table = page[page.index("How do you feel about parks?</caption>"):]
    assert "60%" in table and "40%" in table and "12 (50%)" in table
