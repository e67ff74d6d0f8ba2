"""Setting up an event (SQLite and PostgreSQL): the list, creating it as an organiser, two
sessions typed in UK time, support, recruitment, quotas, a screening question, opening
recruitment with a public code; bad input gets a message beside the field, status 422, and
nothing typed is lost."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role
from events.models import Event, EventStatus, ThankYouKind
from events.services import CODE_ALPHABET, CODE_LENGTH
from panel.engagements import Engagement, SpectrumLevel
from tests.integration.events.manage.conftest import post

pytestmark = pytest.mark.clock("2027-03-01 09:00")


@pytest.fixture
def engagement(app) -> Engagement:
    engagement = Engagement(title="Future of our parks", level=SpectrumLevel.INVOLVE)
    db.session.add(engagement)
    db.session.commit()
    return engagement


DETAILS = {"title": "Parks assembly", "purpose": "What our parks should be for.",
           "format": "assembly", "capacity": "30"}
SESSION = {"day": ["12", "6", "2027"], "starts": "10:00", "ends": "1pm",
           "venue": "Burnley Town Hall", "address": "Manchester Road", "step_free": "y"}


def created(client, engagement) -> Event:
    response = post(client, "/events/new", engagement=str(engagement.id), **DETAILS)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return db.session.scalar(select(Event).order_by(Event.id.desc()))


def test_an_organiser_sets_up_a_two_session_event_and_opens_recruitment(
        make_user, sign_in, engagement):
    organiser = make_user(Role.ORGANISER)
    client = sign_in(organiser)
    event = created(client, engagement)
    assert event.status == EventStatus.DRAFT and event.is_organiser(organiser)
    assert event.capacity == 30 and event.engagement_id == engagement.id
    assert client.get(f"/events/{event.id}").status_code == 200
    opened = post(client, f"/events/{event.id}/open", f"/events/{event.id}")
    assert opened.status_code == 422  # no sessions, no closing date yet
    assert "add at least one session" in opened.get_data(as_text=True)

    assert post(client, f"/events/{event.id}/sessions/new", **SESSION).status_code == 303
    online = {**SESSION, "day": ["19", "6", "2027"], "venue": "", "address": "",
              "online_url": "https://meet.example.org/parks", "step_free": ""}
    assert post(client, f"/events/{event.id}/sessions/new", **online).status_code == 303
    db.session.refresh(event)
    first, second = event.sessions
    # 10:00 and 13:00 in British Summer Time are 09:00 and 12:00 UTC.
    assert (first.starts_at, first.ends_at) == (datetime(2027, 6, 12, 9), datetime(2027, 6, 12, 12))
    assert first.step_free and second.online and not second.step_free

    support = {"offers_childcare": "y", "offers_bsl": "y", "interpreter_languages": "Urdu",
               "thank_you_kind": "voucher", "thank_you_amount": "£25.50"}
    assert post(client, f"/events/{event.id}/support", **support).status_code == 303
    recruitment = {"expected_response_rate": "25", "closes_on": ["20", "5", "2027"],
                   "closes_at": "17:00", "confirm_on": ["27", "5", "2027"],
                   "first_reminder": "7", "second_reminder": "1"}
    assert post(client, f"/events/{event.id}/recruitment", **recruitment).status_code == 303
    db.session.refresh(event)
    assert (event.thank_you_kind, event.thank_you_pence) == (ThankYouKind.VOUCHER, 2550)
    assert event.offers_childcare and event.offers_bsl and not event.offers_travel
    assert event.registration_closes_at == datetime(2027, 5, 20, 16)
    assert event.reminder_days == [7, 1] and event.expected_response_rate == 25

    opened = post(client, f"/events/{event.id}/open", f"/events/{event.id}")
    assert opened.status_code == 303
    db.session.refresh(event)
    assert event.status == EventStatus.RECRUITING
    assert len(event.public_code) == CODE_LENGTH and set(event.public_code) <= set(CODE_ALPHABET)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert event.public_code in page and "Saturday 12 June 2027, 10am to 1pm" in page
    code = event.public_code
    assert post(client, f"/events/{event.id}/open", f"/events/{event.id}").status_code == 303
    db.session.refresh(event)
    assert event.public_code == code  # a double click changes nothing


def test_the_list_shows_officers_every_event_and_organisers_their_own(
        make_event, make_user, signed_in):
    mine = make_user(Role.ORGANISER)
    make_event(title="Mine", organiser=mine)
    make_event(title="Someone else's")
    page = signed_in(mine).get("/events/").get_data(as_text=True)
    assert "Mine" in page and "Someone else" not in page and "Create an event" in page
    officer = signed_in(make_user(Role.OFFICER)).get("/events/").get_data(as_text=True)
    assert "Mine" in officer and "Someone else" in officer


@pytest.mark.parametrize(("url", "fields", "field", "message"), [
    ("/events/new", {**DETAILS, "capacity": "ten"}, "capacity",
     "Enter the number of places as a whole number, like 30"),
    ("/events/new", {**DETAILS, "capacity": "0"}, "capacity",
     "The number of places must be between 1 and 10,000"),
    ("/events/{id}/sessions/new", {**SESSION, "ends": "09:00"}, "ends",
     "The end time must be after the start time"),
    ("/events/{id}/sessions/new", {**SESSION, "starts": "25:00"}, "starts",
     "The start time must be a real time"),
    ("/events/{id}/sessions/new", {**SESSION, "venue": "", "online_url": "meet the team"},
     "online_url", "Enter the online link as a web address"),
    ("/events/{id}/sessions/new", {**SESSION, "venue": ""}, "venue",
     "Enter the venue, or an online link"),
    ("/events/{id}/support", {"thank_you_kind": "payment", "thank_you_amount": "lots"},
     "thank_you_amount", "Enter the amount in pounds"),
    ("/events/{id}/recruitment", {"expected_response_rate": "30",
                                  "closes_on": ["20", "5", "2027"],
                                  "confirm_on": ["19", "5", "2027"]},
     "confirm_on", "The date to confirm by must be after registration closes"),
    ("/events/{id}/questions/new", {"text": "How do you feel about parks?",
                                    "options": "Happy\nWorried\nNo view",
                                    "shares": "50\n30\n30"},
     "shares", "The shares must add up to 100 (they add up to 110)"),
    ("/events/{id}/questions/new", {"text": "How do you feel?", "options": "Happy"},
     "options", "Enter at least two answers"),
])
def test_bad_input_is_explained_beside_the_field_and_kept(
        make_event, make_user, sign_in, engagement, url, fields, field, message):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, status=EventStatus.DRAFT)
    client = sign_in(organiser)
    url = url.format(id=event.id)
    response = post(client, url, engagement=str(engagement.id), **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:2000]
    assert "There is a problem" in page and message in page
    assert f'id="{field}-error"' in page or f'{field}-error' in page
    for value in fields.values():
        if isinstance(value, str) and value and "\n" not in value:
            assert value.replace("'", "&#39;") in page, value


def test_a_shared_quota_question_is_saved_as_shares_of_the_room(make_event, make_user,
                                                                  sign_in):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, status=EventStatus.DRAFT)
    response = post(sign_in(organiser), f"/events/{event.id}/questions/new",
                    text="How do you feel about parks?", options="Happy\nWorried\nNo view",
                    shares="50\n30%\n20")
    assert response.status_code == 303
    db.session.refresh(event)
    (question,) = event.questions
    assert question.options == ["Happy", "Worried", "No view"]
    assert question.quota_shares == {"Happy": 0.5, "Worried": 0.3, "No view": 0.2}


def test_organisers_choose_only_ordinary_questions_and_designs_bring_their_own(
        make_event, make_user, sign_in, target_set):
    from quota.models import SampleDesign

    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, status=EventStatus.DRAFT)
    client = sign_in(organiser)
    form = client.get(f"/events/{event.id}/quotas").get_data(as_text=True)
    assert 'value="sex"' in form and 'value="ethnic_group"' not in form
    refused = post(client, f"/events/{event.id}/quotas", target_set=str(target_set.id),
                   dimensions=["sex", "ethnic_group"])
    assert refused.status_code == 422
    db.session.refresh(event)
    assert event.dimensions == []
    design = SampleDesign(name="Assembly design", spec={
        "target_set_id": target_set.id, "dimensions": ["sex", "ethnic_group"],
        "household": True, "merged": ["ethnic_group"]})
    db.session.add(design)
    db.session.commit()
    chosen = post(client, f"/events/{event.id}/quotas", design=str(design.id))
    assert chosen.status_code == 303, chosen.get_data(as_text=True)
    db.session.refresh(event)
    assert (event.design_id, event.target_set_id) == (design.id, target_set.id)
    assert event.dimensions == ["sex", "ethnic_group"] and event.one_per_household
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Ethnic group" not in page and "1 special-category question" in page


def test_an_officer_assigns_organisers(make_event, make_user, login):
    event = make_event(status=EventStatus.DRAFT)
    other = make_user(Role.ORGANISER)
    officer = login(Role.OFFICER)
    response = post(officer, f"/events/{event.id}/organisers", organisers=[str(other.id)])
    assert response.status_code == 303
    db.session.refresh(event)
    assert [u.id for u in event.organisers] == [other.id]
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event.organisers_changed")) is not None


def test_a_session_is_changed_in_uk_time_and_removed(make_event, make_user, signed_in):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, status=EventStatus.DRAFT, sessions=2)
    client = signed_in(organiser)
    first, second = event.sessions
    form = client.get(f"/events/{event.id}/sessions/{first.id}").get_data(as_text=True)
    assert 'value="10:00"' in form and 'value="20"' in form  # 10:00 UTC in March is 10:00
    winter = {**SESSION, "day": ["4", "12", "2027"], "starts": "18:30", "ends": "20:30"}
    assert post(client, f"/events/{event.id}/sessions/{first.id}", **winter).status_code == 303
    db.session.refresh(first)
    assert first.starts_at == datetime(2027, 12, 4, 18, 30)  # GMT: UK time is UTC
    removed = post(client, f"/events/{event.id}/sessions/{second.id}/remove",
                   f"/events/{event.id}")
    assert removed.status_code == 303
    db.session.expire_all()
    assert [s.id for s in event.sessions] == [first.id]


def test_recruitment_opens_only_if_registration_closes_before_the_first_session(
        make_event, make_user, signed_in):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, status=EventStatus.DRAFT,
                       registration_closes_at=datetime(2027, 3, 25))  # after the session
    client = signed_in(organiser)
    refused = post(client, f"/events/{event.id}/open", f"/events/{event.id}")
    assert refused.status_code == 422
    assert "Registration must close before the first session starts" in \
        refused.get_data(as_text=True)
    event.registration_closes_at = datetime(2027, 3, 10)
    db.session.commit()
    assert post(client, f"/events/{event.id}/open", f"/events/{event.id}").status_code == 303


def test_a_question_is_removed_only_from_a_draft(make_event, make_user, signed_in):
    from events.models import ScreeningQuestion

    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, status=EventStatus.RECRUITING)
    event.questions.append(ScreeningQuestion(text="How do you feel?", options=["A", "B"]))
    db.session.commit()
    question_id = event.questions[0].id
    client = signed_in(organiser)
    response = post(client, f"/events/{event.id}/questions/{question_id}/remove",
                    f"/events/{event.id}")
    assert response.status_code == 303
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "can only be removed while the event is a draft" in page
    db.session.expire_all()
    assert len(event.questions) == 1


def test_the_quotas_page_shows_the_questions_already_chosen_ticked(
        make_event, make_user, sign_in, target_set):
    organiser = make_user(Role.ORGANISER)
    event = make_event(organiser=organiser, status=EventStatus.DRAFT,
                       target_set_id=target_set.id, dimensions=["sex", "age_band"])
    page = sign_in(organiser).get(f"/events/{event.id}/quotas")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'value="sex"[^>]*checked', html), html
