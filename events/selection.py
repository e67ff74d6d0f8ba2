"""Selecting an event's room from the people who said they are interested. PURE: plain data in,
plain data out (no Flask, no database); ``events.selecting`` reads and writes the records.

Who is in the pool. Everyone interested who can come: for a citizens' jury or assembly with
several sessions, only those available for every session (the same people must sit through the
whole process); for other events with several sessions, those available for at least one.

The draw. The fair-panel mode of ``quota.draw`` selects exactly the capacity, with the quotas
(the event's target set shares, plus screening questions used as quotas) and one person per
household; everyone else in the pool becomes a reserve, best first. Everything the draw used is
stored (``record``), so running it again on the stored inputs and seed gives the same people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from quota.disclosure import NOT_KNOWN
from quota.draw import draw
from quota.problem import Pool, Quota, QuotaConflict, Selection
from quota.targets import quotas_from_shares

# When an event sets no quotas at all, the draw still needs one: everyone is in it.
EVERYONE = ("_everyone", "yes")


@dataclass(frozen=True)
class Candidate:
    """One interested registrant: their categories, household and availability per session
    (``None``: not said, counted as available)."""

    id: int
    profile: Mapping[str, str]
    household: str
    available: tuple[bool | None, ...] = ()


def needs_every_session(is_assembly: bool, sessions: int) -> bool:
    """A jury or assembly meeting more than once needs the same people at every session."""
    return is_assembly and sessions > 1


def can_come(candidate: Candidate, every_session: bool) -> bool:
    said = [a is not False for a in candidate.available]
    if not said:
        return True
    return all(said) if every_session else any(said)


def split_pool(candidates: Iterable[Candidate], every_session: bool
               ) -> tuple[list[Candidate], list[Candidate]]:
    """(who can come, who is left out for their availability), each by id."""
    kept, left_out = [], []
    for candidate in sorted(candidates, key=lambda c: c.id):
        (kept if can_come(candidate, every_session) else left_out).append(candidate)
    return kept, left_out


def household_of(registration_id: int, own_key: str, resident_key: str) -> str:
    """The registration's household (as registered, else the member's), else their own."""
    return own_key or resident_key or f"registration:{registration_id}"


def make_pool(candidates: Sequence[Candidate], dimensions: Sequence[str], *,
              one_per_household: bool) -> Pool:
    people = sorted(candidates, key=lambda c: c.id)
    return Pool(ids=[c.id for c in people],
                profiles={d: [c.profile.get(d, NOT_KNOWN) for c in people] for d in dimensions},
                households=[c.household for c in people] if one_per_household else None)


def screening_quotas(shares: Mapping[str, Mapping[str, float]], pool: Pool,
                     size: int) -> list[Quota]:
    """Quotas from screening questions' ``quota_shares`` (answer -> share), as the target set's
    are made (``quota.pool.quotas_for``): an answer found in the pool without a share gets a
    share of zero, and "Not known" (no answer) keeps its share of the pool."""
    rows: dict[str, dict[str, float]] = {}
    for key, given in shares.items():
        row = {c: float(s) for c, s in given.items() if c != NOT_KNOWN}
        found = Counter(pool.profiles.get(key, ()))
        for category in found:
            if category != NOT_KNOWN:
                row.setdefault(category, 0.0)
        unknown = found.get(NOT_KNOWN, 0) / len(pool) if len(pool) else 0.0
        known = sum(row.values())
        if known <= 0:
            continue
        if unknown:
            row = {c: s / known * (1 - unknown) for c, s in row.items()}
            row[NOT_KNOWN] = unknown
        rows[key] = row
    return quotas_from_shares(rows, size) if rows else []


def with_everyone(pool: Pool, quotas: list[Quota], size: int) -> tuple[Pool, list[Quota]]:
    """A pool and quotas the draw accepts when the event set no quotas (one that all meet)."""
    if quotas:
        return pool, quotas
    dimension, category = EVERYONE
    return (Pool(ids=pool.ids, profiles={**pool.profiles, dimension: [category] * len(pool)},
                 households=pool.households),
            [Quota(dimension, category, size, size, float(size))])


def run_draw(pool: Pool, quotas: list[Quota], size: int, seed: int) -> Selection:
    """The fair panel of ``size`` and everyone else as ranked reserves (``QuotaInfeasible``
    when the pool cannot meet the quotas)."""
    return draw("fair", pool, quotas, size, seed=seed, reserves=max(0, len(pool) - size))


def reserve_order(pool: Pool, selection: Selection) -> list[int]:
    """Everyone in the pool not selected, best reserve first: the draw's ranked reserves, then
    anyone it left off (someone who shares a home with a selected person: they can step in only
    if that person drops out), in an order drawn from the seed."""
    ranked = [int(p) for p in selection.reserves]
    taken = {*ranked, *(int(p) for p in selection.selected)}
    rest = [int(p) for p in pool.ids if int(p) not in taken]
    order = np.random.default_rng(selection.seed).permutation(len(rest))
    return ranked + [rest[i] for i in order]


def record(pool: Pool, quotas: list[Quota], selection: Selection, *,
           left_out: Mapping[str, int]) -> dict[str, Any]:
    """What ``Event.selection`` keeps: the inputs, the seed, who came out, the report."""
    return {
        "seed": selection.seed,
        "algorithm": selection.algorithm,
        "inputs": inputs_of(pool, quotas),
        "selected": [int(p) for p in selection.selected],
        "reserves": reserve_order(pool, selection),
        "report": report_of(selection),
        "left_out": dict(left_out),
        "unmet": [],
    }


def inputs_of(pool: Pool, quotas: list[Quota]) -> dict[str, Any]:
    return {"ids": list(pool.ids), "profiles": {d: list(c) for d, c in pool.profiles.items()},
            "households": None if pool.households is None else list(pool.households),
            "quotas": [[q.dimension, q.category, q.min, q.max, q.target] for q in quotas]}


def stored_problem(selection: Mapping[str, Any]) -> tuple[Pool, list[Quota]]:
    data = selection["inputs"]
    return (Pool(ids=data["ids"], profiles=data["profiles"], households=data["households"]),
            [Quota(*row) for row in data["quotas"]])


def report_of(selection: Selection) -> dict[str, Any]:
    chances = selection.lottery.probabilities if selection.lottery else {}
    return {
        "categories": [{"dimension": t.dimension, "category": t.category, "min": t.min,
                        "max": t.max, "target": t.target, "achieved": t.achieved,
                        "in_pool": t.pool} for t in selection.tallies
                       if (t.dimension, t.category) != EVERYONE],
        "quotas_met": selection.quotas_met,
        "minimum_probability": selection.lottery.minimum if selection.lottery else None,
        "probability_bound": selection.lottery.upper_bound if selection.lottery else None,
        "probabilities": {str(k): float(v) for k, v in chances.items()},
    }


def reproduces(selection: Mapping[str, Any], size: int) -> list[str]:
    """Differences found when the stored draw runs again ([] when it reproduces)."""
    pool, quotas = stored_problem(selection)
    again = run_draw(pool, quotas, size, int(selection["seed"]))
    differences = []
    if [int(p) for p in again.selected] != list(selection["selected"]):
        differences.append("The people selected are not the same.")
    if reserve_order(pool, again) != list(selection["reserves"]):
        differences.append("The reserve list is not the same.")
    return differences


def unmet(problems: Iterable[QuotaConflict]) -> tuple[list[list[Any]], int]:
    """From the draw's explanation: ``[[dimension, category, people needed], ...]`` for the
    minimums the interested cannot meet, and how many more people the room needs overall."""
    short, more = [], 0
    for problem in problems:
        if problem.kind == "minimum" and problem.dimension is not None:
            short.append([problem.dimension, problem.category,
                          max(1, problem.current - problem.suggested)])
        elif problem.kind == "size":
            more = max(more, problem.current - problem.suggested)
    return short, more


@dataclass(frozen=True)
class EffectRow:
    dimension: str
    category: str
    min: int
    max: int
    now: int
    after: int

    @property
    def kept(self) -> bool:
        return self.min <= self.after <= self.max

    @property
    def changes(self) -> bool:
        return self.now != self.after


def quota_effect(pool: Pool, quotas: Iterable[Quota], selected: Iterable[int], leaving: int,
                 joining: int) -> list[EffectRow]:
    """Each quota's count with ``selected`` (``leaving`` among them) and after ``joining`` takes
    ``leaving``'s place."""
    row = {pid: i for i, pid in enumerate(pool.ids)}
    people = [p for p in selected if p in row]
    after = [p for p in people if p != leaving] + ([joining] if joining in row else [])
    effect = []
    for quota in quotas:
        if (quota.dimension, quota.category) == EVERYONE:
            continue
        column = pool.profiles[quota.dimension]
        effect.append(EffectRow(
            quota.dimension, quota.category, quota.min, quota.max,
            sum(column[row[p]] == quota.category for p in people),
            sum(column[row[p]] == quota.category for p in after)))
    return effect
