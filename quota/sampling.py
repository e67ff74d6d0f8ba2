"""Survey samples: a simple random sample, corrected to meet every quota with fewest swaps. PURE.

1. Draw a simple random sample of the places left, with the seeded generator: people in random
   order, each taken unless someone from their household already is (one-per-household rule).
2. Find the panel that meets every quota and differs from that sample in the fewest people: an
   integer programme over groups of interchangeable people (HiGHS), ``x = s + added - dropped``,
   minimising the people added plus dropped (``polytope.solve_integer``: the linear relaxation,
   then the integer programme over the groups it changes). Each group's cost is perturbed at
   random by less than one person in total, so that equally small corrections are chosen at
   random rather than by the solver's habits. A random sample that already meets the quotas is
   kept as it is: with loose quotas the result is exactly a simple random sample.
3. Choose who, within each group, uniformly at random (``Instance.choose_people``).

If no panel meets the quotas nobody is chosen: ``QuotaInfeasible`` says which quotas conflict
and the smallest change that fixes them (``quota.feasibility``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np

from quota.feasibility import find_conflicts
from quota.groups import Instance, build_instance
from quota.polytope import HIGHS, new_highs, solve_integer
from quota.problem import PersonId, Pool, Quota, QuotaInfeasible, Selection
from quota.reserves import finish_draw

ALGORITHM = ("survey sample: a simple random sample corrected to meet every quota with the "
             f"fewest swaps (integer programme, {HIGHS})")


def draw_survey_sample(pool: Pool, quotas: Iterable[Quota], size: int, *, seed: int,
                       kept: Iterable[PersonId] = (), reserves: int | None = None) -> Selection:
    """Select ``size`` people (including ``kept``) meeting every quota, plus ranked reserves.

    Raises ``QuotaInfeasible`` (with the conflicting quotas explained) before drawing when no
    panel can meet the quotas, and ``QuotaInputError`` for inputs that do not make sense.
    """
    started = time.perf_counter()
    instance = build_instance(pool, quotas, size, kept)
    rng = np.random.default_rng(seed)
    sample = random_sample(instance, rng)
    counts = nearest_panel(instance, sample, rng)
    if counts is None:
        raise QuotaInfeasible(find_conflicts(instance))
    return finish_draw(instance, counts, rng, reserves=reserves, seed=seed, algorithm=ALGORITHM,
                       first_step=("panel", time.perf_counter() - started))


def random_sample(instance: Instance, rng: np.random.Generator) -> np.ndarray:
    """Counts per group of a simple random sample of the places left, one per household."""
    available = np.flatnonzero(instance.group_of >= 0)
    key = rng.random(len(available))
    by_household = np.lexsort((key, instance.household[available]))
    homes = instance.household[available][by_household]
    first = by_household[np.flatnonzero(np.diff(np.concatenate([[-1], homes])))]
    taken = first[np.argsort(key[first], kind="stable")[:instance.size]]
    groups = instance.group_of[available[taken]]
    return np.bincount(groups, minlength=instance.polytope.num_cols)


def nearest_panel(instance: Instance, sample: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray | None:
    """The quota-meeting panel (counts per group) nearest to ``sample``; None if there is none."""
    poly = instance.polytope
    g = poly.num_cols
    if not g:  # nobody left to choose (HiGHS reports no solution for an empty model)
        return sample if poly.contains(sample.astype(float)) else None
    jitter = 0.5 / (instance.size + 1)  # the jitter of all swaps together stays below one
    h = new_highs()
    poly.add_to(h, integer=False, cost=1 + jitter * rng.random(g), upper=poly.upper - sample)
    poly.add_to(h, integer=False, cost=1 + jitter * rng.random(g), upper=sample.astype(float),
                sign=-1.0)
    shift = poly.row_sums(sample.astype(float))
    h.changeRowsBounds(poly.num_rows, np.arange(poly.num_rows, dtype=np.int32),
                       poly.row_lower - shift, poly.row_upper - shift)
    change = solve_integer(h)
    if change is None:
        return None
    return sample + change[:g].astype(int) - change[g:].astype(int)
