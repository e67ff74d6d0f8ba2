"""Write target expected counts as a lottery over real (whole) panels. PURE.

Peeling (Caratheodory). Start with ``r`` = the target and mass ``m = 1``. Every panel of any
lottery for ``r`` lies on the smallest face of ``P`` containing ``r`` (its tight constraints held
with equality), so find a whole panel ``v`` on that face, then move as far as possible along it:
``r = a v + (1 - a) r'`` with ``r'`` still in ``P``. ``v`` gets weight ``a m``; carry on with
``r'`` and ``m (1 - a)``. Each step makes at least one more constraint tight, so there are at most
(groups + 1) steps. A panel on the face comes from the face's linear relaxation with an objective
that leans towards the previous panel (the first time, towards a random rounding of ``r``): the
new face is the old one with one more constraint tight, so that vertex is a few pivots away and
often whole. If it is not, small integer programmes over its fractional columns and a few random
others round it (a few milliseconds each); only if those fail is the face's whole integer
programme solved.

Polishing (column generation). If a face has no whole panel (earlier choices led where whole
panels cannot follow) or the mass left is too small to divide safely, the last steps are redone
on the face where they began: a master linear programme finds the lottery over known panels
that covers ``t r`` for the largest ``t``; its dual prices ``y`` ask for a panel with
``y . v`` above the price of a lottery (found by the relaxation, else the integer programme);
``t = 1`` is success. If the panels of the face cannot make ``r`` the search backs up further,
finally to the whole polytope, where failure proves that the target is no lottery of real panels
at all: the last prices give an inequality ``y . x <= price`` that every real panel meets and
the target breaks, which ``NotALottery`` hands back as a cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from quota.polytope import Polytope, has_solution, new_highs, set_bounds, set_cost

FREE = (20, 20, 60)  # random whole columns freed with the fractional ones, try by try
SMALLEST_MASS = 1e-7  # below this, peeling hands over to polishing
DONE = 1e-9          # lottery covers (1 - DONE) of the target: finished
TAILS = (50, 200, 800)


@dataclass(frozen=True)
class Decomposition:
    panels: np.ndarray   # (panels, groups) whole counts
    weights: np.ndarray  # probability of each panel, summing to one


class NotALottery(Exception):
    """The target is not a lottery over real panels; ``coefficients . x <= rhs`` separates it."""

    def __init__(self, coefficients: np.ndarray, rhs: float):
        self.coefficients, self.rhs = coefficients, rhs
        super().__init__("target is not a lottery over whole panels")


def decompose(polytope: Polytope, target: np.ndarray, rng: np.random.Generator) -> Decomposition:
    if not polytope.num_cols:  # nobody left to choose: the one (empty) panel
        return Decomposition(np.zeros((1, 0), dtype=int), np.ones(1))
    finder = _PanelFinder(polytope, rng)
    # a group the cuts (padded for round-off) leave a trace of is at zero, as on faces
    target = np.where(target > 1e-9, target, 0.0)
    panels, weights, mass = _peel(polytope, target, finder)
    if mass <= 1e-12:
        return _normalised(panels, weights)
    for tail in (*TAILS, len(panels)):
        start = max(0, len(panels) - tail)
        head = weights[:start] @ np.array(panels[:start]) if start else np.zeros_like(target)
        left = 1.0 - float(np.sum(weights[:start]))
        r = (target - head) / left
        whole = start == 0
        bounds = polytope.bounds() if whole else polytope.face(r)
        found = _column_generation(r, panels[start:], bounds, finder, final=whole)
        if found is not None:
            tail_panels, tail_weights = found
            return _normalised(panels[:start] + tail_panels,
                               np.concatenate([weights[:start], left * tail_weights]))
    raise AssertionError("unreachable: the whole-polytope search returns or raises")


def _normalised(panels: list[np.ndarray], weights: np.ndarray) -> Decomposition:
    keep = weights > 0
    weights = weights[keep] / weights[keep].sum()
    return Decomposition(np.array(panels, dtype=int)[keep], weights)


def _peel(polytope: Polytope, target: np.ndarray,
          finder: _PanelFinder) -> tuple[list[np.ndarray], np.ndarray, float]:
    rest, mass = target.astype(float).copy(), 1.0
    panels, weights = [], []
    while mass > SMALLEST_MASS:
        r = rest / mass
        panel = finder.on_face(polytope.face(r), r)
        if panel is None:
            break
        have, need = np.maximum(polytope.slacks(r), 0), polytope.slacks(panel)
        limit = need > have + 1e-12
        step = min(1.0, float(np.min(have[limit] / need[limit]))) if limit.any() else 1.0
        panels.append(panel)
        weights.append(step * mass)
        if step <= 0:  # on the face only within round-off: polishing takes over from here
            break
        rest -= step * mass * panel
        mass = 0.0 if step >= 1 - 1e-12 else mass * (1 - step)
    return panels, np.array(weights), mass


class _PanelFinder:
    """Whole panels on a face of the polytope: relaxations first, integer programmes if needed."""

    def __init__(self, polytope: Polytope, rng: np.random.Generator):
        self.polytope, self.rng = polytope, rng
        self.previous: np.ndarray | None = None
        self.lp = polytope.highs(integer=False)
        self.lp.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.mip = polytope.highs(integer=True)
        self.mip.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def on_face(self, bounds: tuple[np.ndarray, ...], r: np.ndarray) -> np.ndarray | None:
        """Any whole panel on the face, found near the previous one (or a rounding of ``r``)."""
        g = len(r)
        set_bounds(self.lp, bounds)
        # towards the last panel (a few pivots away), or the first time a random rounding of r
        lean = self.rng.random(g) < r - np.floor(r) if self.previous is None else self.previous > r
        vertex = self._relaxed(np.where(lean, 1.0, -1.0) + 0.01 * self.rng.standard_normal(g))
        if vertex is None:
            return None
        panel = np.round(vertex) if _whole(vertex) else self._round(bounds, vertex)
        self.previous = panel
        return panel

    def priced(self, bounds: tuple[np.ndarray, ...], price: np.ndarray,
               perturbed: int) -> tuple[list[np.ndarray], float]:
        """Whole vertices maximising ``price . v`` (and perturbed prices) on the face.

        Also returns the relaxation's optimum, an upper bound on ``price . v`` for whole panels.
        """
        set_bounds(self.lp, bounds)
        found, bound = [], np.inf
        for k in range(perturbed + 1):
            noise = 1.0 if k == 0 else np.exp(0.3 * self.rng.standard_normal(len(price)))
            vertex = self._relaxed(price * noise)
            if vertex is None:
                break
            if k == 0:
                bound = self.lp.getInfo().objective_function_value
            if _whole(vertex):
                found.append(np.round(vertex))
        return found, bound

    def exact(self, bounds: tuple[np.ndarray, ...],
              price: np.ndarray) -> tuple[list[np.ndarray], float]:
        """The whole panel maximising ``price . v`` on the face, and the proven maximum."""
        set_bounds(self.mip, bounds)
        set_cost(self.mip, price)
        self.mip.setOptionValue("mip_max_improving_sols", 2**31 - 1)
        self.mip.setOptionValue("mip_rel_gap", 1e-9)
        self.mip.run()
        found = [np.round(self.mip.getSolution().col_value)] if has_solution(self.mip) else []
        return found, self.mip.getInfo().mip_dual_bound

    def _relaxed(self, cost: np.ndarray) -> np.ndarray | None:
        set_cost(self.lp, cost)
        self.lp.run()
        return np.array(self.lp.getSolution().col_value) if has_solution(self.lp) else None

    def _round(self, bounds: tuple[np.ndarray, ...], vertex: np.ndarray) -> np.ndarray | None:
        """A whole panel on the face: the vertex with its fractional columns and a few random
        others set free (small integer programmes, quick), else the face's integer programme."""
        col_lower, col_upper, row_lower, row_upper = bounds
        whole = _whole_mask(vertex)
        movable = np.flatnonzero((col_lower < col_upper) & whole)
        for extra in FREE:
            free = ~whole
            free[self.rng.choice(movable, min(extra, len(movable)), replace=False)] = True
            panel = self.polytope.integer_point(bounds, free, np.round(vertex))
            if panel is not None:
                return panel
        set_bounds(self.mip, bounds)
        set_cost(self.mip, np.zeros(len(vertex)))
        self.mip.setOptionValue("mip_max_improving_sols", 1)
        self.mip.run()
        return np.round(self.mip.getSolution().col_value) if has_solution(self.mip) else None


