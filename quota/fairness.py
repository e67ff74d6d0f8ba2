"""Fair panels: quotas met exactly, and selection chances as equal as the quotas allow. PURE.

The lottery is leximin (Flanigan et al., Nature 2021): it maximises the smallest selection
probability of anyone in the pool, then the next smallest, and so on. It works on groups of
interchangeable people (``quota.groups``), which makes the problem far smaller than the pool:

1. ``quota.leximin`` finds the leximin expected counts over the linear relaxation of the panels,
   an upper bound, level by level, on what any lottery can give (stage one's value is the bound
   on the smallest probability, printed next to the achieved minimum).
2. ``quota.decompose`` writes those expected counts as a lottery over whole panels. If it cannot,
   it returns an inequality every whole panel meets and the target breaks; the inequality is added
   to the polytope (the bound stays valid) and step 1 runs again. When decomposition succeeds the
   lottery meets the bound, so it is optimal; the gap is reported either way.
3. One panel is drawn from the lottery with the seeded generator, and its people are chosen
   uniformly at random within each group, so everyone's chance is exactly their group's.

Each person's probability is their group's expected count over its size.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np

from quota.decompose import NotALottery, decompose
from quota.feasibility import check_feasible
from quota.groups import Instance, build_instance
from quota.leximin import leximin_relaxation
from quota.polytope import HIGHS
from quota.problem import Lottery, PersonId, Pool, Quota, Selection
from quota.reserves import finish_draw

ALGORITHM = ("fair panel: leximin selection probabilities (Flanigan et al. 2021) over groups of "
             f"interchangeable people, by linear programming and column generation ({HIGHS})")
MAX_CUTS = 50
UNSELECTABLE = 1e-9  # a chance this small is zero: in no panel of the lottery at all


def draw_fair_panel(pool: Pool, quotas: Iterable[Quota], size: int, *, seed: int,
                    kept: Iterable[PersonId] = (), reserves: int | None = None) -> Selection:
    """Select ``size`` people by the leximin lottery, plus ranked reserves.

    Raises ``QuotaInfeasible`` (with the conflicting quotas explained) when no panel meets the
    quotas, and ``QuotaInputError`` for inputs that do not make sense.
    """
    started = time.perf_counter()
    instance = build_instance(pool, quotas, size, kept)
    check_feasible(instance)
    rng = np.random.default_rng(seed)
    lottery, panels = fair_lottery(instance, rng)
    counts = panels[rng.choice(len(lottery.weights), p=np.asarray(lottery.weights))]
    return finish_draw(instance, counts, rng, reserves=reserves, seed=seed, algorithm=ALGORITHM,
                       first_step=("lottery", time.perf_counter() - started), lottery=lottery)


def fair_lottery(instance: Instance, rng: np.random.Generator) -> tuple[Lottery, np.ndarray]:
    """The leximin lottery over whole panels (and its panels as counts per group)."""
    polytope = instance.polytope
    capacity = instance.capacity.astype(float)
    for _ in range(MAX_CUTS):
        target = leximin_relaxation(polytope, capacity)
        try:
            found = decompose(polytope, target.expected, rng)
        except NotALottery as cut:
            polytope = polytope.with_row(cut.coefficients, -np.inf, cut.rhs)
            continue
        break
    else:
        raise RuntimeError("fair lottery: too many cutting planes")
    expected = found.weights @ found.panels
    group_probability = expected / capacity
    probabilities: dict[PersonId, float] = {instance.ids[int(i)]: 1.0 for i in instance.kept}
    for g, members in enumerate(instance.slots):
        for person in members.ravel():
            probabilities[instance.ids[int(person)]] = float(group_probability[g])
    for pid in instance.ids:
        probabilities.setdefault(pid, 0.0)  # shares a household with someone kept
    can_be_drawn = group_probability > UNSELECTABLE
    people_at_zero = len(instance.ids) - len(instance.kept) - int(capacity[can_be_drawn].sum())
    lottery = Lottery(
        groups=tuple(tuple(instance.ids[int(p)] for p in sorted(m.ravel())) for m in
                     instance.slots),
        panels=tuple(tuple(int(c) for c in panel) for panel in found.panels),
        weights=tuple(float(w) for w in found.weights),
        probabilities={pid: probabilities[pid] for pid in instance.ids},
        minimum=(float(group_probability[can_be_drawn].min()) if can_be_drawn.any()
                 else float(target.bound)),  # nobody left to draw: nothing to compare
        upper_bound=float(target.bound),
        unselectable=people_at_zero,
    )
    return lottery, found.panels

