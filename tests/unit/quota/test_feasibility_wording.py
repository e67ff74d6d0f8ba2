"""Impossible quotas are explained with thousands separators ("3,790", not "3790")."""

from __future__ import annotations

from quota.feasibility import find_conflicts
from quota.groups import build_instance
from quota.problem import Quota
from tests.unit.quota.pools import make_pool


def test_big_numbers_in_an_impossible_minimum_have_thousands_separators():
    pool = make_pool([(i, {"ward": "a" if i < 3790 else "b"}) for i in range(3800)])
    quotas = [Quota("ward", "a", 3795, 3800), Quota("ward", "b", 0, 10)]
    messages = [c.message for c in find_conflicts(build_instance(pool, quotas, 3795))]
    assert "ward a: minimum 3,795 but only 3,790 people in the pool; lower the minimum to 3,790." \
        in messages
