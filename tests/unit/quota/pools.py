"""Small pools for the quota tests: hypothesis strategies, brute force over panels, checks.

Everything here is independent of the quota core's maths: panels are found by enumerating every
subset of a tiny pool, and the fairest minimum by a linear programme over those panels.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import highspy
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from quota.problem import PersonId, Pool, Quota

# No example database: the suite must leave no files behind, and derandomised runs are repeatable.
FAST = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

DIMENSIONS = ("ward", "age")
CATEGORIES = ("a", "b", "c")


@dataclass(frozen=True)
class Case:
    """A pool, its quotas, the panel size and people who must stay."""

    pool: Pool
    quotas: tuple[Quota, ...]
    size: int
    kept: tuple[PersonId, ...] = ()

    def shuffled(self, order: Sequence[int]) -> Case:
        """The same case with the pool's rows in ``order``."""
        return Case(shuffle_pool(self.pool, order), self.quotas, self.size, self.kept)


def make_pool(rows: Iterable[tuple[PersonId, dict[str, str]]],
              households: Sequence[str] | None = None) -> Pool:
    rows = list(rows)
    dimensions = list(rows[0][1]) if rows else []
    return Pool(ids=[pid for pid, _ in rows],
                profiles={d: [profile[d] for _, profile in rows] for d in dimensions},
                households=households)


def shuffle_pool(pool: Pool, order: Sequence[int]) -> Pool:
    return Pool(ids=[pool.ids[i] for i in order],
                profiles={d: [column[i] for i in order] for d, column in pool.profiles.items()},
                households=None if pool.households is None else
                [pool.households[i] for i in order])


def exact(dimension: str, category: str, count: int) -> Quota:
    return Quota(dimension, category, count, count)


def profile(pool: Pool, pid: PersonId) -> dict[str, str]:
    i = list(pool.ids).index(pid)
    return {d: column[i] for d, column in pool.profiles.items()}


def household(pool: Pool, pid: PersonId) -> object:
    return pid if pool.households is None else pool.households[list(pool.ids).index(pid)]


def tally(pool: Pool, people: Iterable[PersonId]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for pid in people:
        counts.update(profile(pool, pid).items())
    return counts


def meets(case: Case, people: Iterable[PersonId]) -> bool:
    """Does this panel meet every quota, the size, the household rule and keep the kept?"""
    people = list(people)
    homes = [household(case.pool, p) for p in people]
    counts = tally(case.pool, people)
    return (len(people) == case.size and len(set(people)) == len(people)
            and len(set(homes)) == len(homes) and set(case.kept) <= set(people)
            and all(q.min <= counts[(q.dimension, q.category)] <= q.max for q in case.quotas))


def valid_panels(case: Case) -> list[frozenset[PersonId]]:
    """Every panel meeting the case, by enumerating all subsets of the right size."""
    return [frozenset(c) for c in itertools.combinations(case.pool.ids, case.size)
            if meets(case, c)]


def best_minimum(case: Case, panels: Sequence[frozenset[PersonId]],
                 among: Iterable[PersonId] | None = None) -> float:
    """The largest smallest selection probability any lottery over ``panels`` can give.

    Among everyone the draw could choose (not kept, not in a kept household) unless ``among``.
    """
    kept_homes = {household(case.pool, p) for p in case.kept}
    people = [p for p in case.pool.ids if household(case.pool, p) not in kept_homes]
    people = people if among is None else sorted(among, key=str)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    h.addVar(0.0, 1.0)                       # z, column 0
    for _ in panels:
        h.addVar(0.0, inf)                   # weight of each panel
    h.changeColCost(0, 1.0)
    for person in people:                    # sum of weights of panels with person >= z
        index = [0] + [k + 1 for k, panel in enumerate(panels) if person in panel]
        h.addRow(0.0, inf, len(index), index, [-1.0] + [1.0] * (len(index) - 1))
    h.addRow(1.0, 1.0, len(panels), list(range(1, len(panels) + 1)), [1.0] * len(panels))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    return h.getInfo().objective_function_value


@st.composite
def pools(draw: st.DrawFn, max_people: int = 7, households: bool | None = None) -> Pool:
    """A tiny pool: 1 or 2 dimensions of up to 3 categories, numeric or text ids."""
    n = draw(st.integers(1, max_people))
    dimensions = DIMENSIONS[:draw(st.integers(1, 2))]
    profiles = {}
    for dimension in dimensions:
        categories = CATEGORIES[:draw(st.integers(1, 3))]
        profiles[dimension] = draw(st.lists(st.sampled_from(categories), min_size=n, max_size=n))
    if draw(st.booleans()):
        ids: list[PersonId] = draw(st.lists(st.integers(0, 999), min_size=n, max_size=n,
                                            unique=True))
    else:
        ids = [f"p{k}" for k in draw(st.permutations(range(n)))]
    with_homes = draw(st.booleans()) if households is None else households
    homes = ([f"h{k}" for k in draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n))]
             if with_homes else None)
    return Pool(ids=ids, profiles=profiles, households=homes)


