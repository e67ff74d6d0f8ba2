"""The representativeness figures from the database: the dashboard's filters, the answers
counted with one aggregated query, handed as plain frames to the pure
``panel.representation.compare``, and the CSV's table (``panel.views.representation`` is the
page).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Integer, and_, cast, func, not_, null, select, true, union_all
from werkzeug.datastructures import MultiDict

from core import audit
from core.extensions import db
from core.models import User
from core.spreadsheet import safe_cell
from panel.models import (
    Category,
    Dimension,
    ProfileAnswer,
    Resident,
    ResidentStatus,
    Target,
    TargetSet,
)
from panel.representation import Comparison, Flag, Thresholds, compare

THRESHOLDS = Thresholds(min_points=1.0, alpha=0.05, min_expected=5)
POPULATION = "the borough"
STATUSES: dict[str, tuple[str, tuple[ResidentStatus, ...] | None]] = {
    "active": ("Active members only", (ResidentStatus.ACTIVE,)),
    "current": ("Active and paused members", (ResidentStatus.ACTIVE, ResidentStatus.PAUSED)),
    "all": ("Everyone, including members who have left", None),
}
VERIFIED = {
    "yes": "Only members who have confirmed their email address",
    "any": "Include members who have not confirmed it yet",
}


@dataclass(frozen=True)
class TargetSetChoice:
    id: int
    name: str
    source: str
    is_default: bool


@dataclass(frozen=True)
class Filters:
    status: str
    verified: str
    target_set: TargetSetChoice | None

    @classmethod
    def from_args(cls, args: MultiDict[str, str], choices: list[TargetSetChoice]) -> Filters:
        """Unknown or missing values fall back to the defaults (it is only a view)."""
        status = args.get("status", "active")
        verified = args.get("verified", "yes")
        wanted = args.get("target_set", "")
        chosen = next((c for c in choices if str(c.id) == wanted), None) or \
            next((c for c in choices if c.is_default), None) or \
            (choices[0] if choices else None)
        return cls(status=status if status in STATUSES else "active",
                   verified=verified if verified in VERIFIED else "yes", target_set=chosen)

    @property
    def statuses(self) -> tuple[ResidentStatus, ...] | None:
        return STATUSES[self.status][1]

    @property
    def verified_only(self) -> bool:
        return self.verified == "yes"

    def query_args(self) -> dict[str, str]:
        args = {"status": self.status, "verified": self.verified}
        if self.target_set:
            args["target_set"] = str(self.target_set.id)
        return args

    def describe(self) -> str:
        who = {"active": "active members", "current": "active and paused members",
               "all": "members of any status"}[self.status]
        return f"{who}{' who have confirmed their email address' if self.verified_only else ''}"


def record_export(actor: User, filters: Filters) -> None:
    """The figures include special-category questions (DESIGN §6b: every export that uses one
    is audited with what was asked)."""
    special = list(db.session.scalars(
        select(Dimension.key).where(Dimension.special_category, Dimension.retired_at.is_(None))
        .order_by(Dimension.position)))
    audit.record(actor, "representation_exported", "target_set",
                 filters.target_set.id if filters.target_set else None,
                 special_category_questions=special, filters=filters.describe())
    db.session.commit()


def target_set_choices() -> list[TargetSetChoice]:
    rows = db.session.execute(
        select(TargetSet.id, TargetSet.name, TargetSet.source, TargetSet.is_default)
        .order_by(TargetSet.is_default.desc(), TargetSet.name)
    ).all()
    return [TargetSetChoice(*row) for row in rows]


def build_comparison(filters: Filters) -> Comparison:
    categories = db.session.execute(
        select(Category.id, Dimension.key, Dimension.label, Category.key, Category.label,
               Category.group_label, Category.prefer_not_to_say, Category.retired_at)
        .join(Dimension, Category.dimension_id == Dimension.id)
        .where(Dimension.retired_at.is_(None))
        .order_by(Dimension.position, Dimension.id, Category.position, Category.id)
    ).all()
    keys = {row[0]: (row[1], row[3]) for row in categories}
    members, counts = count_answers(filters.statuses, filters.verified_only)
    counts = {category: n for category, n in counts.items() if category in keys}
    targets: dict[int, float] = {}
    if filters.target_set:
        targets = dict(db.session.execute(
            select(Target.category_id, Target.share)
            .where(Target.target_set_id == filters.target_set.id)).all())
    listed = [row for row in categories
              if row.retired_at is None or counts.get(row[0]) or row[0] in targets]
    frame = pd.DataFrame(
        [(dimension, dimension_label, key, label + (" (retired)" if retired else ""),
          group, pnts) for _, dimension, dimension_label, key, label, group, pnts, retired
         in listed],
        columns=["dimension", "dimension_label", "category", "category_label",
                 "group_label", "prefer_not_to_say"])
    return compare(
        frame,
        pd.DataFrame([(*keys[c], n) for c, n in counts.items()],
                     columns=["dimension", "category", "count"]),
        pd.DataFrame([(*keys[c], s) for c, s in targets.items() if c in keys],
                     columns=["dimension", "category", "share"]),
        members, thresholds=THRESHOLDS, population=POPULATION,
    )


def count_answers(statuses: tuple[ResidentStatus, ...] | None, verified_only: bool
                  ) -> tuple[int, dict[int, int]]:
    """Members in view, and how many of them gave each answer (category id → count).

    One aggregated statement. With filters, it counts every answer (one pass over the
    (dimension, category) index, already in order) and takes away the answers of the members
    the filters leave out (usually a small share). A join that keeps only the members in view
    has to sort nearly every answer instead: with 100,000 members on SQLite that is about
    400 ms against about 130 ms (``python -m bench bench_representation`` shows both). The
    filter is never NULL, so ``NOT`` is its exact complement.
    """
    in_view = and_(
        Resident.status.in_(statuses) if statuses is not None else true(),
        User.verified_at.is_not(None) if verified_only else true(),
    )
    answers = ProfileAnswer.__table__.c
    parts = [select(answers.category_id, func.count().label("n"))
             .group_by(answers.dimension_id, answers.category_id)]
    if statuses is not None or verified_only:
        parts.append(
            select(answers.category_id, (-func.count()).label("n"))
            .select_from(Resident)
            .join(User, Resident.user_id == User.id)
            .join(ProfileAnswer, ProfileAnswer.resident_id == Resident.id)
            .where(not_(in_view))
            .group_by(answers.category_id))
    parts.append(  # the members in view, marked by a NULL category
        select(cast(null(), Integer), func.count())
        .select_from(Resident).join(User, Resident.user_id == User.id).where(in_view))
    members = 0
    counts: dict[int, int] = {}
    for category, n in db.session.execute(union_all(*parts)):
        if category is None:
            members = int(n)
        else:
            counts[category] = counts.get(category, 0) + int(n)
    return members, {category: n for category, n in counts.items() if n}


CSV_COLUMNS = {
    "dimension_label": "Question",
    "category_label": "Answer",
    "count": "Members",
    "panel_share": "Share of members who answered (%)",
    "share_of_members": "Share of all members (%)",
    "target_share": "Target share (%)",
    "gap_points": "Gap (percentage points)",
    "index": "Representation index",
    "flag": "Status",
}


def csv_frame(comparison: Comparison) -> pd.DataFrame:
    """The whole table in plain-English columns; text that a spreadsheet could run is quoted."""
    frame = comparison.table()
    for column in ("panel_share", "share_of_members", "target_share"):
        frame[column] = (frame[column].astype(float) * 100).round(2)
    frame["gap_points"] = frame["gap_points"].astype(float).round(2)
    frame["index"] = frame["index"].astype("Int64")
    frame["flag"] = frame["flag"].map(lambda value: Flag(value).label)
    frame = frame.loc[:, list(CSV_COLUMNS)].rename(columns=CSV_COLUMNS)
    for column in ("Question", "Answer", "Status"):
        frame[column] = frame[column].map(safe_cell)
    return frame
