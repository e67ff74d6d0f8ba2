"""How representative is the panel? Panel shares against population targets, per dimension.

Pure: plain data in (pandas frames of categories, answer counts and target shares), plain data
out. No Flask, no SQLAlchemy; ``panel.representation_figures`` does the querying.

How the figures are worked out (the dashboard states the same in plain English):

- **Panel share** of a category is its members as a share of the members who *answered* the
  question (gave a category other than "Prefer not to say"). Census targets leave out people
  who did not answer too, so the two shares are like for like.
- "Prefer not to say" and "No answer" are rows of their own, with their share of *all* members
  in view; they are never compared with a target.
- **Gap** = panel share − target share, in percentage points.
- **Representation index** = panel share ÷ target share × 100, rounded; 100 means exactly the
  population's share. It is shown, but a status never comes from it alone.
- **Status** (``status``): under- or over-represented only when the gap is at least
  ``Thresholds.min_points`` points (1) *and* a two-sided test of the count ``c`` of the ``n`` who
  answered against the target share ``t`` is clear at the 5% level (``alpha``): the normal
  approximation ``z = (|c − n·t| − ½) / √(n·t·(1 − t))`` when ``n·t`` and ``n·(1 − t)`` are both
  5 or more, else the exact binomial tail, doubled. Otherwise "Close to target", or "Too few to
  tell" when the expected count ``n·t`` and ``c`` are both below ``min_expected`` (5); nobody
  where 20 were expected is clearly under, so a small ``c`` alone is not "too few". A target of
  0 or 1 leaves nothing to chance.
- **Population**: shares of the borough's people, except household measures
  (``HOUSEHOLD_DIMENSIONS``: tenure, Census TS054), which are shares "of households".
- **Members needed**: how many more members of an under-represented group (who answer) would
  bring its share up to the target: ``(t × n − c) / (1 − t)`` for target share ``t``,
  ``c`` members in the group and ``n`` who answered, rounded up.
"""

from __future__ import annotations

import enum
import itertools
import math
from dataclasses import dataclass

import pandas as pd

from panel.representation_stats import axis_max, members_needed, p_value

# Plain-English subjects for the "who is missing" sentences, by dimension key. Anything else
# reads "People whose <question> is “<answer>”".
SUBJECTS = {
    "age_band": "People aged {label}",
    "sex": "{label} residents",
    "disability": "People {label_lower}",
    "ward": "People living in {label}",
}
GENERIC_SUBJECT = "People whose {dimension_lower} is “{label}”"
# Questions whose Census targets count households, not people (panel/data/README.md: tenure is
# TS054, households). The one place that says so: the page, "who is missing" and the CSV ask
# ``population_for``.
HOUSEHOLD_DIMENSIONS = frozenset({"tenure"})
HOUSEHOLDS = "households"
CATEGORY_COLUMNS = ("dimension", "dimension_label", "category", "category_label",
                    "group_label", "prefer_not_to_say")


class Flag(enum.StrEnum):
    UNDER = "under"
    IN_LINE = "in_line"
    OVER = "over"
    NO_TARGET = "no_target"  # the target set has no share for this category
    NO_ANSWERS = "no_answers"  # nobody in view answered the question
    NOT_COMPARED = "not_compared"  # "Prefer not to say" and "No answer" rows
    TOO_FEW = "too_few"  # too few expected and on the panel to tell a difference from chance

    @property
    def label(self) -> str:
        return {
            "under": "Under-represented", "in_line": "Close to target",
            "over": "Over-represented", "no_target": "No target",
            "no_answers": "No answers yet", "not_compared": "Not compared",
            "too_few": "Too few to tell",
        }[self.value]


class RowKind(enum.StrEnum):
    CATEGORY = "category"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class Thresholds:
    min_points: float = 1.0  # a smaller gap (percentage points) is always close to target
    alpha: float = 0.05  # a difference is clear when chance would give it less often than this
    min_expected: int = 5  # below this expected and on the panel: too few to tell

    def __post_init__(self) -> None:
        if not (0 <= self.min_points < 100 and 0 < self.alpha < 1 and self.min_expected >= 0):
            raise ValueError("Thresholds need 0 ≤ min_points < 100, 0 < alpha < 1 and "
                             "min_expected ≥ 0")

    @property
    def confidence(self) -> int:
        """The confidence level in whole percent, for the page: 95."""
        return round((1 - self.alpha) * 100)

    def flag(self, count: int, answered: int, target_share: float) -> Flag:
        """The status of ``count`` members of ``answered`` against a target share."""
        return status(count, answered, target_share, self)


