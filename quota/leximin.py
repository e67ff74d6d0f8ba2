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
by level, on any lottery: stage one's ``z`` is the upper bound on the minimum probability. A
group left at zero is at zero in every point of ``P`` (else leximin would raise it): those people
can be in no panel at all (a category with a maximum of 0, say), so the bound reported is the
first level above zero, the most the least-favoured person who *can* be selected could get. When
``quota.decompose`` writes the expected counts as a lottery over real panels, that lottery is
leximin-optimal.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from quota.polytope import OPTIMAL, Polytope, new_highs

TOLERANCE = 1e-10  # HiGHS's primal and dual feasibility tolerances
# Fixed groups are held at their level by column bounds, and each stage starts from the last
# optimum (presolve off), which still meets them. (Held by row bounds, with presolve, 7% of
# realistic pools saw a later stage reported infeasible: the last optimum meets the rows only
# within HiGHS's tolerance.) Should a stage still fail, it is solved again from scratch with the
# last groups fixed a little further below their level.
MARGINS = (0.0, 1e-9, 1e-7, 1e-6)
ZERO = 1e-9  # a level this low is zero


@dataclass(frozen=True)
class LeximinTarget:
    expected: np.ndarray    # expected count per group
    probability: np.ndarray  # per group: expected / capacity
    bound: float            # no lottery gives anyone who can be selected at all more than this
    stages: int


def leximin_relaxation(polytope: Polytope, capacity: np.ndarray) -> LeximinTarget:
    g = polytope.num_cols
    if g == 0:
        return LeximinTarget(np.zeros(0), np.zeros(0), 1.0, 0)
    h = new_highs()
    for option, value in (("primal_feasibility_tolerance", TOLERANCE),
                          ("dual_feasibility_tolerance", TOLERANCE),
                          ("presolve", "off")):  # each stage starts from the last optimum
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
    fixed, level = np.zeros(0, dtype=int), 0.0
    bound, stages = 0.0, 0
    while unfixed.any():
        for margin in MARGINS:
            if len(fixed):  # as column bounds: HiGHS handles those natively
                lower = np.minimum(np.maximum(0.0, capacity[fixed] * (level - margin)),
                                   polytope.upper[fixed])
                h.changeColsBounds(len(fixed), fixed.astype(np.int32), lower,
                                   polytope.upper[fixed])
            h.run()
            if h.getModelStatus() == OPTIMAL:
                break
            h.clearSolver()  # start the retry afresh, not from the basis that failed
        else:  # cannot happen: the previous optimum is still feasible
            raise RuntimeError(f"leximin stage failed: {h.getModelStatus()}")
        level = h.getInfo().objective_function_value
        if bound < ZERO:  # the first level above zero: people at zero can never be selected
            bound = level
        stages += 1
        duals = np.abs(np.array(h.getSolution().row_dual[first:first + g]))
        fix = unfixed & (duals > 1e-9)
        if not fix.any():
            fix = unfixed & (duals == duals[unfixed].max())
        fixed = np.flatnonzero(fix)
        for group in fixed:
            h.changeCoeff(int(first + group), z, 0.0)
        unfixed &= ~fix
    expected = np.maximum(np.array(h.getSolution().col_value[:g]), 0.0)
    return LeximinTarget(expected, expected / capacity, bound, stages)
