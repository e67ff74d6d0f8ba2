"""Fair panels: leximin chances, checked by hand on known pools and by brute force on tiny ones."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quota.fairness import draw_fair_panel
from tests.unit.quota.pools import (
    FAST,
    Case,
    best_minimum,
    exact,
    feasible_cases,
    household,
    make_pool,
    meets,
    profile,
    valid_panels,
)


def fair(case: Case, seed: int = 0):
    return draw_fair_panel(case.pool, case.quotas, case.size, seed=seed, kept=case.kept)


def cells(counts: dict[tuple[str, str], int]) -> list:
    """Rows for a pool of sex x age with ``counts`` people per cell."""
    rows, pid = [], 0
    for (sex, age), n in counts.items():
        for _ in range(n):
            rows.append((pid, {"sex": sex, "age": age}))
            pid += 1
    return rows


SYMMETRIC = Case(make_pool(cells({("F", "young"): 3, ("F", "old"): 3, ("M", "young"): 3,
                                  ("M", "old"): 3})),
                 (exact("sex", "F", 2), exact("sex", "M", 2),
                  exact("age", "young", 2), exact("age", "old", 2)), 4)
PROPORTIONAL = Case(make_pool([(i, {"g": "A" if i < 4 else "B"}) for i in range(12)]),
                    (exact("g", "A", 1), exact("g", "B", 2)), 3)
COUPLES = Case(make_pool([(i, {"sex": "F" if i % 2 else "M"}) for i in range(8)],
                         households=[f"h{i // 2}" for i in range(8)]),
               (exact("sex", "F", 1), exact("sex", "M", 1)), 2)


@pytest.mark.parametrize("case", [SYMMETRIC, PROPORTIONAL, COUPLES],
                         ids=["two-dimensions", "proportional", "households"])
def test_everyone_gets_k_over_n_when_the_quotas_allow_it(case):
    lottery = fair(case).lottery
    k_over_n = case.size / len(case.pool)
    assert lottery.minimum == pytest.approx(k_over_n, abs=1e-9)
    assert lottery.upper_bound == pytest.approx(k_over_n, abs=1e-9)
    assert list(lottery.probabilities.values()) == pytest.approx([k_over_n] * len(case.pool),
                                                                 abs=1e-9)


TWO_AND_EIGHT = Case(make_pool([(i, {"g": "A" if i < 2 else "B"}) for i in range(10)]),
                     (exact("g", "A", 1), exact("g", "B", 1)), 2)


def test_small_category_gets_its_half_and_the_big_one_an_eighth():
    lottery = fair(TWO_AND_EIGHT).lottery
    assert lottery.probabilities == pytest.approx({0: 1 / 2, 1: 1 / 2,
                                                   **{i: 1 / 8 for i in range(2, 10)}})
    assert lottery.minimum == pytest.approx(1 / 8, abs=1e-9)
    assert lottery.upper_bound == pytest.approx(1 / 8, abs=1e-9)
    assert lottery.groups == ((0, 1), tuple(range(2, 10)))


def test_the_draw_follows_the_lottery():
    counts = Counter(p for seed in range(200) for p in fair(TWO_AND_EIGHT, seed).selected)
    assert counts[0] + counts[1] == 200  # exactly one of A every time
    assert 70 < counts[0] < 130  # chance 1/2 each: 100 expected, standard deviation 7
    assert all(8 < counts[i] < 45 for i in range(2, 10)), counts  # 25 expected, sd 4.7


def test_two_dimensions_known_answer():
    """Panels are {young woman, old man} or {old woman, young man}, one of each quota.

    With 1 young woman, 3 old men, 2 old women and 2 young men, the first kind taken with
    chance p gives the old men p/3 and the second kind gives its people (1 - p)/2: the best
    minimum is at p = 3/5, where everyone but the young woman has 1/5 and she has 3/5.
    (Picking one of the 7 valid panels uniformly would give each old man only 1/7.)
    """
    case = Case(make_pool(cells({("F", "young"): 1, ("M", "old"): 3, ("F", "old"): 2,
                                 ("M", "young"): 2})),
                (exact("sex", "F", 1), exact("sex", "M", 1),
                 exact("age", "young", 1), exact("age", "old", 1)), 2)
    lottery = fair(case).lottery
    assert lottery.probabilities == pytest.approx({0: 3 / 5, **{i: 1 / 5 for i in range(1, 8)}})
    assert lottery.minimum == pytest.approx(1 / 5, abs=1e-9)
    assert lottery.upper_bound == pytest.approx(1 / 5, abs=1e-9)


def test_lonely_profiles_get_a_fair_chance_not_one_in_a_hundred():
    """1 young woman, 1 old man, 10 old women, 10 young men; one of each quota in a panel of 2.

    There is 1 panel {young woman, old man} and 100 panels {old woman, young man}: picking a
    valid panel uniformly at random gives the young woman and the old man 1/101 each. The
    leximin lottery takes the first panel with chance 1/11, which gives everyone 2/22 = 1/11.
    """
    case = Case(make_pool(cells({("F", "young"): 1, ("M", "old"): 1, ("F", "old"): 10,
                                 ("M", "young"): 10})),
                (exact("sex", "F", 1), exact("sex", "M", 1),
                 exact("age", "young", 1), exact("age", "old", 1)), 2)
    assert len(valid_panels(case)) == 101
    lottery = fair(case).lottery
    assert list(lottery.probabilities.values()) == pytest.approx([1 / 11] * 22, abs=1e-9)
    assert lottery.minimum == pytest.approx(1 / 11, abs=1e-9)
    assert lottery.upper_bound == pytest.approx(1 / 11, abs=1e-9)


def test_kept_people_have_chance_one_and_their_households_zero():
    case = Case(make_pool([(i, {"g": "A" if i < 2 else "B"}) for i in range(10)],
                          households=["x", "y", "x"] + [f"h{i}" for i in range(3, 10)]),
                TWO_AND_EIGHT.quotas, 2, kept=(0,))
    selection = fair(case)
    probabilities = selection.lottery.probabilities
    assert probabilities[0] == 1.0
    assert probabilities[1] == pytest.approx(0.0, abs=1e-9)  # A is full
    assert probabilities[2] == 0.0  # lives with person 0
    assert [probabilities[i] for i in range(3, 10)] == pytest.approx([1 / 7] * 7)
    assert selection.selected[0] == 0 and selection.selected[1] >= 3


@FAST
@given(case=feasible_cases(), seed=st.integers(0, 2**32 - 1))
def test_quotas_met_and_lottery_consistent(case, seed):
    selection = fair(case, seed)
    lottery = selection.lottery
    assert meets(case, selection.selected) and selection.quotas_met
    assert sum(lottery.weights) == pytest.approx(1.0, abs=1e-9)
    assert min(lottery.weights) > 0
    assert sum(lottery.probabilities.values()) == pytest.approx(case.size, abs=1e-6)
    assert all(lottery.probabilities[p] == 1.0 for p in case.kept)
    kept_homes = {household(case.pool, p) for p in case.kept}
    drawable = [p for p in case.pool.ids if household(case.pool, p) not in kept_homes]
    assert sorted(p for group in lottery.groups for p in group) == sorted(drawable)
    for j, group in enumerate(lottery.groups):
        expected = sum(w * panel[j] for w, panel in zip(lottery.weights, lottery.panels,
                                                        strict=True))
        assert [lottery.probabilities[p] for p in group] == pytest.approx(
            [expected / len(group)] * len(group), abs=1e-9)
    for panel in lottery.panels:  # each panel, counted per group, meets every quota
        assert sum(panel) + len(case.kept) == case.size
        people = list(case.kept) + [group[0] for group, n in zip(lottery.groups, panel,
                                                                 strict=True) for _ in range(n)]
        counts = Counter(item for p in people for item in profile(case.pool, p).items())
        assert all(q.min <= counts[(q.dimension, q.category)] <= q.max for q in case.quotas)
    drawn = tuple(sum(p in group for p in selection.selected) for group in lottery.groups)
    assert drawn in lottery.panels


@settings(FAST, max_examples=200)
@given(case=feasible_cases(max_people=8))
def test_minimum_is_optimal_against_brute_force(case):
    lottery = fair(case).lottery
    assert lottery.minimum == pytest.approx(lottery.upper_bound, abs=1e-6)
    panels = valid_panels(case)
    # the minimum is over the people some panel can take: the others are counted apart
    possible = set().union(*panels) - set(case.kept)
    assert lottery.unselectable == len(case.pool) - len(case.kept) - len(possible)
    assert all(lottery.probabilities[p] == pytest.approx(0.0, abs=1e-9)
               for p in set(case.pool.ids) - possible - set(case.kept))
    if possible:
        best = best_minimum(case, panels, among=possible)
        assert min(lottery.probabilities[p] for p in possible) == pytest.approx(best, abs=1e-6)
        assert lottery.minimum == pytest.approx(best, abs=1e-6)


@FAST
@given(case=feasible_cases(), seed=st.integers(0, 2**32 - 1), order=st.randoms())
def test_same_seed_same_panel_and_chances_whatever_the_row_order(case, seed, order):
    rows = list(range(len(case.pool)))
    order.shuffle(rows)
    first, again = fair(case, seed), fair(case.shuffled(rows), seed)
    assert (first.selected, first.reserves) == (again.selected, again.reserves)
    assert first.lottery == again.lottery
    assert "leximin" in first.algorithm


# Found by the property tests: quotas that a fractional panel meets but no whole panel can give
# some people a chance the lottery cannot honour. They must get zero, and the rest their best.
OUT_OF_REACH = [
    (Case(make_pool(zip([0, 2, 1, 7, 6, 5, 4, 3, 8, 9],
                        [{"ward": w, "age": a} for w, a in
                         ["aa", "aa", "aa", "ab", "aa", "ba", "aa", "aa", "aa", "bb"]],
                        strict=True),
                    households=["h0"] * 6 + ["h1", "h2", "h3", "h4"]),
          (exact("age", "a", 3), exact("age", "b", 1), exact("ward", "a", 3),
           exact("ward", "b", 1)), 4),
     # 9 is the only way to fill both b quotas; then three of the four households, h0 always
     {9: 1.0, 7: 0.0, 5: 0.0, 0: 1 / 4, 1: 1 / 4, 2: 1 / 4, 6: 1 / 4, 3: 2 / 3, 4: 2 / 3,
      8: 2 / 3}),
    (Case(make_pool(zip([0, 3, 4, 5, 6, 7, 10, 1, 2],
                        [{"ward": w, "age": a} for w, a in
                         ["aa", "aa", "aa", "aa", "aa", "ab", "cb", "ca", "ca"]], strict=True),
                    households=["h0"] * 5 + ["h1", "h2", "h0", "h1"]),
          (exact("age", "a", 1), exact("age", "b", 1), exact("ward", "a", 1),
           exact("ward", "c", 1)), 2),
     # panels {one of 0, 3, 4, 5, 6; 10} or {7, 1}; 2 lives with 7, its only partner
     {0: 1 / 6, 3: 1 / 6, 4: 1 / 6, 5: 1 / 6, 6: 1 / 6, 10: 5 / 6, 7: 1 / 6, 1: 1 / 6,
      2: 0.0}),
]


@pytest.mark.parametrize(("case", "expected"), OUT_OF_REACH, ids=["one-way", "two-ways"])
def test_people_no_panel_can_take_get_nothing_and_the_others_their_best(case, expected):
    for seed in range(3):
        selection = fair(case, seed)
        assert meets(case, selection.selected)
        lottery = selection.lottery
        assert lottery.probabilities == pytest.approx(expected, abs=1e-6)
        # the smallest chance and its bound are those of the people who can be selected
        smallest = min(p for p in expected.values() if p > 0)
        assert lottery.minimum == pytest.approx(smallest, abs=1e-6)
        assert lottery.upper_bound == pytest.approx(smallest, abs=1e-6)
        assert lottery.unselectable == sum(p == 0 for p in expected.values())
