"""Fair panels on realistic pools: the demo's biased volunteers against Census 2021 quotas.

The pools that once broke the leximin stages (HiGHS reported a later stage infeasible, from
round-off when fixed levels sat within its tolerance of the optimum) must draw, and draw well.
"""

from __future__ import annotations

import pytest

from bench.quota_pools import census_shares, volunteer_pool
from quota.fairness import draw_fair_panel
from quota.groups import build_instance
from quota.leximin import leximin_relaxation
from quota.targets import quotas_from_shares

FIVE = ("age_band", "sex", "ethnic_group", "ward", "tenure")
SEVEN = (*FIVE, "disability", "religion")

# (dimensions, pool, panel, ethnic group in 5 groups, tolerance, volunteers' seed)
ONCE_BROKEN = [
    (SEVEN, 800, 60, False, 0, 2021),
    (FIVE, 500, 40, False, 0, 2021),
    (SEVEN, 800, 60, True, 0, 1),
    (SEVEN, 1700, 110, True, 1, 2),
]


def realistic(dimensions, people, size, collapse, tolerance, seed):
    pool = volunteer_pool(people, dimensions, seed, collapse_ethnic=collapse)
    quotas = quotas_from_shares(census_shares(dimensions, collapse_ethnic=collapse), size,
                                tolerance)
    return pool, quotas


@pytest.mark.parametrize("case", ONCE_BROKEN, ids=["7d-60-of-800", "5d-40-of-500",
                                                  "7d-60-of-800-collapsed", "7d-110-of-1700"])
def test_every_leximin_stage_solves(case):
    pool, quotas = realistic(*case)
    instance = build_instance(pool, quotas, case[2])
    target = leximin_relaxation(instance.polytope, instance.capacity.astype(float))
    assert target.stages > 1
    assert target.expected.sum() == pytest.approx(case[2], abs=1e-6)  # nobody kept: all places
    assert 0 < target.bound == pytest.approx(target.probability[target.probability > 1e-9].min(),
                                             abs=1e-6)


@pytest.mark.parametrize("case", ONCE_BROKEN[:2], ids=["7d-60-of-800", "5d-40-of-500"])
def test_fair_panel_on_a_once_broken_pool(case):
    pool, quotas = realistic(*case)
    size = case[2]
    selection = draw_fair_panel(pool, quotas, size, seed=1)
    lottery = selection.lottery
    assert selection.quotas_met and len(selection.selected) == size
    assert lottery.minimum == pytest.approx(lottery.upper_bound, abs=1e-6)
    assert sum(lottery.probabilities.values()) == pytest.approx(size, abs=1e-6)
    # with tolerance 0, small groups get a maximum of 0: their people can never be selected
    closed = {(q.dimension, q.category) for q in quotas if q.max == 0}
    shut_out = {pid for i, pid in enumerate(pool.ids)
                if any((d, pool.profiles[d][i]) in closed for d in pool.profiles)}
    assert shut_out and lottery.unselectable >= len(shut_out)
    assert all(lottery.probabilities[pid] == 0.0 for pid in shut_out)
