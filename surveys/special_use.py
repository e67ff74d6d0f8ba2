"""Audit every use an officer makes of special-category questions on a survey's results
(DESIGN §6b: each filter, breakdown, weighting or export that uses one is logged with what was
asked). Views call these; each commits its one audit row."""

from __future__ import annotations

from sqlalchemy import select

from core import audit
from core.extensions import db
from core.models import User
from panel.models import Dimension
from surveys.models import Survey


def special_category_keys() -> list[str]:
    return list(db.session.scalars(
        select(Dimension.key).where(Dimension.special_category).order_by(Dimension.position)))


def record_results_use(actor: User, survey: Survey, *, by: str, weighting: list[str],
                       target_set: int | None) -> None:
    """Results broken down by, or weighted on, a special-category question."""
    special = set(special_category_keys())
    used_by = by if by in special else None
    weighted_on = [key for key in weighting if key in special]
    if used_by is None and not weighted_on:
        return
    audit.record(actor, "survey_results_by_special_category", "survey", survey.id,
                 broken_down_by=used_by, weighted_on=weighted_on, target_set=target_set)
    db.session.commit()


def record_export(actor: User, survey: Survey, fmt: str) -> None:
    """A response export carries each respondent's profile, special-category answers included."""
    audit.record(actor, "survey_exported", "survey", survey.id, format=fmt,
                 special_category_questions=special_category_keys())
    db.session.commit()
