"""A draw on files: read a pool and targets from CSV, write the results. PURE (pandas, no Flask).

The layout follows the Sortition Foundation's convention so that volunteer lists from elsewhere
can be used as they are: ``pool.csv`` has an ``id`` column and one column per dimension;
``targets.csv`` has ``dimension,category,min,max`` (or ``feature,value,min,max``) per row.
Everything is checked before anything is drawn; each problem is one plain-English sentence.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from quota.problem import Pool, Quota, QuotaInputError, Selection

TARGET_HEADERS = (("dimension", "category"), ("feature", "value"))


def read_targets(path: Path) -> list[Quota]:
    frame = _read_csv(path, "targets")
    columns = {c.strip().lower(): c for c in frame.columns}
    names = next((pair for pair in TARGET_HEADERS if all(c in columns for c in pair)), None)
    missing = [c for c in ("min", "max") if c not in columns]
    if names is None or missing:
        raise QuotaInputError([f"{path.name}: the columns must be dimension,category,min,max "
                               "(or feature,value,min,max)."])
    problems, quotas = [], []
    for line, row in enumerate(frame.to_dict("records"), start=2):
        dimension, category = (str(row[columns[c]]).strip() for c in names)
        bounds = []
        for bound in ("min", "max"):
            text = str(row[columns[bound]]).strip()
            if not text.isdigit():
                problems.append(f"{path.name} line {line}: {bound} must be a whole number of "
                                f"people (0 or more), not '{text}'.")
            bounds.append(int(text) if text.isdigit() else 0)
        if not dimension or not category:
            problems.append(f"{path.name} line {line}: the dimension and category are needed.")
        quotas.append(Quota(dimension, category, bounds[0], bounds[1]))
    if not quotas:
        problems.append(f"{path.name}: there are no targets.")
    if problems:
        raise QuotaInputError(problems)
    return quotas


def read_pool(path: Path, dimensions: Sequence[str],
              household_columns: Sequence[str] = ()) -> Pool:
    frame = _read_csv(path, "pool")
    wanted = ["id", *dimensions, *household_columns]
    missing = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if missing:
        raise QuotaInputError([f"{path.name}: no column {', '.join(missing)} (the pool needs an "
                               "id column and one column per dimension in the targets)."])
    ids = frame["id"].str.strip()
    if (ids == "").any():
        raise QuotaInputError([f"{path.name}: some rows have no id."])
    numeric = ids.str.fullmatch(r"\d+").all()
    households = None
    if household_columns:
        households = frame[list(household_columns)].apply(
            lambda row: "\x1f".join(v.strip().lower() for v in row), axis=1).tolist()
    return Pool(
        ids=[int(i) for i in ids] if numeric else ids.tolist(),
        profiles={d: frame[d].str.strip().tolist() for d in dimensions},
        households=households,
    )


def write_results(selection: Selection, out: Path, report: dict[str, object]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "selected.csv", ["id"], [[pid] for pid in selection.selected])
    _write(out / "reserves.csv", ["id", "rank"],
           [[pid, rank] for rank, pid in enumerate(selection.reserves, start=1)])
    if selection.lottery is not None:
        _write(out / "probabilities.csv", ["id", "probability"],
               [[pid, f"{p:.12g}"] for pid, p in selection.lottery.probabilities.items()])
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def report_of(selection: Selection, *, pool_size: int, size: int, mode: str) -> dict[str, object]:
    lottery = selection.lottery
    return {
        "mode": mode,
        "size": size,
        "pool": pool_size,
        "seed": selection.seed,
        "algorithm": selection.algorithm,
        "quotas_met": selection.quotas_met,
        "categories": [
            {"dimension": t.dimension, "category": t.category, "min": t.min, "max": t.max,
             "target": t.target, "achieved": t.achieved, "in_pool": t.pool}
            for t in selection.tallies
        ],
        "minimum_probability": None if lottery is None else lottery.minimum,
        "optimality_bound": None if lottery is None else lottery.upper_bound,
        "people_who_cannot_be_selected": None if lottery is None else lottery.unselectable,
        "panels_in_lottery": None if lottery is None else len(lottery.weights),
        "reserves": len(selection.reserves),
        "timings_seconds": {k: round(v, 4) for k, v in selection.timings.items()},
    }


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise QuotaInputError([f"The {what} file {path} does not exist."]) from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise QuotaInputError([f"{path.name} is not a readable CSV file ({error})."]) from error


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
