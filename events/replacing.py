"""Filling a place someone gave up (declined, released, withdrew, or a no-show released before
the next session) with the reserve who best keeps every quota, as ``quota.services`` replaces a
sample member: the proposal comes from the stored pool of the selection, with the people who
hold places now and the reserves still waiting, in order; the organiser sees the quota effect
before acting, and a proposal that changed since it was shown is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from core import audit, mail
from core.errors import DomainError
from core.extensions import db
from core.models import User, utcnow
from events import confirming
from events import selection as pure
from events.models import Event, Registration, RegistrationStatus
from events.registrations import change_status
from events.selecting import dimension_labels, hold_event, is_selected, labels_for
from quota.access import hidden_dimensions
from quota.problem import Pool, QuotaInfeasible, QuotaInputError
from quota.reserves import propose_replacement

S = RegistrationStatus
HOLDING = (S.SELECTED, S.CONFIRMED, S.ATTENDED, S.NO_SHOW)
GAVE_UP = (S.DECLINED, S.RELEASED, S.WITHDRAWN)


class ReplaceError(DomainError):
    """This place cannot be filled (or not as asked); the message says why."""


def places_to_fill(event: Event) -> list[Registration]:
    """People who were selected and gave their place up, not yet replaced."""
    if not is_selected(event):
        return []
    pool_ids = set((event.selection or {})["inputs"]["ids"])
    replaced = set(db.session.scalars(select(Registration.replaces_id).where(
        Registration.event_id == event.id, Registration.replaces_id.is_not(None))))
    return [r for r in db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(GAVE_UP),
        Registration.selected_at.is_not(None)).order_by(Registration.ended_at, Registration.id))
        if r.id in pool_ids and r.id not in replaced]


def _reserves(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == S.RESERVE)
        .order_by(Registration.reserve_rank, Registration.id)))


@dataclass(frozen=True)
class Proposal:
    leaving: Registration
    replacement: Registration
    reason: str
    effect: list[tuple[str, str, pure.EffectRow]]   # (question, answer, row), visible only
    hidden_kept: bool                # quotas on questions the viewer may not see (all kept)


def _problem(event: Event, leaving: Registration) -> tuple[Pool, list, list[int], list[int]]:
    pool, quotas = pure.stored_problem(event.selection or {})
    holding = set(db.session.scalars(select(Registration.id).where(
        Registration.event_id == event.id, Registration.status.in_(HOLDING))))
    open_places = {r.id for r in places_to_fill(event)}
    selected = sorted((holding | open_places) & set(pool.ids))
    reserves = [r.id for r in _reserves(event) if r.id in set(pool.ids)]
    keep = set(selected) | set(reserves)
    rows = [i for i, pid in enumerate(pool.ids) if pid in keep]
    pool = Pool(ids=[pool.ids[i] for i in rows],
                profiles={d: [c[i] for i in rows] for d, c in pool.profiles.items()},
                households=None if pool.households is None
                else [pool.households[i] for i in rows])
    return pool, quotas, selected, reserves


def propose(actor: User, event: Event, leaving: Registration) -> Proposal:
    """The reserve who should take ``leaving``'s place, why, and each quota before and after,
    as ``actor`` may see them. ``ReplaceError`` says why there is none."""
    if leaving.event_id != event.id or leaving not in places_to_fill(event):
        raise ReplaceError("This place does not need filling: only the place of someone "
                           "selected who declined, was released or withdrew can be filled, "
                           "once.")
    pool, quotas, selected, reserves = _problem(event, leaving)
    dimensions = list(pool.profiles)
    hidden = hidden_dimensions(actor, dimensions)
    if not reserves:
        raise ReplaceError("There is nobody left on the reserve list to offer this place to.")
    try:
        found = propose_replacement(pool, quotas, selected, leaving.id, reserves=reserves,
                                    seed=int(event.selection["seed"]) + leaving.id)
    except QuotaInfeasible as error:
        if hidden:
            raise ReplaceError("Nobody on the reserve list can take this place without "
                               "breaking a quota of the design an officer approved. Ask an "
                               "engagement officer to look at this event.") from error
        raise ReplaceError("Nobody on the reserve list can take this place without breaking "
                           "a quota: " + _in_labels(event, dimensions, str(error))) from error
    except QuotaInputError as error:
        raise ReplaceError(f"This place cannot be matched: {error}") from error
    replacement = db.session.get(Registration, int(found.person))
    if replacement is None or replacement.status != S.RESERVE:
        raise ReplaceError("Nobody on the reserve list keeps every quota.")
    effect = pure.quota_effect(pool, quotas, selected, leaving.id, replacement.id)
    labels = labels_for(event, dimensions)
    names = dimension_labels(event, dimensions)
    return Proposal(leaving, replacement,
                    _reason(event, pool, leaving.id, replacement.id, found.reason, hidden),
                    [(names.get(row.dimension, row.dimension),
                      labels.get((row.dimension, row.category), row.category).split(": ")[-1],
                      row) for row in effect if row.dimension not in hidden],
                    any(row.dimension in hidden for row in effect))


def _reason(event: Event, pool: Pool, leaving: int, joining: int, reason: str,
            hidden: frozenset[str]) -> str:
    """The reason in labels, without hidden questions' answers of either person."""
    head = re.split(r" (?:Same profile as|Differs from) the person who dropped out", reason)[0]
    head = head.replace(f"most like {leaving}", "most like the person who gave up the place")
    ids = list(pool.ids)
    a, b = ids.index(leaving), ids.index(joining)
    dimensions = [d for d in pool.profiles if not d.startswith("_")]
    labels = labels_for(event, dimensions)
    differences = [f"{labels.get((d, pool.profiles[d][b]), pool.profiles[d][b])} instead of "
                   f"{labels.get((d, pool.profiles[d][a]), pool.profiles[d][a]).split(': ')[-1]}"
                   for d in dimensions
                   if d not in hidden and pool.profiles[d][a] != pool.profiles[d][b]]
    if not differences:
        return (f"{head} Same answers as the person who gave up the place"
                + (" on the questions shown to you." if hidden else "."))
    return f"{head} Differs from them on " + "; ".join(differences) + "."


