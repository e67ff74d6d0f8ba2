"""A resident's "What happened to my views" (SQLite and PostgreSQL): the engagements they took
part in, with the response and the actions; "Has this happened?" on an action marked done and
"Did you feel listened to?" once a response is out, answered only by those who took part, once
each (answering again changes it); officers see the counts, the public never does; how they
hear is their choice; CSRF on every form; bad input gets a message beside the field."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from outcomes import services
from outcomes.models import Feedback, FeedbackKind, LoopFrequency, LoopPreference
from outcomes.progress import ActionStatus
from outcomes.services import ActionText, ResponseText, UpdateText
from panel.engagements import Engagement, SpectrumLevel
from surveys.models import Response, Survey
from tests.conftest import csrf_token_from

pytestmark = pytest.mark.clock("2026-12-07 10:00")
NOW = datetime(2026, 12, 7, 9, 0)
PAGE = "/account/what-happened"


@pytest.fixture
def engagement(app, make_user, member):
    officer = make_user(Role.OFFICER)
    engagement = Engagement(title="Future of our libraries", level=SpectrumLevel.CONSULT,
                            starts_on=date(2026, 9, 1), ends_on=date(2026, 10, 31),
                            announced_at=datetime(2026, 9, 1))
    survey = Survey(engagement=engagement, title="Libraries survey")
    db.session.add(survey)
    participant = member("took.part@example.org")
    db.session.flush()
    db.session.add(Response(survey_id=survey.id, resident_id=participant.id,
                            submitted_at=datetime(2026, 10, 1)))
    db.session.commit()
    services.save_draft(officer, engagement, ResponseText(summary="You asked for Sundays."))
    services.publish_response(officer, engagement, NOW)
    done = services.add_action(officer, engagement, ActionText("Open on Sundays", "Libraries"))
    later = services.add_action(officer, engagement, ActionText("More e-books", "Libraries"))
    services.publish_action(officer, done, NOW)
    services.publish_action(officer, later, NOW)
    services.bulk_status(officer, [done], UpdateText(ActionStatus.DONE), NOW)
    return engagement, done, later, participant


def _post(client, url, data):
    return client.post(url, data={"csrf_token": csrf_token_from(client, PAGE), **data})


def test_a_participant_sees_what_happened_and_answers(sign_in, engagement):
    engagement_, done, later, participant = engagement
    client = sign_in(participant.user)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Future of our libraries" in page and "You asked for Sundays." in page
    assert f"/outcomes/{engagement_.id}" in page
    assert "Has “Open on Sundays” happened?" in page
    assert "Has “More e-books” happened?" not in page          # not done: not asked
    assert "Did you feel listened to about" in page

    answered = _post(client, f"{PAGE}/actions/{done.id}",
                     {f"happened-{done.id}-answer": "partly",
                      f"happened-{done.id}-comment": "Only one library."})
    assert answered.status_code == 303
    _post(client, f"{PAGE}/actions/{done.id}", {f"happened-{done.id}-answer": "yes"})
    kept = db.session.scalars(select(Feedback)).all()
    assert [(f.kind, f.answer, f.comment) for f in kept] == [
        (FeedbackKind.HAPPENED, "yes", "")]                     # one answer, changed
    _post(client, f"{PAGE}/engagements/{engagement_.id}/listened",
          {f"listened-{engagement_.id}-answer": "no"})
    assert db.session.scalar(select(Feedback.answer).where(
        Feedback.kind == FeedbackKind.LISTENED)) == "no"
    page = client.get(PAGE).get_data(as_text=True)
    assert f'name="happened-{done.id}-answer" type="radio" value="yes" checked' in page
    assert f'name="listened-{engagement_.id}-answer" type="radio" value="no" checked' in page


def test_no_answer_gets_a_message_beside_the_field(sign_in, engagement):
    _engagement, done, _later, participant = engagement
    client = sign_in(participant.user)
    response = _post(client, f"{PAGE}/actions/{done.id}", {})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("Select whether this has happened") == 2       # summary and field
    assert db.session.scalars(select(Feedback)).all() == []


def test_only_participants_answer_and_only_on_done_actions(sign_in, member, engagement):
    engagement_, done, later, participant = engagement
    stranger = sign_in(member("stranger@example.org").user)
    assert "You have not taken part" in stranger.get(PAGE).get_data(as_text=True)
    assert _post(stranger, f"{PAGE}/actions/{done.id}",
                 {f"happened-{done.id}-answer": "no"}).status_code == 403
    assert _post(stranger, f"{PAGE}/engagements/{engagement_.id}/listened",
                 {f"listened-{engagement_.id}-answer": "no"}).status_code == 403
    stranger.post("/sign-out", data={"csrf_token": csrf_token_from(stranger, PAGE)})
    client = sign_in(participant.user)
    assert _post(client, f"{PAGE}/actions/{later.id}",
                 {f"happened-{later.id}-answer": "no"}).status_code == 403
    assert _post(client, f"{PAGE}/actions/99999", {}).status_code == 404
    assert db.session.scalars(select(Feedback)).all() == []


def test_every_form_needs_its_csrf_token(sign_in, engagement):
    engagement_, done, _later, participant = engagement
    client = sign_in(participant.user)
    for url, data in ((f"{PAGE}/actions/{done.id}", {f"happened-{done.id}-answer": "no"}),
                      (f"{PAGE}/engagements/{engagement_.id}/listened",
                       {f"listened-{engagement_.id}-answer": "no"}),
                      (f"{PAGE}/how-we-tell-you", {"frequency": "never"})):
        assert client.post(url, data=data).status_code == 400
    assert db.session.scalars(select(Feedback)).all() == []


def test_staff_and_signed_out_people_are_kept_out(client, login, engagement):
    assert client.get(PAGE).status_code in (302, 401)
    officer = login(Role.OFFICER)
    assert officer.get(PAGE).status_code == 403


def test_the_resident_chooses_how_we_tell_them(sign_in, engagement):
    _engagement, _done, _later, participant = engagement
    client = sign_in(participant.user)
    account = client.get("/account").get_data(as_text=True)
    assert "What happened to your views" in account and "As it happens" in account
    assert _post(client, f"{PAGE}/how-we-tell-you", {}).status_code == 422
    saved = _post(client, f"{PAGE}/how-we-tell-you", {"frequency": "weekly"})
    assert saved.status_code == 303
    preference = db.session.get(LoopPreference, participant.id)
    assert preference.frequency == LoopFrequency.WEEKLY and preference.last_digest_at
    assert "In a weekly summary" in client.get("/account").get_data(as_text=True)


def test_officers_see_the_counts_the_public_does_not(client, sign_in, login, engagement):
    engagement_, done, _later, participant = engagement
    resident = sign_in(participant.user)
    _post(resident, f"{PAGE}/actions/{done.id}", {f"happened-{done.id}-answer": "not_sure"})
    _post(resident, f"{PAGE}/engagements/{engagement_.id}/listened",
          {f"listened-{engagement_.id}-answer": "partly"})
    resident.post("/sign-out", data={"csrf_token": csrf_token_from(resident, PAGE)})
    public = client.get(f"/outcomes/{engagement_.id}").get_data(as_text=True)
    assert "Has this happened? Open on Sundays" not in public
    assert "What participants told us back" not in public
    officer = login(Role.OFFICER)
    page = officer.get(f"/engagements/{engagement_.id}").get_data(as_text=True)
    assert "What participants told us back" in page
    assert "Has this happened? Open on Sundays" in page
    row = page.split("Has this happened? Open on Sundays")[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:-1]] == ["0", "0", "0", "1"]


def test_a_participant_answers_on_the_public_page_too(client, sign_in, member, engagement):
    engagement_, done, _later, participant = engagement
    public = f"/outcomes/{engagement_.id}"
    assert "You took part" not in client.get(public).get_data(as_text=True)
    stranger = sign_in(member("stranger@example.org").user)
    assert "You took part" not in stranger.get(public).get_data(as_text=True)
    stranger.post("/sign-out", data={"csrf_token": csrf_token_from(stranger, PAGE)})
    resident = sign_in(participant.user)
    page = resident.get(public).get_data(as_text=True)
    assert "You took part: tell us what you think" in page
    assert "Has “Open on Sundays” happened?" in page and 'name="back" value="public"' in page
    answered = resident.post(f"{PAGE}/actions/{done.id}", data={
        "csrf_token": csrf_token_from(resident, public), "back": "public",
        f"happened-{done.id}-answer": "no"})
    assert answered.status_code == 303
    assert answered.headers["Location"].endswith(f"{public}#action-{done.id}")
    page = resident.get(public).get_data(as_text=True)
    assert "your answer about “Open on Sundays” is saved" in page
    assert f'name="happened-{done.id}-answer" type="radio" value="no" checked' in page