def _whole_mask(x: np.ndarray) -> np.ndarray:
    return np.abs(x - np.round(x)) < 1e-9


def _whole(x: np.ndarray) -> bool:
    return bool(np.all(_whole_mask(x)))


def _column_generation(r: np.ndarray, start: list[np.ndarray], bounds: tuple[np.ndarray, ...],
                       finder: _PanelFinder, *,
                       final: bool) -> tuple[list[np.ndarray], np.ndarray] | None:
    """Panels and weights whose lottery gives ``r``, all on the face ``bounds``.

    Returns None when the face's panels cannot make ``r``; raises ``NotALottery`` instead when
    ``final`` (the face is the whole polytope).
    """
    rows = np.flatnonzero(bounds[0] < bounds[1])  # other columns are equal on the whole face
    master = _Master(r, rows)
    seen = set()
    for panel in start:
        seen.add(panel.tobytes())
        master.add(panel)
    price = np.zeros(len(r))
    for _ in range(10 * len(r) + 100):
        t, price[rows], lottery_price = master.solve()
        if t >= 1 - DONE:
            return master.panels, master.weights()

        def improving(panels: list[np.ndarray]) -> list[np.ndarray]:
            return [p for p in panels if price @ p > lottery_price + 1e-10  # noqa: B023
                    and p.tobytes() not in seen]

        panels, bound = finder.priced(bounds, price, perturbed=8)
        better = improving(panels)
        if not better and bound > lottery_price + 1e-10:
            panels, bound = finder.exact(bounds, price)
            better = improving(panels)
        if not better:  # proven: no panel on this face improves the lottery
            if final:
                scale = float(price @ r)
                raise NotALottery(price / scale, lottery_price / scale + 1e-9)
            return None
        for panel in better:
            seen.add(panel.tobytes())
            master.add(panel)
    raise RuntimeError("column generation did not converge")


