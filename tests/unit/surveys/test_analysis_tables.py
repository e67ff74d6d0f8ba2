"""Survey results tables checked by hand: design effect and effective sample size, confidence
intervals, frequency tables, small-cell suppression, crosstabs and response rates (the
weighting itself, R's survey::rake reproduced, is test_survey_analysis.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.analysis import (
    crosstab,
    design_effect,
    effective_sample_size,
    frequency_table,
    response_rates,
    suppress_small_cells,
    wilson_interval,
)

PROPERTY = settings(max_examples=100, deadline=None, database=None, derandomize=True)
Z95 = 1.959963984540054


# --- design effect and effective sample size -------------------------------------------------

def test_equal_weights_cost_nothing():
    assert design_effect([3.0] * 8) == pytest.approx(1.0)
    assert effective_sample_size([3.0] * 8) == pytest.approx(8.0)


def test_kish_by_hand():
    weights = [1.0, 1.0, 2.0, 4.0]  # sum 8, sum of squares 22

    assert effective_sample_size(weights) == pytest.approx(64 / 22)
    assert design_effect(weights) == pytest.approx(4 * 22 / 64)


@PROPERTY
@given(st.lists(st.floats(0.01, 100.0), min_size=1, max_size=50))
def test_design_effect_times_effective_n_is_n(weights):
    assert design_effect(weights) * effective_sample_size(weights) == pytest.approx(len(weights))
    assert 1 <= effective_sample_size(weights) <= len(weights) * (1 + 1e-12)


def test_weights_must_be_usable():
    with pytest.raises(ValueError):
        design_effect([])
    with pytest.raises(ValueError):
        effective_sample_size([1.0, -1.0])


# --- confidence intervals --------------------------------------------------------------------

@pytest.mark.parametrize(("successes", "n", "low", "high"), [
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_newcombe(successes, n, low, high):
    """Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (score interval
    without continuity correction), printed to 4 decimal places."""
    lower, upper = wilson_interval([successes / n], n)

    assert (round(float(lower[0]), 4), round(float(upper[0]), 4)) == (low, high)


def test_wilson_interval_by_hand():
    # p = 0.5, n = 100: centre (0.5 + z²/200) / (1 + z²/100) = 0.5
    half = Z95 / (1 + Z95**2 / 100) * math.sqrt(0.25 / 100 + Z95**2 / 40000)
    lower, upper = wilson_interval([0.5], 100)
    assert (lower[0], upper[0]) == pytest.approx((0.5 - half, 0.5 + half))
    # at 0 and at n the interval stays inside [0, 1] and touches the end: [0, z²/(n + z²)]
    lower, upper = wilson_interval([0.0, 1.0], 25)
    assert lower.tolist() == [0.0, pytest.approx(25 / (25 + Z95**2))]
    assert upper.tolist() == [pytest.approx(Z95**2 / (25 + Z95**2)), 1.0]


def test_wilson_interval_without_anyone_is_unknown():
    lower, upper = wilson_interval([0.0], 0)

    assert math.isnan(lower[0]) and math.isnan(upper[0])


# --- frequency tables ------------------------------------------------------------------------

ANSWERS = pd.Series(["yes", "no", "yes", None, "yes", "maybe"], name="q1",
                    index=[f"r{i}" for i in range(6)])
WEIGHTS = pd.Series([1.0, 2.0, 1.0, 1.0, 0.5, 1.5], index=ANSWERS.index)


def test_frequency_table_by_hand():
    result = frequency_table(ANSWERS, WEIGHTS, categories=["yes", "no", "never"])
    table = result.table

    assert list(table.index) == ["yes", "no", "never", "maybe"]  # unlisted answers kept, last
    assert table["count"].tolist() == [3, 1, 0, 1]
    assert table["percent"].tolist() == pytest.approx([60, 20, 0, 20])
    assert table["weighted_count"].tolist() == pytest.approx([2.5, 2.0, 0.0, 1.5])
    assert table["weighted_percent"].tolist() == pytest.approx([2.5 / 6 * 100, 2 / 6 * 100, 0,
                                                                1.5 / 6 * 100])
    assert (result.base, result.weighted_base, result.not_answered) == (5, 6.0, 1)
    n_eff = 6.0**2 / (1 + 4 + 1 + 0.25 + 2.25)  # answered weights 1, 2, 1, 0.5, 1.5
    assert result.effective_base == pytest.approx(n_eff)
    lower, upper = wilson_interval(table["weighted_percent"] / 100, n_eff)
    assert table["ci_low"].tolist() == pytest.approx((lower * 100).tolist())
    assert table["ci_high"].tolist() == pytest.approx((upper * 100).tolist())
    assert table.loc["never", "ci_low"] == 0.0


def test_frequency_table_unweighted_is_weighted_with_ones():
    table = frequency_table(ANSWERS).table

    assert table["weighted_count"].tolist() == table["count"].tolist()
    assert table["weighted_percent"].tolist() == pytest.approx(table["percent"].tolist())


def test_frequency_table_of_nobody():
    result = frequency_table(pd.Series([None, None], dtype=object), categories=["yes"])

    assert result.base == 0 and result.not_answered == 2
    assert result.table["percent"].isna().all() and result.table["ci_low"].isna().all()


# --- small-cell suppression ------------------------------------------------------------------

def reasons(suppression) -> dict:
    return {cell[:-1]: cell[-1] for cell in suppression.cells}


def test_small_cell_hides_its_row_and_column_partners():
    counts = pd.DataFrame([[4, 20, 30], [15, 12, 40], [25, 11, 50]], index=list("abc"),
                          columns=list("xyz"))
    suppression = suppress_small_cells(counts)

    # 4 is primary; row a's smallest other cell (20) and column x's (15) are secondary; then
    # row b has one hidden cell (15), so its smallest other cell (12) closes the rectangle:
    # 4 could then be anything from 0 to 19
    assert reasons(suppression) == {("a", "x"): "primary", ("a", "y"): "secondary",
                                    ("b", "x"): "secondary", ("b", "y"): "secondary"}
    shown = suppression.apply(counts)
    assert np.isnan(shown.loc["a", "x"]) and shown.loc["c", "z"] == 50


def test_two_small_cells_whose_sum_is_small_need_a_third():
    # rows 0 and 1 would hide 3 + 5 = 8 people: their totals would show the two groups are
    # small, so 30 and 40 go too, and column z then needs its 50 hidden with them
    counts = pd.DataFrame([[3, 5, 30], [3, 5, 40], [25, 11, 50]], columns=list("xyz"))

    assert reasons(suppress_small_cells(counts)) == {
        (0, "x"): "primary", (0, "y"): "primary", (0, "z"): "secondary",
        (1, "x"): "primary", (1, "y"): "primary", (1, "z"): "secondary",
        (2, "x"): "secondary", (2, "y"): "secondary"}


def test_zeros_are_shown():
    counts = pd.DataFrame([[0, 20], [30, 40]])

    assert suppress_small_cells(counts).cells == []


def test_a_list_of_counts_is_one_line():
    counts = pd.Series([3, 20, 15], index=["yes", "no", "maybe"])

    assert reasons(suppress_small_cells(counts)) == {("yes",): "primary", ("maybe",): "secondary"}
    assert suppress_small_cells(counts, threshold=3).cells == []


def test_a_hidden_zero_is_no_partner():
    # 1 beside a printed 0 and the total 26: hiding the 0 would leave 1 to be worked out
    counts = pd.Series([25, 1, 0, 0], index=["straight", "gay", "bisexual", "other"])

    assert reasons(suppress_small_cells(counts)) == {("straight",): "secondary",
                                                     ("gay",): "primary"}


@PROPERTY
@given(st.integers(1, 5).flatmap(lambda rows: st.integers(1, 5).flatmap(
    lambda columns: st.lists(st.lists(st.integers(0, 40), min_size=columns, max_size=columns),
                             min_size=rows, max_size=rows))))
def test_no_total_gives_a_hidden_cell_back(rows):
    counts = pd.DataFrame(rows)
    hidden = suppress_small_cells(counts).hidden.to_numpy()
    grid = counts.to_numpy()

    # every small cell is hidden; that nothing around them gives them back is the attacker's
    # job (tests/unit/panel/test_disclosure_attack.py)
    assert np.all(hidden[(grid > 0) & (grid < 10)])


# --- crosstabs and response rates ------------------------------------------------------------

def test_crosstab_by_hand():
    answers = pd.Series(["yes"] * 12 + ["no"] * 15 + ["yes"] * 20 + ["no"] * 3 + [None] * 2
                        + ["yes"] * 4)
    ward = pd.Series(["B"] * 27 + ["A"] * 23 + ["B", "A"] + [None] * 4)
    weights = pd.Series([2.0] * 27 + [1.0] * 29)
    result = crosstab(answers, ward, weights)

    # columns sorted, "Not known" last; rows sorted
    counts = pd.DataFrame({"A": [3.0, 20.0], "B": [15.0, 12.0], "Not known": [0.0, 4.0]},
                          index=["no", "yes"])
    # 3 and 4 are primary; a hidden 0 would protect nothing, so row "no" hides 15, row "yes"
    # 20 and 12 (column A and B then hide two each); "Not known" (4 people) is itself a small
    # group, so its base goes, and so does A's (or the printed base would give it back)
    hidden = {("no", "A"): "primary", ("yes", "Not known"): "primary",
              ("no", "B"): "secondary", ("yes", "A"): "secondary",
              ("yes", "B"): "secondary"}
    assert reasons(result.suppression) == hidden
    assert {key for key in result.disclosure.hidden if key[0] == "column"} == {
        ("column", "A"), ("column", "Not known")}
    # the question's own counts stay: 18 "no" is 3 + 15 with both hidden, and column B's 27
    assert result.disclosure.shows_all(("row", "yes"), ("row", "no"), ("column", "B"))
    columns_shown = counts.mask(result.suppression.hidden)
    columns_shown[["A", "Not known"]] = np.nan
    pd.testing.assert_frame_equal(result.counts, columns_shown)
    assert result.bases["base"].to_dict() == {"A": 23, "B": 27, "Not known": 4}
    assert result.bases["weighted_base"].to_dict() == {"A": 23.0, "B": 54.0, "Not known": 4.0}
    assert result.bases["effective_base"].to_dict() == pytest.approx(
        {"A": 23.0, "B": 27.0, "Not known": 4.0})
    assert result.not_answered == 2
    assert result.column_percent.isna().equals(result.counts.isna())


def test_crosstab_needs_one_row_per_respondent():
    with pytest.raises(ValueError, match="same index"):
        crosstab(pd.Series(["yes", "no"]), pd.Series(["A", "B"], index=[5, 6]))


def test_response_rates_by_hand():
    invited = pd.Series([None] * 2 + ["16-34"] * 10 + ["35-64"] * 20 + ["65+"] * 10, name="age")
    responded = pd.Series([True, False] + [True] * 2 + [False] * 8 + [True] * 10 + [False] * 10
                          + [True] * 8 + [False] * 2, index=invited.index)
    rates = response_rates(invited, responded)

    assert list(rates.index) == ["16-34", "35-64", "65+", "Not known"]
    assert rates["invited"].tolist() == [10, 20, 10, 2]
    assert rates["responded"].tolist() == [2, 10, 8, 1]
    assert rates["not_responded"].tolist() == [8, 10, 2, 1]
    assert rates["response_rate"].tolist() == pytest.approx([20, 50, 80, 50])
    assert rates["share_of_invited"].tolist() == pytest.approx([10 / 42 * 100, 20 / 42 * 100,
                                                                10 / 42 * 100, 2 / 42 * 100])
    assert rates["share_of_respondents"].tolist() == pytest.approx([2 / 21 * 100, 10 / 21 * 100,
                                                                    8 / 21 * 100, 1 / 21 * 100])


def test_response_rates_list_invited_categories_nobody_answered_from():
    rates = response_rates(pd.Series(["A", "A"]), pd.Series([True, True]),
                           categories=["A", "B"])

    assert rates.loc["B"].tolist()[:3] == [0, 0, 0]
    assert math.isnan(rates.loc["B", "response_rate"])


def test_response_rates_need_true_or_false_for_everyone():
    with pytest.raises(ValueError, match="True or False"):
        response_rates(pd.Series(["A", "B"]), pd.Series([True, None]))
    with pytest.raises(ValueError, match="same index"):
        response_rates(pd.Series(["A", "B"]), pd.Series([True, False], index=[3, 4]))
