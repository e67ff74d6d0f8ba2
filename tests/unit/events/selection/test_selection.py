"""The pure parts of selection: who is in the pool, households, screening quotas, the draw and
its record, unmet quotas, the quota effect of a swap, reminders due."""

from __future__ import annotations

from datetime import datetime

import pytest

from events import selection as pure
from events.reminders import due_reminder
from quota.disclosure import NOT_KNOWN
from quota.problem import Pool, Quota, QuotaConflict, QuotaInfeasible


def _c(pid: int, sex: str = "female", household: str = "", available=()) -> pure.Candidate:
    return pure.Candidate(pid, {"sex": sex}, household or f"h{pid}", tuple(available))


def test_assemblies_need_every_session_workshops_any():
    people = [_c(1, available=(True, True)), _c(2, available=(True, False)),
              _c(3, available=(False, False)), _c(4, available=(None, True)), _c(5)]
    every = pure.needs_every_session(True, 2)
    assert every and not pure.needs_every_session(True, 1)
    assert not pure.needs_every_session(False, 3)
    kept, left = pure.split_pool(reversed(people), every)
    assert [c.id for c in kept] == [1, 4, 5] and [c.id for c in left] == [2, 3]
    kept, left = pure.split_pool(people, False)
    assert [c.id for c in kept] == [1, 2, 4, 5] and [c.id for c in left] == [3]


def test_household_falls_back_to_the_members_then_their_own():
    assert pure.household_of(7, "12 High St", "other") == "12 High St"
    assert pure.household_of(7, "", "3 Mill Lane") == "3 Mill Lane"
    assert pure.household_of(7, "", "") == "registration:7"


def test_pool_is_in_id_order_and_households_only_when_asked():
    pool = pure.make_pool([_c(3, "male"), _c(1)], ["sex"], one_per_household=True)
    assert list(pool.ids) == [1, 3] and list(pool.profiles["sex"]) == ["female", "male"]
    assert list(pool.households) == ["h1", "h3"]
    assert pure.make_pool([_c(1)], ["sex"], one_per_household=False).households is None


def test_screening_quotas_keep_the_not_known_share():
    pool = Pool(ids=[1, 2, 3, 4], profiles={"q1": ["Worried", "Happy", NOT_KNOWN, "Happy"]})
    quotas = {(q.category): q for q in pure.screening_quotas(
        {"q1": {"Worried": 1, "Happy": 1}}, pool, 4)}
    assert quotas[NOT_KNOWN].target == pytest.approx(1.0)
    assert quotas["Worried"].target == pytest.approx(1.5)
    assert sum(q.min for q in quotas.values()) == 4
    assert pure.screening_quotas({"q1": {"Worried": 0}}, pool, 4) == []


def test_an_event_without_quotas_still_draws_and_reports_nothing_extra():
    pool, quotas = pure.with_everyone(Pool(ids=[1, 2, 3], profiles={}), [], 2)
    selection = pure.run_draw(pool, quotas, 2, seed=1)
    record = pure.record(pool, quotas, selection, left_out={})
    assert len(record["selected"]) == 2 and len(record["reserves"]) == 1
    assert record["report"]["categories"] == []
    assert pure.reproduces(record, 2) == []


def test_the_record_reproduces_and_a_tampered_one_does_not():
    people = [_c(i, "female" if i % 2 else "male", household=f"h{i // 3}") for i in range(1, 13)]
    pool = pure.make_pool(people, ["sex"], one_per_household=True)
    quotas = [Quota("sex", "female", 2, 2, 2.0), Quota("sex", "male", 2, 2, 2.0)]
    selection = pure.run_draw(pool, quotas, 4, seed=99)
    record = pure.record(pool, quotas, selection, left_out={"not available": 1})
    assert len({pool.households[pool.ids.index(p)] for p in record["selected"]}) == 4
    assert set(record["selected"]).isdisjoint(record["reserves"])
    assert pure.reproduces(record, 4) == []
    assert pure.reproduces({**record, "seed": 100}, 4) != [] or \
        pure.reproduces({**record, "reserves": record["reserves"][::-1]}, 4) != []
    assert record["report"]["quotas_met"] is True
    assert 0 < record["report"]["minimum_probability"] <= 1


def test_unmet_quotas_say_how_many_people_are_needed():
    pool = Pool(ids=[1, 2, 3], profiles={"sex": ["female", "male", "male"]})
    with pytest.raises(QuotaInfeasible) as error:
        pure.run_draw(pool, [Quota("sex", "female", 2, 2), Quota("sex", "male", 0, 2)], 2, 1)
    short, more = pure.unmet(error.value.problems)
    assert short == [["sex", "female", 1]] and more == 0
    size = QuotaConflict(None, None, "size", 10, 7, "The panel needs 3 more people")
    assert pure.unmet([size]) == ([], 3)


def test_quota_effect_of_a_swap():
    pool = Pool(ids=[1, 2, 3, 4], profiles={"sex": ["female", "male", "female", "male"]})
    quotas = [Quota("sex", "female", 1, 1), Quota("sex", "male", 1, 1)]
    rows = {r.category: r for r in pure.quota_effect(pool, quotas, [1, 2], 1, 4)}
    assert (rows["female"].now, rows["female"].after) == (1, 0)
    assert (rows["male"].now, rows["male"].after) == (1, 2)
    assert not rows["female"].kept and rows["female"].changes
    same = pure.quota_effect(pool, quotas, [1, 2], 1, 3)
    assert all(r.kept and not r.changes for r in same)


def test_reminder_due_is_the_nearest_and_marks_the_ones_passed():
    first = datetime(2027, 3, 20, 10, 0)
    assert due_reminder([7, 1], [], first, datetime(2027, 3, 12, 10, 0)) == (None, [])
    assert due_reminder([7, 1], [], first, datetime(2027, 3, 13, 10, 0)) == (7, [7])
    assert due_reminder([7, 1], [7], first, datetime(2027, 3, 14, 10, 0)) == (None, [])
    assert due_reminder([7, 1], [], first, datetime(2027, 3, 19, 12, 0)) == (1, [1, 7])
    assert due_reminder([7, 1], [], first, datetime(2027, 3, 20, 10, 0)) == (None, [])
    assert due_reminder([0, -2], [], first, datetime(2027, 3, 20, 9, 0)) == (None, [])
