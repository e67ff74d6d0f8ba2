"""Pools and quotas for ``bench.bench_quota``: the demo's biased volunteers, Census 2021 quotas.

Volunteers come from the demo generator (``panel.demo.people``, seeded): older, whiter, more
female and more home owners than Burnley, with few young men, about 10% sharing a home with
another member. A pool is the first ``size`` volunteers (earliest joiner first) that the app's
pool rule (``quota.pool``) would let in: active, email confirmed, and a real answer to every
question the quotas use (no answer or "Prefer not to say" leaves them out). Quotas come
from the default target set (Census 2021, Burnley), optionally with ethnic group collapsed to
its 5 groups (white, mixed, asian, black, other).

This module needs ``panel`` (pure helpers only: no app, no database); the draws themselves run
in fresh processes that import only ``quota`` (see ``bench.bench_quota``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from panel.demo.people import Person, generate_people
from panel.demo.seed import _ethnic_detail, ward_dimension
from panel.reference_data import (
    PREFER_NOT_TO_SAY,
    load_burnley_wards,
    load_default_dimensions,
    load_default_targets,
    load_json,
)
from quota.problem import Pool, Quota
from quota.sampling import draw_survey_sample

ELIGIBLE_SHARE = 0.6  # about this share of volunteers is eligible for the seven questions used


def volunteers(count: int, seed: int) -> list[Person]:
    """``count`` demo residents (earliest joiner first), as ``flask demo seed`` makes them."""
    wards = load_burnley_wards()
    specs = [*load_default_dimensions(), ward_dimension(wards)]
    return generate_people(np.random.default_rng(seed), count, wards,
                           _ethnic_detail(specs, load_default_targets()),
                           load_json("demo_names.json"), load_json("demo_places.json"))


def ethnic_group_of(category: str, collapsed: bool) -> str:
    """The category, or its group (the key's prefix: white, mixed, asian, black, other)."""
    return category.split("_")[0] if collapsed else category


def volunteer_pool(size: int, dimensions: Sequence[str], seed: int, *,
                   collapse_ethnic: bool = False, households: bool = True) -> Pool:
    """The first ``size`` eligible volunteers; ``households``: one person per home."""
    people: list[Person] = []
    count = int(size / ELIGIBLE_SHARE) + 100
    while True:
        people = [p for p in volunteers(count, seed) if _eligible(p, dimensions)]
        if len(people) >= size:
            break
        count = int(count * 1.2)
    people = people[:size]
    profiles = {d: [p.answers[d] for p in people] for d in dimensions}
    if "ethnic_group" in profiles:
        profiles["ethnic_group"] = [ethnic_group_of(c, collapse_ethnic)
                                    for c in profiles["ethnic_group"]]
    return Pool(ids=list(range(1, size + 1)), profiles=profiles,
                households=[str(p.household) for p in people] if households else None)


def _eligible(person: Person, dimensions: Sequence[str]) -> bool:
    return person.status == "active" and person.verified and all(
        person.answers.get(d, PREFER_NOT_TO_SAY) != PREFER_NOT_TO_SAY for d in dimensions)


def census_shares(dimensions: Sequence[str], *,
                  collapse_ethnic: bool = False) -> dict[str, dict[str, float]]:
    """``{dimension: {category: share}}`` from the default target set (Census 2021, Burnley)."""
    shares: dict[str, dict[str, float]] = {d: defaultdict(float) for d in dimensions}
    for row in load_default_targets():
        if row.dimension in shares:
            category = (ethnic_group_of(row.category, collapse_ethnic)
                        if row.dimension == "ethnic_group" else row.category)
            shares[row.dimension][category] += row.share
    return {d: dict(row) for d, row in shares.items()}


def union_of_panels(source: Pool, quotas: Sequence[Quota], size: int, panels: int,
                    seed: int) -> Pool:
    """A pool that is ``panels`` disjoint panels of ``size``, each meeting every quota.

    Each panel is a survey sample drawn from what ``source`` has left. A lottery choosing one of
    them at random gives everyone ``size / len(pool)``, and no lottery can give everyone more
    (the chances add up to ``size``), so a fair panel's smallest chance must be exactly that.
    """
    left = source
    chosen: list[int] = []
    for number in range(panels):
        selection = draw_survey_sample(left, quotas, size, seed=seed + number, reserves=0)
        if not selection.quotas_met:
            raise AssertionError(f"panel {number + 1} of the k/n pool misses a quota")
        chosen.extend(selection.selected)  # type: ignore[arg-type]
        left = subset(left, set(left.ids) - set(selection.selected))
    return subset(source, set(chosen))


def subset(pool: Pool, ids: set) -> Pool:
    keep = [i for i, pid in enumerate(pool.ids) if pid in ids]
    return Pool(ids=[pool.ids[i] for i in keep],
                profiles={d: [column[i] for i in keep] for d, column in pool.profiles.items()},
                households=None if pool.households is None else
                [pool.households[i] for i in keep])


def share_in_pool(pool: Pool, **wanted: Sequence[str]) -> float:
    """Share of the pool with one of ``wanted[dimension]`` on every dimension named."""
    columns = [(pool.profiles[d], set(categories)) for d, categories in wanted.items()]
    hits = sum(all(column[i] in categories for column, categories in columns)
               for i in range(len(pool)))
    return hits / len(pool)
