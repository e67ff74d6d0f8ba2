"""A survey's answers broken down by a profile question, and its response rates by group,
as the results page prints them: every figure passes ``panel.disclosure.protect`` (shapes in
``surveys.suppression``). The maths is ``surveys.analysis.crosstab`` and ``response_rates``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select

from core.extensions import db
from panel.disclosure import Disclosure
from panel.models import Category, Dimension, ProfileAnswer
from surveys import suppression
from surveys.analysis import crosstab, response_rates
from surveys.answer_columns import AnswerColumn
from surveys.models import Invitation, Question, Response, Survey
from surveys.question_types import TYPES
from surveys.suppression import ANSWERED, rates_disclosure

NOT_KNOWN = "not_known"


@dataclass(frozen=True)
class CrossTable:
    """One question by one profile question: column per cents and bases (None: hidden)."""

    columns: list[str]
    rows: list[tuple[str, list[float | None]]]
    bases: list[int | None]
    weighted: bool
    disclosure: Disclosure | None = None  # the question's own figures go by it too


@dataclass(frozen=True)
class RateRow:
    label: str
    invited: int | None       # None: hidden
    responded: int | None     # None: hidden
    rate: float | None
    share_of_invited: float | None
    share_of_respondents: float | None


def crosstab_of(question: Question, column: AnswerColumn, ids: pd.Index, profiles: pd.DataFrame,
              by: str, groups: dict[str, str], weight: pd.Series | None,
              threshold: int, linked: list[str] | None) -> CrossTable:
    """``linked``: the groups of ``by`` that "who answered" hides, if it prints ``by``."""
    spec = question.spec()
    labels = dict(TYPES[spec.kind].categories(spec))
    first = pd.Series(column.each(lambda v: (TYPES[spec.kind].counted(spec, v) or [None])[0]),
                      index=ids, dtype=object, name=spec.key)
    profile = profiles.get(by, pd.Series(index=profiles.index, dtype=object))
    table = crosstab(first, profile.reindex(first.index), weight, threshold=threshold,
                     categories=list(labels), by_categories=list(groups), not_known=NOT_KNOWN,
                     who_hidden=linked)
    percent = table.weighted_column_percent if weight is not None else table.column_percent
    # a group nobody is in gets no column, unless it is hidden (its absence would say 0)
    present = (table.bases["base"] > 0) | pd.Series(
        [not table.disclosure.shows(suppression.column(g)) for g in table.bases.index],
        index=table.bases.index)
    percent = percent.loc[:, present.to_numpy()]
    columns = [groups.get(c, "Not known" if c == "not_known" else str(c))
               for c in percent.columns]
    rows = [(labels.get(r, str(r)), [None if pd.isna(v) else float(v) for v in values])
            for r, values in zip(percent.index, percent.to_numpy(), strict=True)]
    bases = [int(b) if table.disclosure.shows(suppression.column(g)) else None
             for g, b in table.bases["base"][present].items()]
    return CrossTable(columns, rows, bases, weight is not None, table.disclosure)


def rates(survey: Survey, by: str, groups: dict[str, str], threshold: int,
          linked: list[str] | None = None) -> list[RateRow]:
    """Invited and answered per category of ``by`` (the members' profiles now), protected
    (``surveys.suppression.rates_disclosure``); ``linked``: the groups of ``by`` that "who
    answered" hides, if it prints ``by``."""
    invited = db.session.execute(select(Invitation.id, Invitation.resident_id).where(
        Invitation.survey_id == survey.id)).all()
    if not invited:
        return []
    category = dict(db.session.execute(
        select(ProfileAnswer.resident_id, Category.key).join(ProfileAnswer.category)
        .join(ProfileAnswer.dimension).where(Dimension.key == by,
                                             ProfileAnswer.resident_id.in_(
                                                 select(Invitation.resident_id).where(
                                                     Invitation.survey_id == survey.id))))
        .all())
    answered = set(db.session.scalars(select(Response.invitation_id).where(
        Response.survey_id == survey.id, Response.submitted_at.is_not(None))).all())
    index = pd.Index([i for i, _ in invited])
    table = response_rates(pd.Series([category.get(r) for _, r in invited], index=index),
                           pd.Series([i in answered for i, _ in invited], index=index),
                           categories=list(groups), not_known=NOT_KNOWN)
    return rate_rows(table, groups, threshold, linked)


def rate_rows(table: pd.DataFrame, groups: dict[str, str], threshold: int,
              linked: list[str] | None = None) -> list[RateRow]:
    """``response_rates``' table as the page prints it: hidden figures are None."""
    disclosure = rates_disclosure(table["responded"], table["not_responded"], threshold,
                                  who_hidden=linked)
    out = []
    for c, line in table.iterrows():
        asked, said = ("invited", c), ("answered", c)
        out.append(RateRow(
            groups.get(c, "Not known" if c == NOT_KNOWN else str(c)),
            int(line["invited"]) if disclosure.shows(asked) else None,
            int(line["responded"]) if disclosure.shows(said) else None,
            num(line["response_rate"]) if disclosure.shows_all(asked, said) else None,
            num(line["share_of_invited"]) if disclosure.shows(asked) else None,
            num(line["share_of_respondents"]) if disclosure.shows_all(said, ANSWERED)
            else None))
    return out


def num(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)
