"""Quotas from population shares, with a stated rounding rule. PURE.

For a panel of ``size`` people, each dimension's shares are first scaled to add up to one, so
the ideal number for a category is ``share * size``. Whole numbers come from the largest-remainder
(Hamilton) method: every category gets the whole part of its ideal number and the places still
free go, one each, to the largest fractional parts (ties to the category that sorts first). The
targets then add up to ``size`` exactly, and each is within one of its ideal number. The quota is
that target plus or minus ``tolerance`` people (never below zero nor above the panel size).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from quota.problem import Quota, QuotaInputError


def hamilton(ideal: Mapping[str, float], total: int) -> dict[str, int]:
    """Round ``ideal`` numbers (summing to ``total``) to whole numbers summing to ``total``."""
    floors = {c: math.floor(v) for c, v in ideal.items()}
    left = total - sum(floors.values())
    by_remainder = sorted(ideal, key=lambda c: (-(ideal[c] - floors[c]), c))
    for category in by_remainder[:left]:
        floors[category] += 1
    return floors


def quotas_from_shares(shares: Mapping[str, Mapping[str, float]], size: int,
                       tolerance: int = 0) -> list[Quota]:
    """Quotas for a panel of ``size`` from ``{dimension: {category: share}}``.

    Shares may be proportions or counts: each dimension is scaled to add up to one.
    """
    problems = []
    if size < 1:
        problems.append("The panel size must be at least 1.")
    if tolerance < 0:
        problems.append("The tolerance cannot be negative.")
    for dimension, row in shares.items():
        if any(v < 0 or not math.isfinite(v) for v in row.values()):
            problems.append(f"{dimension}: shares must be zero or more.")
        elif sum(row.values()) <= 0:
            problems.append(f"{dimension}: the shares add up to zero.")
    if problems:
        raise QuotaInputError(problems)
    quotas = []
    for dimension in sorted(shares):
        row = shares[dimension]
        total = sum(row.values())
        ideal = {c: v / total * size for c, v in row.items()}
        rounded = hamilton(ideal, size)
        for category in sorted(row):
            quotas.append(Quota(dimension, category,
                                min=max(0, rounded[category] - tolerance),
                                max=min(size, rounded[category] + tolerance),
                                target=ideal[category]))
    return quotas
