"""The survey schema: state rules, one response per invitation, answers outliving an erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from core.extensions import db
from core.models import Role, utcnow
from panel.engagements import Engagement, SpectrumLevel
from panel.membership import erase_resident
from surveys.models import (
    Answer,
    Audience,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    SurveyState,
    SurveyStateError,
)
from surveys.question_types import answers_from, form_class


@pytest.fixture
def survey(app):
    engagement = Engagement(title="Future of our libraries", topic="Libraries",
                            level=SpectrumLevel.CONSULT,
                            why="We must save £400,000 and want to hear how you use them.")
    survey = Survey(engagement=engagement, title="Libraries survey")
    survey.sections = [
        Section(title="Your library", position=0, questions=[
            Question(survey=survey, key="q1", kind="single", position=0, required=True,
                     text="Which library do you use most?", other=True,
                     options=[["central", "Central"], ["padiham", "Padiham"]])]),
        Section(title="Opening hours", position=1, show_if={"question": "q1", "in": ["central"]},
                questions=[Question(survey=survey, key="q2", kind="agree", position=0,
                                    text="The library is open at times that suit me")]),
    ]
    db.session.add(survey)
    db.session.commit()
    return survey


def test_questions_come_back_as_specs_the_registry_can_render_and_check(survey):
    stored = db.session.scalars(select(Question).order_by(Question.key)).all()
    specs = [q.spec() for q in stored]
    assert specs[0].options == (("central", "Central"), ("padiham", "Padiham"))
    form = form_class(specs)(MultiDict([("q1", "padiham"), ("q2", "agree")]))
    assert form.validate(), form.errors
    assert answers_from(form, specs) == {"q1": "padiham", "q2": "agree"}
    assert survey.sections[1].show_if == {"question": "q1", "in": ["central"]}


def test_a_survey_moves_draft_open_closed_published_and_no_other_way(survey):
    now = utcnow()
    with pytest.raises(SurveyStateError, match="Close the survey before publishing"):
        survey.publish_results(now)
    survey.open(now)
    assert survey.state == SurveyState.OPEN and survey.accepts_answers(now)
    with pytest.raises(SurveyStateError, match="Only a draft can be opened"):
        survey.open(now)
    survey.closes_at = now + timedelta(hours=1)
    assert not survey.accepts_answers(now + timedelta(hours=2))
    survey.close(now)
    assert not survey.accepts_answers(now)
    survey.publish_results(now)
    assert survey.state == SurveyState.PUBLISHED and survey.published_at == now
    with pytest.raises(SurveyStateError, match="Only an open survey can be closed"):
        survey.close(now)


def test_a_survey_opens_only_with_questions_and_its_sample(app):
    engagement = Engagement(title="Parks", level=SpectrumLevel.RESEARCH)
    empty = Survey(engagement=engagement, title="Parks survey")
    with pytest.raises(SurveyStateError, match="Add at least one question"):
        empty.open(utcnow())
    empty.sections = [Section(title="Parks", questions=[
        Question(survey=empty, key="q1", kind="rating", text="How good are the parks?")])]
    empty.audience = Audience.SAMPLE
    with pytest.raises(SurveyStateError, match="Choose the sample"):
        empty.open(utcnow())


def test_questions_are_frozen_once_answered_or_closed(survey):
    survey.check_structure_editable(answers_exist=False)
    with pytest.raises(SurveyStateError, match="fix the wording"):
        survey.check_structure_editable(answers_exist=True)
    survey.open(utcnow())
    survey.close(utcnow())
    with pytest.raises(SurveyStateError, match="closed"):
        survey.check_structure_editable(answers_exist=False)


def test_the_database_allows_one_response_per_invitation(survey, make_resident):
    resident = make_resident()
    invitation = Invitation(survey_id=survey.id, resident_id=resident.id)
    db.session.add(invitation)
    db.session.commit()
    db.session.add(Response(survey_id=survey.id, invitation_id=invitation.id))
    db.session.commit()
    db.session.add(Response(survey_id=survey.id, invitation_id=invitation.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # responses from the public link have no invitation: any number of them
    db.session.add_all([Response(survey_id=survey.id), Response(survey_id=survey.id)])
    db.session.commit()
    assert len(db.session.scalars(select(Response)).all()) == 3


def test_one_invitation_per_resident_per_survey(survey, make_resident):
    resident = make_resident()
    db.session.add(Invitation(survey_id=survey.id, resident_id=resident.id))
    db.session.commit()
    db.session.add(Invitation(survey_id=survey.id, resident_id=resident.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_erasing_a_resident_keeps_their_answers_as_anonymous_statistics(survey, make_resident,
                                                                        make_user):
    resident = make_resident()
    invitation = Invitation(survey_id=survey.id, resident_id=resident.id)
    db.session.add(invitation)
    db.session.flush()
    q1 = db.session.scalar(select(Question).where(Question.key == "q1"))
    response = Response(survey_id=survey.id, invitation_id=invitation.id,
                        resident_id=resident.id, profile={"age_band": "35_44"},
                        submitted_at=utcnow(), answers=[Answer(question_id=q1.id,
                                                               value="central")])
    db.session.add(response)
    db.session.commit()
    erase_resident(make_user(Role.ADMIN), resident)
    db.session.expire_all()
    kept = db.session.get(Response, response.id)
    assert kept.resident_id is None and kept.invitation_id is None
    assert kept.profile == {"age_band": "35_44"}
    assert [a.value for a in kept.answers] == ["central"]
    assert db.session.scalars(select(Invitation)).all() == []
