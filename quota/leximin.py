"""The leximin selection probabilities of the linear relaxation: the fairest any lottery could give.

PURE. A lottery over panels gives each group ``g`` an expected count ``x_g``, and each of its
``n_g`` members the probability ``x_g / n_g``. Expected counts of lotteries over real (whole)
panels form the convex hull of those panels, which lies inside ``P``, the polytope of the
relaxation (``quota.polytope``). Over ``P`` each leximin stage is one linear programme:

    maximise z   subject to   x in P,   x_g >= n_g z  (groups not yet fixed),
                                        x_g >= n_g f_g (groups fixed at level f_g).

By complementary slackness a group whose row has a positive dual sits at ``z`` in every optimum,
so those groups are fixed at ``z`` and the next stage raises the rest; at least one group is fixed
per stage. Since the hull of real panels lies inside ``P``, the result is an upper bound, level
by level, on any lottery: stage one's ``z`` is the upper bound on the minimum probability. When
``quota.decompose`` writes the expected counts as a lottery over real panels, that lottery is
leximin-optimal.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from quota.polytope import Polytope, has_solution, new_highs

FIX_MARGIN = 1e-10  # fixed levels are held this far below the optimum, for round-off


@dataclass(frozen=True)
class LeximinTarget:
    expected: np.ndarray    # expected count per group
    probability: np.ndarray  # per group: expected / capacity
    bound: float            # no lottery gives everyone more than this
    stages: int


def leximin_relaxation(polytope: Polytope, capacity: np.ndarray) -> LeximinTarget:
    g = polytope.num_cols
    if g == 0:
        return LeximinTarget(np.zeros(0), np.zeros(0), 1.0, 0)
    h = new_highs()
    for option, value in (("primal_feasibility_tolerance", 1e-10),
                          ("dual_feasibility_tolerance", 1e-10)):
        h.setOptionValue(option, value)
    polytope.add_to(h, integer=False)
    z = g  # the column of the level being raised
    h.addCols(1, np.ones(1), np.zeros(1), np.ones(1), 0, np.zeros(1, dtype=np.int32),
              np.zeros(0, dtype=np.int32), np.zeros(0))
    first = polytope.num_rows
    starts = np.arange(0, 2 * g, 2, dtype=np.int32)
    index = np.column_stack([np.arange(g), np.full(g, z)]).ravel().astype(np.int32)
    value = np.column_stack([np.ones(g), -capacity.astype(float)]).ravel()
    h.addRows(g, np.zeros(g), np.full(g, np.inf), len(index), starts, index, value)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    unfixed = np.ones(g, dtype=bool)
    bound, stages = 0.0, 0
    while unfixed.any():
        h.run()
        if not has_solution(h):  # cannot happen: the previous optimum is still feasible
            raise RuntimeError(f"leximin stage failed: {h.getModelStatus()}")
        top = h.getInfo().objective_function_value
        if stages == 0:
            bound = top
        stages += 1
        duals = np.abs(np.array(h.getSolution().row_dual[first:first + g]))
        fix = unfixed & (duals > 1e-9)
        if not fix.any():
            fix = unfixed & (duals == duals[unfixed].max())
        for group in np.flatnonzero(fix):
            h.changeCoeff(int(first + group), z, 0.0)
            h.changeRowBounds(int(first + group),
                              max(0.0, capacity[group] * (top - FIX_MARGIN)), np.inf)
        unfixed &= ~fix
    expected = np.array(h.getSolution().col_value[:g])
    return LeximinTarget(expected, expected / capacity, bound, stages)
