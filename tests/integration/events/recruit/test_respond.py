"""The personal link: "I'm interested" with availability, access needs and answers, or not;
changing answers; withdrawing; plain words for every state (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Message
from events.models import (
    AccessNeed,
    EventFormat,
    EventStatus,
    NeedKind,
    NeedStatus,
    RegistrationStatus,
    ScreeningQuestion,
)
from events.registrations import change_status
from tests.conftest import csrf_token_from

S = RegistrationStatus


@pytest.fixture
def event(make_event):
    event = make_event(capacity=2, sessions=2, offers_childcare=True)
    event.questions.append(ScreeningQuestion(text="How do you feel about the parks?",
                                             options=["Happy", "Unhappy", "Not sure"]))
    db.session.commit()
    return event


@pytest.fixture
def invited(event, make_registration):
    return make_registration(event, S.INVITED)


def url(registration) -> str:
    return f"/events/r/{registration.token}"


def post(client, registration, **data):
    token = csrf_token_from(client)   # the session's token (the page may show no form)
    return client.post(url(registration), data={"csrf_token": token, **data})


def interest(registration, **changes):
    event = registration.event
    question = event.questions[0]
    data = {"choice": "interested", "available": [str(event.sessions[0].id)],
            "needs": ["childcare", "interpreter"], "need-childcare": "3 and 5",
            "need-interpreter": "Polish", question.key: "Happy"}
    data.update(changes)
    return data


def test_an_unknown_link_is_a_plain_not_found(client):
    assert client.get("/events/r/not-a-real-token").status_code == 404
    assert client.get("/events/r/" + "x" * 200).status_code == 404


def test_the_invitation_shows_the_event_in_uk_time(client, make_event, make_registration):
    event = make_event(sessions=2, starts=datetime(2027, 3, 27, 10, 0), offers_childcare=True)
    invited = make_registration(event, S.INVITED)
    page = client.get(url(invited)).get_data(as_text=True)
    assert "Parks workshop" in page and "I'm interested" in page
    # 10:00 UTC on 27 March 2027 is 10am in London (GMT); after the clocks change on the
    # 28th, 10:00 UTC is 11am (BST)
    assert "Saturday 27 March 2027, 10am to 1pm" in page
    assert "Saturday 3 April 2027, 11am to 2pm" in page
    assert "Step-free access" in page and "childcare" in page


def test_saying_interested_stores_availability_needs_and_answers(client, invited):
    response = post(client, invited, **interest(invited))
    assert response.status_code == 303
    db.session.refresh(invited)
    assert invited.status == S.INTERESTED and invited.responded_at is not None
    assert {p.session_id: p.available for p in invited.places} == {
        invited.event.sessions[0].id: True, invited.event.sessions[1].id: False}
    assert sorted((n.kind, n.detail, n.status) for n in invited.needs) == [
        (NeedKind.CHILDCARE, "3 and 5", NeedStatus.REQUESTED),
        (NeedKind.INTERPRETER, "Polish", NeedStatus.REQUESTED)]
    assert invited.screening == {invited.event.questions[0].key: "Happy"}
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.subject == "Parks workshop: thank you for your interest")) == 1
    page = client.get(url(invited)).get_data(as_text=True)
    assert "You said you are interested" in page


def test_a_second_submission_changes_nothing(client, invited):
    post(client, invited, **interest(invited))
    again = post(client, invited, **interest(invited, **{"need-childcare": "7"}))
    assert again.status_code == 303
    db.session.refresh(invited)
    assert [n.detail for n in invited.needs if n.kind == NeedKind.CHILDCARE] == ["3 and 5"]
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"available": []}, "Tick at least one session you can come to"),
    ({"need-interpreter": ""}, "Enter the language you need an interpreter for"),
    ({"need-childcare": "  "}, "Enter the ages of the children who need care"),
    ({"needs": ["other"]}, "Tell us what you need"),
    ({"need-interpreter": "x" * 501}, "500 characters or fewer"),
    ({"need-interpreter": "Pol\x00ish"}, "Remove the unusual character"),
    ({"available": ["999999999999999999999", "<script>", "-1"]}, "Tick at least one"),
    ({"q1": "", "q999": "Happy"}, "Select an answer to: How do you feel about the parks?"),
])
def test_bad_answers_are_said_plainly_and_nothing_is_lost(client, invited, changes, message):
    data = interest(invited, **changes)
    if "q1" in changes:
        data.pop(invited.event.questions[0].key)
    response = post(client, invited, **data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and message in page
    db.session.refresh(invited)
    assert invited.status == S.INVITED and not invited.needs
    if "need-childcare" not in changes:   # what was typed is still there
        assert 'value="3 and 5"' in page


def test_an_assembly_needs_every_session(client, make_event, make_registration):
    event = make_event(sessions=3, format=EventFormat.CITIZENS_ASSEMBLY)
    registration = make_registration(event, S.INVITED)
    page = client.get(url(registration)).get_data(as_text=True)
    assert "everyone taking part comes to every session" in page
    response = post(client, registration, choice="interested",
                    available=[str(event.sessions[0].id), str(event.sessions[1].id)])
    assert response.status_code == 422
    assert "Tick every session" in response.get_data(as_text=True)


def test_not_interested_declines(client, invited):
    assert post(client, invited, choice="not_interested").status_code == 303
    db.session.refresh(invited)
    assert invited.status == S.DECLINED
    assert "not able to take part this time" in client.get(url(invited)).get_data(as_text=True)


def test_answers_can_change_until_selection(client, invited):
    post(client, invited, **interest(invited))
    form = client.get(url(invited) + "?change=1").get_data(as_text=True)
    assert "Change your answers" in form and 'value="Polish"' in form
    changed = post(client, invited, **interest(invited, choice="change", needs=["dietary"],
                                               available=[str(invited.event.sessions[1].id)]))
    assert changed.status_code == 303
    db.session.refresh(invited)
    assert [n.kind for n in invited.needs] == [NeedKind.DIETARY]
    assert [p.available for p in sorted(invited.places, key=lambda p: p.session_id)] == [
        False, True]
    invited.event.status = EventStatus.SELECTING
    db.session.commit()
    post(client, invited, **interest(invited, choice="change"))
    db.session.refresh(invited)
    assert [n.kind for n in invited.needs] == [NeedKind.DIETARY]


def test_registration_closed_cancelled_and_left_the_panel_are_said_plainly(
        client, invited, make_registration, event):
    event.status = EventStatus.SELECTING
    db.session.commit()
    assert "Registration for this event has closed" in client.get(url(invited)).get_data(
        as_text=True)
    response = post(client, invited, **interest(invited))
    db.session.refresh(invited)
    assert invited.status == S.INVITED and response.status_code == 303
    event.status = EventStatus.CANCELLED
    event.cancel_reason = "The hall flooded."
    db.session.commit()
    assert "The hall flooded." in client.get(url(invited)).get_data(as_text=True)


def test_selected_confirmed_and_reserve_each_say_what_next(client, event, make_registration):
    selected = make_registration(event, S.SELECTED)
    page = client.get(url(selected)).get_data(as_text=True)
    assert "You have been offered a place" in page
    assert f"/events/r/{selected.token}/confirm" in page
    confirmed = make_registration(event, S.CONFIRMED)
    page = client.get(url(confirmed)).get_data(as_text=True)
    assert "Your place is confirmed" in page and "calendar.ics" in page
    reserve = make_registration(event, S.RESERVE)
    assert "reserve list" in client.get(url(reserve)).get_data(as_text=True)
    make_registration(event, S.CONFIRMED)   # every place taken
    assert "Every place has now been taken" in client.get(url(selected)).get_data(as_text=True)


def test_withdrawing_gives_a_confirmed_place_back(client, event, make_registration):
    confirmed = make_registration(event, S.CONFIRMED)
    assert event.places_taken == 1
    page = client.get(f"/events/r/{confirmed.token}/withdraw").get_data(as_text=True)
    assert "Your place will go to someone else" in page
    token = csrf_token_from(client, f"/events/r/{confirmed.token}/withdraw")
    for _ in range(2):   # a double click
        response = client.post(f"/events/r/{confirmed.token}/withdraw",
                               data={"csrf_token": token})
        assert response.status_code == 303
    db.session.refresh(confirmed)
    db.session.refresh(event)
    assert confirmed.status == S.WITHDRAWN and event.places_taken == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "event_registration_withdrawn")) == 1
    assert "You have withdrawn" in client.get(url(confirmed)).get_data(as_text=True)


def test_a_change_of_status_elsewhere_is_respected(client, invited):
    change_status(invited, S.DECLINED)
    db.session.commit()
    post(client, invited, **interest(invited))
    db.session.refresh(invited)
    assert invited.status == S.DECLINED
    assert db.session.scalar(select(func.count()).select_from(AccessNeed)) == 0


def test_a_link_for_someone_who_left_the_panel_says_so(client, invited):
    from panel.models import ResidentStatus
    invited.resident.status = ResidentStatus.WITHDRAWN
    db.session.commit()
    page = client.get(url(invited)).get_data(as_text=True)
    assert "You have left the panel" in page and "I&#39;m interested</button>" not in page
    assert 'value="interested"' not in page
    post(client, invited, **interest(invited))
    db.session.refresh(invited)
    assert invited.status == S.INVITED
