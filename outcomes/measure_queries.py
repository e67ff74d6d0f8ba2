"""The database side of the impact measures: each function reads plain data for
``outcomes.measures`` (which does the sums) and nothing else.

Who "took part": residents with a submitted survey response to one of the engagement's surveys,
and panel members who attended one of its events (``PARTICIPATION``: each source gives
(resident id, the moment they took part, their profile snapshot) rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

import pandas as pd
from sqlalchemy import func, select

from core.extensions import db
from events.after import LISTENED_KEY
from events.models import (
    Attendance,
    Event,
    EventSession,
    Registration,
    RegistrationStatus,
    SessionPlace,
)
from events.profiles import NOT_KNOWN, registrant_profiles
from outcomes import measures
from outcomes.models import Action, Feedback, FeedbackKind, Outcome
from outcomes.progress import ActionStatus
from panel.engagements import Engagement
from panel.models import Dimension, TargetSet
from surveys.models import Answer, Question, Response, Survey
from surveys.respondents import WhoAnswered, categories_frame, targets_frame, who_answered

# The smallest group shown, as the survey results and dashboard default to.
SMALL_GROUP = 10

Participation = tuple[int, datetime, dict[str, str]]


def survey_participation() -> Iterable[Participation]:
    return db.session.execute(
        select(Response.resident_id, Response.submitted_at, Response.profile)
        .join(Survey, Survey.id == Response.survey_id)
        .where(Survey.engagement_id.is_not(None), Response.resident_id.is_not(None),
               Response.submitted_at.is_not(None))
        .order_by(Response.submitted_at, Response.id)).all()


def event_participation() -> Iterable[Participation]:
    """Panel members who attended an event: the start of the first session they came to, and
    their profile now on the panel's non-special dimensions (unknown answers left out, as a
    survey response leaves out a question not answered)."""
    first = (select(SessionPlace.registration_id, func.min(EventSession.starts_at).label("at"))
             .join(EventSession, EventSession.id == SessionPlace.session_id)
             .where(SessionPlace.attendance == Attendance.ATTENDED)
             .group_by(SessionPlace.registration_id).subquery())
    rows = db.session.execute(
        select(Registration, first.c.at).join(first, first.c.registration_id == Registration.id)
        .where(Registration.status == RegistrationStatus.ATTENDED,
               Registration.resident_id.is_not(None))
        .order_by(first.c.at, Registration.id)).all()
    if not rows:
        return []
    dimensions = db.session.scalars(select(Dimension.key).where(
        Dimension.special_category.is_(False)).order_by(Dimension.id)).all()
    profiles = registrant_profiles([registration for registration, _ in rows], dimensions)
    return [(registration.resident_id, at,
             {d: c for d, c in profiles[registration.id].items() if c != NOT_KNOWN})
            for registration, at in rows]


PARTICIPATION: tuple[Callable[[], Iterable[Participation]], ...] = (survey_participation,
                                                                   event_participation)


def took_part() -> list[Participation]:
    return [row for source in PARTICIPATION for row in source()]


def dated_engagements() -> list[measures.Dated]:
    rows = db.session.execute(select(Engagement.starts_on, Engagement.announced_at,
                                     Engagement.level)).all()
    return [measures.Dated(starts or (announced.date() if announced else None), level)
            for starts, announced, level in rows]


def involved(rows: list[Participation]) -> measures.Involved:
    return measures.residents_involved((resident, at.date()) for resident, at, _ in rows)


def default_target_set() -> TargetSet | None:
    return db.session.scalar(select(TargetSet).where(TargetSet.is_default))


def representation(rows: list[Participation], target_set: TargetSet | None
                   ) -> list[WhoAnswered]:
    """The residents who took part (each once, with their latest profile), compared with the
    target set; small groups hidden, and any figure that would give one away."""
    latest: dict[int, dict[str, str]] = {}
    for resident, _, profile in rows:
        latest[resident] = profile or {}
    if target_set is None or not latest:
        return []
    profiles = pd.DataFrame(list(latest.values()))
    return who_answered(profiles, categories_frame(), targets_frame(target_set), SMALL_GROUP)


def action_figures(today: date) -> measures.ActionFigures:
    rows: Iterable[tuple[ActionStatus, date | None]] = db.session.execute(
        select(Action.status, Action.target_date).where(Action.published_at.is_not(None))
    ).all()
    return measures.action_figures(rows, today)


def response_times(today: date) -> measures.ResponseTimes:
    rows = db.session.execute(
        select(Engagement.id, Engagement.title, Engagement.ends_on, Outcome.first_published_at)
        .outerjoin(Outcome, Outcome.engagement_id == Engagement.id)
        .where(Engagement.ends_on.is_not(None))).all()
    return measures.response_times(
        (measures.Closed(id_, title, ends, published.date() if published else None)
         for id_, title, ends, published in rows), today)


def feedback(kind: FeedbackKind) -> list[str]:
    """Every answer of this kind: residents' feedback on an engagement or action and, for "Did
    you feel listened to?", the answers to the same question in events' feedback surveys."""
    answers = list(db.session.scalars(select(Feedback.answer).where(Feedback.kind == kind)))
    if kind == FeedbackKind.LISTENED:
        answers.extend(str(value) for value in db.session.scalars(
            select(Answer.value).join(Response, Response.id == Answer.response_id)
            .join(Question, Question.id == Answer.question_id)
            .join(Event, Event.feedback_survey_id == Response.survey_id)
            .where(Question.key == LISTENED_KEY, Response.submitted_at.is_not(None)))
            if isinstance(value, str) and value)
    return answers
