"""The officer's use cases for "You said, we did": plan an engagement, write the response,
publish it, add actions and publish their updates. Each commits its own transaction and records
who did what in the audit log. Published text is never edited: a change is a new version or a
new dated update.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import User
from outcomes import loop
from outcomes.evidence import snapshot
from outcomes.models import Action, ActionUpdate, Outcome, OutcomeVersion
from outcomes.progress import ActionStatus, Part, check_action, progress_of, rolled_up
from panel.engagements import Engagement
from surveys.models import Survey

RECENT = timedelta(days=180)


class OutcomeError(DomainError):
    """A rule was broken; ``field`` names the form field it belongs to (if any)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class ActionProblems(DomainError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = problems


# --- planning -------------------------------------------------------------------------------

PLAN_FIELDS = ("title", "topic", "level", "why", "starts_on", "ends_on", "decision_maker",
               "decision_due", "can_change", "cannot_change", "budget", "results_use",
               "ward_codes")


def save_plan(actor: User, engagement: Engagement | None, **fields: Any) -> Engagement:
    """Create or change an engagement's plan (what residents are told up front)."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"not plan fields: {sorted(unknown)}")
    if fields.get("starts_on") and fields.get("ends_on") and \
            fields["ends_on"] < fields["starts_on"]:
        raise OutcomeError("The closing date must be on or after the opening date", "ends_on")
    created = engagement is None
    if engagement is None:
        engagement = Engagement(created_by=actor)
        db.session.add(engagement)
    for name, value in fields.items():
        setattr(engagement, name, value)
    db.session.flush()
    audit.record(actor, "engagement_planned" if created else "engagement_plan_changed",
                 "engagement", engagement.id)
    db.session.commit()
    return engagement


def announce(actor: User, engagement: Engagement, now: datetime) -> None:
    """Make the engagement and its plan public (from then on it is on the outcomes pages)."""
    if engagement.announced_at is None:
        engagement.announced_at = now
        audit.record(actor, "engagement_announced", "engagement", engagement.id)
        db.session.commit()


def similar_engagements(topic: str, ward_codes: Sequence[str], today: date,
                        exclude: int | None = None) -> list[Engagement]:
    """Open or recent engagements on the same topic or in one of the same wards, so an officer
    sees who was asked lately before asking again."""
    since = today - RECENT
    rows = db.session.scalars(select(Engagement).where(
        (Engagement.ends_on.is_(None)) | (Engagement.ends_on >= since))
        .order_by(Engagement.starts_on.desc(), Engagement.id.desc())).all()
    wanted = set(ward_codes)
    topic = topic.strip().casefold()

    def overlaps(other: Engagement) -> bool:
        same_topic = bool(topic) and other.topic.strip().casefold() == topic
        return same_topic or bool(wanted & set(other.ward_codes or []))

    return [e for e in rows if e.id != exclude and overlaps(e)]


# --- the response ---------------------------------------------------------------------------

def outcome_or_none(engagement: Engagement) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(Outcome.engagement_id == engagement.id))


def outcome_of(engagement: Engagement) -> Outcome:
    outcome = db.session.scalar(select(Outcome).where(Outcome.engagement_id == engagement.id))
    if outcome is None:
        outcome = Outcome(engagement=engagement)
        db.session.add(outcome)
        db.session.flush()
    return outcome


@dataclass(frozen=True)
class ResponseText:
    summary: str
    decision: str = ""
    decision_link: str = ""
    change_note: str = ""
    questions: tuple[dict[str, Any], ...] = ()   # ({"question_id": 3, "weighted": True}, ...)


def save_draft(actor: User, engagement: Engagement, text: ResponseText) -> OutcomeVersion:
    """Keep the officer's draft (a new version after a published one). Drafts may be
    incomplete; publishing checks them."""
    outcome = outcome_of(engagement)
    draft = outcome.draft
    if draft is None:
        number = outcome.versions[-1].number + 1 if outcome.versions else 1
        draft = OutcomeVersion(outcome=outcome, number=number, created_by=actor)
        db.session.add(draft)
    draft.summary, draft.decision = text.summary.strip(), text.decision.strip()
    draft.decision_link, draft.change_note = text.decision_link.strip(), text.change_note.strip()
    draft.questions = [dict(q) for q in _known_questions(engagement, text.questions)]
    db.session.flush()
    audit.record(actor, "outcome_draft_saved", "engagement", engagement.id, version=draft.number)
    db.session.commit()
    return draft


def surveys_of(engagement: Engagement) -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.engagement_id == engagement.id)
                                   .order_by(Survey.id)).all())


def _known_questions(engagement: Engagement,
                     chosen: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    known = {q.id for s in surveys_of(engagement) for q in s.questions}
    seen: set[int] = set()
    kept = []
    for choice in chosen:
        qid = int(choice["question_id"])
        if qid in known and qid not in seen:
            seen.add(qid)
            kept.append({"question_id": qid, "weighted": bool(choice.get("weighted"))})
    return kept


def figures_for(engagement: Engagement, chosen: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures a response with these chosen questions shows (kept when it is published;
    worked out afresh for an officer's preview of a draft)."""
    return {"surveys": [
        snapshot(survey, [q for q in chosen if q["question_id"] in
                          {question.id for question in survey.questions}])
        for survey in surveys_of(engagement)]}


def publish_response(actor: User, engagement: Engagement, now: datetime) -> OutcomeVersion:
    """Publish the draft: its figures are worked out now and kept with it."""
    outcome = outcome_of(engagement)
    draft = outcome.draft
    if draft is None:
        raise OutcomeError("There is no draft to publish. Write the response first.")
    if not draft.summary:
        raise OutcomeError("Enter a summary of what residents said", "summary")
    if outcome.published is not None and not draft.change_note:
        raise OutcomeError("Enter what changed since the last published version",
                           "change_note")
    if draft.decision_link and not draft.decision_link.startswith(("https://", "http://")):
        raise OutcomeError("Enter the link to the council decision in the right format, "
                           "like https://democracy.example.gov.uk/…", "decision_link")
    draft.figures = figures_for(engagement, draft.questions)
    draft.published_at = now
    if outcome.first_published_at is None:
        outcome.first_published_at = now
    loop.tell_at_once(engagement, [loop.response_change(engagement, draft)], now)
    audit.record(actor, "outcome_published", "engagement", engagement.id, version=draft.number)
    db.session.commit()
    return draft


# --- actions --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionText:
    title: str
    owner: str
    description: str = ""
    target_date: date | None = None
    weight: int = 1


def add_action(actor: User, engagement: Engagement, text: ActionText,
               parent: Action | None = None) -> Action:
    """A draft action (not public until published)."""
    problems = check_action(title=text.title, owner=text.owner, status=ActionStatus.PLANNED,
                            reason="", decision_link="")
    if text.weight < 1:
        problems["weight"] = "Enter a weight of 1 or more"
    if problems:
        raise ActionProblems(problems)
    outcome = outcome_of(engagement)
    if parent is not None and parent.outcome_id != outcome.id:
        raise OutcomeError("A sub-action must belong to the same engagement.", "parent")
    action = Action(outcome=outcome, parent=parent, title=text.title.strip(),
                    owner=text.owner.strip(), description=text.description.strip(),
                    target_date=text.target_date, weight=text.weight,
                    position=len(outcome.actions))
    db.session.add(action)
    db.session.flush()
    audit.record(actor, "outcome_action_added", "engagement", engagement.id, action_id=action.id)
    db.session.commit()
    return action


@dataclass(frozen=True)
class UpdateText:
    status: ActionStatus
    note: str = ""
    progress: int | None = None
    target_date: date | None = None
    reason: str = ""
    decision_link: str = ""


def _refuse_unpublishable(action: Action, status: ActionStatus, reason: str,
                          decision_link: str) -> None:
    """Refuse (``ActionProblems``) to publish ``action`` with this status, reason and link."""
    problems = check_action(title=action.title, owner=action.owner, status=status,
                            reason=reason, decision_link=decision_link)
    if problems:
        raise ActionProblems(problems)


def check_update(action: Action, text: UpdateText) -> None:
    """Refuse (``ActionProblems``) an update that could not be published as it stands."""
    _refuse_unpublishable(action, text.status, text.reason, text.decision_link)


def draft_update(actor: User, action: Action, text: UpdateText) -> ActionUpdate:
    update = ActionUpdate(action=action, status=text.status, progress=text.progress,
                          target_date=text.target_date, note=text.note.strip(),
                          reason=text.reason.strip(), decision_link=text.decision_link.strip(),
                          created_by=actor)
    db.session.add(update)
    db.session.flush()
    audit.record(actor, "outcome_update_drafted", "action", action.id, update=update.id)
    db.session.commit()
    return update


def _check_update(action: Action, update: ActionUpdate) -> None:
    _refuse_unpublishable(action, update.status, update.reason, update.decision_link)


def publish_update(actor: User, update: ActionUpdate, now: datetime) -> None:
    """The update goes on the public timeline, dated now, and the action takes its state."""
    if update.published_at is not None:
        return                                   # a second click changes nothing
    action = update.action
    _check_update(action, update)
    _apply(action, update, now)
    _tell([update], now)
    audit.record(actor, "outcome_update_published", "action", action.id, update=update.id,
                 status=update.status.value)
    db.session.commit()


def _apply(action: Action, update: ActionUpdate, now: datetime) -> None:
    action.status = update.status
    action.progress = progress_of(update.status, update.progress)
    if update.target_date is not None:
        action.target_date = update.target_date
    action.reason, action.decision_link = update.reason, update.decision_link
    if action.published_at is None:
        action.published_at = now
    update.published_at = now


def _tell(updates: Sequence[ActionUpdate], now: datetime) -> None:
    """The participants hear of these updates: one email each per engagement, not per update
    (``outcomes.loop``), in this transaction."""
    by_engagement: dict[int, list[ActionUpdate]] = {}
    for update in updates:
        by_engagement.setdefault(update.action.outcome.engagement_id, []).append(update)
    for batch in by_engagement.values():
        engagement = batch[0].action.outcome.engagement
        loop.tell_at_once(engagement, [loop.update_change(engagement, u) for u in batch], now,
                          batch)


def publish_action(actor: User, action: Action, now: datetime) -> ActionUpdate:
    """Make a draft action public, with its first timeline entry."""
    if action.published_at is not None:
        raise OutcomeError("This action is already published: post an update instead.")
    _refuse_unpublishable(action, action.status, action.reason, action.decision_link)
    update = ActionUpdate(action=action, status=action.status, progress=action.progress,
                          target_date=action.target_date, note="Action added.",
                          reason=action.reason, decision_link=action.decision_link,
                          created_by=actor)
    db.session.add(update)
    _apply(action, update, now)
    _tell([update], now)
    audit.record(actor, "outcome_action_published", "action", action.id)
    db.session.commit()
    return update


def bulk_status(actor: User, actions: Sequence[Action], text: UpdateText,
                now: datetime) -> list[ActionUpdate]:
    """One status for several published actions at once, each a dated update; all or none."""
    for action in actions:                     # check every one before changing any
        if action.published_at is None:
            raise OutcomeError(f"“{action.title}” is not published yet: publish it first.")
        check_update(action, text)
    updates = []
    for action in actions:
        update = ActionUpdate(status=text.status, progress=text.progress, target_date=None,
                              note=text.note.strip(), reason=text.reason.strip(),
                              decision_link=text.decision_link.strip(), created_by=actor)
        db.session.add(update)
        update.action = action
        _apply(action, update, now)
        updates.append(update)
    _tell(updates, now)
    audit.record(actor, "outcome_bulk_status", "action", None,
                 actions=[a.id for a in actions], status=text.status.value)
    db.session.commit()
    return updates


def shown_progress(action: Action) -> int | None:
    """An action's progress as the public sees it: its sub-actions' roll-up when it has
    published ones, else its own."""
    parts = [Part(c.weight, c.status, c.progress) for c in action.children
             if c.published_at is not None]
    if parts:
        return rolled_up(parts)
    return progress_of(action.status, action.progress)
