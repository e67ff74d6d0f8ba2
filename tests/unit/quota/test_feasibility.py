"""Impossible quotas: detected exactly (against brute force), explained, fixed; input errors."""

from __future__ import annotations

import pytest
from hypothesis import (
    given,
    settings,
)

from quota.fairness import draw_fair_panel
from quota.feasibility import find_conflicts
from quota.groups import build_instance
from quota.problem import Pool, Quota, QuotaInfeasible, QuotaInputError
from quota.sampling import draw_survey_sample
from tests.unit.quota.pools import (
    FAST,
    any_cases,
    exact,
    make_pool,
    valid_panels,
    with_fixes,
)

DRAWS = pytest.mark.parametrize("draw", [draw_survey_sample, draw_fair_panel],
                                ids=["survey", "fair"])


def conflicts(pool: Pool, quotas: list[Quota], size: int, kept=()) -> list:
    return find_conflicts(build_instance(pool, quotas, size, kept))


def two_by_two(young_women: int, old_men: int) -> Pool:
    """Everyone is either a young woman or an old man."""
    return make_pool([(i, {"sex": "F", "age": "young"}) for i in range(young_women)]
                     + [(100 + i, {"sex": "M", "age": "old"}) for i in range(old_men)])


@settings(FAST, max_examples=300)
@given(case=any_cases(kept=True))
def test_infeasible_exactly_when_no_subset_meets_the_quotas(case):
    possible = bool(valid_panels(case))
    found = conflicts(case.pool, case.quotas, case.size, case.kept)
    assert possible == (not found)
    for conflict in found:  # each names the quota and the fix
        assert conflict.suggested != conflict.current
        if conflict.kind == "size":
            assert conflict.dimension is None and conflict.category is None
            places = conflict.current - len(case.kept)
            people = "person" if places == 1 else "people"
            assert conflict.message.startswith(f"The panel needs {places} more {people} but "
                                               "the pool has only ")
            assert conflict.message.endswith("; make the panel smaller or the pool bigger.")
        else:
            assert conflict.kind in {"minimum", "maximum"}
            assert conflict.message.startswith(f"{conflict.dimension} {conflict.category}: ")
            verb = "lower the minimum" if conflict.kind == "minimum" else "raise the maximum"
            assert verb in conflict.message and f" to {conflict.suggested}" in conflict.message
    if found:  # every suggested fix together makes the draw possible
        fixed = with_fixes(case, found)
        assert valid_panels(fixed)
        assert conflicts(fixed.pool, fixed.quotas, fixed.size, fixed.kept) == []


@FAST
@given(case=any_cases(max_people=6))
def test_draws_raise_quota_infeasible_exactly_when_impossible(case):
    possible = bool(valid_panels(case))
    for draw in (draw_survey_sample, draw_fair_panel):
        try:
            draw(case.pool, case.quotas, case.size, seed=3)
        except QuotaInfeasible as error:
            assert not possible
            assert error.problems
            assert str(error) == "\n".join(p.message for p in error.problems)
        else:
            assert possible


@DRAWS
def test_too_few_people_for_a_minimum(draw):
    pool = make_pool([(i, {"ward": "Rosegrove" if i < 2 else "Millbank"}) for i in range(8)])
    quotas = [Quota("ward", "Rosegrove", 4, 5), Quota("ward", "Millbank", 0, 5)]
    with pytest.raises(QuotaInfeasible) as error:
        draw(pool, quotas, 5, seed=0)
    [problem] = error.value.problems
    assert (problem.dimension, problem.category, problem.kind) == ("ward", "Rosegrove", "minimum")
    assert (problem.current, problem.suggested) == (4, 2)
    assert problem.message == ("ward Rosegrove: minimum 4 but only 2 people in the pool; "
                               "lower the minimum to 2.")


def test_too_few_households_for_a_minimum():
    pool = make_pool([(i, {"ward": "a"}) for i in range(4)], households=["x", "x", "y", "z"])
    assert conflicts(pool, [Quota("ward", "a", 3, 3)], 3) == []  # three households: fine
    size, minimum = conflicts(pool, [Quota("ward", "a", 4, 4)], 4)
    assert size.kind == "size" and (size.current, size.suggested) == (4, 3)
    assert "only 3 households (one person each) left to choose from" in size.message
    assert (minimum.kind, minimum.current, minimum.suggested) == ("minimum", 4, 3)
    assert minimum.message == ("ward a: minimum 4 but only 3 households in the pool have "
                               "someone in ward a; lower the minimum to 3.")


def test_minimums_adding_up_to_more_than_the_panel():
    pool = make_pool([(i, {"ward": "a" if i < 5 else "b"}) for i in range(10)])
    [problem] = conflicts(pool, [exact("ward", "a", 2), exact("ward", "b", 2)], 3)
    assert problem.kind == "minimum" and problem.current - problem.suggested == 1
    assert problem.message.endswith(
        "lower the minimum from 2 to 1: the ward minimums add up to 4 but the panel has 3 "
        "places.")


def test_maximums_adding_up_to_less_than_the_panel():
    pool = make_pool([(i, {"ward": "a" if i < 5 else "b"}) for i in range(10)])
    [problem] = conflicts(pool, [Quota("ward", "a", 0, 1), Quota("ward", "b", 0, 1)], 3)
    assert problem.kind == "maximum" and (problem.current, problem.suggested) == (1, 2)
    assert problem.message == (
        f"ward {problem.category}: raise the maximum from 1 to 2: the ward maximums (counting "
        "only people in the pool) add up to 2, fewer than the 3 places.")


