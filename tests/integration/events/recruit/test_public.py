"""The public registration link: anyone registers with the profile questions; special-category
answers kept only with consent; the same email twice makes nothing new (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Message
from events.models import (
    EventStatus,
    NeedKind,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from events.registering import profile_questions
from panel.demo import seed_demo
from tests.conftest import csrf_token_from

CODE = "PARKS27"


@pytest.fixture
def event(make_event):
    seed_demo(seed=3, residents=10)   # the panel's profile questions
    return make_event(public_code=CODE, sessions=2)


def answers() -> dict[str, str]:
    """An answer to every live profile question: the first option, or Prefer not to say."""
    return {q.key: q.options[-1][0] for q in profile_questions()}


def special_key() -> str | None:
    return next((q.key for q in profile_questions() if q.special), None)


def form(client, event, **changes):
    data = {"csrf_token": csrf_token_from(client, f"/events/register/{CODE}"),
            "name": "Grace Hopper", "email": "grace@example.org", "phone": "01632 960 001",
            "postcode": "bb11 1jt", "available": [str(event.sessions[1].id)],
            "needs": ["bsl"], **answers()}
    data.update(changes)
    return data


def registrations() -> list[Registration]:
    return list(db.session.scalars(select(Registration)))


def test_the_form_asks_the_profile_questions_each_with_prefer_not_to_say(client, event):
    page = client.get(f"/events/register/{CODE}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    questions = profile_questions()
    assert questions, "the database has the panel's profile questions"
    for q in questions:
        assert f'name="{q.key}"' in html
    assert html.count('value="prefer_not_to_say"') == len(questions)


def test_registering_makes_an_interested_public_registration(client, event):
    response = client.post(f"/events/register/{CODE}", data=form(client, event))
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert "Thank you for registering" in response.get_data(as_text=True)
    [registration] = registrations()
    assert registration.source == RegistrationSource.PUBLIC
    assert registration.status == RegistrationStatus.INTERESTED
    assert registration.name == "Grace Hopper" and registration.postcode == "BB11 1JT"
    assert [n.kind for n in registration.needs] == [NeedKind.BSL]
    assert {p.session_id for p in registration.places if p.available} == {
        event.sessions[1].id}
    special = {q.key for q in profile_questions() if q.special}
    assert special
    expected = {k: v for k, v in answers().items() if k not in special}
    assert registration.profile == expected   # no consent: the special answer is discarded
    assert registration.special_consent is False
    [email] = db.session.scalars(select(Message)).all()
    assert email.to_address == "grace@example.org" and registration.token in email.body_text


def test_special_category_answers_are_kept_only_with_consent(client, event):
    key = special_key()
    if key is None:
        pytest.skip("no special-category question in this database")
    client.post(f"/events/register/{CODE}", data=form(client, event, special_consent="yes"))
    [registration] = registrations()
    assert registration.profile == answers() and registration.special_consent is True


def test_the_same_email_twice_makes_nothing_new(client, event):
    client.post(f"/events/register/{CODE}", data=form(client, event))
    again = client.post(f"/events/register/{CODE}",
                        data=form(client, event, email="GRACE@example.org", name="Someone"))
    assert again.status_code == 200
    assert "Thank you for registering" in again.get_data(as_text=True)
    assert len(registrations()) == 1
    emails = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert [m.to_address for m in emails] == ["grace@example.org", "grace@example.org"]
    assert "already registered" in emails[1].subject
    assert registrations()[0].name == "Grace Hopper"


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Enter your name"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"postcode": "XYZ"}, "Enter a real postcode"),
    ({"phone": "call me"}, "Enter a phone number"),
    ({"available": []}, "Tick at least one session"),
    ({"needs": ["interpreter"]}, "Enter the language you need an interpreter for"),
    ({"name": "Bob\x00"}, "Remove the unusual character"),
    ({"name": "x" * 161}, "160 characters or fewer"),
])
def test_bad_input_is_said_plainly(client, event, changes, message):
    response = client.post(f"/events/register/{CODE}", data=form(client, event, **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert registrations() == []


def test_a_profile_answer_that_is_not_an_option_is_refused(client, event):
    key = profile_questions()[0].key
    response = client.post(f"/events/register/{CODE}",
                           data=form(client, event, **{key: "'; drop table events; --"}))
    assert response.status_code == 422
    assert registrations() == []


def test_wrong_closed_and_cancelled_codes_say_so(client, event):
    wrong = client.get("/events/register/NOPE")
    assert wrong.status_code == 404 and "This link does not work" in wrong.get_data(
        as_text=True)
    assert client.get("/events/register/" + "x" * 300).status_code == 404
    event.status = EventStatus.SELECTING
    db.session.commit()
    closed = client.get(f"/events/register/{CODE}")
    assert closed.status_code == 410
    assert "Registration for this event has closed" in closed.get_data(as_text=True)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    assert "cancelled" in client.get(f"/events/register/{CODE}").get_data(as_text=True)
    event.status = EventStatus.DRAFT
    db.session.commit()
    assert "not opened yet" in client.get(f"/events/register/{CODE}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_public_registration_is_rate_limited(app, client, event):
    app.config["PUBLIC_EVENT_RATE_LIMIT"] = "2 per hour"
    token = csrf_token_from(client, f"/events/register/{CODE}")
    codes = [client.post(f"/events/register/{CODE}", data={"csrf_token": token}).status_code
             for _ in range(3)]
    assert codes == [422, 422, 429]
