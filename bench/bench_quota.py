"""Quota draws on realistic pools: time, quotas met, fairness against its bound, peak memory.

1. Survey sample: 1,000 from a pool of 100,000 on 6 dimensions (goal: < 2 s, every quota met).
2. Fair panels: 200 from 2,000 on 5 dimensions and 110 from 1,700 on 7 (goal: < 30 s each, the
   smallest selection chance equal to the linear-programming upper bound within 1e-6).
3. A pool that is 12 disjoint panels, each meeting every quota: a fair lottery can give everyone
   exactly k/n and nobody can have more, so the smallest chance found must be k/n (within 1e-9).
4. Peak memory of each draw (goal: < 1 GB).

Pools are the demo's volunteers (``bench.quota_pools``: older, more owner-occupiers, fewer young
men than the Census), one person per household; quotas are the Census 2021 Burnley shares of
the default target set, with the tolerance shown; ethnic group keeps its 19 categories (the
fair cases are feasible with them). There is no economic activity target to use (none for
Burnley is shipped), so the seventh dimension is religion. Everything is seeded: same figures
every run (times apart).

Each case runs in a fresh process (spawn) that imports only ``quota``, so its memory is the
draw's own. HiGHS allocates in C, out of tracemalloc's sight, so the figure is the process's
peak resident set: VmHWM from /proc/self/status. (``ru_maxrss`` is no good here: on Linux a
process started by fork and exec keeps the parent's peak in it, and the parent holds the pools.)
Wall and CPU seconds are both shown: on a busy shared machine the CPU figure is the fairer one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from bench.timing import print_table
from quota.fairness import draw_fair_panel
from quota.problem import Pool, Quota
from quota.sampling import draw_survey_sample

SEED = 2021  # the volunteers
DRAW_SEEDS = (1, 2, 3)  # survey samples are quick: the median of three draws
SURVEY_DIMENSIONS = ("age_band", "sex", "ethnic_group", "ward", "tenure", "disability")
FAIR_5 = ("age_band", "sex", "ethnic_group", "ward", "tenure")
FAIR_7 = (*FAIR_5, "disability", "religion")  # no Census target for economic activity is shipped
EXACT_PANELS = 12
MEMORY_GOAL_MB = 1024


@dataclass(frozen=True)
class Case:
    name: str
    mode: str  # "survey" or "fair"
    pool_size: int
    size: int
    dimensions: tuple[str, ...]
    tolerance: int
    seeds: tuple[int, ...] = (1,)
    goal_seconds: float = 30.0


CASES = (
    Case("survey 1,000 of 100,000", "survey", 100_000, 1_000, SURVEY_DIMENSIONS, 0,
         DRAW_SEEDS, 2.0),
    Case("fair 200 of 2,000", "fair", 2_000, 200, FAIR_5, 2),
    Case("fair 110 of 1,700", "fair", 1_700, 110, FAIR_7, 2),
)
EXACT = Case(f"fair, {EXACT_PANELS} whole panels", "fair", 0, 100, FAIR_5, 0)


def main() -> None:
    from bench.quota_pools import census_shares, union_of_panels, volunteer_pool
    from quota.targets import quotas_from_shares

    started = time.perf_counter()
    results: list[tuple[Case, Pool, dict[str, Any]]] = []
    for case in (*CASES, EXACT):
        quotas = quotas_from_shares(census_shares(case.dimensions), case.size, case.tolerance)
        if case is EXACT:
            source = volunteer_pool(20_000, case.dimensions, SEED + 1)
            with quiet_stdout():  # the HiGHS banner
                pool = union_of_panels(source, quotas, case.size, EXACT_PANELS, seed=SEED)
        else:
            pool = volunteer_pool(case.pool_size, case.dimensions, SEED)
        if not results:
            print_bias(pool, census_shares(SURVEY_DIMENSIONS))
        results.append((case, pool, in_fresh_process(case, pool, quotas)))

    print("\nSurvey sample: a simple random sample corrected to meet every quota")
    print_table([survey_row(case, pool, r) for case, pool, r in results if case.mode == "survey"])
    print("\nFair panels: leximin lottery; smallest selection chance beside the LP upper bound")
    print_table([fair_row(case, pool, r) for case, pool, r in results
                 if case.mode == "fair" and case is not EXACT])
    print(f"\nA pool of {EXACT_PANELS} disjoint panels, each meeting every quota exactly: the "
          "fair answer is k/n for everyone")
    print_table([exact_row(case, pool, r) for case, pool, r in results if case is EXACT])
    print("\nPeak memory of each draw (a fresh process that imports only quota)")
    print_table([memory_row(case, r) for case, _, r in results])
    print()
    for case in (*CASES, EXACT):
        print(f"{case.name}: {', '.join(case.dimensions)}")
    print("ethnic_group: its 19 Census categories; one person per household; "
          f"pools from the demo generator (seed {SEED}); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          f"whole run {time.perf_counter() - started:.0f} s")


def print_bias(pool: Pool, census: dict[str, dict[str, float]]) -> None:
    """How the volunteers differ from the Census (the 100,000 pool), so quotas have work to do."""
    from bench.quota_pools import share_in_pool

    rows = []
    for label, wanted in (
        ("aged 16-24", {"age_band": ["16_24"]}),
        ("aged 65+", {"age_band": ["65_74", "75_plus"]}),
        ("male", {"sex": ["male"]}),
        ("men aged 16-34", {"sex": ["male"], "age_band": ["16_24", "25_34"]}),
        ("owner-occupiers", {"tenure": ["owns_outright", "owns_with_mortgage"]}),
        ("private renters", {"tenure": ["private_rent_landlord", "private_rent_other"]}),
        ("Asian or Asian British", {"ethnic_group": [c for c in census["ethnic_group"]
                                                     if c.startswith("asian")]}),
    ):
        if len(wanted) == 1:
            dimension, categories = next(iter(wanted.items()))
            expected = f"{sum(census[dimension][c] for c in categories):.1%}"
        else:
            expected = "–"  # age by sex for 16+ is not in the shipped Census figures
        rows.append({"who": label, "Census 2021 share": expected,
                     f"pool of {len(pool):,}": f"{share_in_pool(pool, **wanted):.1%}"})
    print("The volunteer pool against the Census (Burnley)")
    print_table(rows)


def in_fresh_process(case: Case, pool: Pool, quotas: Sequence[Quota]) -> dict[str, Any]:
    """Run ``case``'s draws in a new interpreter (spawn); its figures come back as a dict."""
    with ProcessPoolExecutor(max_workers=1,
                             mp_context=multiprocessing.get_context("spawn")) as executor:
        return executor.submit(draw_in_child, case, pool, list(quotas)).result()


