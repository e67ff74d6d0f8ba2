"""Designs that give away a special-category answer are found, with the fix. PURE."""

from __future__ import annotations

from quota.disclosure import NOT_KNOWN, answers_given_away
from quota.problem import Quota

PRIVATE = {"orientation": "Sexual orientation"}
LABELS = {("orientation", "straight"): "Straight", ("orientation", "gay"): "Gay or lesbian",
          ("orientation", "bi"): "Bisexual"}
POOL = {("orientation", c): 10 for c in ("straight", "gay", "bi", NOT_KNOWN)}


def quotas(**maxima: int) -> list[Quota]:
    return [Quota("orientation", c, 0, m) for c, m in maxima.items()]


def test_one_answer_left_is_refused_and_names_it():
    [problem] = answers_given_away(quotas(straight=0, gay=5, bi=0, not_known=0), POOL,
                                   PRIVATE, LABELS, overridden=["orientation"])
    assert problem.startswith("Sexual orientation: only people whose answer is Gay or lesbian")
    assert "Raise the maximum of at least one other answer" in problem


def test_not_known_does_not_count_as_a_second_answer():
    assert answers_given_away(quotas(straight=0, gay=5, bi=0, not_known=5), POOL, PRIVATE,
                              LABELS)


def test_only_not_known_left_is_refused_too():
    [problem] = answers_given_away(quotas(straight=0, gay=0, bi=0, not_known=5), POOL,
                                   PRIVATE, LABELS)
    assert "did not give an answer" in problem


def test_an_answer_nobody_in_the_pool_gave_is_no_cover():
    pool = {**POOL, ("orientation", "bi"): 0}
    assert answers_given_away(quotas(straight=0, gay=5, bi=5), pool, PRIVATE, LABELS)


def test_two_answers_open_is_fine_and_other_questions_are_not_checked():
    assert answers_given_away(quotas(straight=4, gay=1, bi=0), POOL, PRIVATE, LABELS) == []
    assert answers_given_away([Quota("sex", "female", 5, 5), Quota("sex", "male", 0, 0)],
                              {("sex", "female"): 9, ("sex", "male"): 9}, PRIVATE, LABELS) == []


def test_the_fix_for_rounding_is_a_tolerance_and_for_a_tiny_pool_to_stop_matching():
    [rounding] = answers_given_away(quotas(straight=3, gay=0, bi=0), POOL, PRIVATE, LABELS)
    assert "Use a tolerance of 1" in rounding
    pool = {("orientation", "straight"): 20}
    [tiny] = answers_given_away(quotas(straight=3, gay=0, bi=0), pool, PRIVATE, LABELS)
    assert "stop matching this question" in tiny and "not enough people" in tiny


def test_an_answer_whose_places_the_other_minimums_fill_is_closed():
    design = [Quota("orientation", "gay", 5, 5), Quota("orientation", "straight", 0, 5),
              Quota("orientation", "bi", 0, 5)]
    [problem] = answers_given_away(design, POOL, PRIVATE, LABELS, size=5)
    assert "Gay or lesbian" in problem
    assert answers_given_away(design, POOL, PRIVATE, LABELS, size=6) == []
