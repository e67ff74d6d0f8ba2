"""Reserves and replacements: who can step in for someone who drops out. PURE.

Reserve order (greedy cover). A reserve can replace a selected member when swapping them keeps
every quota: on each dimension they share the category, or the member's category has a place to
spare above its minimum and the reserve's has room below its maximum. Each next reserve is the
person who could replace the most selected members, each member counted ``1 / (1 + r)`` where
``r`` is how many reserves already on the list could replace them; ties are broken at random.
So the list first covers as many members as possible, then covers them twice, and so on. People
who could replace nobody come last, in random order. One per household when the rule is on.

Replacement. For a member who dropped out, the first reserve on the list who keeps every quota;
if none, someone from the pool who does, preferring people most like the member (random among
equals); if nobody can, ``QuotaInfeasible`` explains which quota stands in the way.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence

import numpy as np

from quota.feasibility import check_feasible
from quota.groups import Instance, build_instance, profile_index
from quota.problem import (
    Lottery,
    PersonId,
    Pool,
    Quota,
    QuotaInputError,
    Replacement,
    Selection,
)


def finish_draw(instance: Instance, counts: np.ndarray, rng: np.random.Generator, *,
                reserves: int | None, seed: int, algorithm: str, first_step: tuple[str, float],
                lottery: Lottery | None = None) -> Selection:
    """People for the panel ``counts``, ranked reserves, tallies: the end of either draw."""
    started = time.perf_counter()
    people = instance.choose_people(counts, rng)
    count = default_reserve_count(instance.panel_size) if reserves is None else reserves
    reserve_people = rank_reserves(instance, people, rng, count)
    return Selection(
        selected=tuple(instance.ids[i] for i in people),
        reserves=tuple(instance.ids[i] for i in reserve_people),
        tallies=instance.tallies(people),
        seed=seed,
        algorithm=algorithm,
        timings=dict([first_step, ("people and reserves", time.perf_counter() - started)]),
        lottery=lottery,
    )


def default_reserve_count(size: int) -> int:
    """A fifth of the panel, at least five."""
    return max(5, math.ceil(size / 5))


def rank_reserves(instance: Instance, selected: np.ndarray, rng: np.random.Generator,
                  count: int) -> np.ndarray:
    """Up to ``count`` people not selected, best reserve first (canonical indices)."""
    tally = instance.tally(selected)
    lower = np.array([q.min for q in instance.quotas])
    upper = np.array([q.max for q in instance.quotas])
    can_leave, can_join = tally - 1 >= lower, tally + 1 <= upper
    used = np.zeros(instance.household.max() + 1, dtype=bool)
    used[instance.household[selected]] = True
    candidates = np.flatnonzero(~used[instance.household])
    if not len(candidates) or count <= 0:
        return np.zeros(0, dtype=int)
    candidates = candidates[rng.permutation(len(candidates))]
    sel_types, sel_count = np.unique(instance.row_of[selected], axis=0, return_counts=True)
    cand_type = profile_index(instance.row_of[candidates])
    cand_types = instance.row_of[candidates[np.unique(cand_type, return_index=True)[1]]]
    queue = candidates[np.argsort(cand_type, kind="stable")]  # random order within a profile
    end = np.cumsum(np.bincount(cand_type))
    head = end - np.bincount(cand_type)
    swaps = np.ones((len(sel_types), len(cand_types)), dtype=bool)
    for d in range(sel_types.shape[1]):
        out, into = sel_types[:, d][:, None], cand_types[:, d][None, :]
        swaps &= (out == into) | (can_leave[out] & can_join[into])
    weight = sel_count / 1.0  # each member counted 1 / (1 + reserves already covering them)
    score = np.zeros(len(cand_types))
    for rows in np.array_split(np.arange(len(sel_types)), max(1, len(sel_types) // 256)):
        score += weight[rows] @ swaps[rows].astype(float)
    covered = np.zeros(len(sel_types))
    tie_break = rng.random(len(cand_types))
    ranked: list[int] = []
    while len(ranked) < count:
        score[head == end] = -1
        ties = np.flatnonzero(score >= score.max() - 1e-9)
        best = int(ties[np.argmin(tie_break[ties])])
        if score[best] < 0:
            break
        person = queue[head[best]]
        head[best] += 1
        if used[instance.household[person]]:
            continue
        used[instance.household[person]] = True
        ranked.append(int(person))
        rows = np.flatnonzero(swaps[:, best])  # the members this reserve could replace
        covered[rows] += 1
        new_weight = sel_count[rows] / (1 + covered[rows])
        score += (new_weight - weight[rows]) @ swaps[rows].astype(float)
        weight[rows] = new_weight
    return np.array(ranked, dtype=int)


def propose_replacement(pool: Pool, quotas: Iterable[Quota], selected: Sequence[PersonId],
                        dropped_out: PersonId, *, reserves: Sequence[PersonId] = (),
                        seed: int = 0) -> Replacement:
    """Who should take the place of ``dropped_out`` so that every quota is still met."""
    if dropped_out not in set(selected):
        raise QuotaInputError([f"{dropped_out} is not in the selection."])
    if dropped_out not in set(pool.ids):
        raise QuotaInputError([f"{dropped_out} is not in the pool."])
    staying = [p for p in selected if p != dropped_out]
    remaining = _without(pool, dropped_out)
    instance = build_instance(remaining, quotas, len(selected), kept=staying)
    check_feasible(instance)
    fits = _groups_that_fit(instance)
    position = {pid: i for i, pid in enumerate(instance.ids)}
    old = list(pool.ids).index(dropped_out)
    old_profile = {d: pool.profiles[d][old] for d in instance.dimensions}
    skipped = []
    for rank, pid in enumerate(reserves, start=1):
        person = position.get(pid)
        if person is None:
            continue
        group = instance.group_of[person]
        if group >= 0 and fits[group]:
            unused = (f"; reserve{'s' if len(skipped) > 1 else ''} {', '.join(skipped)} "
                      "would not" if skipped else "")
            return Replacement(pid, True, f"Reserve {rank} is the first on the list who keeps "
                               f"every quota{unused}. {_likeness(instance, person, old_profile)}")
        skipped.append(str(rank))
    candidates = np.flatnonzero(fits[instance.group_of] & (instance.group_of >= 0))
    match = np.array([_matches(instance, p, old_profile) for p in candidates])
    best = candidates[match == match.max()]
    person = int(np.random.default_rng(seed).choice(best))
    where = "No reserve keeps every quota" if reserves else "There is no reserve list"
    how = (f"chosen at random from the {len(best)} people in the pool who keep every quota "
           f"and are most like {dropped_out}" if len(best) > 1 else
           f"chosen as the one person in the pool who keeps every quota and is most like "
           f"{dropped_out}")
    return Replacement(instance.ids[person], False,
                       f"{where}; {how}. {_likeness(instance, person, old_profile)}")


def _without(pool: Pool, pid: PersonId) -> Pool:
    keep = [i for i, p in enumerate(pool.ids) if p != pid]
    return Pool(ids=[pool.ids[i] for i in keep],
                profiles={d: [c[i] for i in keep] for d, c in pool.profiles.items()},
                households=None if pool.households is None else [pool.households[i] for i in keep])


def _groups_that_fit(instance: Instance) -> np.ndarray:
    """Groups one person of which fills the last place without breaking any quota."""
    poly = instance.polytope
    zero_ok = (poly.row_lower <= 0) & (poly.row_upper >= 0)
    one_ok = (poly.row_lower <= 1) & (poly.row_upper >= 1)
    column = poly.column_of_nonzero()
    bad_in = np.bincount(column, weights=~one_ok[poly.rows], minlength=poly.num_cols)
    needed_in = np.bincount(column, weights=~zero_ok[poly.rows], minlength=poly.num_cols)
    return (bad_in == 0) & (needed_in == np.sum(~zero_ok)) & (poly.upper >= 1)


def _matches(instance: Instance, person: int, profile: dict[str, str]) -> int:
    return sum(instance.quotas[instance.row_of[person, d]].category == profile[dim]
               for d, dim in enumerate(instance.dimensions))


def _likeness(instance: Instance, person: int, profile: dict[str, str]) -> str:
    differences = []
    for d, dim in enumerate(instance.dimensions):
        category = instance.quotas[instance.row_of[person, d]].category
        if category != profile[dim]:
            differences.append(f"{dim} {category} instead of {profile[dim]}")
    if not differences:
        return "Same profile as the person who dropped out."
    return "Differs from the person who dropped out on " + "; ".join(differences) + "."