def draw_in_child(case: Case, pool: Pool, quotas: list[Quota]) -> dict[str, Any]:
    """In the fresh process: draw once per seed; times, checks and memory."""
    draw = draw_survey_sample if case.mode == "survey" else draw_fair_panel
    figures: dict[str, Any] = {"wall": [], "cpu": [], "met": True, "error": None,
                               "before_mb": peak_rss_mb()}
    with quiet_stdout():  # HiGHS prints a banner from C when the first model is made
        for seed in case.seeds:
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                selection = draw(pool, quotas, case.size, seed=seed)
            except Exception as error:  # reported in the table, not raised
                figures["error"] = f"{type(error).__name__}: {error}".splitlines()[0]
                break
            figures["wall"].append(time.perf_counter() - start)
            figures["cpu"].append(time.process_time() - start_cpu)
            figures["met"] &= selection.quotas_met and len(selection.selected) == case.size
            if selection.lottery is not None:
                lottery = selection.lottery
                figures.update(minimum=lottery.minimum, bound=lottery.upper_bound,
                               panels=len(lottery.weights), groups=len(lottery.groups))
    figures["peak_mb"] = peak_rss_mb()
    return figures


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM; ``ru_maxrss`` where there is no /proc)."""
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def seconds(figures: dict[str, Any]) -> tuple[str, str]:
    if not figures["wall"]:
        return "–", "–"
    return (f"{statistics.median(figures['wall']):.2f}",
            f"{statistics.median(figures['cpu']):.2f}")


def described(case: Case, pool: Pool) -> dict[str, object]:
    return {"case": case.name, "pool": f"{len(pool):,}", "dimensions": len(case.dimensions),
            "tolerance": f"±{case.tolerance}"}


def survey_row(case: Case, pool: Pool, figures: dict[str, Any]) -> dict[str, object]:
    wall, cpu = seconds(figures)
    fast = bool(figures["wall"]) and statistics.median(figures["wall"]) < case.goal_seconds
    met = figures["met"] and figures["error"] is None
    return {**described(case, pool), "draws": len(figures["wall"]), "wall s (median)": wall,
            "max s": f"{max(figures['wall']):.2f}" if figures["wall"] else "–",
            "cpu s": cpu, "quotas met": figures["error"] or yes(met),
            "goal": f"< {case.goal_seconds:.0f} s, quotas met", "goal met": yes(fast and met)}


def fair_row(case: Case, pool: Pool, figures: dict[str, Any]) -> dict[str, object]:
    wall, cpu = seconds(figures)
    if figures["error"]:
        return {**described(case, pool), "wall s": wall, "error": figures["error"],
                "goal met": "NO"}
    gap = figures["bound"] - figures["minimum"]
    fast = figures["wall"][0] < case.goal_seconds
    return {**described(case, pool), "wall s": wall, "cpu s": cpu,
            "minimum": f"{figures['minimum']:.9f}", "LP bound": f"{figures['bound']:.9f}",
            "bound - min": f"{gap:.1e}", "panels": figures["panels"],
            "groups": figures["groups"], "quotas met": yes(figures["met"]),
            "goal": f"< {case.goal_seconds:.0f} s, gap <= 1e-6",
            "goal met": yes(fast and abs(gap) <= 1e-6 and figures["met"])}


def exact_row(case: Case, pool: Pool, figures: dict[str, Any]) -> dict[str, object]:
    k_over_n = case.size / len(pool)
    wall, cpu = seconds(figures)
    if figures["error"]:
        return {**described(case, pool), "k/n": f"{k_over_n:.9f}", "error": figures["error"],
                "goal met": "NO"}
    gap = k_over_n - figures["minimum"]
    return {**described(case, pool), "k": case.size, "k/n": f"{k_over_n:.12f}",
            "minimum": f"{figures['minimum']:.12f}", "k/n - min": f"{gap:.1e}",
            "LP bound": f"{figures['bound']:.12f}", "panels": figures["panels"],
            "wall s": wall, "cpu s": cpu, "goal": "|k/n - min| <= 1e-9",
            "goal met": yes(abs(gap) <= 1e-9 and figures["met"])}


def memory_row(case: Case, figures: dict[str, Any]) -> dict[str, object]:
    return {"case": case.name, "before the draw MB": f"{figures['before_mb']:,.0f}",
            "peak RSS MB": f"{figures['peak_mb']:,.0f}", "goal": f"< {MEMORY_GOAL_MB:,} MB",
            "goal met": yes(figures["peak_mb"] < MEMORY_GOAL_MB)}