def _in_labels(event: Event, dimensions: list[str], text: str) -> str:
    for (d, c), label in sorted(labels_for(event, dimensions).items(),
                                key=lambda item: -len(f"{item[0][0]} {item[0][1]}")):
        text = text.replace(f"{d} {c}", label)
    return text


def record_view(actor: User, event: Event, leaving: Registration) -> None:
    """The page names the person leaving and the reserve proposed: opening it is audited."""
    audit.record(actor, "event_replacement_viewed", "event", event.id, gave_up=leaving.id)
    db.session.commit()


def replace(actor: User, event: Event, leaving: Registration, chosen_id: int) -> Registration:
    """Offer ``leaving``'s place to ``chosen_id``, the reserve proposed; refused if the proposal
    changed since it was shown. The reserve is selected and emailed a link to confirm."""
    hold_event(event)   # one replacement at a time per event
    try:
        proposal = propose(actor, event, leaving)
    except ReplaceError:
        db.session.rollback()
        raise
    if proposal.replacement.id != chosen_id:
        db.session.rollback()
        raise ReplaceError("The proposed replacement has changed since the page was shown; "
                           "look at the new proposal and confirm again.")
    replacement = proposal.replacement
    change_status(replacement, S.SELECTED, utcnow())
    replacement.replaces_id = leaving.id
    replacement.note = proposal.reason
    event.selection = {**(event.selection or {}), "replacements": [
        *(event.selection or {}).get("replacements", []), [leaving.id, replacement.id]]}
    audit.record(actor, "event_place_replaced", "event", event.id, gave_up=leaving.id,
                 replacement=replacement.id)
    if replacement.contact_email:
        mail.queue_templated(
            replacement.contact_email, "event_replacement", registration=replacement,
            event=event, deadline=confirming.deadline(replacement),
            link=mail.absolute_url("event_selection.confirm", token=replacement.token))
    db.session.commit()
    return replacement
