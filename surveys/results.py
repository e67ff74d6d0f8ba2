"""A survey's results: submitted responses as a frame, optional raking weights, per question.

The maths is in ``surveys.analysis`` and ``surveys.weighting`` (pure); this module reads the
database and turns what officers chose into their inputs. Weighting rakes to a target set on
the chosen profile questions, using each response's profile snapshot. Respondents who gave no
answer (or "Prefer not to say") to a weighting question form a "Not known" group whose target
is their own share of respondents, so they are neither weighted up nor down on it, and the
page says how many there were. Groups under the survey's threshold are suppressed, and so is
every figure that would give one back: each table's figures pass ``panel.disclosure.protect``
(shapes in ``surveys.suppression``); a question broken down by a profile question is protected
together with its own counts and with "who answered" on that question.

Answers are read per question, each distinct stored answer decoded and classified once
(``surveys.answer_columns``), and nothing is kept between requests: a response sent a moment
ago is in the next page shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sqlalchemy import select

from core.extensions import db
from panel.disclosure import Disclosure
from panel.models import Category, Dimension, Target, TargetSet
from surveys import answer_columns, breakdowns
from surveys.analysis import (
    FrequencyTable,
    WeightingError,
    design_effect,
    effective_sample_size,
    frequency_table,
    rake,
)
from surveys.answer_columns import AnswerColumn
from surveys.breakdowns import NOT_KNOWN, CrossTable, RateRow, num
from surveys.models import Question, Survey
from surveys.question_types import TYPES
from surveys.respondents import WhoAnswered, categories_frame, targets_frame, who_answered
from surveys.suppression import (
    BASE,
    NOT_ANSWERED,
    answers_disclosure,
    multiple_choice_disclosure,
    row,
)

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
    base: int | None          # None: hidden (it would give a small group away)
    not_answered: int | None  # None: hidden
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
    # ``not_known`` as the page may print it: None when it is a small group, or when it would
    # give back the number "who answered" hides (everyone less those who answered)
    not_known_shown: dict[str, int | None] = field(default_factory=dict)


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
        weighting = replace(weighting, not_known_shown=_not_known_shown(
            weighting.not_known, who, survey.suppress_below))
    tables: dict[str, CrossTable] = {}
    if by:
        weighted = weighting is not None and not weighting.problems
        groups = _category_labels(by)
        linked = next(([r.row.category or NOT_KNOWN for r in w.rows if r.hidden]
                       for w in who if w.dimension.key == by), None)
        for question in survey.questions:
            if question.kind in ("single", "agree", "rating") and \
                    question.key in submitted.columns:
                tables[question.text] = breakdowns.crosstab_of(
                    question, submitted.column(question.key), submitted.ids, profiles, by,
                    groups, weight if weighted else None, survey.suppress_below, linked)
    questions = [result for q in survey.questions for result in _question_results(
        q, submitted.column(q.key), weight, survey.suppress_below, search,
        tables[q.text].disclosure if q.text in tables else None)]
    if not by:
        return Results(responses, weighting, questions, **seen)
    return Results(responses, weighting, questions, by, tables,
                   breakdowns.rates(survey, by, groups, survey.suppress_below, linked),
                   **seen)


def _not_known_shown(not_known: dict[str, int], who: list[WhoAnswered],
                     threshold: int) -> dict[str, int | None]:
    hides_answered = {w.dimension.key for w in who if not w.answered_shown}
    return {key: n if n >= threshold and key not in hides_answered else None
            for key, n in not_known.items()}


def _category_labels(dimension: str) -> dict[str, str]:
    return dict(db.session.execute(select(Category.key, Category.label).join(Category.dimension)
                                   .where(Dimension.key == dimension)
                                   .order_by(Category.position)).all())


def _question_results(question: Question, column: AnswerColumn, weight: pd.Series,
                      threshold: int, search: str,
                      disclosure: Disclosure | None = None) -> list[QuestionResult]:
    """One result per question; a matrix has one per statement. Percentages are of the
    respondents who answered (for multiple choice, of them, the share who chose each).
    ``disclosure``: what may be printed, when the question's crosstab has decided it.

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
        # each option is its own count out of the base (people choose several)
        disclosure = multiple_choice_disclosure(counts, base, missing, threshold)
        for category, label in labels.items():
            chose = pd.Series(column.each(lambda v, c=category: "yes" if c in
                                          kind.counted(spec, v) else "no")[answered],
                              index=answered_index, dtype=object, name=spec.key)
            yes = frequency_table(chose, weight.reindex(chose.index),
                                  categories=["yes", "no"]).table.loc["yes"]
            hidden += not disclosure.shows(row(category))
            rows.append(_row(label, yes, disclosure, row(category)))
        return [QuestionResult(question, question.text, rows, *_base(disclosure, base, missing),
                               hidden)]
    if spec.kind in COUNTED:
        labels = dict(kind.categories(spec))
        first = pd.Series(column.each(lambda v: kind.counted(spec, v)[0])[answered],
                          index=answered_index, dtype=object, name=spec.key)
        table = frequency_table(first, weight.reindex(first.index), categories=list(labels))
        heading = f"{question.text} (first choices)" if spec.kind == "ranking" else \
            question.text
        return [_counted(question, heading, table, labels, threshold, base, missing,
                         disclosure)]
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


def _row(label: str, line: pd.Series, disclosure: Disclosure, key: tuple) -> Row:
    """A count as it may be printed; its per cents (and interval) only with its base too."""
    if not disclosure.shows(key):
        return Row(label, None, None, None, None, None)
    if not disclosure.shows(BASE):
        return Row(label, int(line["count"]), None, None, None, None)
    return Row(label, int(line["count"]), num(line["percent"]),
               num(line["weighted_percent"]), num(line["ci_low"]), num(line["ci_high"]))


def _base(disclosure: Disclosure, base: int, not_answered: int) -> tuple[int | None, ...]:
    return (base if disclosure.shows(BASE) else None,
            not_answered if disclosure.shows(NOT_ANSWERED) else None)


def _counted(question: Question, heading: str, table: FrequencyTable, labels: dict[str, str],
             threshold: int, base: int, not_answered: int,
             disclosure: Disclosure | None = None) -> QuestionResult:
    disclosure = disclosure or answers_disclosure(table.table["count"], not_answered, threshold)
    rows = [_row(labels.get(category, str(category)), line, disclosure, row(category))
            for category, line in table.table.iterrows()]
    hidden = sum(not disclosure.shows(row(category)) for category in table.table.index)
    return QuestionResult(question, heading, rows, *_base(disclosure, base, not_answered),
                          hidden)


