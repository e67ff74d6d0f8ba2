"""The representativeness dashboard with 100,000 members: the page, its htmx block, the CSV.

Also times the counting query on its own, beside the plain join it replaces, so the choice
in ``panel.representation_figures.count_answers`` can be checked on this machine.

Besides wall-clock time, each request's CPU time is shown: Flask and SQLite run in this one
process and thread, so on an idle machine the two agree, and on a busy shared machine the
CPU figures are the fairer estimate of what the request costs.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from sqlalchemy import text

from bench.demo_app import seeded_app, signed_in_client
from bench.timing import print_table
from core.extensions import db
from panel.models import ResidentStatus

RESIDENTS = 100_000
REQUESTS = 50
PLAIN_JOIN = """
SELECT pa.dimension_id, pa.category_id, count(*) FROM profile_answers pa
JOIN residents r ON r.id = pa.resident_id JOIN users u ON u.id = r.user_id
WHERE r.status = 'active' AND u.verified_at IS NOT NULL
GROUP BY pa.dimension_id, pa.category_id
"""


def measure_both(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    """Wall-clock and CPU milliseconds (p50, p95) over ``repeat`` calls."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)

    def p95(samples: list[float]) -> float:
        return sorted(samples)[max(int(len(samples) * 0.95) - 1, 0)]

    return {"p50_ms": statistics.median(wall), "p95_ms": p95(wall),
            "cpu_p50_ms": statistics.median(cpu), "cpu_p95_ms": p95(cpu)}


def main() -> None:
    from panel.representation_figures import count_answers

    with seeded_app(residents=RESIDENTS) as (app, seed_seconds):
        with app.app_context():
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            queries = [
                {"query": "count_answers (active, confirmed)", "runs": 20, **measure_both(
                    lambda: count_answers((ResidentStatus.ACTIVE,), True), repeat=20)},
                {"query": "count_answers (everyone)", "runs": 20, **measure_both(
                    lambda: count_answers(None, False), repeat=20)},
                {"query": "plain join + GROUP BY (for comparison)", "runs": 20, **measure_both(
                    lambda: db.session.execute(text(PLAIN_JOIN)).all(), repeat=20)},
            ]
            db.session.remove()

        client = signed_in_client(app)
        client.get("/representation/")  # warm up templates and the connection

        print_table([{"what": f"flask demo seed ({RESIDENTS:,} residents)",
                      "seconds": seed_seconds}])
        print()
        print_table(queries)
        print()
        pages = []
        for label, path, headers in (
            ("dashboard (defaults: active, confirmed)", "/representation/", {}),
            ("dashboard, everyone", "/representation/?status=all&verified=any", {}),
            ("htmx block, active and paused", "/representation/?status=current",
             {"HX-Request": "true"}),
            ("CSV download", "/representation/figures.csv", {}),
        ):
            figures = measure_both(lambda p=path, h=headers: client.get(p, headers=h),
                                   repeat=REQUESTS)
            pages.append({"request": label, "requests": REQUESTS, **figures})
        print_table(pages)
        print(f"\ngoal: p95 < 300 ms at {RESIDENTS:,} members; load average now "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures grow with it)")
