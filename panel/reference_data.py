"""Reference data shipped in ``panel/data``: default profile questions, target sets, wards.

Pure: files in, plain frozen dataclasses out (no database, no Flask). The demo seed uses these;
the "import a target set" page (``panel/target_sets.py``) reuses ``read_targets_csv``. Sources
and how each file was made: ``panel/data/README.md``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import DomainError

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
    row: int = field(default=0, compare=False)  # the file's line number (header = 1)
    given_share: float | None = field(default=None, compare=False)  # as written, unscaled


_ALIASES = {"feature": "dimension", "value": "category", "proportion": "share", "n": "count"}
SHARE_TOLERANCE = 0.01  # shares given to two decimal places still add up to about 1

# Maps a row's (dimension, category) as written to the keys they stand for, or raises
# DomainError saying why it cannot (the message is prefixed with the row number).
Resolver = Callable[[str, str], tuple[str, str]]


class TargetFileError(DomainError):
    """Everything found wrong with a targets file: ``problems``, one plain sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Parsed:
    category: str
    share: float | None
    count: int | None
    note: str
    row: int


def read_targets_csv(lines: Iterable[str], *, resolve: Resolver | None = None
                     ) -> list[TargetRow]:
    """Parse target rows: ``dimension,category,share,count,note`` (``feature,value`` accepted).

    Give a share or a count (or both) on each row. Shares of each dimension must add up to 1
    (within 0.01) and are then scaled to add up to exactly 1; where a dimension lacks shares
    they come from its counts. ``resolve`` (optional) turns each row's names into keys, e.g.
    labels into category keys, or refuses them. Every row is checked: raises
    ``TargetFileError`` (a ``DomainError``) listing each problem, naming its row.
    """
    reader = csv.DictReader(lines)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        raise TargetFileError([f"The file could not be read as CSV: {error}"]) from None
    headers = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in fieldnames]
    missing = {"dimension", "category"} - set(headers)
    if missing or not {"share", "count"} & set(headers):
        raise TargetFileError(["The file needs the columns dimension, category and share or "
                               "count"])
    reader.fieldnames = headers
    parsed: dict[str, list[_Parsed]] = {}
    written: dict[str, set[str]] = {}  # dimension -> its names as written in the file
    seen: set[tuple[str, str]] = set()
    problems: list[tuple[int, str]] = []
    failed: set[str] = set()  # dimensions (as written) with a row in error
    try:
        for number, row in enumerate(reader, start=2):
            try:
                item = _row(row, number, resolve, seen)
            except DomainError as error:
                problems.append((number, str(error)))
                failed.add((row.get("dimension") or "").strip())
                continue
            if item is not None:
                parsed.setdefault(item[0], []).append(item[1])
                written.setdefault(item[0], set()).add((row.get("dimension") or "").strip())
    except csv.Error as error:
        raise TargetFileError([f"Row {reader.line_num}: the file could not be read as CSV "
                               f"({error})"]) from None
    messages = _merge(problems)
    rows: list[TargetRow] = []
    for dimension, items in parsed.items():
        if written[dimension] & failed:  # its totals mean little until those rows are fixed
            continue
        try:
            rows.extend(_normalised(dimension, items))
        except DomainError as error:
            messages.append(str(error))
    if messages:
        raise TargetFileError(messages)
    if not rows:
        raise TargetFileError(["The file has no targets"])
    return rows


def _row(row: dict[str, str | None], number: int, resolve: Resolver | None,
         seen: set[tuple[str, str]]) -> tuple[str, _Parsed] | None:
    dimension = (row.get("dimension") or "").strip()
    category = (row.get("category") or "").strip()
    if not dimension and not category:
        return None
    if not dimension or not category:
        raise DomainError("enter both a dimension and a category")
    if resolve is not None:
        dimension, category = resolve(dimension, category)
    if (dimension, category) in seen:
        raise DomainError(f"{dimension} {category} appears more than once")
    seen.add((dimension, category))
    share, count = _share(row.get("share")), _count(row.get("count"))
    if share is None and count is None:
        raise DomainError("enter a share or a count")
    return dimension, _Parsed(category, share, count, (row.get("note") or "").strip(), number)


def _merge(problems: list[tuple[int, str]]) -> list[str]:
    """'Row 5: x' per problem; the same problem on several rows is said once, naming them."""
    rows_by_message: dict[str, list[int]] = {}
    for number, message in problems:
        rows_by_message.setdefault(message, []).append(number)
    merged = []
    for message, numbers in rows_by_message.items():
        if len(numbers) == 1:
            merged.append(f"Row {numbers[0]}: {message}")
        elif len(numbers) <= 4:
            listed = ", ".join(map(str, numbers[:-1]))
            merged.append(f"Rows {listed} and {numbers[-1]}: {message}")
        else:
            listed = ", ".join(map(str, numbers[:3]))
            merged.append(f"Rows {listed} and {len(numbers) - 3} more: {message}")
    return merged


def _share(text: str | None) -> float | None:
    if not (text or "").strip():
        return None
    try:
        share = float(text)  # type: ignore[arg-type]
    except ValueError:
        share = math.nan
    if not 0 <= share <= 1:
        raise DomainError("the share must be a number from 0 to 1, like 0.25")
    return share


def _count(text: str | None) -> int | None:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        raise DomainError("the count must be a whole number, like 1250")
    return int(text)


def _normalised(dimension: str, rows: list[_Parsed]) -> list[TargetRow]:
    if all(r.share is not None for r in rows):
        weights = [float(r.share) for r in rows]  # type: ignore[arg-type]
        total = sum(weights)
        if abs(total - 1) > SHARE_TOLERANCE:
            hint = " If they are percentages, divide them by 100." if 90 < total < 110 else ""
            raise DomainError(
                f"The shares for {dimension} add up to {total:.3f}, not 1. They must add up "
                f"to between {1 - SHARE_TOLERANCE:.2f} and {1 + SHARE_TOLERANCE:.2f}.{hint}")
    elif all(r.count is not None for r in rows):
        weights = [float(r.count) for r in rows]  # type: ignore[arg-type]
        total = sum(weights)
        if total <= 0:
            raise DomainError(f"The counts for {dimension} add up to 0")
    else:
        raise DomainError(f"Give every {dimension} row a share, or give every row a count")
    return [TargetRow(dimension, r.category, weight / total, r.count, r.note, row=r.row,
                      given_share=r.share)
            for r, weight in zip(rows, weights, strict=True)]


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
