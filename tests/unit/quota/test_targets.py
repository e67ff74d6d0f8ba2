"""Quotas from population shares: largest-remainder rounding, tolerance, bad shares."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quota.problem import Quota, QuotaInputError
from quota.targets import (
    hamilton,
    quotas_from_shares,
)
from tests.unit.quota.pools import FAST


def by_category(quotas: list[Quota], dimension: str) -> dict[str, tuple[int, int]]:
    return {q.category: (q.min, q.max) for q in quotas if q.dimension == dimension}


def test_largest_remainder_gets_the_spare_place():
    quotas = quotas_from_shares({"sex": {"female": 0.51, "male": 0.49}}, 5)
    # ideals 2.55 and 2.45: both floor to 2, the one place left goes to the larger remainder
    assert by_category(quotas, "sex") == {"female": (3, 3), "male": (2, 2)}
    assert [q.target for q in quotas] == pytest.approx([2.55, 2.45])


def test_largest_remainder_is_not_plain_rounding():
    # ideals 3.4, 3.4, 3.2 (plain rounding gives 3 + 3 + 3 = 9, not 10)
    shares = {"age": {"young": 0.34, "middle": 0.34, "old": 0.32}}
    assert by_category(quotas_from_shares(shares, 10), "age") == {
        "middle": (4, 4), "old": (3, 3), "young": (3, 3)}


def test_ties_go_to_the_category_that_sorts_first():
    quotas = quotas_from_shares({"ward": {"c": 1, "a": 1, "b": 1}}, 4)
    assert by_category(quotas, "ward") == {"a": (2, 2), "b": (1, 1), "c": (1, 1)}


def test_counts_are_scaled_like_shares():
    counts = quotas_from_shares({"tenure": {"own": 300, "rent": 100}}, 8)
    shares = quotas_from_shares({"tenure": {"own": 0.75, "rent": 0.25}}, 8)
    assert by_category(counts, "tenure") == by_category(shares, "tenure") == {
        "own": (6, 6), "rent": (2, 2)}
    assert [q.target for q in counts] == pytest.approx([6.0, 2.0])


def test_tolerance_widens_each_quota_within_zero_and_the_size():
    quotas = quotas_from_shares({"ward": {"north": 0.0, "south": 0.9, "east": 0.1}}, 10,
                                tolerance=2)
    assert by_category(quotas, "ward") == {
        "east": (0, 3), "north": (0, 2), "south": (7, 10)}


def test_quotas_come_sorted_by_dimension_then_category():
    quotas = quotas_from_shares({"sex": {"m": 1, "f": 1}, "age": {"old": 1, "young": 1}}, 4)
    assert [(q.dimension, q.category) for q in quotas] == [
        ("age", "old"), ("age", "young"), ("sex", "f"), ("sex", "m")]


def test_hamilton_on_its_own():
    assert hamilton({"x": 1.5, "y": 1.5, "z": 2.0}, 5) == {"x": 2, "y": 1, "z": 2}
    assert hamilton({"x": 0.2, "y": 0.2, "z": 0.6}, 1) == {"x": 0, "y": 0, "z": 1}
    assert hamilton({"x": 3.0}, 3) == {"x": 3}


@pytest.mark.parametrize(("shares", "size", "tolerance", "problems"), [
    ({"sex": {"f": -0.1, "m": 1.1}}, 5, 0, ["sex: shares must be zero or more."]),
    ({"sex": {"f": math.nan, "m": 1}}, 5, 0, ["sex: shares must be zero or more."]),
    ({"sex": {"f": math.inf, "m": 1}}, 5, 0, ["sex: shares must be zero or more."]),
    ({"sex": {"f": 0, "m": 0}}, 5, 0, ["sex: the shares add up to zero."]),
    ({"sex": {}}, 5, 0, ["sex: the shares add up to zero."]),
    ({"sex": {"f": 1}}, 0, 0, ["The panel size must be at least 1."]),
    ({"sex": {"f": 1}}, 5, -1, ["The tolerance cannot be negative."]),
])
def test_bad_shares_are_refused_with_a_reason(shares, size, tolerance, problems):
    with pytest.raises(QuotaInputError) as error:
        quotas_from_shares(shares, size, tolerance)
    assert list(error.value.problems) == problems
    assert str(error.value) == "\n".join(problems)


def test_every_problem_is_reported_at_once():
    with pytest.raises(QuotaInputError) as error:
        quotas_from_shares({"age": {"x": -1}, "sex": {"f": 0}}, 0, -2)
    assert set(error.value.problems) == {
        "The panel size must be at least 1.", "The tolerance cannot be negative.",
        "age: shares must be zero or more.", "sex: the shares add up to zero."}


shares_rows = st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 1000), min_size=1).filter(
    lambda row: sum(row.values()) > 0)


@FAST
@given(row=shares_rows, size=st.integers(1, 60), tolerance=st.integers(0, 3))
def test_rounding_properties(row, size, tolerance):
    quotas = quotas_from_shares({"d": row}, size, tolerance)
    total = sum(row.values())
    assert [q.category for q in quotas] == sorted(row)
    rounded = hamilton({c: v / total * size for c, v in row.items()}, size)
    assert sum(rounded.values()) == size
    for q in quotas:
        ideal = row[q.category] / total * size
        assert q.target == pytest.approx(ideal)
        assert abs(rounded[q.category] - ideal) < 1
        assert (q.min, q.max) == (max(0, rounded[q.category] - tolerance),
                                  min(size, rounded[q.category] + tolerance))
    # largest remainder: a category rounded up never has a smaller remainder than one rounded down
    up = [v / total * size % 1 for c, v in row.items() if rounded[c] > v / total * size]
    down = [v / total * size % 1 for c, v in row.items() if rounded[c] < v / total * size]
    if up and down:
        assert min(up) >= max(down) - 1e-9


@FAST
@given(row=shares_rows, size=st.integers(1, 60), scale=st.integers(2, 50))
def test_counts_and_their_multiples_give_the_same_quotas(row, size, scale):
    scaled = {c: v * scale for c, v in row.items()}
    assert quotas_from_shares({"d": row}, size) == quotas_from_shares({"d": scaled}, size)
