"""Selection, the use case: the interested become the selected (asked to confirm) and an ordered
reserve list, by the fair-panel draw with the event's quotas and one per household.

The problem is assembled from the database here and solved by ``events.selection`` (pure). The
record kept in ``Event.selection`` is enough to run the draw again and get the same people.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from core import audit, mail
from core.errors import DomainError
from core.extensions import db
from core.models import User, utcnow
from events import confirming
from events import selection as pure
from events.models import (
    Event,
    EventFormat,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from events.profiles import registrant_profiles
from events.registrations import change_status
from quota.access import (
    design_spec,
    hidden_dimensions,
    sees_special_category,
    special_category_refusal,
)
from quota.disclosure import NOT_KNOWN
from quota.models import SampleDesign, SampleMode
from quota.pool import (
    NOT_KNOWN_LABEL,
    SampleSpec,
    category_labels,
    private_dimensions,
    quotas_for,
)
from quota.problem import Pool, Quota, QuotaInfeasible, QuotaInputError

S = RegistrationStatus
ASSEMBLIES = (EventFormat.CITIZENS_JURY, EventFormat.CITIZENS_ASSEMBLY)


class SelectionError(DomainError):
    """Selection cannot run (or cannot run as asked); the message says why."""


class QuotasNotMet(SelectionError):
    """The interested cannot meet the quotas: ``unmet`` lists [dimension, category, needed]."""

    def __init__(self, message: str, unmet: list[list[Any]], more: int):
        super().__init__(message)
        self.unmet = unmet
        self.more = more


def why_not_now(event: Event) -> str | None:
    """Why selection cannot run now, in plain words (None when it can)."""
    if event.status == EventStatus.CANCELLED:
        return "This event was cancelled, so nobody can be selected."
    if event.status in (EventStatus.DRAFT, EventStatus.RECRUITING):
        return ("Registration is still open. Close registration first: selection uses everyone "
                "who said they are interested by then.")
    if event.status == EventStatus.HELD:
        return "This event has been held."
    if is_selected(event):
        return "The room has been selected already."
    return None


def hold_event(event: Event) -> None:
    """Hold the event's row until this transaction ends and read it afresh, so that two
    organisers acting at once act one after the other (a write holds it on PostgreSQL and on
    SQLite alike, where ``SELECT ... FOR UPDATE`` is ignored)."""
    db.session.execute(update(Event).where(Event.id == event.id)
                       .values(places_taken=Event.places_taken)
                       .execution_options(synchronize_session=False))
    db.session.refresh(event)


def is_selected(event: Event) -> bool:
    return bool(event.selection and event.selection.get("selected") is not None)


# --- the problem -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    candidates: list[pure.Candidate]
    left_out: list[pure.Candidate]
    dimensions: list[str]          # panel questions and screening quota questions
    spec: SampleSpec | None        # the target set's part
    screening_shares: dict[str, dict[str, float]] = field(default_factory=dict)
    design: SampleDesign | None = None


def _design(event: Event) -> SampleDesign | None:
    return db.session.get(SampleDesign, event.design_id) if event.design_id else None


def _spec(event: Event, design: SampleDesign | None) -> SampleSpec | None:
    if design is not None:
        base = design_spec(design)
        return SampleSpec.from_json({**base.to_json(), "size": event.capacity,
                                     "mode": SampleMode.FAIR.value})
    if event.target_set_id is None or not event.dimensions:
        return None
    return SampleSpec(name=event.title, mode=SampleMode.FAIR, target_set_id=event.target_set_id,
                      dimensions=tuple(event.dimensions), size=event.capacity)


def interested(event: Event) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == S.INTERESTED)
        .options(selectinload(Registration.places), selectinload(Registration.resident))
        .order_by(Registration.id)))


def problem_for(event: Event) -> Problem:
    design = _design(event)
    spec = _spec(event, design)
    shares = {q.key: dict(q.quota_shares) for q in event.questions if q.quota_shares}
    dimensions = [*(spec.dimensions if spec else ()), *shares]
    registrations = interested(event)
    profiles = registrant_profiles(registrations, dimensions,
                                   merged=spec.merged if spec else ())
    order = [s.id for s in event.sessions]
    every = pure.needs_every_session(event.format in ASSEMBLIES, len(order))
    candidates = []
    for r in registrations:
        said = {p.session_id: p.available for p in r.places}
        candidates.append(pure.Candidate(
            r.id, profiles[r.id],
            pure.household_of(r.id, r.household_key,
                              r.resident.household_key if r.resident else ""),
            tuple(said.get(s) for s in order)))
    kept, left_out = pure.split_pool(candidates, every)
    return Problem(kept, left_out, dimensions, spec, shares, design)


def left_out_reason(event: Event) -> str:
    every = pure.needs_every_session(event.format in ASSEMBLIES, len(event.sessions))
    return ("not available for every session" if every
            else "not available for any session")


def check_allowed(actor: User, event: Event, problem: Problem) -> None:
    """Quotas on special-category questions: an officer, or a design an officer approved."""
    private = private_dimensions(problem.dimensions)
    if not private or sees_special_category(actor):
        return
    if problem.design is None:
        raise SelectionError(special_category_refusal(list(private.values())))
    if problem.design.withdrawn_at is not None:
        raise SelectionError("The quota design this event uses was withdrawn by an officer. "
                             "Ask an officer to approve a new one.")


# --- selecting ---------------------------------------------------------------------------------

def select_room(actor: User, event: Event, seed: int | None = None, *,
                at: datetime | None = None, tell: bool = True) -> dict[str, Any]:
    """Draw the room: the selected are asked to confirm (email; ``tell=False`` for the demo,
    whose story is told without sending anything), the rest are reserves in order.
    ``QuotasNotMet`` when the interested cannot meet the quotas (stored for the page and the
    top-up wave). Commits once."""
    hold_event(event)   # one selection at a time per event
    try:
        return _select_held(actor, event, seed, at or utcnow(), tell)
    except SelectionError:
        db.session.rollback()   # (a shortfall is stored already)
        raise


def room_problem(event: Event, problem: Problem) -> tuple[Pool, list[Quota]]:
    """The pool and quotas the draw for ``event`` works on (``QuotaInfeasible``,
    ``QuotaInputError`` when the quotas cannot be made)."""
    pool = pure.make_pool(problem.candidates, problem.dimensions,
                          one_per_household=event.one_per_household)
    quotas = quotas_for(problem.spec, pool) if problem.spec else []
    quotas += pure.screening_quotas(problem.screening_shares, pool, event.capacity)
    return pure.with_everyone(pool, quotas, event.capacity)


def _select_held(actor: User, event: Event, seed: int | None, now: datetime,
                 tell: bool) -> dict[str, Any]:
    reason = why_not_now(event)
    if reason:
        raise SelectionError(reason)
    problem = problem_for(event)
    check_allowed(actor, event, problem)
    if not problem.candidates:
        raise SelectionError("Nobody who said they are interested can come, so nobody can be "
                             "selected. Send a top-up invitation wave first.")
    seed = secrets.randbelow(2**31) if seed is None else seed
    pool = pure.make_pool(problem.candidates, problem.dimensions,
                          one_per_household=event.one_per_household)
    try:
        pool, quotas = room_problem(event, problem)
        result = pure.run_draw(pool, quotas, event.capacity, seed)
    except QuotaInfeasible as error:
        short, more = pure.unmet(error.problems)
        event.selection = {"seed": seed, "unmet": short, "more_needed": more,
                           "checked_at": utcnow().isoformat(timespec="seconds")}
        audit.record(actor, "event_selection_infeasible", "event", event.id,
                     pool=len(pool), unmet=len(short))
        db.session.commit()
        raise QuotasNotMet(unmet_message(actor, problem.dimensions, event, short, more),
                           short, more) from error
    except QuotaInputError as error:
        raise SelectionError(f"The quotas cannot be used as they are: {error}") from error
    left_out = {left_out_reason(event): len(problem.left_out)} if problem.left_out else {}
    record = pure.record(pool, quotas, result, left_out=left_out)
    chosen = {r.id: r for r in interested(event)}
    for rid in record["selected"]:
        registration = chosen[rid]
        change_status(registration, S.SELECTED, now)
        if tell:
            _tell_selected(registration)
    for rank, rid in enumerate(record["reserves"], start=1):
        registration = chosen[rid]
        change_status(registration, S.RESERVE, now)
        registration.reserve_rank = rank
    event.selection = record
    event.selected_at = now
    audit.record(actor, "event_selected", "event", event.id, seed=seed, pool=len(pool),
                 selected=len(record["selected"]), reserves=len(record["reserves"]),
                 design=event.design_id,
                 **({"special_category_questions": list(private)}
                    if (private := private_dimensions(problem.dimensions)) else {}))
    db.session.commit()
    return record


def _tell_selected(registration: Registration) -> None:
    to = registration.contact_email
    if not to:
        return
    event = registration.event
    mail.queue_templated(
        to, "event_selected", registration=registration, event=event,
        deadline=confirming.deadline(registration),
        link=mail.absolute_url("event_selection.confirm", token=registration.token))


def unmet_message(actor: User, dimensions: list[str], event: Event, short: list[list[Any]],
                  more: int) -> str:
    """Which quotas the interested cannot meet, by how many, in words (no special-category
    names or numbers for anyone who may not see them)."""
    if hidden_dimensions(actor, dimensions):
        return ("The people who said they are interested cannot meet every quota of the design "
                "an officer approved. Send a top-up invitation wave, or ask an engagement "
                "officer to look at the design.")
    labels = labels_for(event, dimensions)
    parts = [f"{n:,} more {'person' if n == 1 else 'people'} in "
             f"{labels.get((d, c), c)}" for d, c, n in short]
    if more:
        parts.append(f"{more:,} more {'person' if more == 1 else 'people'} (from different "
                     "households) overall")
    if not parts:
        return ("The people who said they are interested cannot meet every quota together. "
                "Send a top-up invitation wave to reach more people.")
    return ("The people who said they are interested cannot meet every quota. The room needs "
            + "; ".join(parts) + ".")


def labels_for(event: Event, dimensions: list[str]) -> dict[tuple[str, str], str]:
    """(dimension, category) -> "Question: answer" labels, screening questions included."""
    from panel.models import Dimension  # noqa: PLC0415 (only the labels need it)
    panel = [d for d in dimensions if not d.startswith("q")]
    names = dict(db.session.execute(select(Dimension.key, Dimension.label)
                                    .where(Dimension.key.in_(panel))).all()) if panel else {}
    labels = {(d, c): f"{names.get(d, d)}: {label}"
              for (d, c), label in category_labels(panel).items()} if panel else {}
    for question in event.questions:
        for option in [*question.options, *(question.quota_shares or {})]:
            labels[(question.key, option)] = f"{question.text}: {option}"
        labels[(question.key, NOT_KNOWN)] = f"{question.text}: {NOT_KNOWN_LABEL}"
    return labels


def dimension_labels(event: Event, dimensions: list[str]) -> dict[str, str]:
    from panel.models import Dimension  # noqa: PLC0415
    names = dict(db.session.execute(select(Dimension.key, Dimension.label)
                                    .where(Dimension.key.in_(dimensions))).all())
    names.update({q.key: q.text for q in event.questions})
    return names


# --- reproducing and viewing -------------------------------------------------------------------

def check_reproduces(actor: User, event: Event) -> list[str]:
    """Run the stored draw again: [] when the same people and reserves come out."""
    if not is_selected(event):
        raise SelectionError("Nobody has been selected yet.")
    differences = pure.reproduces(event.selection or {}, event.capacity)
    audit.record(actor, "event_selection_reproduced", "event", event.id,
                 same=not differences)
    db.session.commit()
    return differences


def record_view(actor: User, event: Event) -> None:
    """The selection page names the selected and the reserves: opening it is audited."""
    audit.record(actor, "event_selection_viewed", "event", event.id)
    db.session.commit()


# --- what the selection page shows -------------------------------------------------------------

@dataclass(frozen=True)
class TallyRow:
    label: str
    target: float | None
    min: int
    max: int
    achieved: int
    in_pool: int

    @property
    def met(self) -> bool:
        return self.min <= self.achieved <= self.max


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    rows: list[TallyRow]
    hidden: bool = False
    all_met: bool = True


@dataclass(frozen=True)
class Person:
    registration: Registration
    name: str
    reference: str


@dataclass(frozen=True)
class Page:
    blocked: str | None               # why selection cannot run now
    interested: int = 0
    left_out: int = 0
    left_out_reason: str = ""
    unmet: str | None = None          # the interested cannot meet the quotas (last try)
    tallies: list[Tally] = field(default_factory=list)
    minimum_probability: float | None = None
    selected: list[Person] = field(default_factory=list)
    reserves: list[Person] = field(default_factory=list)
    to_fill: list[Person] = field(default_factory=list)


def reference(registration: Registration) -> str:
    return f"E-{registration.id:05d}"


def person(registration: Registration) -> Person:
    return Person(registration, registration.display_name or "Name erased",
                  reference(registration))


def page_for(actor: User, event: Event) -> Page:
    """The selection page for ``actor``: never a special-category answer to an organiser."""
    from events.replacing import places_to_fill  # noqa: PLC0415 (replacing imports this module)
    if not is_selected(event):
        blocked = why_not_now(event)
        problem = problem_for(event) if blocked is None else None
        unmet = None
        if event.selection and event.selection.get("unmet") is not None and problem:
            unmet = unmet_message(actor, problem.dimensions, event, event.selection["unmet"],
                                  int(event.selection.get("more_needed") or 0))
        return Page(blocked,
                    interested=len(problem.candidates) + len(problem.left_out) if problem else 0,
                    left_out=len(problem.left_out) if problem else 0,
                    left_out_reason=left_out_reason(event), unmet=unmet)
    record = event.selection or {}
    dimensions = [d for d in record["inputs"]["profiles"] if not d.startswith("_")]
    hidden = hidden_dimensions(actor, dimensions)
    labels, names = labels_for(event, dimensions), dimension_labels(event, dimensions)
    tallies = []
    for key in dimensions:
        rows = [c for c in record["report"]["categories"] if c["dimension"] == key]
        met = all(c["min"] <= c["achieved"] <= c["max"] for c in rows)
        if key in hidden:
            tallies.append(Tally(key, names.get(key, key), [], hidden=True, all_met=met))
            continue
        tallies.append(Tally(key, names.get(key, key), [
            TallyRow(labels.get((key, c["category"]), c["category"]).split(": ", 1)[-1],
                     c["target"], c["min"], c["max"], c["achieved"], c["in_pool"])
            for c in rows], all_met=met))
    in_room = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.selected_at.is_not(None),
        Registration.status != S.RESERVE).order_by(Registration.selected_at, Registration.id)))
    reserves = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == S.RESERVE)
        .order_by(Registration.reserve_rank, Registration.id)))
    return Page(None, interested=len(record["inputs"]["ids"]),
                left_out=sum(record.get("left_out", {}).values()),
                left_out_reason=left_out_reason(event), tallies=tallies,
                minimum_probability=None if hidden
                else record["report"].get("minimum_probability"),
                selected=[person(r) for r in in_room], reserves=[person(r) for r in reserves],
                to_fill=[person(r) for r in places_to_fill(event)])
