"""A survey's results: submitted responses as a frame, optional raking weights, per question.

The maths is in ``surveys.analysis`` and ``surveys.weighting`` (pure); this module reads the
database and turns what officers chose into their inputs. Weighting rakes to a target set on
the chosen profile questions, using each response's profile snapshot. Respondents who gave no
answer (or "Prefer not to say") to a weighting question form a "Not known" group whose target
is their own share of respondents, so they are neither weighted up nor down on it, and the
page says how many there were. Cells under the survey's threshold are suppressed.

Answers are read per question, each distinct stored answer decoded and classified once
(``surveys.answer_columns``), and nothing is kept between requests: a response sent a moment
ago is in the next page shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from panel.extensions import db
from panel.models import Category, Dimension, ProfileAnswer, Target, TargetSet
from surveys import answer_columns
from surveys.analysis import (
    FrequencyTable,
    WeightingError,
    crosstab,
    design_effect,
    effective_sample_size,
    frequency_table,
    rake,
    response_rates,
    suppress_small_cells,
)
from surveys.answer_columns import AnswerColumn
from surveys.models import Invitation, Question, Response, Survey
from surveys.question_types import TYPES
from surveys.respondents import WhoAnswered, categories_frame, targets_frame, who_answered

NOT_KNOWN = "not_known"
COUNTED = ("single", "multiple", "agree", "matrix", "rating", "ranking")


@dataclass(frozen=True)
class Row:
    label: str
    count: int | None        # None: suppressed
    percent: float | None
    weighted_percent: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    heading: str
    rows: list[Row]
    base: int
    not_answered: int
    suppressed: int
    texts: list[str] = field(default_factory=list)   # free text, or numbers as text
    summary: str = ""                                  # e.g. numbers: median and range


@dataclass(frozen=True)
class Weighting:
    target_set: TargetSet | None
    dimensions: list[str]
    design_effect: float
    effective_n: float
    not_known: dict[str, int]
    problems: list[str]
    # target groups nobody who answered is in: left out, the others scaled up to fill
    empty: dict[str, list[str]] = field(default_factory=dict)  # dimension -> group labels


@dataclass(frozen=True)
class CrossTable:
    """One question by one profile question: column per cents (None: hidden), bases."""

    columns: list[str]
    rows: list[tuple[str, list[float | None]]]
    bases: list[int]
    weighted: bool


@dataclass(frozen=True)
class RateRow:
    label: str
    invited: int
    responded: int
    rate: float | None
    share_of_invited: float | None
    share_of_respondents: float | None


@dataclass(frozen=True)
class Results:
    responses: int
    weighting: Weighting | None
    questions: list[QuestionResult]
    by: str = ""
    crosstabs: dict[str, CrossTable] = field(default_factory=dict)  # heading -> table
    rates: list[RateRow] = field(default_factory=list)
    compared_with: TargetSet | None = None  # who answered, against these targets:
    who: list[WhoAnswered] = field(default_factory=list)


def frame(survey: Survey) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, profiles): one row per submitted response, indexed by response id; a column
    per question that has answers (``None`` where a response gave none)."""
    submitted = answer_columns.read(survey)
    return submitted.frame(), submitted.profiles


def weights(profiles: pd.DataFrame, target_set: TargetSet,
            dimensions: Sequence[str]) -> tuple[pd.Series, Weighting]:
    targets: dict[str, dict[str, float]] = {}
    not_known: dict[str, int] = {}
    empty: dict[str, list[str]] = {}
    frame_ = pd.DataFrame(index=profiles.index)
    prefer_not = _prefer_not_to_say()
    for dimension in dimensions:
        shares = _target_shares(target_set, dimension)
        column = profiles.get(dimension, pd.Series(index=profiles.index, dtype=object))
        known = column.where(column.isin(shares.keys()) & ~column.isin(prefer_not))
        missing = int(known.isna().sum())
        frame_[dimension] = known.fillna(NOT_KNOWN)
        if missing:
            rest = 1 - missing / len(profiles)
            shares = {c: s * rest for c, s in shares.items()}
            shares[NOT_KNOWN] = missing / len(profiles)
            not_known[dimension] = missing
        targets[dimension] = _only_answered(shares, frame_[dimension])
        missing_groups = [c for c in shares if c not in targets[dimension] and shares[c] > 0]
        if missing_groups:
            labels = _category_labels(dimension)
            empty[dimension] = [labels.get(c, c) for c in missing_groups]
    try:
        weight = rake(frame_, targets)
    except WeightingError as error:
        ones = pd.Series(1.0, index=profiles.index)
        return ones, Weighting(target_set, list(dimensions), 1.0, float(len(profiles)),
                               not_known, [p.message for p in error.problems], empty)
    return weight, Weighting(target_set, list(dimensions), design_effect(weight),
                             effective_sample_size(weight), not_known, [], empty)


