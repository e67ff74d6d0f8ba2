"""Surveys on an officer's dashboard (``Feature.dashboard_sections``, declared in
``surveys.feature``): open surveys, soonest closing first, those closing within a week marked;
closed surveys whose results are not published; drafts. Each linked to where the officer acts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.features import PageSection
from core.models import Role, User, utcnow
from surveys.models import Survey, SurveyState

CLOSING_SOON = timedelta(days=7)


@dataclass(frozen=True)
class SurveyLine:
    id: int
    title: str
    closes_at: datetime | None
    closing_soon: bool


def surveys_section(viewer: User, now: datetime | None = None) -> PageSection | None:
    if not viewer.has_role(Role.OFFICER):
        return None
    now = now or utcnow()
    open_surveys = [SurveyLine(s.id, s.title, s.closes_at,
                               s.closes_at is not None and s.closes_at <= now + CLOSING_SOON)
                    for s in db.session.scalars(
                        select(Survey).where(Survey.state == SurveyState.OPEN)
                        .order_by(Survey.closes_at.is_(None), Survey.closes_at, Survey.id))]
    unpublished = [SurveyLine(s.id, s.title, s.closes_at, False) for s in db.session.scalars(
        select(Survey).where(Survey.state == SurveyState.CLOSED)
        .order_by(Survey.closed_at.desc(), Survey.id.desc()))]
    drafts = db.session.scalar(select(func.count()).select_from(Survey).where(
        Survey.state == SurveyState.DRAFT)) or 0
    return PageSection("Surveys", "surveys/_dashboard.html",
                       {"open": open_surveys, "unpublished": unpublished, "drafts": drafts})
