"""What residents tell the council back: "Has this happened?" on an action marked done, and
"Did you feel listened to?" once a response is published; what a resident's "What happened to
my views" page shows; the counts officers see; and the resident's data rights over both
(their download and erasure, declared in ``outcomes.feature``).

Only a resident who took part in the engagement may answer, once per action (or engagement):
answering again changes the answer. Counts are for officers only, never for the public.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.features import PageSection
from core.models import User
from outcomes import loop
from outcomes.models import Action, Feedback, FeedbackKind, LoopFrequency, LoopPreference, Outcome
from outcomes.progress import ActionStatus, Stage, stage_of
from outcomes.services import shown_progress
from panel.engagements import Engagement
from panel.models import Resident

HAPPENED = {"yes": "Yes", "partly": "Partly", "no": "No", "not_sure": "Not sure"}
LISTENED = {"yes": "Yes", "partly": "Partly", "no": "No"}
ANSWERS = {FeedbackKind.HAPPENED: HAPPENED, FeedbackKind.LISTENED: LISTENED}
FREQUENCY = {LoopFrequency.AT_ONCE: "As it happens",
             LoopFrequency.WEEKLY: "In a weekly summary",
             LoopFrequency.NEVER: "Don't email me about this"}
SHORT = 280
COMMENT_LIMIT = 1000


class FeedbackRefused(DomainError):
    """This resident may not answer this question (the page says why)."""


def may_say_happened(resident: Resident, action: Action, now: datetime) -> bool:
    engagement = action.outcome.engagement
    return (action.published_at is not None and action.status == ActionStatus.DONE
            and _public(engagement, now) and loop.took_part(resident, engagement.id))


def may_say_listened(resident: Resident, engagement: Engagement, now: datetime) -> bool:
    outcome = _outcome(engagement)
    return (outcome is not None and outcome.published is not None and _public(engagement, now)
            and loop.took_part(resident, engagement.id))


def _public(engagement: Engagement, now: datetime) -> bool:
    return engagement.announced_at is not None and engagement.announced_at <= now


def _outcome(engagement: Engagement) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(Outcome.engagement_id == engagement.id))


def answer(actor: User, resident: Resident, kind: FeedbackKind, engagement: Engagement,
           action: Action | None, said: str, comment: str, now: datetime) -> Feedback:
    """Record (or change) the resident's answer. Commits."""
    if said not in ANSWERS[kind]:
        raise ValueError(f"not an answer to {kind}: {said!r}")
    allowed = (may_say_happened(resident, action, now) if action is not None
               else may_say_listened(resident, engagement, now))
    if not allowed:
        raise FeedbackRefused("Only people who took part can answer this.")
    found = db.session.scalar(select(Feedback).where(
        Feedback.resident_id == resident.id, Feedback.engagement_id == engagement.id,
        Feedback.kind == kind,
        Feedback.action_id == action.id if action is not None else Feedback.action_id.is_(None)))
    if found is None:
        found = Feedback(resident_id=resident.id, engagement_id=engagement.id,
                         action_id=action.id if action is not None else None, kind=kind)
        db.session.add(found)
    found.answer, found.comment, found.answered_at = said, comment.strip()[:COMMENT_LIMIT], now
    db.session.flush()
    audit.record(actor, "outcome_feedback_given", "engagement", engagement.id, kind=kind.value,
                 action_id=action.id if action is not None else None)
    db.session.commit()
    return found


# --- the resident's page ---------------------------------------------------------------------

@dataclass(frozen=True)
class MyAction:
    action: Action
    progress: int | None
    happened: Feedback | None


@dataclass(frozen=True)
class MyEngagement:
    engagement: Engagement
    stage: Stage
    summary: str                          # the latest published response, shortened
    responded: bool
    actions: list[MyAction] = field(default_factory=list)
    listened: Feedback | None = None