@dataclass(frozen=True)
class Row:
    dimension: str
    category: str  # the category key; "" for the "No answer" row
    label: str
    group_label: str
    kind: RowKind
    count: int
    panel_share: float | None  # of members who answered (category rows only)
    share_of_members: float | None  # of all members in view (every row)
    target_share: float | None
    gap_points: float | None
    index: int | None
    flag: Flag


@dataclass(frozen=True)
class DimensionResult:
    key: str
    label: str
    members: int
    answered: int  # gave a category other than "Prefer not to say"
    prefer_not_to_say: int
    no_answer: int
    has_targets: bool
    rows: tuple[Row, ...]
    axis_max: float  # the chart's scale: a round share at or above every share shown
    population: str = "the borough"  # what the targets are shares of ("households": tenure)

    @property
    def categories(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.kind == RowKind.CATEGORY)

    @property
    def groups(self) -> list[tuple[str, list[Row]]]:
        """The category rows in runs of the same group label (e.g. "Asian or Asian British")."""
        return [(label, list(rows))
                for label, rows in itertools.groupby(self.categories, lambda r: r.group_label)]

    @property
    def withheld(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.kind != RowKind.CATEGORY)

    @property
    def under(self) -> int:
        return sum(r.flag == Flag.UNDER for r in self.rows)

    @property
    def over(self) -> int:
        return sum(r.flag == Flag.OVER for r in self.rows)

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.members if self.members else None


@dataclass(frozen=True)
class Shortfall:
    """An under-represented group, for the "who is missing" summary."""

    dimension: str
    dimension_label: str
    category: str
    label: str
    panel_share: float
    target_share: float
    index: int
    members_needed: int
    subject: str  # "People aged 16 to 24"
    predicate: str  # " are 4% of the panel but 13% of the borough (index 33)"

    @property
    def sentence(self) -> str:
        return self.subject + self.predicate


@dataclass(frozen=True)
class Comparison:
    members: int
    thresholds: Thresholds
    dimensions: tuple[DimensionResult, ...]
    shortfalls: tuple[Shortfall, ...]  # most members needed first

    @property
    def under(self) -> int:
        return sum(d.under for d in self.dimensions)

    @property
    def over(self) -> int:
        return sum(d.over for d in self.dimensions)

    def table(self) -> pd.DataFrame:
        """Every row of every dimension, as one frame (e.g. for a CSV download)."""
        labels = {d.key: d.label for d in self.dimensions}
        return pd.DataFrame(
            [{"dimension": r.dimension, "dimension_label": labels[r.dimension],
              "category": r.category, "category_label": r.label, "kind": r.kind.value,
              "count": r.count, "panel_share": r.panel_share,
              "share_of_members": r.share_of_members, "target_share": r.target_share,
              "gap_points": r.gap_points, "index": r.index, "flag": r.flag.value}
             for d in self.dimensions for r in d.rows],
            columns=["dimension", "dimension_label", "category", "category_label", "kind",
                     "count", "panel_share", "share_of_members", "target_share",
                     "gap_points", "index", "flag"],
        )


def compare(categories: pd.DataFrame, counts: pd.DataFrame, targets: pd.DataFrame,
            members: int, *, thresholds: Thresholds | None = None,
            population: str = "the borough", headline: int = 5) -> Comparison:
    """Compare the panel with the targets, dimension by dimension.

    ``categories``: one row per category in display order, dimension by dimension, with the
    columns ``dimension, dimension_label, category, category_label, prefer_not_to_say`` (and
    optionally ``group_label``). ``counts``: ``dimension, category, count`` — members in view
    who gave that answer (missing rows count 0). ``targets``: ``dimension, category, share``
    (may be empty). ``members``: how many members are in view, answered or not.
    """
    thresholds = thresholds or Thresholds()
    if members < 0:
        raise ValueError("members must be 0 or more")
    records: dict[str, list[dict]] = {}  # dimension → its categories, in the order given
    for record in _joined(categories, counts, targets).to_dict("records"):
        records.setdefault(record["dimension"], []).append(record)
    dimensions = tuple(_dimension(key, group, members, thresholds, population)
                       for key, group in records.items())
    return Comparison(members=members, thresholds=thresholds, dimensions=dimensions,
                      shortfalls=_shortfalls(dimensions, headline))


