"""Who answered a survey, compared with the borough: the representativeness view for
respondents (members' profile snapshots, or what anonymous respondents told us on "About
you"), by the same rules as the panel's dashboard (``panel.representation.compare``).

Unlike the dashboard, the results page promises that no group smaller than the survey's
threshold can be seen or worked out: per question, counts of 1 to threshold − 1 are hidden,
and so is whatever would give one back from the total of responses or from the shares
(``surveys.suppression.who_answered_disclosure``, i.e. ``panel.disclosure.protect``). A hidden
row shows no count, share, gap or flag; when the number who answered the question must be
hidden, no row shows a share (each share would give it back), only its count.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from core.extensions import db
from panel.models import Category, Dimension, Target, TargetSet
from panel.representation import CATEGORY_COLUMNS, DimensionResult, Row, compare
from surveys.suppression import ANSWERED, row, who_answered_disclosure

NO_ANSWER = "__no_answer__"


@dataclass(frozen=True)
class ShownRow:
    row: Row
    hidden: bool
    share_shown: bool = True  # False: the count may be printed, but not its share (nor gap)

    @property
    def label(self) -> str:
        return self.row.label

    @property
    def share(self) -> float | None:
        """The share of respondents as it may be printed (None: not printed)."""
        return self.row.panel_share if self.share_shown and not self.hidden else None


@dataclass(frozen=True)
class WhoAnswered:
    dimension: DimensionResult
    rows: tuple[ShownRow, ...]

    @property
    def hidden(self) -> int:
        return sum(r.hidden for r in self.rows)

    @property
    def answered_shown(self) -> bool:
        """Whether the number who gave an answer (the shares' base) may be printed."""
        return all(r.share_shown for r in self.rows)


def who_answered(profiles: pd.DataFrame, categories: pd.DataFrame, targets: pd.DataFrame,
                 threshold: int) -> list[WhoAnswered]:
    """One entry per profile question that the targets cover, in the categories' order.

    ``profiles``: one row per response, a column per dimension key holding category keys
    (missing: no answer). ``categories`` and ``targets`` as for ``compare``.
    """
    covered = set(targets["dimension"]) if len(targets) else set()
    categories = categories[categories["dimension"].isin(covered)]
    counts = [(dimension, category, int(n)) for dimension in covered if dimension in profiles
              for category, n in profiles[dimension].dropna().value_counts().items()]
    comparison = compare(categories, pd.DataFrame(counts, columns=["dimension", "category",
                                                                   "count"]),
                         targets, len(profiles))
    out = []
    for dimension in comparison.dimensions:
        disclosure = who_answered_disclosure(
            {r.category: r.count for r in dimension.rows},
            [r.category for r in dimension.rows if r.kind.value == "category"], threshold)
        # a row nobody is in is left out (unless it is an answer, or hidden: then it stays,
        # as "not shown", for its absence would say it is 0)
        shown = [r for r in dimension.rows if r.count or r.kind.value == "category"
                 or not disclosure.shows(row(r.category))]
        shares = disclosure.shows(ANSWERED)
        out.append(WhoAnswered(dimension, tuple(
            ShownRow(r, not disclosure.shows(row(r.category)), shares) for r in shown)))
    return out


def categories_frame() -> pd.DataFrame:
    """The live profile questions' answers, in order, as ``compare`` takes them."""
    rows = db.session.execute(
        select(Dimension.key, Dimension.label, Category.key, Category.label,
               Category.group_label, Category.prefer_not_to_say)
        .join(Dimension, Category.dimension_id == Dimension.id)
        .where(Dimension.retired_at.is_(None), Category.retired_at.is_(None))
        .order_by(Dimension.position, Dimension.id, Category.position, Category.id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(CATEGORY_COLUMNS))


def targets_frame(target_set: TargetSet) -> pd.DataFrame:
    """The set's shares, each question's summing to 1 (as the weighting takes them)."""
    rows = db.session.execute(
        select(Dimension.key, Category.key, Target.share).join(Target.category)
        .join(Target.dimension).where(Target.target_set_id == target_set.id)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["dimension", "category", "share"])
    totals = frame.groupby("dimension")["share"].transform("sum")
    frame["share"] = (frame["share"] / totals.where(totals > 0, 1.0)).astype(float)
    return frame