def short(text: str, limit: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def my_engagements(resident: Resident, now: datetime) -> list[MyEngagement]:
    """The public engagements the resident took part in, newest first, with what happened."""
    ids = loop.engagements_of(resident)
    if not ids:
        return []
    engagements = db.session.scalars(select(Engagement).where(
        Engagement.id.in_(ids), Engagement.announced_at.is_not(None),
        Engagement.announced_at <= now).order_by(Engagement.announced_at.desc(),
                                                 Engagement.id.desc())).all()
    given = {(f.engagement_id, f.action_id, f.kind): f for f in db.session.scalars(
        select(Feedback).where(Feedback.resident_id == resident.id))}
    found = []
    for engagement in engagements:
        outcome = _outcome(engagement)
        published = outcome.published if outcome is not None else None
        responded = (outcome.first_published_at.date()
                     if outcome is not None and outcome.first_published_at else None)
        actions = [MyAction(a, shown_progress(a), given.get((engagement.id, a.id,
                                                             FeedbackKind.HAPPENED)))
                   for a in (outcome.actions if outcome is not None else [])
                   if a.published_at is not None]
        found.append(MyEngagement(
            engagement, stage_of(engagement.starts_on, engagement.ends_on, responded, now.date()),
            short(published.summary) if published is not None else "", published is not None,
            actions, given.get((engagement.id, None, FeedbackKind.LISTENED))))
    return found


def account_section(resident: Resident) -> PageSection | None:
    """On the resident's account page: a link to what happened to their views."""
    return PageSection("What happened to your views", "outcomes/resident/_account_section.html",
                       {"taken_part": len(loop.engagements_of(resident)),
                        "frequency": FREQUENCY[loop.frequency_of(resident)]})


# --- officers --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Counts:
    listened: dict[str, int]
    happened: list[tuple[Action, dict[str, int]]]     # done actions with any answer

    @property
    def any(self) -> bool:
        return bool(sum(self.listened.values())) or bool(self.happened)


def counts(engagement: Engagement) -> Counts:
    """How residents answered, for the officer's page (staff only: never shown publicly)."""
    rows = db.session.execute(
        select(Feedback.kind, Feedback.action_id, Feedback.answer, func.count())
        .where(Feedback.engagement_id == engagement.id)
        .group_by(Feedback.kind, Feedback.action_id, Feedback.answer)).all()
    listened: Counter[str] = Counter()
    by_action: dict[int, Counter[str]] = {}
    for kind, action_id, said, n in rows:
        if kind == FeedbackKind.LISTENED:
            listened[said] += n
        elif action_id is not None:
            by_action.setdefault(action_id, Counter())[said] += n
    actions = {a.id: a for a in db.session.scalars(select(Action).where(
        Action.id.in_(list(by_action))))} if by_action else {}
    return Counts({key: listened[key] for key in LISTENED},
                  [(actions[i], {key: by_action[i][key] for key in HAPPENED})
                   for i in sorted(by_action, key=lambda i: (actions[i].position, i))
                   if i in actions])


# --- data rights -----------------------------------------------------------------------------

def feedback_section(resident: Resident) -> tuple[str, list[dict[str, Any]]]:
    rows = []
    for item, engagement, action in db.session.execute(
            select(Feedback, Engagement, Action)
            .join(Engagement, Engagement.id == Feedback.engagement_id)
            .outerjoin(Action, Action.id == Feedback.action_id)
            .where(Feedback.resident_id == resident.id)
            .order_by(Feedback.answered_at, Feedback.id)).all():
        rows.append({"engagement": engagement.title,
                     "question": ("Has this happened?" if item.kind == FeedbackKind.HAPPENED
                                  else "Did you feel listened to?"),
                     "action": action.title if action is not None else "",
                     "answer": ANSWERS[item.kind].get(item.answer, item.answer),
                     "comment": item.comment, "answered_at": item.answered_at})
    return "outcome_feedback", rows


def preference_section(resident: Resident) -> tuple[str, list[dict[str, Any]]]:
    preference = db.session.get(LoopPreference, resident.id)
    if preference is None:
        return "what_happened_emails", []
    return "what_happened_emails", [{"how_we_tell_you": FREQUENCY[preference.frequency],
                                     "last_weekly_summary": preference.last_digest_at}]


def erase_feedback(resident: Resident) -> None:
    db.session.execute(delete(Feedback).where(Feedback.resident_id == resident.id))
    db.session.execute(delete(LoopPreference).where(LoopPreference.resident_id == resident.id))
    db.session.flush()
