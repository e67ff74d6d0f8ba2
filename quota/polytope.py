"""Panels as integer points of a polytope, and HiGHS models built from it. PURE.

A panel is a vector ``x`` of counts, one per group of interchangeable people, with
``0 <= x <= upper`` and ``row_lower <= A x <= row_upper``. The rows are the quotas, the panel
size and the one-per-household rule; fair mode may add cutting planes. ``A`` is stored by column
(compressed sparse column) because that is how HiGHS takes it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib.metadata import version

import highspy
import numpy as np

HIGHS = f"HiGHS {version('highspy')}"
INF = highspy.kHighsInf
OPTIMAL = highspy.HighsModelStatus.kOptimal
_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0)


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance with a fixed internal seed (same model, same answer)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    return h


def has_solution(h: highspy.Highs) -> bool:
    return h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible


@dataclass(frozen=True)
class Polytope:
    upper: np.ndarray
    starts: np.ndarray
    rows: np.ndarray
    values: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray

    @property
    def num_cols(self) -> int:
        return len(self.upper)

    @property
    def num_rows(self) -> int:
        return len(self.row_lower)

    def column_of_nonzero(self) -> np.ndarray:
        return np.repeat(np.arange(self.num_cols), np.diff(self.starts))

    def row_sums(self, x: np.ndarray) -> np.ndarray:
        """``A x``."""
        weights = self.values * x[self.column_of_nonzero()]
        return np.bincount(self.rows, weights=weights, minlength=self.num_rows)

    def contains(self, x: np.ndarray, tol: float = 1e-9) -> bool:
        sums = self.row_sums(x)
        return bool(np.all(x >= -tol) and np.all(x <= self.upper + tol)
                    and np.all(sums >= self.row_lower - tol)
                    and np.all(sums <= self.row_upper + tol))

    def with_row(self, coefficients: np.ndarray, lower: float, upper: float) -> Polytope:
        """The polytope with one more (dense) row."""
        new_row = self.num_rows
        counts = np.diff(self.starts)
        nz = coefficients != 0
        rows = np.split(self.rows, self.starts[1:-1])
        values = np.split(self.values, self.starts[1:-1])
        rows = [np.append(r, new_row) if nz[j] else r for j, r in enumerate(rows)]
        values = [np.append(v, coefficients[j]) if nz[j] else v for j, v in enumerate(values)]
        return replace(
            self,
            starts=np.concatenate([[0], np.cumsum(counts + nz)]),
            rows=np.concatenate(rows), values=np.concatenate(values),
            row_lower=np.append(self.row_lower, lower), row_upper=np.append(self.row_upper, upper),
        )

    def highs(self, *, integer: bool) -> highspy.Highs:
        """A HiGHS model of the polytope with a zero objective (set costs before ``run``)."""
        h = new_highs()
        self.add_to(h, integer=integer)
        return h

    def add_to(self, h: highspy.Highs, *, integer: bool, cost: np.ndarray | None = None,
               sign: float = 1.0, upper: np.ndarray | None = None) -> None:
        """Add the rows (if the model has none yet) and one column per group to ``h``."""
        g = self.num_cols
        if h.getNumRow() == 0:
            h.addRows(self.num_rows, self.row_lower, self.row_upper, 0, _EMPTY_I, _EMPTY_I,
                      _EMPTY_F)
        first = h.getNumCol()
        h.addCols(g, np.zeros(g) if cost is None else cost, np.zeros(g),
                  self.upper if upper is None else upper, len(self.rows),
                  self.starts[:-1].astype(np.int32), self.rows.astype(np.int32),
                  sign * self.values.astype(float))
        if integer:
            h.changeColsIntegrality(g, np.arange(first, first + g, dtype=np.int32),
                                    np.ones(g, dtype=np.uint8))

    def bounds(self) -> tuple[np.ndarray, ...]:
        """(column lower, column upper, row lower, row upper) of the whole polytope."""
        return np.zeros(self.num_cols), self.upper, self.row_lower, self.row_upper

    def face(self, point: np.ndarray, tol: float = 1e-9) -> tuple[np.ndarray, ...]:
        """Bounds of the smallest face containing ``point`` (its tight constraints made equal).

        Returns (column lower, column upper, row lower, row upper).
        """
        col_lower = np.where(point >= self.upper - tol, self.upper, 0.0)
        col_upper = np.where(point <= tol, 0.0, self.upper)
        sums = self.row_sums(point)
        at_lower = sums <= self.row_lower + tol
        at_upper = sums >= self.row_upper - tol
        row_lower = np.where(at_upper, self.row_upper, self.row_lower)
        row_upper = np.where(at_lower, self.row_lower, self.row_upper)
        return col_lower, col_upper, row_lower, row_upper

    def integer_point(self, bounds: tuple[np.ndarray, ...], free: np.ndarray,
                      fixed: np.ndarray) -> np.ndarray | None:
        """A whole point within ``bounds`` that equals ``fixed`` outside the ``free`` columns.

        The integer programme is built over the free columns alone (the fixed ones move into the
        row bounds), which is far quicker for HiGHS than fixing columns of the whole model.
        None if there is no such point.
        """
        col_lower, col_upper, row_lower, row_upper = bounds
        base = self.row_sums(np.where(free, 0.0, fixed))
        cols = np.flatnonzero(free)
        if not len(cols):  # HiGHS reports no solution for a model without columns
            return fixed.copy() if np.all((base >= row_lower - 1e-9)
                                          & (base <= row_upper + 1e-9)) else None
        entries = free[self.column_of_nonzero()]
        counts = np.diff(self.starts)[cols]
        h = new_highs()
        h.setOptionValue("mip_max_improving_sols", 1)
        h.addRows(self.num_rows, row_lower - base, row_upper - base, 0, _EMPTY_I, _EMPTY_I,
                  _EMPTY_F)
        h.addCols(len(cols), np.zeros(len(cols)), col_lower[cols], col_upper[cols],
                  int(entries.sum()), np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(
                      np.int32), self.rows[entries].astype(np.int32), self.values[entries])
        h.changeColsIntegrality(len(cols), np.arange(len(cols), dtype=np.int32),
                                np.ones(len(cols), dtype=np.uint8))
        h.run()
        if not has_solution(h):
            return None
        point = np.where(free, 0.0, fixed)
        point[cols] = np.round(h.getSolution().col_value)
        return point

    def slacks(self, x: np.ndarray) -> np.ndarray:
        """Distance of ``x`` to every bound: columns (lower, upper) then rows (lower, upper)."""
        sums = self.row_sums(x)
        return np.concatenate([x, self.upper - x, sums - self.row_lower, self.row_upper - sums])


def set_bounds(h: highspy.Highs, bounds: tuple[np.ndarray, ...]) -> None:
    """Apply ``Polytope.face``-style bounds to a model made by ``Polytope.highs``."""
    col_lower, col_upper, row_lower, row_upper = bounds
    cols = np.arange(len(col_lower), dtype=np.int32)
    rows = np.arange(len(row_lower), dtype=np.int32)
    h.changeColsBounds(len(cols), cols, col_lower, col_upper)
    h.changeRowsBounds(len(rows), rows, row_lower, row_upper)


def set_cost(h: highspy.Highs, cost: np.ndarray) -> None:
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)


def solve_integer(h: highspy.Highs, good_enough: float = np.inf) -> np.ndarray | None:
    """Solve ``h`` (built with continuous columns) as an integer programme; None if infeasible.

    The linear relaxation comes first (tens of milliseconds). If it is not already whole, the
    integer programme is solved over just the columns the relaxation uses, which is small and
    quick; only if that has no solution, or its objective is above ``good_enough``, is the full
    integer programme solved. All steps are deterministic.
    """
    h.run()
    if not has_solution(h):
        return None
    values = np.array(h.getSolution().col_value)
    if np.all(np.abs(values - np.round(values)) < 1e-9):
        return np.round(values)
    n = h.getNumCol()
    cols = np.arange(n, dtype=np.int32)
    lp = h.getLp()
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    h.changeColsIntegrality(n, cols, np.ones(n, dtype=np.uint8))
    h.changeColsBounds(n, cols, lower, np.where(values <= lower + 1e-9, lower, upper))
    h.run()
    if has_solution(h) and h.getInfo().objective_function_value <= good_enough:
        return np.round(np.array(h.getSolution().col_value))
    h.changeColsBounds(n, cols, lower, upper)
    h.run()
    return np.round(np.array(h.getSolution().col_value)) if has_solution(h) else None
