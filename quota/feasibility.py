"""Can every quota be met? If not, which quotas conflict and what is the smallest fix. PURE.

The check is an integer programme (HiGHS) over the groups of interchangeable people: choose a
panel of the right size that respects the one-per-household rule, and let each quota be missed by
a whole number of people (its "slack") at a cost of one per person. The least total slack is zero
exactly when a panel meets every quota; otherwise the quotas with slack are a smallest change
that makes the draw possible (lower this minimum to..., raise that maximum to...). Each change is
explained: too few people in the pool, the minimums or maximums of one dimension not adding up,
people already kept, or, failing those, the other quotas it clashes with (read from the duals of
the linear relaxation).
"""

from __future__ import annotations

from dataclasses import replace

import highspy
import numpy as np

from quota.groups import Instance
from quota.polytope import new_highs, solve_integer
from quota.problem import QuotaConflict, QuotaInfeasible


def check_feasible(instance: Instance) -> None:
    """Raise ``QuotaInfeasible`` with the conflicts if no panel meets every quota."""
    conflicts = find_conflicts(instance)
    if conflicts:
        raise QuotaInfeasible(conflicts)


def find_conflicts(instance: Instance) -> list[QuotaConflict]:
    """The quotas to change (and how) before a draw is possible; empty when it already is."""
    households = int(np.sum(instance.polytope.upper[_first_of_signature(instance)]))
    if households < instance.size:  # then what else must change for the smaller panel
        size = _size_conflict(instance, households)
        return [size, *find_conflicts(_with_panel_size(instance, size.suggested))]
    slack = solve_integer(_least_slack(instance), good_enough=0.5)
    if slack is None:  # cannot happen: the slack makes every quota satisfiable
        raise RuntimeError("feasibility check failed")
    slack = slack[instance.polytope.num_cols:].astype(int)
    q = len(instance.quotas)
    below, above = slack[:q], slack[q:]
    if not (below.any() or above.any()):
        return []
    explain = _Explainer(instance)
    conflicts = []
    for row, quota in enumerate(instance.quotas):
        if below[row]:
            conflicts.append(explain.minimum(row, int(quota.min - below[row])))
        if above[row]:
            conflicts.append(explain.maximum(row, int(quota.max + above[row])))
    return conflicts


def _least_slack(instance: Instance) -> highspy.Highs:
    """Model (continuous, unsolved): a panel missing the quotas by the fewest people.

    The slack columns (people below each minimum, then above each maximum) come last.
    """
    poly = instance.polytope
    q = len(instance.quotas)
    h = new_highs()
    poly.add_to(h, integer=False)
    lower = np.minimum(poly.row_lower, poly.row_upper)
    h.changeRowsBounds(poly.num_rows, np.arange(poly.num_rows, dtype=np.int32), lower,
                       poly.row_upper)
    rows = np.arange(q, dtype=np.int32)
    for sign in (1.0, -1.0):  # below the minimum, above the maximum
        h.addCols(q, np.ones(q), np.zeros(q), np.full(q, np.inf), q, rows, rows,
                  np.full(q, sign))
    return h


def _first_of_signature(instance: Instance) -> np.ndarray:
    return np.flatnonzero(np.diff(np.concatenate([[-1], instance.signature])))


def _with_panel_size(instance: Instance, panel_size: int) -> Instance:
    """The instance for a panel of ``panel_size`` (row ``len(quotas)`` is the size row)."""
    poly, row = instance.polytope, len(instance.quotas)
    lower, upper = poly.row_lower.copy(), poly.row_upper.copy()
    lower[row] = upper[row] = panel_size - len(instance.kept)
    return replace(instance, panel_size=panel_size,
                   polytope=replace(poly, row_lower=lower, row_upper=upper))


def _size_conflict(instance: Instance, households: int) -> QuotaConflict:
    places = instance.size
    if instance.has_households:
        where = ("household" if households == 1 else "households") + " (one person each)"
    else:
        where = "person" if households == 1 else "people"
    return QuotaConflict(None, None, "size", instance.panel_size,
                         instance.panel_size - places + households,
                         f"The panel needs {places:,} more {'person' if places == 1 else 'people'}"
                         f" but the pool has only {households:,} {where} left to choose from; "
                         "make the panel smaller or the pool bigger.")