def _only_answered(shares: dict[str, float], column: pd.Series) -> dict[str, float]:
    """Targets for categories nobody in the sample has cannot be met: leave them out and say
    so (``rake`` would refuse them); the rest are rescaled by ``rake`` itself."""
    present = set(column.unique())
    return {c: s for c, s in shares.items() if c in present} or shares


def _target_shares(target_set: TargetSet, dimension: str) -> dict[str, float]:
    rows = db.session.execute(select(Category.key, Target.share).join(Target.category)
                              .join(Target.dimension).where(Target.target_set_id == target_set.id,
                                                            Dimension.key == dimension)).all()
    total = sum(share for _, share in rows) or 1.0
    return {key: share / total for key, share in rows}


def _prefer_not_to_say() -> set[str]:
    return set(db.session.scalars(select(Category.key).where(
        Category.prefer_not_to_say.is_(True))).all())


def results(survey: Survey, *, target_set: TargetSet | None = None,
            dimensions: Sequence[str] = (), search: str = "", by: str = "",
            compare_with: TargetSet | None = None) -> Results:
    """The results; ``compare_with`` (default: the weighting's targets) also gives who
    answered, compared with those targets."""
    submitted = answer_columns.read(survey)
    profiles, responses = submitted.profiles, len(submitted.ids)
    compare_with = target_set or compare_with
    who = (who_answered(profiles, categories_frame(), targets_frame(compare_with),
                        survey.suppress_below) if compare_with is not None and responses
           else [])
    seen = {"compared_with": compare_with, "who": who}
    weighting = None
    weight = pd.Series(1.0, index=submitted.ids)
    if target_set is not None and dimensions and responses:
        weight, weighting = weights(profiles, target_set, dimensions)
    questions = [result for q in survey.questions for result in _question_results(
        q, submitted.column(q.key), weight, survey.suppress_below, search)]
    if not by:
        return Results(responses, weighting, questions, **seen)
    weighted = weighting is not None and not weighting.problems
    groups = _category_labels(by)
    tables = {}
    for question in survey.questions:
        if question.kind in ("single", "agree", "rating") and question.key in submitted.columns:
            tables[question.text] = _crosstab(question, submitted.column(question.key),
                                              submitted.ids, profiles, by, groups,
                                              weight if weighted else None,
                                              survey.suppress_below)
    return Results(responses, weighting, questions, by, tables, _rates(survey, by, groups),
                   **seen)


def _category_labels(dimension: str) -> dict[str, str]:
    return dict(db.session.execute(select(Category.key, Category.label).join(Category.dimension)
                                   .where(Dimension.key == dimension)
                                   .order_by(Category.position)).all())


def _crosstab(question: Question, column: AnswerColumn, ids: pd.Index, profiles: pd.DataFrame,
              by: str, groups: dict[str, str], weight: pd.Series | None,
              threshold: int) -> CrossTable:
    spec = question.spec()
    labels = dict(TYPES[spec.kind].categories(spec))
    first = pd.Series(column.each(lambda v: (TYPES[spec.kind].counted(spec, v) or [None])[0]),
                      index=ids, dtype=object, name=spec.key)
    profile = profiles.get(by, pd.Series(index=profiles.index, dtype=object))
    table = crosstab(first, profile.reindex(first.index), weight, threshold=threshold,
                     categories=list(labels), by_categories=list(groups), not_known="not_known")
    percent = table.weighted_column_percent if weight is not None else table.column_percent
    present = table.bases["base"] > 0  # a group nobody is in gets no column
    percent = percent.loc[:, present.to_numpy()]
    columns = [groups.get(c, "Not known" if c == "not_known" else str(c))
               for c in percent.columns]
    rows = [(labels.get(r, str(r)), [None if pd.isna(v) else float(v) for v in values])
            for r, values in zip(percent.index, percent.to_numpy(), strict=True)]
    return CrossTable(columns, rows, [int(b) for b in table.bases["base"][present]],
                      weight is not None)


