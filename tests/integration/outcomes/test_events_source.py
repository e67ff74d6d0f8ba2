"""Events as a source of taking part (SQLite and PostgreSQL): panel members who attended an
event of an engagement hear what happened to it, count in the impact measures with their
profile on the non-special dimensions, and their feedback survey's "Did you feel listened to?"
counts with the other answers."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from events.models import Attendance, Event, RegistrationStatus
from outcomes import loop, measure_queries
from outcomes.models import FeedbackKind
from panel.models import Category, Dimension, ProfileAnswer
from surveys.models import Answer, Question, Response
from tests.integration.events.conftest import (  # noqa: F401 (the events tests' fixtures)
    make_event,
    make_registration,
)

S = RegistrationStatus
pytestmark = pytest.mark.clock("2027-03-21 09:00")


def attended(registration, session):
    place = next(p for p in registration.places if p.session_id == session.id)
    place.attendance = Attendance.ATTENDED
    db.session.commit()


def test_attendees_took_part_and_nobody_else(make_event, make_registration):  # noqa: F811
    event = make_event(sessions=2)
    came = make_registration(event, S.ATTENDED)
    missed = make_registration(event, S.NO_SHOW)
    confirmed = make_registration(event, S.CONFIRMED)
    assert loop.took_part(came.resident, event.engagement_id)
    assert not loop.took_part(missed.resident, event.engagement_id)
    assert not loop.took_part(confirmed.resident, event.engagement_id)
    assert loop.engagements_of(came.resident) == [event.engagement_id]
    other = make_event()
    assert not loop.took_part(came.resident, other.engagement_id)


def test_attendees_count_in_the_impact_measures_from_their_first_session(
        make_event, make_registration):  # noqa: F811
    event = make_event(sessions=2)
    came = make_registration(event, S.ATTENDED)
    attended(came, event.sessions[1])
    make_registration(event, S.NO_SHOW)
    sex = Dimension(key="sex", label="Sex", position=1)
    female = Category(dimension=sex, key="female", label="Female", position=0)
    ethnic = Dimension(key="ethnic_group", label="Ethnic group", position=2,
                       special_category=True)
    white = Category(dimension=ethnic, key="white", label="White", position=0)
    db.session.add_all([sex, ethnic])
    db.session.flush()
    db.session.add_all([
        ProfileAnswer(resident_id=came.resident_id, dimension=sex, category=female),
        ProfileAnswer(resident_id=came.resident_id, dimension=ethnic, category=white)])
    db.session.commit()
    rows = list(measure_queries.event_participation())
    assert rows == [(came.resident_id, event.sessions[1].starts_at, {"sex": "female"})]
    assert (came.resident_id, event.sessions[1].starts_at, {"sex": "female"}) in \
        measure_queries.took_part()


def test_event_feedback_counts_as_listened(make_event, make_registration,  # noqa: F811
                                           make_user):
    from events.after import send_feedback_survey
    from events.models import EventStatus

    event = make_event(status=EventStatus.HELD)
    came = make_registration(event, S.ATTENDED)
    send_feedback_survey(make_user(), event)
    survey_id = db.session.get(Event, event.id).feedback_survey_id
    question = db.session.scalars(select(Question).where(
        Question.survey_id == survey_id, Question.key == "q1")).one()
    db.session.add(Response(survey_id=survey_id, resident_id=came.resident_id,
                            started_at=datetime(2027, 3, 21), submitted_at=datetime(2027, 3, 21),
                            answers=[Answer(question_id=question.id, value="partly")]))
    db.session.add(Response(survey_id=survey_id, resident_id=None,
                            started_at=datetime(2027, 3, 21),     # not sent: not counted
                            answers=[Answer(question_id=question.id, value="no")]))
    db.session.commit()
    assert measure_queries.feedback(FeedbackKind.LISTENED) == ["partly"]
    assert measure_queries.feedback(FeedbackKind.HAPPENED) == []
