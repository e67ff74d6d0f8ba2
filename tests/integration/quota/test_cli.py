"""``flask quota draw`` on CSV files (DESIGN §5c): results written, infeasible → exit 2."""

from __future__ import annotations

import csv
import json

import pytest

from quota.cli import draw_command

POOL = [("id", "sex", "age", "address")] + [
    (f"p{i}", "F" if i % 2 else "M", ("16-34", "35-64", "65+")[i % 3], f"{i // 2} High St")
    for i in range(60)]
TARGETS = [("feature", "value", "min", "max"), ("sex", "F", 5, 5), ("sex", "M", 5, 5),
           ("age", "16-34", 3, 4), ("age", "35-64", 3, 4), ("age", "65+", 3, 4)]


def read(path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write(path, rows) -> None:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture
def files(tmp_path):
    write(tmp_path / "pool.csv", POOL)
    write(tmp_path / "targets.csv", TARGETS)
    return tmp_path


def run(app, files, *extra):
    return app.test_cli_runner().invoke(draw_command, [
        "--pool", str(files / "pool.csv"), "--targets", str(files / "targets.csv"),
        "--size", "10", "--out", str(files / "out"), *extra])


@pytest.mark.parametrize("mode", ["fair", "survey"])
def test_a_draw_writes_the_four_files(app, files, mode):
    result = run(app, files, "--mode", mode, "--seed", "4", "--household", "address")
    assert result.exit_code == 0, result.output
    selected = [r["id"] for r in read(files / "out" / "selected.csv")]
    assert len(selected) == 10
    houses = {int(pid[1:]) // 2 for pid in selected}
    assert len(houses) == 10  # one per household
    report = json.loads((files / "out" / "report.json").read_text())
    assert report["quotas_met"] and report["seed"] == 4
    assert all(c["min"] <= c["achieved"] <= c["max"] for c in report["categories"])
    reserves = read(files / "out" / "reserves.csv")
    assert [r["rank"] for r in reserves] == [str(i) for i in range(1, len(reserves) + 1)]
    if mode == "fair":
        chances = [float(r["probability"]) for r in read(files / "out" / "probabilities.csv")]
        assert len(chances) == 60 and sum(chances) == pytest.approx(10)
        assert report["minimum_probability"] == pytest.approx(report["optimality_bound"],
                                                              abs=1e-6)
    again = run(app, files, "--mode", mode, "--seed", "4", "--household", "address")
    assert again.exit_code == 0
    assert [r["id"] for r in read(files / "out" / "selected.csv")] == selected


def test_impossible_targets_exit_2_with_the_fix_on_stderr(app, files):
    write(files / "targets.csv", [*TARGETS[:1], ("sex", "F", 9, 10), *TARGETS[2:]])
    result = run(app, files, "--mode", "survey")
    assert result.exit_code == 2
    assert "lower the minimum" in result.stderr or "raise the maximum" in result.stderr
    assert not (files / "out").exists()


def test_bad_files_are_explained(app, files):
    write(files / "targets.csv", [("dimension", "category", "min", "max"), ("sex", "F", "x", 5)])
    result = run(app, files, "--mode", "survey")
    assert result.exit_code == 1
    assert "min must be a whole number" in result.stderr
