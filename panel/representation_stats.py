"""The numbers behind ``panel.representation``: the chance test, the chart's scale and members
needed. Pure: plain numbers in and out (no pandas, no Flask, no SQLAlchemy).
"""

from __future__ import annotations

import math

AXIS_STEPS = (0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def p_value(count: int, answered: int, target_share: float) -> float:
    """Two-sided chance of a panel count at least this far from ``answered × target_share``
    if members were drawn at random from a population with that share.

    Normal approximation with a continuity correction when at least 5 are expected both in and
    out of the group; otherwise the exact binomial tail on the observed side, doubled (at most 1).
    A target of 0 or 1 leaves nothing to chance: any difference has probability 0.
    """
    n, t, c = answered, target_share, count
    if n == 0 or c == n * t:
        return 1.0
    if t in (0.0, 1.0):
        return 0.0
    if n * t >= 5 and n * (1 - t) >= 5:
        z = max(abs(c - n * t) - 0.5, 0.0) / math.sqrt(n * t * (1 - t))
        return math.erfc(z / math.sqrt(2))
    if n * t > n * (1 - t):  # work with the smaller side, so the tail sums stay short
        c, t = n - c, 1 - t
    tail = _binomial_tail(c, n, t, upper=c > n * t)
    return min(1.0, 2 * tail)


def _binomial_tail(c: int, n: int, t: float, *, upper: bool) -> float:
    """P(X ≥ c) (``upper``) or P(X ≤ c) for X ~ Binomial(n, t), with n·t small (< 5)."""
    log_t, log_rest = math.log(t), math.log1p(-t)

    def pmf(k: int) -> float:
        return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                        + k * log_t + (n - k) * log_rest)

    if not upper:  # c is below the mean, which is under 5: a handful of terms
        return sum(pmf(k) for k in range(c + 1))
    total = 0.0
    for k in range(c, n + 1):  # past the mean the terms shrink at least geometrically
        term = pmf(k)
        total += term
        if term == 0 or term < total * 1e-15:  # the rest are smaller still
            break
    return total


def axis_max(shares: list[float]) -> float:
    """The smallest round scale (5%, 10%, 20%, 25% … 100%) that fits every share."""
    top = max(shares, default=0.0)
    return next((step for step in AXIS_STEPS if top <= step + 1e-12), 1.0)


def members_needed(count: int, answered: int, target_share: float) -> int:
    """More members of a group (who answer) needed to bring its share up to the target."""
    if target_share >= 1:
        raise ValueError("a group cannot be the whole of a dimension with others in it")
    return max(0, math.ceil((target_share * answered - count) / (1 - target_share) - 1e-9))