class _Master:
    """max t  subject to  sum_P q_P v_P[g] >= t r_g (g in rows),  sum_P q_P = 1,  q >= 0."""

    def __init__(self, r: np.ndarray, rows: np.ndarray):
        self.rows, self.panels = rows, []
        self.h = new_highs()
        self.h.setOptionValue("simplex_strategy", 4)  # primal simplex: columns keep it feasible
        self.h.setOptionValue("presolve", "off")
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        n = len(rows)
        self.h.addRows(n, np.zeros(n), np.full(n, np.inf), 0, np.zeros(0, dtype=np.int32),
                       np.zeros(0, dtype=np.int32), np.zeros(0))
        self.h.addRows(1, np.ones(1), np.ones(1), 0, np.zeros(0, dtype=np.int32),
                       np.zeros(0, dtype=np.int32), np.zeros(0))
        self.h.addCols(1, np.ones(1), np.zeros(1), np.ones(1), n, np.zeros(1, dtype=np.int32),
                       np.arange(n, dtype=np.int32), -r[rows])

    def add(self, panel: np.ndarray) -> None:
        counts = panel[self.rows]
        nz = np.flatnonzero(counts)
        index = np.append(nz, len(self.rows)).astype(np.int32)
        self.h.addCols(1, np.zeros(1), np.zeros(1), np.full(1, np.inf), len(index),
                       np.zeros(1, dtype=np.int32), index, np.append(counts[nz], 1.0))
        self.panels.append(panel)

    def solve(self) -> tuple[float, np.ndarray, float]:
        """Coverage ``t``, dual prices per row and the dual price of a whole lottery."""
        self.h.run()
        duals = np.abs(np.array(self.h.getSolution().row_dual))
        return self.h.getInfo().objective_function_value, duals[:-1], float(duals[-1])

    def weights(self) -> np.ndarray:
        return np.maximum(np.array(self.h.getSolution().col_value[1:]), 0.0)
