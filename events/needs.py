"""Access needs: how many of each kind are met so far (for everyone who manages the event), who
needs what (its viewing audited), updating how a need is met and what it costs, and the venue
checklist per session (what the venue must provide, and a warning where it cannot).

The people counted are those holding or offered a place (selected, confirmed, attended,
no-show): the room the venue must be ready for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import audit
from core.extensions import db
from core.models import User, utcnow
from events import payments
from events.models import (
    PLACE_HOLDERS,
    AccessNeed,
    Event,
    EventSession,
    NeedKind,
    NeedStatus,
    Registration,
    RegistrationStatus,
)

IN_THE_ROOM = frozenset({*PLACE_HOLDERS, RegistrationStatus.SELECTED})


def needs_of(event: Event) -> list[AccessNeed]:
    return list(db.session.scalars(
        select(AccessNeed).join(AccessNeed.registration)
        .where(Registration.event_id == event.id,
               Registration.status.in_(list(IN_THE_ROOM)))
        .options(joinedload(AccessNeed.registration).selectinload(Registration.places))
        .order_by(AccessNeed.kind, AccessNeed.id)).all())


@dataclass(frozen=True)
class KindCount:
    kind: NeedKind
    by_status: dict[NeedStatus, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def counts(needs: Iterable[AccessNeed]) -> list[KindCount]:
    """For each kind with any need: how many at each fulfilment status (pure)."""
    counted = Counter((n.kind, n.status) for n in needs)
    return [KindCount(kind, {status: counted[(kind, status)] for status in NeedStatus})
            for kind in NeedKind if any(counted[(kind, s)] for s in NeedStatus)]


def record_people_viewed(actor: User, event: Event, needs: list[AccessNeed]) -> None:
    """Who needs what is personal (some of it about health): every viewing is logged."""
    audit.record(actor, "event_access_needs_viewed", "event", event.id, needs=len(needs))
    db.session.commit()


def update_need(actor: User, need: AccessNeed, status: NeedStatus, cost_pence: int,
                now: datetime | None = None) -> None:
    now = now or utcnow()
    need.status, need.cost_pence, need.updated_at = status, cost_pence, now
    payments.sync_expenses(need.registration, now)
    audit.record(actor, "event_access_need_updated", "event_access_need", need.id,
                 event=need.registration.event_id, status=status.value, cost_pence=cost_pence)
    db.session.commit()


# --- the venue checklist (pure) ----------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    what: str
    people: int
    warning: str = ""
    detail: str = ""


def checklist(step_free: bool, hearing_loop: bool, online: bool,
              needs: Iterable[tuple[NeedKind, str]]) -> list[Check]:
    """What the venue must provide for these needs (kind, detail), with a warning where the
    venue, as recorded, lacks it."""
    needs = list(needs)
    count = Counter(kind for kind, _ in needs)
    found: list[Check] = []
    if count[NeedKind.STEP_FREE]:
        found.append(Check("Step-free access", count[NeedKind.STEP_FREE],
                           "" if step_free or online else
                           "This venue is not recorded as step-free."))
    if count[NeedKind.HEARING_LOOP]:
        found.append(Check("Hearing loop", count[NeedKind.HEARING_LOOP],
                           "" if hearing_loop or online else
                           "This venue is not recorded as having a hearing loop."))
    if count[NeedKind.BSL]:
        found.append(Check("British Sign Language interpreter", count[NeedKind.BSL]))
    languages = sorted({" ".join(detail.split()).title() for kind, detail in needs
                        if kind == NeedKind.INTERPRETER and detail.strip()})
    if count[NeedKind.INTERPRETER]:
        found.append(Check("Interpreters", count[NeedKind.INTERPRETER],
                           detail=", ".join(languages) or "Languages not given"))
    if count[NeedKind.DIETARY]:
        found.append(Check("Dietary needs catered for", count[NeedKind.DIETARY]))
    if count[NeedKind.CHILDCARE]:
        found.append(Check("Childcare places", count[NeedKind.CHILDCARE]))
    return found


@dataclass(frozen=True)
class SessionChecklist:
    session: EventSession
    checks: list[Check]


def venue_checklists(event: Event, needs: list[AccessNeed]) -> list[SessionChecklist]:
    """One checklist per session, for the people able to come to it."""
    found = []
    for session in event.sessions:
        coming = [(n.kind, n.detail) for n in needs
                  if n.status != NeedStatus.CANNOT_PROVIDE and any(
                      p.session_id == session.id and p.available
                      for p in n.registration.places)]
        found.append(SessionChecklist(session, checklist(
            session.step_free, session.hearing_loop, session.online, coming)))
    return found