def _rates(survey: Survey, by: str, groups: dict[str, str]) -> list[RateRow]:
    """Invited and answered per category of ``by`` (the members' profiles now)."""
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
                           categories=list(groups), not_known="not_known")
    return [RateRow(groups.get(c, "Not known" if c == "not_known" else str(c)),
                    int(row["invited"]), int(row["responded"]), _num(row["response_rate"]),
                    _num(row["share_of_invited"]), _num(row["share_of_respondents"]))
            for c, row in table.iterrows()]


def _question_results(question: Question, column: AnswerColumn, weight: pd.Series,
                      threshold: int, search: str) -> list[QuestionResult]:
    """One result per question; a matrix has one per statement. Percentages are of the
    respondents who answered (for multiple choice, of them, the share who chose each).

    What an answer counts as is worked out once per distinct answer (``AnswerColumn.each``)."""
    spec = question.spec()
    kind = TYPES[spec.kind]
    answered = column.answered
    base, missing = int(answered.sum()), int((~answered).sum())
    index, answered_index = weight.index, weight.index[answered]
    if spec.kind == "matrix":
        labels = dict(kind.categories(spec))
        out = []
        for key, text in spec.statements:
            ratings = pd.Series(column.each(lambda v, k=key: (v or {}).get(k)
                                            if isinstance(v, dict) else None),
                                index=index, dtype=object, name=spec.key)
            table = frequency_table(ratings, weight, categories=list(labels))
            out.append(_counted(question, f"{question.text}: {text}", table, labels,
                                threshold, table.base, table.not_answered))
        return out
    if spec.kind == "multiple":
        labels = dict(kind.categories(spec))
        rows, hidden = [], 0
        given = np.bincount(column.codes[answered], minlength=len(column.values))
        chosen = [kind.counted(spec, v) for v in column.values]
        counts = pd.Series({c: sum(int(n) for n, those in zip(given, chosen, strict=True)
                                   if c in those) for c in labels})
        # each option is its own total (people choose several): only small counts are hidden
        secret = (counts > 0) & (counts < threshold)
        for category, label in labels.items():
            chose = pd.Series(column.each(lambda v, c=category: "yes" if c in
                                          kind.counted(spec, v) else "no")[answered],
                              index=answered_index, dtype=object, name=spec.key)
            yes = frequency_table(chose, weight.reindex(chose.index),
                                  categories=["yes", "no"]).table.loc["yes"]
            hidden += bool(secret[category])
            rows.append(_row(label, yes, bool(secret[category])))
        return [QuestionResult(question, question.text, rows, base, missing, hidden)]
    if spec.kind in COUNTED:
        labels = dict(kind.categories(spec))
        first = pd.Series(column.each(lambda v: kind.counted(spec, v)[0])[answered],
                          index=answered_index, dtype=object, name=spec.key)
        table = frequency_table(first, weight.reindex(first.index), categories=list(labels))
        heading = f"{question.text} (first choices)" if spec.kind == "ranking" else \
            question.text
        return [_counted(question, heading, table, labels, threshold, base, missing)]
    if spec.kind == "number" and base:
        numbers = pd.Series(column.each(lambda v: float(str(v)))[answered].astype(float))
        summary = (f"Median {numbers.median():g}, from {numbers.min():g} to {numbers.max():g} "
                   f"(mean {numbers.mean():.1f})")
        return [QuestionResult(question, question.text, [], base, missing, 0, [], summary)]
    texts = column.each(str)[answered]
    if search:
        needle = search.casefold()
        texts = texts[column.each(lambda v: needle in str(v).casefold(), False)[answered]
                      .astype(bool)]
    return [QuestionResult(question, question.text, [], base, missing, 0, texts.tolist())]


def _row(label: str, row: pd.Series, secret: bool) -> Row:
    if secret:
        return Row(label, None, None, None, None, None)
    return Row(label, int(row["count"]), _num(row["percent"]), _num(row["weighted_percent"]),
               _num(row["ci_low"]), _num(row["ci_high"]))


def _counted(question: Question, heading: str, table: FrequencyTable, labels: dict[str, str],
             threshold: int, base: int, not_answered: int) -> QuestionResult:
    hidden = suppress_small_cells(table.table["count"], threshold).hidden
    rows = [_row(labels.get(category, str(category)), row, bool(hidden[category]))
            for category, row in table.table.iterrows()]
    return QuestionResult(question, heading, rows, base, not_answered, int(hidden.sum()))


def _num(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)
