"""What the public may see of outcomes, and nothing more: announced engagements, published
response versions, published actions and published updates. Every public page and the feed
read through here, so a draft can never reach them by a guessed URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from core.extensions import db
from events.after import public_themes
from outcomes.models import Action, ActionUpdate, Outcome, OutcomeVersion
from outcomes.progress import Stage, is_overdue, stage_of
from outcomes.services import shown_progress
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Category, Dimension


@dataclass(frozen=True)
class Summary:
    """What the index shows of an engagement: plain values, not a loaded model (the index lists
    hundreds, so it reads only these columns)."""

    id: int
    title: str
    topic: str
    level: SpectrumLevel
    why: str
    starts_on: date | None
    ends_on: date | None
    ward_codes: list[str]


@dataclass(frozen=True)
class Listed:
    engagement: Summary
    stage: Stage
    responded_on: date | None


@dataclass(frozen=True)
class Filters:
    topic: str = ""
    ward: str = ""
    level: str = ""
    stage: str = ""
    search: str = ""

    @property
    def active(self) -> bool:
        return any((self.topic, self.ward, self.level, self.stage, self.search))


def _announced(now: datetime) -> Any:
    return Engagement.announced_at.is_not(None) & (Engagement.announced_at <= now)


def engagement_or_none(engagement_id: int, now: datetime) -> Engagement | None:
    """The engagement if the public may see it (announced), else None."""
    return db.session.scalar(select(Engagement).where(Engagement.id == engagement_id,
                                                      _announced(now)))


def listed(filters: Filters, now: datetime) -> list[Listed]:
    query = (select(Engagement.id, Engagement.title, Engagement.topic, Engagement.level,
                    Engagement.why, Engagement.starts_on, Engagement.ends_on,
                    Engagement.ward_codes, Outcome.first_published_at)
             .outerjoin(Outcome, Outcome.engagement_id == Engagement.id)
             .where(_announced(now)))
    if filters.topic:
        query = query.where(Engagement.topic == filters.topic)
    if filters.level in {level.value for level in SpectrumLevel}:
        query = query.where(Engagement.level == SpectrumLevel(filters.level))
    if filters.search:
        like = f"%{filters.search.replace('%', '').replace('_', '')}%"
        query = query.where(or_(Engagement.title.ilike(like), Engagement.why.ilike(like),
                                Engagement.topic.ilike(like)))
    rows = db.session.execute(query.order_by(Engagement.announced_at.desc(),
                                             Engagement.id.desc())).all()
    today = now.date()
    found = []
    for *columns, first_published in rows:
        engagement = Summary(*columns)
        if filters.ward and engagement.ward_codes and filters.ward not in engagement.ward_codes:
            continue
        responded = first_published.date() if first_published else None
        stage = stage_of(engagement.starts_on, engagement.ends_on, responded, today)
        if filters.stage and stage.value != filters.stage:
            continue
        found.append(Listed(engagement, stage, responded))
    return found


def topics(now: datetime) -> list[str]:
    return sorted({t for t in db.session.scalars(select(Engagement.topic).where(
        _announced(now))).all() if t})


def wards() -> list[tuple[str, str]]:
    """(code, name) of the borough's wards, for the filter and the place names ("Prefer not
    to say" is an answer, not a place)."""
    return [(c.key, c.label) for c in db.session.scalars(
        select(Category).join(Category.dimension)
        .where(Dimension.key == "ward", Category.prefer_not_to_say.is_(False))
        .order_by(Category.label)).all()]


@dataclass(frozen=True)
class ShownAction:
    action: Action
    progress: int | None
    overdue: bool
    timeline: list[ActionUpdate]
    children: list[ShownAction] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    engagement: Engagement
    stage: Stage
    version: OutcomeVersion | None
    earlier: list[OutcomeVersion]
    actions: list[ShownAction]
    # What residents said at the engagement's held events: (event title, [(theme, detail)]).
    event_themes: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)


def _shown(action: Action, today: date, drafts: bool) -> ShownAction:
    return ShownAction(
        action, shown_progress(action), is_overdue(action.status, action.target_date, today),
        [u for u in action.updates if drafts or u.published_at is not None],
        [_shown(c, today, drafts) for c in action.children
         if drafts or c.published_at is not None])


def page(engagement: Engagement, now: datetime, *, drafts: bool = False) -> Page:
    """What the engagement's page shows; ``drafts`` (an officer's preview) includes the draft
    response, draft actions and draft updates."""
    outcome = db.session.scalar(select(Outcome).where(Outcome.engagement_id == engagement.id))
    published = outcome.published if outcome is not None else None
    version = (outcome.draft or published) if outcome is not None and drafts else published
    earlier = [] if outcome is None else [
        v for v in outcome.versions if v.published_at is not None and v is not version]
    responded = (outcome.first_published_at.date()
                 if outcome is not None and outcome.first_published_at else None)
    today = now.date()
    actions = [] if outcome is None else [
        _shown(a, today, drafts) for a in outcome.actions
        if a.parent_id is None and (drafts or a.published_at is not None)]
    themes = [(title, [(t.title, t.detail) for t in found])
              for title, found in public_themes(engagement.id)]
    return Page(engagement, stage_of(engagement.starts_on, engagement.ends_on, responded, today),
                version, list(reversed(earlier)), actions, themes)


def version_or_none(engagement: Engagement, number: int) -> OutcomeVersion | None:
    return db.session.scalar(
        select(OutcomeVersion).join(OutcomeVersion.outcome)
        .where(Outcome.engagement_id == engagement.id, OutcomeVersion.number == number,
               OutcomeVersion.published_at.is_not(None)))


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    summary: str
    engagement_id: int
    published: datetime
    kind: str                      # "response" or "update"


def feed_entries(now: datetime, limit: int = 50) -> list[FeedEntry]:
    """Published responses and action updates, newest first."""
    versions = db.session.execute(
        select(OutcomeVersion, Engagement).join(OutcomeVersion.outcome)
        .join(Engagement, Engagement.id == Outcome.engagement_id)
        .where(OutcomeVersion.published_at.is_not(None), OutcomeVersion.published_at <= now,
               _announced(now))
        .order_by(OutcomeVersion.published_at.desc()).limit(limit)).all()
    updates = db.session.execute(
        select(ActionUpdate, Action, Engagement)
        .join(Action, Action.id == ActionUpdate.action_id)
        .join(Outcome, Outcome.id == Action.outcome_id)
        .join(Engagement, Engagement.id == Outcome.engagement_id)
        .where(ActionUpdate.published_at.is_not(None), ActionUpdate.published_at <= now,
               _announced(now))
        .order_by(ActionUpdate.published_at.desc()).limit(limit)).all()
    entries = [FeedEntry(
        f"response-{v.id}",
        f"{e.title}: {'our response' if v.number == 1 else 'our response, updated'}",
        v.summary, e.id, v.published_at, "response") for v, e in versions]
    entries += [FeedEntry(
        f"update-{u.id}", f"{e.title}: {a.title} ({u.status.label.lower()})",
        u.note or u.reason or u.status.label, e.id, u.published_at, "update")
        for u, a, e in updates]
    entries.sort(key=lambda entry: (entry.published, entry.id), reverse=True)
    return entries[:limit]