def _joined(categories: pd.DataFrame, counts: pd.DataFrame, targets: pd.DataFrame
            ) -> pd.DataFrame:
    missing = {"dimension", "dimension_label", "category", "category_label",
               "prefer_not_to_say"} - set(categories.columns)
    if missing:
        raise ValueError(f"categories lacks the columns {sorted(missing)}")
    frame = categories.copy()
    if "group_label" not in frame:
        frame["group_label"] = ""
    frame = frame.loc[:, list(CATEGORY_COLUMNS)].reset_index(drop=True)
    frame["group_label"] = frame["group_label"].fillna("")
    frame["dimension"] = frame["dimension"].astype(str)
    frame["category"] = frame["category"].astype(str)
    frame["prefer_not_to_say"] = frame["prefer_not_to_say"].astype(bool)
    if frame.duplicated(["dimension", "category"]).any():
        raise ValueError("a category is listed twice")

    counted = _keyed(counts, "count").groupby(["dimension", "category"], sort=False)[
        "count"].sum()
    unknown = counted.index.difference(pd.MultiIndex.from_frame(frame[["dimension",
                                                                      "category"]]))
    if len(unknown):
        raise ValueError(f"answers to categories that are not listed: {list(unknown)[:5]}")
    if (counted < 0).any():
        raise ValueError("counts must be 0 or more")
    shares = _keyed(targets, "share").set_index(["dimension", "category"])["share"]
    if shares.index.duplicated().any():
        raise ValueError("a category has two target shares")
    if ((shares < 0) | (shares > 1)).any():
        raise ValueError("target shares must be from 0 to 1")
    index = pd.MultiIndex.from_frame(frame[["dimension", "category"]])
    frame["count"] = counted.reindex(index, fill_value=0).to_numpy().astype(int)
    frame["target_share"] = shares.reindex(index).to_numpy()
    return frame


