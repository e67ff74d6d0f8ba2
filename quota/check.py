"""Can a sample be drawn for a spec? The builder's live check: the pool, the quotas, any
conflicts, and designs that would give away a special-category answer. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quota.disclosure import answers_given_away
from quota.feasibility import find_conflicts
from quota.groups import build_instance
from quota.pool import (
    PoolDraft,
    SampleSpec,
    build_pool,
    category_labels,
    private_dimensions,
    quotas_for,
)
from quota.problem import Pool, Quota, QuotaConflict, QuotaInputError


@dataclass(frozen=True)
class QuotaCheck:
    """What the builder shows while the officer edits: the quotas, the pool, any conflicts."""

    pool_size: int
    left_out: dict[str, int]
    quotas: list[Quota]
    in_pool: dict[tuple[str, str], int]
    conflicts: list[QuotaConflict]
    problems: list[str]

    @property
    def feasible(self) -> bool:
        return not self.conflicts and not self.problems

    def conflicts_for(self, dimension: str, category: str) -> list[QuotaConflict]:
        return [c for c in self.conflicts if (c.dimension, c.category) == (dimension, category)]

    @property
    def general_conflicts(self) -> list[QuotaConflict]:
        return [c for c in self.conflicts if c.dimension is None]


def check_spec(spec: SampleSpec, draft: PoolDraft | None = None) -> QuotaCheck:
    """Can a sample be drawn for ``spec``? Never raises for bad quotas: it reports them.
    ``draft``: the spec's pool when the caller has built it already (the pool does not depend
    on the quotas' minimums and maximums, so one pool serves a table and its edits)."""
    draft = draft if draft is not None else build_pool(spec)
    pool = draft.pool
    counts = pool_counts(spec, pool)
    try:
        quotas = quotas_for(spec, pool)
        conflicts = find_conflicts(build_instance(pool, quotas, spec.size))
    except QuotaInputError as error:
        return QuotaCheck(len(pool), draft.left_out, [], counts, [], list(error.problems))
    given_away = answers_given_away_in(spec, quotas, counts)
    return QuotaCheck(len(pool), draft.left_out, quotas, counts, conflicts, given_away)


def pool_counts(spec: SampleSpec, pool: Pool) -> dict[tuple[str, str], int]:
    """People in the pool per (dimension, category) of the spec's questions."""
    return {(d, str(c)): int(n) for d in spec.dimensions
            for c, n in zip(*np.unique(np.asarray(pool.profiles[d], dtype=str),
                                       return_counts=True), strict=True)}


def answers_given_away_in(spec: SampleSpec, quotas: list[Quota],
                          in_pool: dict[tuple[str, str], int]) -> list[str]:
    """The special-category answers ``quotas`` would give away (see quota.disclosure)."""
    private = private_dimensions(spec.dimensions)
    if not private:
        return []
    return answers_given_away(quotas, in_pool, private, category_labels(list(private)),
                              tolerance=spec.tolerance, size=spec.size,
                              overridden={o[0] for o in spec.overrides})