def test_maximum_below_the_people_kept():
    pool = two_by_two(3, 3)
    quotas = [Quota("sex", "F", 0, 3), Quota("sex", "M", 0, 3),
              Quota("age", "young", 0, 1), Quota("age", "old", 0, 3)]
    [problem] = conflicts(pool, quotas, 3, kept=[0, 1])
    assert (problem.category, problem.kind, problem.suggested) == ("young", "maximum", 2)
    assert problem.message == ("age young: maximum 1 but 2 of the people being kept are in it "
                               "already; raise the maximum to 2.")
    [one] = conflicts(pool, [*quotas[:2], Quota("age", "young", 0, 0), quotas[3]], 3, kept=[0])
    assert "maximum 0 but 1 of the people being kept is in it already" in one.message


def test_quotas_of_two_dimensions_that_clash_name_each_other():
    quotas = [Quota("sex", "F", 2, 3), Quota("sex", "M", 0, 3),
              Quota("age", "young", 0, 1), Quota("age", "old", 0, 3)]
    [problem] = conflicts(two_by_two(3, 3), quotas, 3)
    assert problem.current - problem.suggested in {1, -1}
    if problem.kind == "minimum":
        assert problem.message == ("sex F: lower the minimum from 2 to 1; it cannot be met "
                                   "together with age young (0\u20131).")
    else:
        assert problem.message == ("age young: raise the maximum from 1 to 2; it cannot be met "
                                   "together with sex F (2\u20133).")


@DRAWS
def test_panel_bigger_than_the_pool(draw):
    pool = make_pool([(i, {"ward": "a"}) for i in range(3)])
    with pytest.raises(QuotaInfeasible) as error:
        draw(pool, [Quota("ward", "a", 5, 5)], 5, seed=0)
    size, minimum = error.value.problems
    assert (size.dimension, size.category, size.kind) == (None, None, "size")
    assert (size.current, size.suggested) == (5, 3)
    assert size.message == ("The panel needs 5 more people but the pool has only 3 people left "
                            "to choose from; make the panel smaller or the pool bigger.")
    assert (minimum.kind, minimum.suggested) == ("minimum", 3)
    assert "lower the minimum to 3" in minimum.message


def test_feasible_quotas_have_no_conflicts():
    quotas = [Quota("sex", "F", 1, 2), Quota("sex", "M", 1, 2),
              Quota("age", "young", 1, 2), Quota("age", "old", 1, 2)]
    assert conflicts(two_by_two(3, 3), quotas, 2) == []


@pytest.mark.parametrize(("pool", "problems"), [
    (dict(ids=[1, 2, 1], profiles={"ward": ["a", "b", "a"]}),
     ["Some people appear more than once (ids must be unique)."]),
    (dict(ids=[1, "2"], profiles={"ward": ["a", "b"]}),
     ["Ids must all be numbers or all be text."]),
    (dict(ids=[1, 2], profiles={"ward": ["a"]}, households=["h"]),
     ["ward: 1 answers for 2 people.", "1 household keys for 2 people."]),
])
def test_pools_that_make_no_sense(pool, problems):
    with pytest.raises(QuotaInputError) as error:
        Pool(**pool)
    assert list(error.value.problems) == problems


POOL = make_pool([(i, {"ward": "a" if i % 2 else "b", "sex": "F" if i < 3 else "M"})
                  for i in range(6)], households=["h0", "h0", "h1", "h2", "h3", "h4"])
GOOD = [Quota("ward", "a", 0, 3), Quota("ward", "b", 0, 3),
        Quota("sex", "F", 0, 3), Quota("sex", "M", 0, 3)]


@DRAWS
@pytest.mark.parametrize(("quotas", "size", "kept", "problems"), [
    (GOOD[1:], 2, (), ["ward: 3 people have 'a', which has no quota (add a row for it; "
                       "minimum 0 and maximum 0 leaves them out)."]),
    ([*GOOD, Quota("ward", "b", 3, 2)], 2, (),
     ["ward b: more than one quota.", "ward b: the minimum (3) is more than the maximum (2)."]),
    ([Quota("ward", "a", -1, 3), *GOOD[1:]], 2, (), ["ward a: the minimum cannot be negative."]),
    ([*GOOD, Quota("tenure", "own", 0, 2)], 2, (),
     ["tenure: there is a quota for it but the pool has no such column."]),
    ([], 2, (), ["There are no quotas."]),
    (GOOD, 2, (99,), ["Kept person 99 is not in the pool."]),
    (GOOD, 2, (3, 3), ["A kept person is listed twice."]),
    (GOOD, 0, (), ["The panel size must be at least 1."]),
    (GOOD, 2, (3, 4, 5), ["3 people are kept but the panel has 2 places."]),
    (GOOD, 3, (0, 1), ["Two kept people share a household."]),
])
def test_inputs_that_make_no_sense(draw, quotas, size, kept, problems):
    with pytest.raises(QuotaInputError) as error:
        draw(POOL, quotas, size, seed=0, kept=kept)
    assert list(error.value.problems) == problems
    assert str(error.value) == "\n".join(problems)
