"""Survey samples: quotas met, one per household, reproducible, a plain random sample if it can."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quota.fairness import draw_fair_panel
from quota.problem import (
    Pool,
    Quota,
    QuotaInputError,
)
from quota.reserves import default_reserve_count
from quota.sampling import draw_survey_sample
from tests.unit.quota.pools import (
    FAST,
    Case,
    exact,
    feasible_cases,
    household,
    make_pool,
    meets,
    profile,
    valid_panels,
)


def draw(case: Case, seed: int, **options):
    return draw_survey_sample(case.pool, case.quotas, case.size, seed=seed, kept=case.kept,
                              **options)


def loose(pool, size: int) -> list[Quota]:
    return [Quota(d, c, 0, size) for d, column in pool.profiles.items() for c in set(column)]


def plain_random_sample(ids, size: int, seed: int) -> tuple:
    """What the sampler's first step draws: people in id order, the ``size`` lowest keys."""
    ordered = sorted(ids)
    key = np.random.default_rng(seed).random(len(ordered))
    return tuple(sorted(ordered[i] for i in np.argsort(key, kind="stable")[:size]))


@FAST
@given(case=feasible_cases(), seed=st.integers(0, 2**32 - 1))
def test_quotas_met_size_right_households_kept(case, seed):
    selection = draw(case, seed)
    assert meets(case, selection.selected)  # quotas, size, one per household, kept people kept
    assert selection.quotas_met and selection.seed == seed
    assert list(selection.selected) == sorted(selection.selected)
    for tally in selection.tallies:
        chosen = [p for p in selection.selected
                  if profile(case.pool, p).get(tally.dimension) == tally.category]
        assert tally.achieved == len(chosen)
        assert tally.pool == list(case.pool.profiles[tally.dimension]).count(tally.category)


@FAST
@given(case=feasible_cases(), seed=st.integers(0, 2**32 - 1), order=st.randoms())
def test_same_seed_same_sample_whatever_the_row_order(case, seed, order):
    rows = list(range(len(case.pool)))
    order.shuffle(rows)
    first, again = draw(case, seed), draw(case.shuffled(rows), seed)
    assert (first.selected, first.reserves) == (again.selected, again.reserves)
    assert first.tallies == again.tallies


@FAST
@given(case=feasible_cases(kept=False), seed=st.integers(0, 2**32 - 1))
def test_reserves_are_distinct_unselected_and_one_per_household(case, seed):
    selection = draw(case, seed)
    reserves = selection.reserves
    assert not set(reserves) & set(selection.selected)
    homes = [household(case.pool, p) for p in selection.selected + reserves]
    assert len(homes) == len(set(homes))
    free_homes = {household(case.pool, p) for p in case.pool.ids} - set(homes[:case.size])
    assert len(reserves) == min(default_reserve_count(case.size), len(free_homes))
    assert draw(case, seed, reserves=0).reserves == ()
    assert draw(case, seed, reserves=1).reserves == reserves[:1]