class _Explainer:
    """Plain-English reasons for each change the least-slack programme asks for."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.available = _available(instance) + instance.kept_tally
        self._clashing: list[int] | None = None

    def minimum(self, row: int, suggested: int) -> QuotaConflict:
        inst, quota = self.instance, self.instance.quotas[row]
        label = inst.quota_label(row)
        total = sum(inst.quotas[r].min for r in self._same_dimension(row))
        if quota.min > self.available[row]:
            one = self.available[row] == 1
            who = ((f"household in the pool has someone in {label}" if one else
                    f"households in the pool have someone in {label}") if inst.has_households
                   else "person in the pool" if one else "people in the pool")
            message = (f"{label}: minimum {quota.min:,} but only {self.available[row]:,} {who}; "
                       f"lower the minimum to {suggested:,}.")
        elif total > inst.panel_size:
            message = (f"{label}: lower the minimum from {quota.min:,} to {suggested:,}: the "
                       f"{quota.dimension} minimums add up to {total:,} but the panel has "
                       f"{inst.panel_size:,} places.")
        else:
            message = (f"{label}: lower the minimum from {quota.min:,} to {suggested:,}; "
                       f"{self._clash(row)}.")
        return QuotaConflict(quota.dimension, quota.category, "minimum", quota.min, suggested,
                             message)

    def maximum(self, row: int, suggested: int) -> QuotaConflict:
        inst, quota = self.instance, self.instance.quotas[row]
        label = inst.quota_label(row)
        reachable = sum(min(inst.quotas[r].max, int(self.available[r]))
                        for r in self._same_dimension(row))
        kept = int(inst.kept_tally[row])
        if kept > quota.max:
            message = (f"{label}: maximum {quota.max:,} but {kept:,} of the people being kept "
                       f"{'is' if kept == 1 else 'are'} in it already; raise the maximum to "
                       f"{suggested:,}.")
        elif reachable < inst.panel_size:
            message = (f"{label}: raise the maximum from {quota.max:,} to {suggested:,}: the "
                       f"{quota.dimension} maximums (counting only people in the pool) add up "
                       f"to {reachable:,}, fewer than the {inst.panel_size:,} places.")
        else:
            message = (f"{label}: raise the maximum from {quota.max:,} to {suggested:,}; "
                       f"{self._clash(row)}.")
        return QuotaConflict(quota.dimension, quota.category, "maximum", quota.max, suggested,
                             message)

    def _same_dimension(self, row: int) -> list[int]:
        dimension = self.instance.quotas[row].dimension
        return [r for r, q in enumerate(self.instance.quotas) if q.dimension == dimension]

    def _clash(self, row: int) -> str:
        if self._clashing is None:  # quotas binding in the linear relaxation
            h = _least_slack(self.instance)
            h.run()
            duals = np.abs(np.array(h.getSolution().row_dual[:len(self.instance.quotas)]))
            self._clashing = [int(r) for r in np.flatnonzero(duals > 1e-9)]
        others = [r for r in self._clashing if r != row]
        if not others:
            return "the quotas cannot all be met with whole numbers of people"
        names = [f"{self.instance.quota_label(r)} "
                 f"({self.instance.quotas[r].min}\u2013{self.instance.quotas[r].max})"
                 for r in others[:6]]
        more = f" and {len(others) - 6} more" if len(others) > 6 else ""
        return "it cannot be met together with " + ", ".join(names) + more


def _available(instance: Instance) -> np.ndarray:
    """Most people each quota's category could get (one per household), kept people aside."""
    poly = instance.polytope
    q = len(instance.quotas)
    limit_of: dict[tuple[int, int], float] = {}
    for column, row in zip(poly.column_of_nonzero(), poly.rows, strict=True):
        if row < q:
            limit_of[(int(instance.signature[column]), int(row))] = poly.upper[column]
    counts = np.zeros(q)
    for (_, row), limit in limit_of.items():
        counts[row] += limit
    return counts.astype(int)
