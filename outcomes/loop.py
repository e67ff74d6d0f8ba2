"""Closing the loop: telling the people who took part in an engagement what happened.

When a response version or an action update is published, everyone who took part in that
engagement and may be emailed (``contact_by_email``, membership active or paused, account open)
hears about it through the outbox, as they chose (``LoopPreference``, "at once" by default):

- **at once**: one email per resident per publish (a bulk status change is one batch), queued
  in the publish's own transaction;
- **weekly**: nothing at publish; ``send_digests`` (the "outcome-digest" schedule) sends each of
  them one email listing every change since their ``last_digest_at``, then moves it on, so
  running it twice never sends twice;
- **never**: nothing.

These emails answer what residents asked: they are never a ``Contact`` (which the
over-consultation limit counts). Who "took part" comes from ``PARTICIPATION``: one query per
source (surveys today; events add theirs), each a SELECT of resident ids for an engagement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, union
from sqlalchemy.orm import joinedload

from core import audit, mail
from core.extensions import db
from core.models import User
from events.models import Event, Registration, RegistrationStatus
from outcomes.models import (
    Action,
    ActionUpdate,
    LoopFrequency,
    LoopPreference,
    Outcome,
    OutcomeVersion,
)
from panel.engagements import Engagement
from panel.models import Resident, ResidentStatus
from panel.unsubscribe import unsubscribe_link
from surveys.models import Response, Survey

DIGEST_EVERY = timedelta(days=7)
FIRST_DIGEST_LOOKS_BACK = DIGEST_EVERY     # a resident's first digest: the last week's changes
MAY_HEAR = (ResidentStatus.ACTIVE, ResidentStatus.PAUSED)
_QUIET: ContextVar[bool] = ContextVar("outcomes_loop_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Publish without telling anyone (the demo, whose history is in the past)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def _survey_participants(engagement_ids: Any) -> Select[Any]:
    return (select(Response.resident_id.label("resident_id"),
                   Survey.engagement_id.label("engagement_id"))
            .join(Survey, Survey.id == Response.survey_id)
            .where(Survey.engagement_id.in_(engagement_ids),
                   Response.resident_id.is_not(None), Response.submitted_at.is_not(None)))


def _event_participants(engagement_ids: Any) -> Select[Any]:
    """Panel members who attended one of the engagement's events."""
    return (select(Registration.resident_id.label("resident_id"),
                   Event.engagement_id.label("engagement_id"))
            .join(Event, Event.id == Registration.event_id)
            .where(Event.engagement_id.in_(engagement_ids),
                   Registration.resident_id.is_not(None),
                   Registration.status == RegistrationStatus.ATTENDED))


# Each source of taking part: (engagement ids, a list or a SELECT) -> SELECT (resident_id,
# engagement_id): survey answers and event attendance.
PARTICIPATION: list[Callable[[Any], Select[Any]]] = [_survey_participants, _event_participants]


def participation(engagement_ids: Any) -> Any:
    """SELECT (resident_id, engagement_id), one row per resident and engagement they took
    part in, from every source."""
    return union(*(source(engagement_ids) for source in PARTICIPATION))


def took_part(resident: Resident, engagement_id: int) -> bool:
    rows = participation([engagement_id]).subquery()
    return db.session.scalar(select(rows.c.resident_id).where(
        rows.c.resident_id == resident.id).limit(1)) is not None


def engagements_of(resident: Resident) -> list[int]:
    """The ids of every engagement the resident took part in."""
    rows = participation(select(Engagement.id)).subquery()
    return list(db.session.scalars(select(rows.c.engagement_id).where(
        rows.c.resident_id == resident.id).distinct()).all())


def frequency_of(resident: Resident) -> LoopFrequency:
    preference = db.session.get(LoopPreference, resident.id)
    return preference.frequency if preference is not None else LoopFrequency.AT_ONCE


def set_frequency(actor: User, resident: Resident, frequency: LoopFrequency,
                  now: datetime) -> None:
    """The resident's choice; choosing weekly starts their digest from now."""
    preference = db.session.get(LoopPreference, resident.id)
    if preference is None:
        preference = LoopPreference(resident_id=resident.id)
        db.session.add(preference)
    if frequency == LoopFrequency.WEEKLY and preference.frequency != LoopFrequency.WEEKLY:
        preference.last_digest_at = now
    preference.frequency = frequency
    audit.record(actor, "loop_preference_changed", "resident", resident.id,
                 frequency=frequency.value)
    db.session.commit()


def _may_hear() -> Any:
    """Conditions on Resident (joined with User): who may be emailed about what happened."""
    return (Resident.contact_by_email.is_(True) & Resident.status.in_(MAY_HEAR)
            & User.is_active_account.is_(True))


def _recipients(engagement_ids: Sequence[int], frequency: LoopFrequency
                ) -> list[tuple[Resident, int]]:
    """(resident, engagement id) for residents who took part, may hear, and chose this."""
    rows = participation(list(engagement_ids)).subquery()
    chosen = (LoopPreference.frequency == frequency) if frequency != LoopFrequency.AT_ONCE \
        else (LoopPreference.frequency.is_(None)
              | (LoopPreference.frequency == LoopFrequency.AT_ONCE))
    return list(db.session.execute(
        select(Resident, rows.c.engagement_id)
        .join(rows, rows.c.resident_id == Resident.id)
        .join(User, User.id == Resident.user_id)
        .outerjoin(LoopPreference, LoopPreference.resident_id == Resident.id)
        .where(_may_hear(), chosen)
        .options(joinedload(Resident.user))
        .order_by(Resident.id, rows.c.engagement_id)).all())