def _keyed(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """``frame`` with the key columns as strings (empty frames allowed, columns or not)."""
    if frame.empty:
        return pd.DataFrame({"dimension": pd.Series(dtype=str),
                             "category": pd.Series(dtype=str),
                             value: pd.Series(dtype=float)})
    result = frame.loc[:, ["dimension", "category", value]].copy()
    result["dimension"] = result["dimension"].astype(str)
    result["category"] = result["category"].astype(str)
    return result


def _dimension(key: str, records: list[dict], members: int, thresholds: Thresholds,
               population: str) -> DimensionResult:
    """One dimension's rows (a few dozen at most: plain Python is quicker than pandas here)."""
    given = [r for r in records if not r["prefer_not_to_say"]]
    withheld = [r for r in records if r["prefer_not_to_say"]]
    answered = sum(int(r["count"]) for r in given)
    prefer_not = sum(int(r["count"]) for r in withheld)
    no_answer = members - answered - prefer_not
    if no_answer < 0:
        raise ValueError(f"{key}: more answers ({answered + prefer_not}) than members "
                         f"({members})")
    rows = [_category_row(key, r, answered, members, thresholds) for r in given]
    rows += [Row(dimension=key, category=str(r["category"]), label=str(r["category_label"]),
                 group_label=str(r["group_label"]), kind=RowKind.PREFER_NOT_TO_SAY,
                 count=int(r["count"]), panel_share=None,
                 share_of_members=_ratio(int(r["count"]), members), target_share=None,
                 gap_points=None, index=None, flag=Flag.NOT_COMPARED)
             for r in withheld]
    rows.append(Row(dimension=key, category="", label="No answer", group_label="",
                    kind=RowKind.NO_ANSWER, count=no_answer, panel_share=None,
                    share_of_members=_ratio(no_answer, members), target_share=None,
                    gap_points=None, index=None, flag=Flag.NOT_COMPARED))
    shown = [s for r in rows if r.kind == RowKind.CATEGORY
             for s in (r.panel_share, r.target_share) if s is not None]
    return DimensionResult(
        key=key, label=str(records[0]["dimension_label"]), members=members,
        answered=answered, prefer_not_to_say=prefer_not, no_answer=no_answer,
        has_targets=any(r.target_share is not None for r in rows), rows=tuple(rows),
        axis_max=axis_max(shown), population=population_for(key, population))


def _category_row(key: str, record: dict, answered: int, members: int,
                  thresholds: Thresholds) -> Row:
    count = int(record["count"])
    target = None if pd.isna(record["target_share"]) else float(record["target_share"])
    panel = _ratio(count, answered)
    index: int | None = None
    gap: float | None = None
    if panel is None:
        flag = Flag.NO_ANSWERS
    elif target is None:
        flag = Flag.NO_TARGET
    else:
        gap = (panel - target) * 100
        if target > 0:
            index = math.floor(panel / target * 100 + 0.5)
        flag = status(count, answered, target, thresholds)
    return Row(dimension=key, category=str(record["category"]),
               label=str(record["category_label"]), group_label=str(record["group_label"]),
               kind=RowKind.CATEGORY, count=count, panel_share=panel,
               share_of_members=_ratio(count, members), target_share=target,
               gap_points=gap, index=index, flag=flag)


def status(count: int, answered: int, target_share: float,
           thresholds: Thresholds | None = None) -> Flag:
    """Under, over, close to target or too few to tell (the rule is in the module docstring)."""
    thresholds = thresholds or Thresholds()
    if not (0 <= count <= answered and 0 <= target_share <= 1):
        raise ValueError("need 0 ≤ count ≤ answered and a target share from 0 to 1")
    if answered == 0:
        return Flag.NO_ANSWERS
    expected = answered * target_share
    if expected < thresholds.min_expected and count < thresholds.min_expected \
            and 0 < target_share < 1:
        return Flag.TOO_FEW
    gap = (count / answered - target_share) * 100
    if abs(gap) < thresholds.min_points or abs(gap) < 1e-9:
        return Flag.IN_LINE
    if p_value(count, answered, target_share) >= thresholds.alpha:
        return Flag.IN_LINE
    return Flag.OVER if gap > 0 else Flag.UNDER


def population_for(dimension: str, population: str = "the borough") -> str:
    """What a target share is a share of: "households" for household measures (tenure)."""
    return HOUSEHOLDS if dimension in HOUSEHOLD_DIMENSIONS else population


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _shortfalls(dimensions: tuple[DimensionResult, ...], limit: int) -> tuple[Shortfall, ...]:
    found = []
    for dimension in dimensions:
        for row in dimension.categories:
            if row.flag != Flag.UNDER or row.index is None or row.target_share is None \
                    or row.panel_share is None or row.target_share >= 1:
                continue
            needed = members_needed(row.count, dimension.answered, row.target_share)
            found.append(Shortfall(
                dimension=dimension.key, dimension_label=dimension.label,
                category=row.category, label=row.label, panel_share=row.panel_share,
                target_share=row.target_share, index=row.index, members_needed=needed,
                subject=subject_for(dimension.key, dimension.label, row.label),
                predicate=f" are {percent(row.panel_share)} of the panel but "
                          f"{percent(row.target_share)} of {dimension.population} "
                          f"(index {row.index})"))
    found.sort(key=lambda s: (-s.members_needed, s.index, s.dimension, s.category))
    return tuple(found[:limit])


def subject_for(dimension_key: str, dimension_label: str, label: str) -> str:
    """``People aged 16 to 24``, ``People whose religion is “Muslim”``."""
    template = SUBJECTS.get(dimension_key, GENERIC_SUBJECT)
    return template.format(label=label, label_lower=label[:1].lower() + label[1:],
                           dimension_lower=dimension_label.lower())


def percent(share: float) -> str:
    """A share as a short percentage for sentences: 12%, 4%, 0.4%, 0%."""
    value = share * 100
    if 0 < value < 1:
        return f"{value:.1f}%"
    return f"{value:.0f}%"
