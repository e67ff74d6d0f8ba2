"""The database side of the impact measures: each function reads plain data for
``outcomes.measures`` (which does the sums) and nothing else.

Who "took part": residents with a submitted survey response to one of the engagement's surveys.
Events will add a second source to ``PARTICIPATION``: a function giving (resident id, the
moment they took part, their profile snapshot) rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

import pandas as pd
from sqlalchemy import select

from core.extensions import db
from outcomes import measures
from outcomes.models import Action, Feedback, FeedbackKind, Outcome
from outcomes.progress import ActionStatus
from panel.engagements import Engagement
from panel.models import TargetSet
from surveys.models import Response, Survey
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


PARTICIPATION: tuple[Callable[[], Iterable[Participation]], ...] = (survey_participation,)


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
    return list(db.session.scalars(select(Feedback.answer).where(Feedback.kind == kind)))