@dataclass(frozen=True)
class Change:
    """One thing that moved, as an email says it."""

    engagement_id: int
    engagement_title: str
    text: str
    published_at: datetime


def response_change(engagement: Engagement, version: OutcomeVersion) -> Change:
    text = ("The council published its response." if version.number == 1 else
            f"The council updated its response: {version.change_note}")
    summary = " ".join(version.summary.split())
    if summary:
        text += f" In short: {summary if len(summary) <= 300 else summary[:297] + '…'}"
    return Change(engagement.id, engagement.title, text, version.published_at or datetime.min)


def update_change(engagement: Engagement, update: ActionUpdate) -> Change:
    action = update.action
    text = f"{action.title}: {update.status.label.lower()}"
    if update.note:
        text += f". {update.note}"
    return Change(engagement.id, engagement.title, text, update.published_at or datetime.min)


@dataclass(frozen=True)
class _Email:
    """What every recipient of one batch is told (their name and unsubscribe link aside)."""

    template: str
    groups: list[tuple[str, str, list[Change]]]    # (engagement title, its link, changes)
    what_happened_link: str

    @classmethod
    def of(cls, template: str, changes: Sequence[Change]) -> _Email:
        by_engagement: dict[int, list[Change]] = defaultdict(list)
        for change in changes:
            by_engagement[change.engagement_id].append(change)
        return cls(template, [(items[0].engagement_title,
                               mail.absolute_url("outcomes.show", engagement_id=engagement_id),
                               items) for engagement_id, items in by_engagement.items()],
                   mail.absolute_url("loop.what_happened"))

    def queue(self, resident: Resident) -> None:
        mail.queue_templated(resident.user.email, self.template, resident=resident,
                             groups=self.groups, what_happened_link=self.what_happened_link,
                             unsubscribe_link=unsubscribe_link(resident))


def tell_at_once(engagement: Engagement, changes: Sequence[Change], now: datetime,
                 updates: Iterable[ActionUpdate] = ()) -> int:
    """Queue one email for each "at once" participant of ``engagement`` (in the caller's
    transaction; the publish commits it). Returns how many were queued."""
    if not changes or _QUIET.get():
        return 0
    told = 0
    email = _Email.of("outcome_update", changes)
    for resident, _engagement_id in _recipients([engagement.id], LoopFrequency.AT_ONCE):
        email.queue(resident)
        told += 1
    for update in updates:
        update.announced_at = update.announced_at or now
    return told


def changes_since(since: datetime, now: datetime) -> dict[int, list[Change]]:
    """Every change published after ``since`` up to ``now``, by engagement id, oldest first."""
    found: dict[int, list[Change]] = defaultdict(list)
    versions = db.session.execute(
        select(OutcomeVersion, Engagement).join(OutcomeVersion.outcome)
        .join(Engagement, Engagement.id == Outcome.engagement_id)
        .where(OutcomeVersion.published_at > since, OutcomeVersion.published_at <= now)).all()
    updates = db.session.execute(
        select(ActionUpdate, Engagement).join(Action, Action.id == ActionUpdate.action_id)
        .join(Outcome, Outcome.id == Action.outcome_id)
        .join(Engagement, Engagement.id == Outcome.engagement_id)
        .where(ActionUpdate.published_at > since, ActionUpdate.published_at <= now)).all()
    for version, engagement in versions:
        found[engagement.id].append(response_change(engagement, version))
    for update, engagement in updates:
        found[engagement.id].append(update_change(engagement, update))
    for items in found.values():
        items.sort(key=lambda change: change.published_at)
    return found


def send_digests(now: datetime) -> int:
    """The weekly digest: each "weekly" resident gets one email listing every change since
    their last digest in the engagements they took part in (none if nothing changed), and
    their ``last_digest_at`` moves to ``now``. Commits. Returns how many emails were queued."""
    preferences = list(db.session.scalars(select(LoopPreference).where(
        LoopPreference.frequency == LoopFrequency.WEEKLY)).all())
    if not preferences:
        return 0
    start = {p.resident_id: p.last_digest_at or now - FIRST_DIGEST_LOOKS_BACK
             for p in preferences}
    changes = changes_since(min(start.values()), now)
    wanted: dict[Resident, list[Change]] = defaultdict(list)
    for resident, engagement_id in (_recipients(list(changes), LoopFrequency.WEEKLY)
                                    if changes else []):
        since = start.get(resident.id)
        if since is not None:
            wanted[resident].extend(c for c in changes[engagement_id] if c.published_at > since)
    sent = 0
    for resident, items in wanted.items():
        if items:
            _Email.of("outcome_digest", sorted(items, key=lambda c: c.published_at)).queue(
                resident)
            sent += 1
    for preference in preferences:
        preference.last_digest_at = now
    db.session.execute(ActionUpdate.__table__.update().where(
        ActionUpdate.published_at > min(start.values()), ActionUpdate.published_at <= now,
        ActionUpdate.announced_at.is_(None)).values(announced_at=now))
    audit.record(None, "outcome_digests_sent", "resident", None, sent=sent)
    db.session.commit()
    return sent
