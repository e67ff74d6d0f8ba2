"""Reserves and replacements: quotas kept, reserves first and in order, the pool as a fallback."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quota.problem import (
    Quota,
    QuotaInfeasible,
    QuotaInputError,
)
from quota.reserves import propose_replacement
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
)


def can_replace(case: Case, selected, member, person) -> bool:
    return meets(case, [p for p in selected if p != member] + [person])


@FAST
@given(case=feasible_cases(max_people=9, kept=False, slack=1), seed=st.integers(0, 99),
       data=st.data())
def test_replacement_keeps_every_quota_and_prefers_reserves_in_order(case, seed, data):
    selection = draw_survey_sample(case.pool, case.quotas, case.size, seed=seed)
    dropped = data.draw(st.sampled_from(selection.selected))
    others = [p for p in case.pool.ids if p not in selection.selected]
    reserves = data.draw(st.one_of(st.just(list(selection.reserves)),
                                   st.permutations(others).map(lambda p: p[:3])))
    fits = [p for p in case.pool.ids if p != dropped and p not in selection.selected
            and can_replace(case, selection.selected, dropped, p)]
    try:
        proposal = propose_replacement(case.pool, case.quotas, selection.selected, dropped,
                                       reserves=reserves, seed=seed)
    except QuotaInfeasible as error:
        assert not fits
        assert error.problems
        return
    assert proposal.person in fits
    first_reserve = next((p for p in reserves if p in fits), None)
    if first_reserve is not None:
        assert proposal.person == first_reserve and proposal.from_reserves
        assert proposal.reason.startswith(f"Reserve {reserves.index(first_reserve) + 1} is the "
                                          "first on the list who keeps every quota")
    else:
        assert not proposal.from_reserves
        assert proposal.reason.startswith("No reserve keeps every quota" if reserves
                                          else "There is no reserve list")

        def likeness(person) -> int:
            mine, theirs = profile(case.pool, person), profile(case.pool, dropped)
            return sum(mine[d] == theirs[d] for d in mine)

        assert likeness(proposal.person) == max(likeness(p) for p in fits)
    shuffled = case.shuffled(data.draw(st.permutations(range(len(case.pool)))))
    again = propose_replacement(shuffled.pool, case.quotas, selection.selected, dropped,
                                reserves=reserves, seed=seed)
    assert again == proposal  # whatever the row order


@FAST
@given(case=feasible_cases(max_people=9, kept=False), seed=st.integers(0, 99))
def test_first_reserve_could_replace_the_most_members(case, seed):
    selection = draw_survey_sample(case.pool, case.quotas, case.size, seed=seed)
    used = {household(case.pool, p) for p in selection.selected}
    candidates = [p for p in case.pool.ids if household(case.pool, p) not in used]

    def covers(person) -> int:
        return sum(can_replace(case, selection.selected, m, person) for m in selection.selected)

    if candidates:
        assert covers(selection.reserves[0]) == max(covers(p) for p in candidates)
        # people who could replace nobody come after everyone who could replace someone
        useful = [covers(p) > 0 for p in selection.reserves]
        assert useful == sorted(useful, reverse=True)


POOL = make_pool([(f"p{i}", {"ward": "a" if i < 5 else "b",
                             "age": "young" if i % 2 else "old"}) for i in range(10)])
QUOTAS = [exact("ward", "a", 2), exact("ward", "b", 2),
          Quota("age", "young", 1, 3), Quota("age", "old", 1, 3)]
SELECTED = ("p0", "p1", "p5", "p6")  # ward a: old, young; ward b: young, old


def test_first_reserve_that_fits_is_proposed_and_the_skipped_ones_named():
    # p0 (ward a, old) drops out: ward b reserves p7 and p9 would break the ward quotas
    proposal = propose_replacement(POOL, QUOTAS, SELECTED, "p0",
                                   reserves=["p7", "p9", "p3", "p2"])
    assert (proposal.person, proposal.from_reserves) == ("p3", True)
    assert proposal.reason == (
        "Reserve 3 is the first on the list who keeps every quota; reserves 1, 2 would not. "
        "Differs from the person who dropped out on age young instead of old.")
    proposal = propose_replacement(POOL, QUOTAS, SELECTED, "p0", reserves=["p7", "p2"])
    assert (proposal.person, proposal.from_reserves) == ("p2", True)
    assert proposal.reason == (
        "Reserve 2 is the first on the list who keeps every quota; reserve 1 would not. "
        "Same profile as the person who dropped out.")


def test_without_a_fitting_reserve_the_most_alike_in_the_pool_is_proposed():
    for seed in range(6):
        proposal = propose_replacement(POOL, QUOTAS, SELECTED, "p0", reserves=["p7", "p9"],
                                       seed=seed)
        assert proposal.person in {"p2", "p4"} and not proposal.from_reserves  # ward a, old
        assert proposal.reason == (
            "No reserve keeps every quota; chosen at random from the 2 people in the pool who "
            "keep every quota and are most like p0. Same profile as the person who dropped "
            "out.")
    proposal = propose_replacement(POOL, QUOTAS, SELECTED, "p0")
    assert proposal.person in {"p2", "p4"}
    assert proposal.reason.startswith("There is no reserve list; chosen at random")
    people = {propose_replacement(POOL, QUOTAS, SELECTED, "p0", seed=s).person for s in range(20)}
    assert people == {"p2", "p4"}  # random among equals


def test_reserves_not_in_the_pool_or_already_selected_are_passed_over():
    proposal = propose_replacement(POOL, QUOTAS, SELECTED, "p0",
                                   reserves=["nobody", "p1", "p0", "p4"])
    assert (proposal.person, proposal.from_reserves) == ("p4", True)
    assert proposal.reason.startswith("Reserve 4 is the first")


def test_one_per_household_for_the_replacement():
    homes = [f"h{i}" for i in range(10)]
    homes[7] = "h1"  # p7 (ward b, young) lives with p1, who stays
    pool = make_pool([(pid, profile(POOL, pid)) for pid in POOL.ids], households=homes)
    # p6 (ward b, old) drops out: any ward b person keeps the quotas, but not p7
    proposal = propose_replacement(pool, QUOTAS, SELECTED, "p6", reserves=["p7", "p8"])
    assert (proposal.person, proposal.from_reserves) == ("p8", True)
    assert proposal.reason.startswith("Reserve 2 is the first on the list who keeps every "
                                      "quota; reserve 1 would not.")
    homes[8] = "h0"  # now p8 lives with p0, who stays: p9 is the only one left
    pool = make_pool([(pid, profile(POOL, pid)) for pid in POOL.ids], households=homes)
    proposal = propose_replacement(pool, QUOTAS, SELECTED, "p6", reserves=["p7", "p8"])
    assert (proposal.person, proposal.from_reserves) == ("p9", False)
    assert proposal.reason == (
        "No reserve keeps every quota; chosen as the one person in the pool who keeps every "
        "quota and is most like p6. Differs from the person who dropped out on age young "
        "instead of old.")


def test_nobody_fits_raises_quota_infeasible():
    pool = make_pool([(f"p{i}", {"ward": "a" if i < 2 else "b"}) for i in range(6)])
    quotas = [exact("ward", "a", 2), exact("ward", "b", 1)]
    with pytest.raises(QuotaInfeasible) as error:
        propose_replacement(pool, quotas, ("p0", "p1", "p2"), "p1", reserves=["p3"])
    # the last place must go to ward a, but only p0 (who stays) is left there
    minimum, maximum = error.value.problems
    assert (minimum.dimension, minimum.category, minimum.kind) == ("ward", "a", "minimum")
    assert (minimum.current, minimum.suggested) == (2, 1)
    assert minimum.message == ("ward a: minimum 2 but only 1 person in the pool; lower the "
                               "minimum to 1.")
    assert (maximum.category, maximum.kind, maximum.suggested) == ("b", "maximum", 2)


@pytest.mark.parametrize(("selected", "dropped", "problem"), [
    (SELECTED, "p3", "p3 is not in the selection."),
    (("p0", "p1", "p5", "ghost"), "ghost", "ghost is not in the pool."),
    (("p0", "p1", "p5", "ghost"), "p0", "Kept person ghost is not in the pool."),
])
def test_replacement_inputs_that_make_no_sense(selected, dropped, problem):
    with pytest.raises(QuotaInputError) as error:
        propose_replacement(POOL, QUOTAS, selected, dropped)
    assert list(error.value.problems) == [problem]
