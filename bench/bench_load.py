"""The survey answer page under load: 50 residents at once (locust), gunicorn, PostgreSQL.

Goal: the answer page (GET and POST of a survey page) p95 < 150 ms, with zero failed requests.
Each run DROPs and CREATEs the ``civic_panel_load`` database, migrates and seeds it (a 2,000
resident demo panel, one open three-page survey, 2,000 invitations: ``bench/load_seed.py``),
serves it with gunicorn (production config, 2 workers), runs ``bench/locustfile.py`` headless
as a subprocess (50 users, 10 started a second, 30 s; each user thinks 1–3 s before sending a
page) and prints locust's figures per step. The load generator shares this machine's cores with
the server, so compare figures only within one run.

Settings (environment): LOAD_POSTGRES (server, default postgresql://postgres@127.0.0.1:5432),
LOAD_USERS, LOAD_DURATION (e.g. 30s), LOAD_WORKERS, and the locustfile's LOAD_WAIT and
LOAD_SAVE_SHARE. Skips, saying why, when PostgreSQL, gunicorn or locust is missing.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.load_seed import postgres_problem, recreate_database, seed
from bench.timing import print_table

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("LOAD_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
USERS = int(os.environ.get("LOAD_USERS", "50"))
SPAWN_RATE = 10
DURATION = os.environ.get("LOAD_DURATION", "30s")
WORKERS = int(os.environ.get("LOAD_WORKERS", "2"))
INVITATIONS = 2000
GOAL_MS = 150
GOAL_STEPS = ("answer page GET", "answer page POST")
STEPS = ("start link GET", *GOAL_STEPS, "save for later POST", "check page GET", "submit POST",
         "thank-you GET")


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) \
        if path.exists() else "(no log)"


def start_server(gunicorn: str, url: str, secret_key: str, port: int,
                 tmp: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secret_key,
           "CIVIC_PANEL_ENV": "production",
           "SESSION_COOKIE_SECURE": "0",          # plain HTTP on 127.0.0.1
           "RATELIMIT_STORAGE_URI": "memory://",  # only sign-in is limited; no Redis needed
           "MAIL_SEND_AFTER_REQUEST": "0", "JOBS_RUN_AFTER_REQUEST": "0"}
    return subprocess.Popen(  # noqa: S603 (our own fixed command line)
        [gunicorn, "--chdir", str(ROOT), "-p", str(tmp / "gunicorn.pid"), "-w", str(WORKERS),
         "-b", f"127.0.0.1:{port}", "--no-control-socket",
         "--error-logfile", str(tmp / "gunicorn.log"), "wsgi:app"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path,
                  timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{_tail(log)}")
        with (contextlib.suppress(OSError),  # not listening yet: try again shortly
              urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",  # noqa: S310
                                     timeout=2) as response):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{_tail(log)}")


def warm_up(port: int, plan: Path, requests: int = 20) -> None:
    """Render the first page a few times so that each worker has compiled its templates."""
    link = json.loads(plan.read_text())["warm_up"]
    for _ in range(requests):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{link}/1",  # noqa: S310
                                    timeout=10) as response:
            response.read()


def worker_cpu_seconds(master: int) -> float:
    """CPU seconds (user + system) the master's worker processes have used (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that has just ended
        if int(fields[1]) == master:  # parent pid; then utime and stime, in clock ticks
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def stop_server(process: subprocess.Popen[bytes], pidfile: Path) -> None:
    """SIGTERM the master named in the pidfile (the process itself if there is none)."""
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        pid = process.pid
    if process.poll() is None:
        os.kill(pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_locust(locust: str, port: int, plan: Path, out: Path) -> int:
    log = out.with_suffix(".log")
    with log.open("wb") as output:
        done = subprocess.run(  # noqa: S603 (our own fixed command line)
            [locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", DURATION,
             "--host", f"http://127.0.0.1:{port}", "--csv", str(out), "--only-summary",
             "--loglevel", "WARNING"],
            env={**os.environ, "LOAD_PLAN": str(plan)}, stdout=output,
            stderr=subprocess.STDOUT, timeout=600, check=False)
    return done.returncode


def _ms(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None  # "N/A" when a step had no requests


def read_stats(out: Path) -> list[dict[str, object]]:
    with Path(f"{out}_stats.csv").open(newline="") as f:
        found = {row["Name"]: row for row in csv.DictReader(f)}
    rows = []
    for name in (*STEPS, *(n for n in found if n not in STEPS and n != "Aggregated"),
                 "Aggregated"):
        row = found.get(name)
        if row is None:
            continue
        p95 = _ms(row["95%"])
        failures = int(row["Failure Count"])
        goal = "–"
        if name in GOAL_STEPS:
            goal = "yes" if p95 is not None and p95 < GOAL_MS and failures == 0 else "NO"
        rows.append({"step": "all requests" if name == "Aggregated" else name,
                     "requests": int(row["Request Count"]), "failures": failures,
                     "median ms": _ms(row["Median Response Time"]), "p95 ms": p95,
                     "p99 ms": _ms(row["99%"]), "req/s": float(row["Requests/s"]),
                     "goal met": goal})
    return rows


def failure_messages(out: Path, most: int = 5) -> list[str]:
    path = Path(f"{out}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: -int(r["Occurrences"]))
    return [f"{r['Occurrences']} x {r['Name']}: {r['Error']}" for r in rows[:most]]


def verdict(rows: list[dict[str, object]]) -> bool:
    goal_rows = [r for r in rows if r["step"] in GOAL_STEPS]
    total = next((r for r in rows if r["step"] == "all requests"), None)
    return (len(goal_rows) == len(GOAL_STEPS) and all(r["goal met"] == "yes" for r in goal_rows)
            and total is not None and total["failures"] == 0)


def main() -> None:
    gunicorn, locust = _tool("gunicorn"), _tool("locust")
    problem = postgres_problem(SERVER) or (
        None if gunicorn and locust else "gunicorn and locust are not installed (make install)")
    if problem:
        print(f"skipped: {problem}")
        return
    busy = os.getloadavg()[0]  # other work on the machine skews the figures: say how much
    with tempfile.TemporaryDirectory(prefix="civic-load-") as name:
        tmp = Path(name)
        started = time.perf_counter()
        url, secret_key = recreate_database(SERVER), secrets.token_urlsafe(32)
        made = seed(url, secret_key, INVITATIONS, tmp / "plan.json")
        seeding = time.perf_counter() - started
        port = _free_port()
        server = start_server(gunicorn, url, secret_key, port, tmp)
        try:
            wait_until_up(server, port, tmp / "gunicorn.log")
            warm_up(port, tmp / "plan.json")
            cpu = worker_cpu_seconds(server.pid)
            code = run_locust(locust, port, tmp / "plan.json", tmp / "out")
            cpu = worker_cpu_seconds(server.pid) - cpu
        finally:
            stop_server(server, tmp / "gunicorn.pid")
        if not Path(f"{tmp / 'out'}_stats.csv").exists():
            print(f"locust wrote no figures (exit {code}):\n{_tail(tmp / 'out.log')}")
            return
        rows = read_stats(tmp / "out")
        failures = failure_messages(tmp / "out")
    think = os.environ.get("LOAD_WAIT", "1,3").replace(",", "–")
    print(f"{USERS} users ({SPAWN_RATE}/s, {think} s think time) for {DURATION} against "
          f"gunicorn -w {WORKERS} on "
          f"PostgreSQL; {made['residents']:,} residents, {made['invitations']:,} invitations, "
          f"{made['questions']} questions on 3 pages (seeded in {seeding:.0f} s); "
          f"locust exit {code}; load average before {busy:.1f}, after "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print_table(rows)
    served = rows[-1]["requests"] if rows else 0
    if served:
        print(f"gunicorn workers' CPU: {cpu:.1f} s, {cpu * 1000 / served:.1f} ms a request "
              "(PostgreSQL's own CPU not included)")
    for line in failures:
        print(f"  failure: {line}")
    met = "yes" if verdict(rows) else "NO"
    print(f"goal (answer page GET and POST p95 < {GOAL_MS} ms, zero failures) met: {met}")
