"""What open data may hold, read as the public pages read it: announced engagements, their
latest published response, published actions (under published parents only) and their
published updates. Never a draft."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from outcomes import opendata
from outcomes.models import Action, Outcome
from outcomes.progress import is_overdue, stage_of
from outcomes.services import shown_progress
from panel.engagements import Engagement

Url = Callable[[int], str]          # engagement id -> its public page's address


def _announced(now: datetime) -> list[Engagement]:
    return list(db.session.scalars(
        select(Engagement).where(Engagement.announced_at.is_not(None),
                                 Engagement.announced_at <= now).order_by(Engagement.id)))


def _outcomes(ids: list[int]) -> dict[int, Outcome]:
    found = db.session.scalars(
        select(Outcome).where(Outcome.engagement_id.in_(ids)).options(
            selectinload(Outcome.versions),
            selectinload(Outcome.actions).selectinload(Action.updates),
            selectinload(Outcome.actions).selectinload(Action.children)))
    return {outcome.engagement_id: outcome for outcome in found}


def _public_actions(outcome: Outcome) -> list[Action]:
    """Published actions whose parents (if any) are published too, in page order."""
    def shown(action: Action) -> bool:
        while action is not None:
            if action.published_at is None:
                return False
            action = action.parent
        return True
    return [a for a in outcome.actions if shown(a)]


def engagements(now: datetime, url: Url) -> opendata.Dataset:
    found = _announced(now)
    outcomes = _outcomes([e.id for e in found])
    records = []
    for engagement in found:
        outcome = outcomes.get(engagement.id)
        version = outcome.published if outcome is not None else None
        first = outcome.first_published_at if version is not None else None
        stage = stage_of(engagement.starts_on, engagement.ends_on,
                         first.date() if first else None, now.date())
        records.append(opendata.engagement_record(
            engagement=engagement, url=url(engagement.id), stage=stage.value, version=version,
            first_published=first,
            actions=len(_public_actions(outcome)) if outcome is not None else 0))
    return opendata.Dataset("engagements", opendata.ENGAGEMENT_FIELDS, records)


def actions(now: datetime, url: Url) -> opendata.Dataset:
    found = _announced(now)
    outcomes = _outcomes([e.id for e in found])
    records = []
    for engagement in found:
        outcome = outcomes.get(engagement.id)
        for action in _public_actions(outcome) if outcome is not None else []:
            records.append(opendata.action_record(
                action=action, engagement_id=engagement.id, url=url(engagement.id),
                progress=shown_progress(action),
                overdue=is_overdue(action.status, action.target_date, now.date()),
                updates=[u for u in action.updates if u.published_at is not None]))
    return opendata.Dataset("actions", opendata.ACTION_FIELDS, records)