def categories_of(pool: Pool) -> list[tuple[str, str]]:
    """Every (dimension, category) the pool uses, plus one category nobody has."""
    pairs = {(d, c) for d, column in pool.profiles.items() for c in column}
    pairs |= {(d, "z") for d in pool.profiles}
    return sorted(pairs)


@st.composite
def any_cases(draw: st.DrawFn, max_people: int = 7, kept: bool = False) -> Case:
    """A tiny case with quotas at random: often impossible."""
    pool = draw(pools(max_people))
    size = draw(st.integers(1, len(pool)))
    quotas = []
    for dimension, category in categories_of(pool):
        low = draw(st.integers(0, size + 1))
        quotas.append(Quota(dimension, category, low, draw(st.integers(low, size + 1))))
    keep = tuple(draw(st.sets(st.sampled_from(pool.ids), max_size=size))) if kept else ()
    homes = [household(pool, p) for p in keep]
    if len(set(homes)) < len(homes):
        keep = ()
    return Case(pool, tuple(quotas), size, keep)


@st.composite
def feasible_cases(draw: st.DrawFn, max_people: int = 7, households: bool | None = None,
                   kept: bool = True, slack: int = 2) -> Case:
    """A tiny case built around a panel that meets it, so that some panel always does."""
    pool = draw(pools(max_people, households))
    one_each: dict[object, PersonId] = {}
    for pid in draw(st.permutations(pool.ids)):
        one_each.setdefault(household(pool, pid), pid)
    candidates = sorted(one_each.values(), key=str)
    size = draw(st.integers(1, len(candidates)))
    panel = draw(st.permutations(candidates))[:size]
    counts = tally(pool, panel)
    quotas = []
    for dimension, category in categories_of(pool):
        achieved = counts[(dimension, category)]
        quotas.append(Quota(dimension, category,
                            achieved - draw(st.integers(0, min(slack, achieved))),
                            achieved + draw(st.integers(0, slack))))
    keep = tuple(panel[:draw(st.integers(0, size))]) if kept else ()
    return Case(pool, tuple(quotas), size, keep)


def with_fixes(case: Case, conflicts: Iterable) -> Case:
    """The case after applying every suggested fix."""
    quotas = {(q.dimension, q.category): q for q in case.quotas}
    size = case.size
    for conflict in conflicts:
        if conflict.kind == "size":
            size = conflict.suggested
            continue
        q = quotas[(conflict.dimension, conflict.category)]
        if conflict.kind == "minimum":
            quotas[(q.dimension, q.category)] = Quota(q.dimension, q.category,
                                                      conflict.suggested, q.max)
        else:
            quotas[(q.dimension, q.category)] = Quota(q.dimension, q.category, q.min,
                                                      conflict.suggested)
    return Case(case.pool, tuple(quotas.values()), size, case.kept)
