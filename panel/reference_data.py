"""Reference data shipped in ``panel/data``: default profile questions, target sets, wards.

Pure: files in, plain frozen dataclasses out (no database, no Flask). The demo seed uses these;
an "import a target set from CSV" page can reuse ``read_targets_csv`` as it is. Sources and how
each file was made: ``panel/data/README.md``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panel.services import DomainError

DATA_DIR = Path(__file__).resolve().parent / "data"
PREFER_NOT_TO_SAY = "prefer_not_to_say"

DEFAULT_TARGET_SET_NAME = "Census 2021 – Burnley residents aged 16+"
DEFAULT_TARGET_SET_SOURCE = (
    "ONS Census 2021 (Open Government Licence v3.0), Burnley (E07000117) and its 15 wards. "
    "Age and ward: residents aged 16+. Sex, ethnic group, disability and religion: all ages "
    "(16+ splits not available here). Tenure: households. Sexual orientation: aged 16+. "
    "'Not answered' left out of religion and sexual orientation. Each margin scaled to add up "
    "to 1. No target for work and study."
)


@dataclass(frozen=True)
class CategorySpec:
    key: str
    label: str
    group_label: str = ""
    prefer_not_to_say: bool = False


@dataclass(frozen=True)
class DimensionSpec:
    key: str
    label: str
    question: str
    hint: str
    why: str
    source: str  # "question" or "derived"
    special_category: bool
    categories: tuple[CategorySpec, ...]
    # Anything else in the file (e.g. disability's two sub-questions and how it is derived).
    details: dict[str, Any] = field(default_factory=dict, compare=False)


def load_default_dimensions(path: Path | None = None) -> list[DimensionSpec]:
    """The default profile questions, in order (``panel/data/dimensions.json``)."""
    raw = json.loads((path or DATA_DIR / "dimensions.json").read_text(encoding="utf-8"))
    return [_dimension(item) for item in raw]


def _dimension(item: dict[str, Any]) -> DimensionSpec:
    known = {"key", "label", "question", "hint", "why", "source", "special_category",
             "categories"}
    categories = tuple(CategorySpec(**c) for c in item["categories"])
    if not categories or categories[-1].key != PREFER_NOT_TO_SAY \
            or not categories[-1].prefer_not_to_say:
        raise ValueError(f"{item['key']}: the last category must be 'Prefer not to say'")
    if item["source"] not in {"question", "derived"}:
        raise ValueError(f"{item['key']}: source must be 'question' or 'derived'")
    return DimensionSpec(
        key=item["key"], label=item["label"], question=item["question"], hint=item["hint"],
        why=item["why"], source=item["source"], special_category=item["special_category"],
        categories=categories, details={k: v for k, v in item.items() if k not in known},
    )


@dataclass(frozen=True)
class TargetRow:
    dimension: str
    category: str
    share: float  # of the dimension's population; each dimension's shares add up to 1
    count: int | None = None
    note: str = ""


_ALIASES = {"feature": "dimension", "value": "category", "proportion": "share", "n": "count"}
SHARE_TOLERANCE = 0.01  # shares given to two decimal places still add up to about 1


def read_targets_csv(lines: Iterable[str]) -> list[TargetRow]:
    """Parse target rows: ``dimension,category,share,count,note`` (``feature,value`` accepted).

    Give a share or a count (or both) on each row. Shares of each dimension must add up to 1
    (within 0.01) and are then scaled to add up to exactly 1; where a dimension lacks shares
    they come from its counts. Raises ``DomainError`` naming the row for anything wrong.
    """
    reader = csv.DictReader(lines)
    headers = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in reader.fieldnames or []]
    missing = {"dimension", "category"} - set(headers)
    if missing or not {"share", "count"} & set(headers):
        raise DomainError("The file needs the columns dimension, category and share or count")
    reader.fieldnames = headers
    parsed: dict[str, list[tuple[str, float | None, int | None, str]]] = {}
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(reader, start=2):
        dimension = (row.get("dimension") or "").strip()
        category = (row.get("category") or "").strip()
        if not dimension and not category:
            continue
        if not dimension or not category:
            raise DomainError(f"Row {number}: enter both a dimension and a category")
        if (dimension, category) in seen:
            raise DomainError(f"Row {number}: {dimension} {category} appears more than once")
        seen.add((dimension, category))
        share, count = _share(row.get("share"), number), _count(row.get("count"), number)
        if share is None and count is None:
            raise DomainError(f"Row {number}: enter a share or a count")
        parsed.setdefault(dimension, []).append(
            (category, share, count, (row.get("note") or "").strip()))
    if not parsed:
        raise DomainError("The file has no targets")
    return [row for dimension, rows in parsed.items() for row in _normalised(dimension, rows)]


def _share(text: str | None, number: int) -> float | None:
    if not (text or "").strip():
        return None
    try:
        share = float(text)  # type: ignore[arg-type]
    except ValueError:
        share = math.nan
    if not 0 <= share <= 1:
        raise DomainError(f"Row {number}: the share must be a number from 0 to 1, like 0.25")
    return share


def _count(text: str | None, number: int) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise DomainError(f"Row {number}: the count must be a whole number, like 1250")
    return int(text)


def _normalised(dimension: str, rows: list[tuple[str, float | None, int | None, str]]
                ) -> list[TargetRow]:
    if all(share is not None for _, share, _, _ in rows):
        weights = [float(share) for _, share, _, _ in rows]  # type: ignore[arg-type]
        total = sum(weights)
        if abs(total - 1) > SHARE_TOLERANCE:
            hint = " If they are percentages, divide them by 100." if 90 < total < 110 else ""
            raise DomainError(
                f"The shares for {dimension} add up to {total:.3f}, not 1.{hint}")
    elif all(count is not None for _, _, count, _ in rows):
        weights = [float(count) for _, _, count, _ in rows]  # type: ignore[arg-type]
        total = sum(weights)
        if total <= 0:
            raise DomainError(f"The counts for {dimension} add up to 0")
    else:
        raise DomainError(f"Give every {dimension} row a share, or give every row a count")
    return [TargetRow(dimension, category, weight / total, count, note)
            for (category, _, count, note), weight in zip(rows, weights, strict=True)]


def load_default_targets() -> list[TargetRow]:
    """The default target set: Census 2021, Burnley residents aged 16+ (see the notes)."""
    with (DATA_DIR / "burnley_targets.csv").open(encoding="utf-8", newline="") as stream:
        return read_targets_csv(stream)


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    aged_16plus: int
    age_counts: tuple[int, ...]  # 16-24, 25-34, 35-44, 45-54, 55-64, 65-74, 75+
    ethnic_counts: dict[str, int]  # white, mixed, asian, black, other (all ages)


def load_burnley_wards() -> list[Ward]:
    """Burnley's 15 wards (2022 boundaries) with Census 2021 age and ethnic group counts."""
    bands = ("16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75plus")
    path = DATA_DIR / "burnley_E07000117_wards_census2021.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        return [
            Ward(
                code=row["ward_code"], name=row["ward_name"],
                aged_16plus=int(row["aged_16plus"]),
                age_counts=tuple(int(row[f"aged_{band}"]) for band in bands),
                ethnic_counts={group: int(row[f"eth_{group}"])
                               for group in ("white", "mixed", "asian", "black", "other")},
            )
            for row in csv.DictReader(stream)
        ]


def load_json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
