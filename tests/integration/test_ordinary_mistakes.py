"""Ordinary mistakes in the sample builder and replacements: a plain message or a working
page, never a 500 (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role, User
from panel import membership
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident
from quota import services
from quota.models import MemberRole, SampleMode
from surveys import services as survey_services
from surveys.models import Question, Section, Survey
from tests.conftest import csrf_token_from
from tests.integration.at_once import at_once
from tests.integration.quota.test_samples import builder_form, officer, spec
from tests.integration.quota.test_samples import demo as demo  # noqa: F401 (a fixture)


@pytest.mark.parametrize("changes", [{"mode": "x"}, {"target_set": "9" * 40},
                                     {"target_set": str(2**64)}])
def test_a_wrong_kind_or_target_set_in_the_live_check_is_named(demo, login, changes):
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/quota/samples/new")
    response = client.post("/quota/samples/check",
                           data={**builder_form(**changes), "csrf_token": token})
    assert response.status_code == 200
    assert "Select one of the options for" in response.get_data(as_text=True)


@pytest.fixture
def sample_with_an_erased_member(demo):
    sample = services.draw_sample(officer(), spec(mode=SampleMode.FAIR, size=12))
    gone, *others = sample.members_with(MemberRole.SELECTED)
    membership.erase_resident(officer(), db.session.get(Resident, gone.resident_id))
    db.session.expire_all()
    return sample, gone, others


def test_after_a_member_erases_their_account_the_others_can_still_be_replaced(
        sample_with_an_erased_member, login):
    sample, gone, others = sample_with_an_erased_member
    client = login(Role.OFFICER)
    member = others[0]
    page = client.get(f"/quota/samples/{sample.id}/members/{member.id}/replace")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    proposal = services.propose(sample, member)
    token = csrf_token_from(client, f"/quota/samples/{sample.id}/members/{member.id}/replace")
    done = client.post(f"/quota/samples/{sample.id}/members/{member.id}/replace",
                       data={"csrf_token": token, "resident_id": str(proposal.resident_id)})
    assert done.status_code == 303 and done.location.endswith("#selected")
    db.session.expire_all()
    assert db.session.get(type(member), member.id).role == MemberRole.DROPPED_OUT
    selected = sample.members_with(MemberRole.SELECTED)
    assert proposal.resident_id in {m.resident_id for m in selected}
    assert len(selected) == 12  # the erased member's place is still counted as filled


def test_the_erased_members_own_place_says_why_it_cannot_be_matched(
        sample_with_an_erased_member, login):
    sample, gone, _ = sample_with_an_erased_member
    page = login(Role.OFFICER).get(f"/quota/samples/{sample.id}/members/{gone.id}/replace")
    assert page.status_code == 200
    assert "erased their data" in page.get_data(as_text=True)
    assert db.session.scalar(select(Resident).where(Resident.id == gone.resident_id)) is None


@pytest.fixture
def parks_survey(make_user) -> tuple[User, Survey]:
    """An officer and a one-page survey with one question, q1."""
    actor = make_user(Role.OFFICER)
    survey = Survey(engagement=Engagement(title="Parks", level=SpectrumLevel.CONSULT),
                    title="Parks survey")
    survey.sections = [Section(title="Parks", position=0, questions=[Question(
        survey=survey, key="q1", kind="short_text", position=0, text="Which park?")])]
    db.session.add(survey)
    db.session.commit()
    return actor, survey


def test_adding_a_question_twice_at_once_adds_both_with_their_own_keys(app, parks_survey):
    """A double click on "Add question": both requests pick the next key (q2); the second
    takes the one after instead of failing on the one-key-per-survey rule."""
    actor, survey = parks_survey
    section_id, actor_id = survey.sections[0].id, actor.id

    def add(_: None) -> str:
        section = db.session.get(Section, section_id)
        survey_services._next_key(section.survey)  # read before the others write
        survey_services.add_question(db.session.get(type(actor), actor_id), section,
                                     survey_services.QuestionInput("short_text", "Why?"))
        return "added"

    outcomes = at_once(app, 4, add)
    assert outcomes == ["added"] * 4, outcomes
    keys = db.session.scalars(select(Question.key).order_by(Question.key)).all()
    assert sorted(keys) == ["q1", "q2", "q3", "q4", "q5"]


def test_duplicating_a_question_twice_at_once_makes_two_copies(app, parks_survey):
    actor, survey = parks_survey
    question_id, actor_id = survey.sections[0].questions[0].id, actor.id

    def copy(_: None) -> str:
        question = db.session.get(Question, question_id)
        survey_services._next_key(question.survey)  # read before the others write
        survey_services.duplicate_question(db.session.get(type(actor), actor_id), question)
        return "copied"

    outcomes = at_once(app, 3, copy)
    assert outcomes == ["copied"] * 3, outcomes
    assert sorted(db.session.scalars(select(Question.key))) == ["q1", "q2", "q3", "q4"]