@settings(FAST, max_examples=200)
@given(pool_size=st.integers(1, 12), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_loose_quotas_give_exactly_a_plain_random_sample(pool_size, data, seed):
    ids = data.draw(st.lists(st.integers(0, 10**6), min_size=pool_size, max_size=pool_size,
                             unique=True))
    size = data.draw(st.integers(1, pool_size))
    wards = data.draw(st.lists(st.sampled_from("ab"), min_size=pool_size, max_size=pool_size))
    # everyone their own profile, so that choosing within a group changes nobody
    pool = make_pool([(pid, {"ward": w, "n": str(pid)}) for pid, w in zip(ids, wards,
                                                                          strict=True)])
    selection = draw_survey_sample(pool, loose(pool, size), size, seed=seed)
    assert selection.selected == plain_random_sample(ids, size, seed)


def test_loose_quotas_give_everyone_the_same_chance():
    pool = make_pool([(i, {"ward": "a" if i < 3 else "b", "age": "young" if i % 2 else "old"})
                      for i in range(10)])
    quotas = loose(pool, 4)
    counts = Counter(itertools.chain.from_iterable(
        draw_survey_sample(pool, quotas, 4, seed=seed).selected for seed in range(400)))
    # each has chance 4/10; the standard error over 400 draws is about 0.025
    assert set(counts) == set(range(10))
    assert all(abs(n / 400 - 0.4) < 0.1 for n in counts.values()), counts


@settings(FAST, max_examples=200)
@given(case=feasible_cases(max_people=8, households=False, kept=False),
       seed=st.integers(0, 2**32 - 1))
def test_the_sample_is_the_nearest_that_meets_the_quotas(case, seed):
    """It differs from the plain random sample in as few profiles as any valid panel does."""
    def profiles(people):
        return Counter(tuple(sorted(profile(case.pool, p).items())) for p in people)

    def swaps(people) -> int:
        return case.size - sum((profiles(people) & profiles(plain)).values())

    plain = plain_random_sample(case.pool.ids, case.size, seed)
    selection = draw(case, seed)
    assert swaps(selection.selected) == min(swaps(panel) for panel in valid_panels(case))


def test_exact_quotas_on_a_known_pool():
    pool = make_pool([(f"p{i:02}", {"ward": "north" if i < 6 else "south",
                                    "tenure": "own" if i % 3 else "rent"}) for i in range(20)])
    quotas = [exact("ward", "north", 2), exact("ward", "south", 3),
              Quota("tenure", "own", 2, 3), Quota("tenure", "rent", 2, 3)]
    for seed in range(5):
        selection = draw_survey_sample(pool, quotas, 5, seed=seed)
        wards = Counter(profile(pool, p)["ward"] for p in selection.selected)
        tenures = Counter(profile(pool, p)["tenure"] for p in selection.selected)
        assert wards == {"north": 2, "south": 3}
        assert tenures["own"] in (2, 3) and tenures["rent"] == 5 - tenures["own"]
        assert len(selection.reserves) == default_reserve_count(5) == 5
        assert "survey sample" in selection.algorithm


def test_one_per_household_even_when_households_are_big():
    homes = [f"h{i // 3}" for i in range(15)]  # five households of three
    pool = make_pool([(i, {"ward": "a" if i % 3 else "b"}) for i in range(15)], households=homes)
    quotas = [Quota("ward", "a", 2, 5), Quota("ward", "b", 1, 5)]
    for seed in range(10):
        selection = draw_survey_sample(pool, quotas, 5, seed=seed)
        assert sorted(homes[p] for p in selection.selected) == [f"h{k}" for k in range(5)]
        assert selection.reserves == ()  # every household is already in the sample


def test_kept_people_stay_and_count_towards_the_quotas():
    pool = make_pool([(i, {"ward": "a" if i < 4 else "b"}) for i in range(10)])
    quotas = [exact("ward", "a", 2), exact("ward", "b", 2)]
    for seed in range(5):
        selection = draw_survey_sample(pool, quotas, 4, seed=seed, kept=[0, 1])
        assert {0, 1} <= set(selection.selected)
        assert all(p >= 4 for p in set(selection.selected) - {0, 1})


def test_default_reserve_count_is_a_fifth_of_the_panel_and_at_least_five():
    assert [default_reserve_count(n) for n in (1, 25, 26, 100, 101)] == [5, 5, 6, 20, 21]


def test_pool_from_records_compares_answers_as_text():
    records = [{"id": 7, "age": 30, "home": 1}, {"id": 3, "age": 45, "home": 1},
               {"id": 5, "age": 30, "home": 2}]
    pool = Pool.from_records(records, ["age"], household_key="home")
    assert (list(pool.ids), dict(pool.profiles), pool.households) == (
        [7, 3, 5], {"age": ["30", "45", "30"]}, ["1", "1", "2"])
    selection = draw_survey_sample(pool, [exact("age", "30", 1), exact("age", "45", 1)], 2,
                                   seed=0)
    assert selection.selected == (3, 5)
    with pytest.raises(QuotaInputError):
        draw_survey_sample(pool, [Quota("age", "30", 0, 2)], 1, seed=0)


@pytest.mark.parametrize("draw_panel", [draw_survey_sample, draw_fair_panel],
                         ids=["survey", "fair"])
def test_households_of_one_make_up_never_give_two_people(draw_panel):
    """Four couples, each an 'a' and a 'b': one of each means two different couples.

    The ids of the b partners run the other way, so any mix-up of households between the
    a people and the b people would pair partners.
    """
    rows = [(k, {"ward": "a"}) for k in range(4)] + [(10 - k, {"ward": "b"}) for k in range(4)]
    pool = make_pool(rows, households=[f"h{k}" for k in range(4)] * 2)
    case = Case(pool, (exact("ward", "a", 1), exact("ward", "b", 1)), 2)
    couples = set()
    for seed in range(30):
        selected = draw_panel(pool, case.quotas, 2, seed=seed).selected
        assert meets(case, selected), selected
        couples.add(selected)
    assert len(couples) > 6  # and the draw still varies: 12 panels are possible


@pytest.mark.parametrize("draw_panel", [draw_survey_sample, draw_fair_panel],
                         ids=["survey", "fair"])
def test_nobody_left_to_choose_when_everyone_is_kept(draw_panel):
    pool = make_pool([(1, {"ward": "a"}), (2, {"ward": "a"}), (3, {"ward": "b"})],
                     households=["x", "y", "x"])
    quotas = [Quota("ward", "a", 0, 2), Quota("ward", "b", 0, 1)]
    selection = draw_panel(pool, quotas, 2, seed=0, kept=[1, 2])
    assert (selection.selected, selection.reserves) == ((1, 2), ())
    if selection.lottery is not None:
        assert selection.lottery.probabilities == {1: 1.0, 2: 1.0, 3: 0.0}
        assert selection.lottery.weights == (1.0,)
