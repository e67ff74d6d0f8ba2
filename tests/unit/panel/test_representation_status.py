"""A group's status: the gap in points and whether it is bigger than chance (issue 15)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from panel.representation import (
    HOUSEHOLD_DIMENSIONS,
    Flag,
    Thresholds,
    compare,
    population_for,
    status,
)
from panel.representation_stats import p_value


def test_two_or_three_people_with_no_gap_are_not_under_represented():
    # Issue 15: 3 of 10,000 members where 0.03% of the borough are in the group (index 100
    # at most, gap 0.0 points) were "Under-represented" because the index moved a little.
    assert status(2, 10_000, 0.0003) == Flag.TOO_FEW  # 3 expected, 2 on the panel
    assert status(3, 10_000, 0.0003) == Flag.TOO_FEW
    assert status(2, 10_000, 0.0004) == Flag.TOO_FEW
    # More expected, still a gap far under a point: close to target, never under.
    assert status(45, 10_000, 0.005) == Flag.IN_LINE


def test_white_british_ten_points_over_in_a_large_group_is_over():
    assert status(907, 1000, 0.8) == Flag.OVER  # +10.7 points, index 113
    assert status(9070, 10_000, 0.8) == Flag.OVER


def test_too_few_to_tell_needs_few_expected_and_few_on_the_panel():
    assert status(0, 40, 0.1) == Flag.TOO_FEW  # 4 expected, nobody: could be chance
    assert status(0, 200, 0.1) == Flag.UNDER  # 20 expected, nobody: clearly under
    assert status(30, 100, 0.03) == Flag.OVER  # 3 expected, 30 on the panel: clearly over
    assert status(4, 40, 0.1) == Flag.TOO_FEW
    assert status(4, 40, 0.1, Thresholds(min_expected=0)) == Flag.IN_LINE


def test_a_gap_of_several_points_in_a_small_group_is_chance():
    # 8 where 12 were expected out of 60: −6.7 points, index 67, but well within chance.
    assert status(8, 60, 0.2) == Flag.IN_LINE
    assert status(80, 600, 0.2) == Flag.UNDER  # the same shares, ten times the people


def test_the_gap_must_reach_the_minimum_points():
    # 50,000 answered: a 0.5-point gap is far bigger than chance but under the 1-point floor.
    assert p_value(10_250, 50_000, 0.2) < 0.01
    assert status(10_250, 50_000, 0.2) == Flag.IN_LINE
    assert status(10_250, 50_000, 0.2, Thresholds(min_points=0.25)) == Flag.OVER
    assert status(10_600, 50_000, 0.2) == Flag.OVER  # +1.2 points


def test_p_value_normal_approximation():
    # 8 of 80 against 20%: z = (8 − 0.5) / √12.8 = 2.096.
    z = 7.5 / math.sqrt(12.8)
    assert p_value(8, 80, 0.2) == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert p_value(8, 80, 0.2) == pytest.approx(0.0361, abs=1e-4)
    assert p_value(24, 80, 0.2) == pytest.approx(p_value(8, 80, 0.2))  # two-sided
    assert p_value(16, 80, 0.2) == p_value(0, 0, 0.2) == 1.0


def test_p_value_exact_binomial_for_small_expected_counts():
    # Binomial(10, 0.1): P(X ≥ 4) = 0.012795…; doubled.
    upper = sum(math.comb(10, k) * 0.1 ** k * 0.9 ** (10 - k) for k in range(4, 11))
    assert p_value(4, 10, 0.1) == pytest.approx(2 * upper)
    # Near 1 the other side is the small one: 6 of 10 against 90% is 4 of 10 against 10%.
    assert p_value(6, 10, 0.9) == pytest.approx(p_value(4, 10, 0.1))
    # P(X ≤ 0) for Binomial(40, 0.1) = 0.9^40, doubled.
    assert p_value(0, 40, 0.1) == pytest.approx(2 * 0.9 ** 40)
    assert p_value(1, 10, 0.1) <= 1.0
    # Far in the tail of a large panel the terms underflow: the answer is 0, and quickly.
    assert p_value(5000, 100_000, 0.00001) == 0.0


def test_targets_of_zero_or_one_leave_nothing_to_chance():
    assert p_value(1, 10, 0.0) == 0.0 and p_value(9, 10, 1.0) == 0.0
    assert status(1, 10, 0.0) == Flag.OVER and status(0, 10, 0.0) == Flag.IN_LINE
    assert status(9, 10, 1.0) == Flag.UNDER and status(10, 10, 1.0) == Flag.IN_LINE
    assert status(1, 1000, 0.0) == Flag.IN_LINE  # 0.1 points: under the floor


def test_status_refuses_impossible_input():
    assert status(0, 0, 0.2) == Flag.NO_ANSWERS
    for bad in ((5, 4, 0.2), (-1, 4, 0.2), (1, 4, 1.5)):
        with pytest.raises(ValueError):
            status(*bad)


def test_household_targets_are_of_households():
    assert "tenure" in HOUSEHOLD_DIMENSIONS
    assert population_for("tenure") == "households"
    assert population_for("tenure", "Burnley") == "households"
    assert population_for("age_band") == "the borough"
    assert population_for("age_band", "Burnley") == "Burnley"
    frame = pd.DataFrame(
        [("tenure", "Housing tenure", "owned", "Owned outright", "", False),
         ("tenure", "Housing tenure", "social_rent", "Social rent", "", False)],
        columns=["dimension", "dimension_label", "category", "category_label", "group_label",
                 "prefer_not_to_say"])
    result = compare(frame,
                     pd.DataFrame([("tenure", "owned", 950), ("tenure", "social_rent", 50)],
                                  columns=["dimension", "category", "count"]),
                     pd.DataFrame([("tenure", "owned", 0.8), ("tenure", "social_rent", 0.2)],
                                  columns=["dimension", "category", "share"]),
                     members=1000)
    (shortfall,) = result.shortfalls
    assert shortfall.sentence == ("People whose housing tenure is “Social rent” are 5% of the "
                                  "panel but 20% of households (index 25)")
