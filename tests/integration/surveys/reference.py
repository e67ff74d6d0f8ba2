"""The survey results and export as they were computed before answers were read per question
(one JSON decode and one type call per answer), kept verbatim as the reference that the
faster path must match exactly. Not a test module: ``test_survey_results_at_scale`` uses it.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import pyreadstat
from sqlalchemy import Text, and_, cast, select

from core.extensions import db
from core.spreadsheet import safe_cell
from panel.models import TargetSet
from surveys.analysis import crosstab, frequency_table
from surveys.breakdowns import NOT_KNOWN, CrossTable
from surveys.breakdowns import rates as breakdown_rates
from surveys.exports import Export, _profile_labels, methods_note, note_lines
from surveys.models import Answer, Question, Response, Survey
from surveys.question_types import TYPES
from surveys.respondents import categories_frame, targets_frame, who_answered
from surveys.results import (
    COUNTED,
    QuestionResult,
    Results,
    _base,
    _category_labels,
    _counted,
    _not_known_shown,
    _row,
    weights,
)
from surveys.suppression import column as column_key
from surveys.suppression import multiple_choice_disclosure, row


def frame(survey: Survey) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, profiles): one row per submitted response, indexed by response id.

    Read as plain tuples, columns apart, with the stored JSON decoded here: at 50,000
    responses the ORM's row objects and per-value type processing cost more than the rest.
    """
    sent = and_(Response.survey_id == survey.id, Response.submitted_at.is_not(None))
    responses = db.session.execute(select(Response.id, cast(Response.profile, Text))
                                   .where(sent).order_by(Response.id)).all()
    ids = pd.Index([r for r, _ in responses])
    profiles = pd.DataFrame([json.loads(p) if p else {} for _, p in responses], index=ids)
    keys = dict(db.session.execute(select(Question.id, Question.key).where(
        Question.survey_id == survey.id)).all())
    rows = db.session.execute(
        select(Answer.response_id, Answer.question_id, cast(Answer.value, Text))
        .join(Response, Response.id == Answer.response_id).where(sent)).all()
    if not rows:
        return pd.DataFrame(index=ids, dtype=object), profiles
    response_ids, question_ids, texts = zip(*rows, strict=True)
    long = pd.DataFrame({"response": response_ids,
                         "key": pd.Series(question_ids).map(keys).to_numpy(),
                         "value": pd.Series([json.loads(t) for t in texts], dtype=object)})
    answers = long.pivot(index="response", columns="key", values="value").reindex(ids)
    answers = answers.astype(object).where(answers.notna(), None)
    answers.columns.name = None
    return answers, profiles


def results(survey: Survey, *, target_set: TargetSet | None = None,
            dimensions: Sequence[str] = (), search: str = "", by: str = "") -> Results:
    answers, profiles = frame(survey)
    weighting = None
    weight = pd.Series(1.0, index=answers.index)
    who = (who_answered(profiles, categories_frame(), targets_frame(target_set),
                        survey.suppress_below) if target_set is not None and len(answers)
           else [])
    if target_set is not None and dimensions and len(answers):
        weight, weighting = weights(profiles, target_set, dimensions)
        weighting = replace(weighting, not_known_shown=_not_known_shown(
            weighting.not_known, who, survey.suppress_below))
    tables = {}
    if by:
        weighted = weighting is not None and not weighting.problems
        groups = _category_labels(by)
        linked = next(([r.row.category or NOT_KNOWN for r in w.rows if r.hidden]
                       for w in who if w.dimension.key == by), None)
        for question in survey.questions:
            if question.kind in ("single", "agree", "rating") and question.key in answers:
                tables[question.text] = _crosstab(question, answers[question.key], profiles,
                                                  by, groups, weight if weighted else None,
                                                  survey.suppress_below, linked)
    questions = [result for q in survey.questions for result in _question_results(
        q, answers.get(q.key), weight, survey.suppress_below, search,
        tables[q.text].disclosure if q.text in tables else None)]
    if not by:
        return Results(len(answers), weighting, questions)
    return Results(len(answers), weighting, questions, by, tables,
                   breakdown_rates(survey, by, groups, survey.suppress_below, linked))


def _crosstab(question: Question, column: pd.Series, profiles: pd.DataFrame, by: str,
              groups: dict[str, str], weight: pd.Series | None, threshold: int,
              linked: list[str] | None) -> CrossTable:
    spec = question.spec()
    labels = dict(TYPES[spec.kind].categories(spec))
    first = column.map(lambda v: (TYPES[spec.kind].counted(spec, v) or [None])[0]
                       if v is not None else None)
    profile = profiles.get(by, pd.Series(index=profiles.index, dtype=object))
    table = crosstab(first, profile.reindex(first.index), weight, threshold=threshold,
                     categories=list(labels), by_categories=list(groups), not_known="not_known",
                     who_hidden=linked)
    percent = table.weighted_column_percent if weight is not None else table.column_percent
    shown = pd.Series([table.disclosure.shows(column_key(g)) for g in table.bases.index],
                      index=table.bases.index)
    present = (table.bases["base"] > 0) | ~shown  # no column for nobody, unless hidden
    percent = percent.loc[:, present.to_numpy()]
    columns = [groups.get(c, "Not known" if c == "not_known" else str(c))
               for c in percent.columns]
    rows = [(labels.get(r, str(r)), [None if pd.isna(v) else float(v) for v in values])
            for r, values in zip(percent.index, percent.to_numpy(), strict=True)]
    return CrossTable(columns, rows, [int(b) if shown[g] else None
                                      for g, b in table.bases["base"][present].items()],
                      weight is not None, table.disclosure)


def _question_results(question: Question, column: pd.Series | None, weight: pd.Series,
                      threshold: int, search: str, disclosure=None) -> list[QuestionResult]:
    """One result per question; a matrix has one per statement. Percentages are of the
    respondents who answered (for multiple choice, of them, the share who chose each)."""
    spec = question.spec()
    kind = TYPES[spec.kind]
    if column is None:
        column = pd.Series([None] * len(weight), index=weight.index, dtype=object)
    answered = column.notna()
    base, missing = int(answered.sum()), int((~answered).sum())
    if spec.kind == "matrix":
        labels = dict(kind.categories(spec))
        out = []
        for key, text in spec.statements:
            ratings = column.map(lambda v, k=key: (v or {}).get(k) if isinstance(v, dict)
                                 else None)
            table = frequency_table(ratings, weight, categories=list(labels))
            out.append(_counted(question, f"{question.text}: {text}", table, labels,
                                threshold, table.base, table.not_answered))
        return out
    if spec.kind == "multiple":
        labels = dict(kind.categories(spec))
        rows, hidden = [], 0
        counts = pd.Series({c: sum(c in kind.counted(spec, v) for v in column[answered])
                            for c in labels})
        shown = multiple_choice_disclosure(counts, base, missing, threshold)
        for category, label in labels.items():
            chose = column[answered].map(lambda v, c=category: "yes" if c in
                                         kind.counted(spec, v) else "no")
            yes = frequency_table(chose, weight.reindex(chose.index),
                                  categories=["yes", "no"]).table.loc["yes"]
            hidden += not shown.shows(row(category))
            rows.append(_row(label, yes, shown, row(category)))
        return [QuestionResult(question, question.text, rows, *_base(shown, base, missing),
                               hidden)]
    if spec.kind in COUNTED:
        labels = dict(kind.categories(spec))
        first = column[answered].map(lambda v: kind.counted(spec, v)[0])
        table = frequency_table(first.astype(object), weight.reindex(first.index),
                                categories=list(labels))
        heading = f"{question.text} (first choices)" if spec.kind == "ranking" else \
            question.text
        return [_counted(question, heading, table, labels, threshold, base, missing,
                         disclosure)]
    values = [str(v) for v in column[answered]]
    summary = ""
    if spec.kind == "number" and values:
        numbers = pd.Series([float(v) for v in values])
        summary = (f"Median {numbers.median():g}, from {numbers.min():g} to {numbers.max():g} "
                   f"(mean {numbers.mean():.1f})")
        values = []
    if search:
        values = [v for v in values if search.casefold() in v.casefold()]
    return [QuestionResult(question, question.text, [], base, missing, 0, values, summary)]


def export(survey: Survey) -> Export:
    responses = db.session.execute(
        select(Response.id, Response.submitted_at, Response.mode, Response.profile)
        .where(Response.survey_id == survey.id, Response.submitted_at.is_not(None))
        .order_by(Response.submitted_at, Response.id)).all()
    answers, _ = frame(survey)
    dimensions = _profile_labels()
    used = sorted({key for r in responses for key in (r.profile or {})},
                  key=lambda k: dimensions.get(k, (k, 0, {}))[1])
    labels = {"response": "Response number", "sent_at": "Sent (UTC)", "mode": "How answered"}
    value_labels: dict[str, dict] = {}
    for key in used:
        label, _, categories = dimensions.get(key, (key, 0, {}))
        labels[f"profile_{key}"] = f"Profile: {label}"
        value_labels[f"profile_{key}"] = categories
    specs = [q.spec() for q in survey.questions]
    columns = {spec.key: TYPES[spec.kind].columns(spec) for spec in specs}
    for spec in specs:
        for column in columns[spec.key]:
            labels[column.name] = column.label
            if column.value_labels:
                value_labels[column.name] = dict(column.value_labels)
    parts = [pd.DataFrame({
        "response": range(1, len(responses) + 1),
        "sent_at": [r.submitted_at.isoformat(timespec="seconds") for r in responses],
        "mode": [r.mode.label for r in responses],
        **{f"profile_{k}": [(r.profile or {}).get(k) for r in responses] for k in used}})]
    order = [r.id for r in responses]
    for spec in specs:
        kind, names = TYPES[spec.kind], [c.name for c in columns[spec.key]]
        values = (answers[spec.key].reindex(order) if spec.key in answers
                  else pd.Series([None] * len(order), index=order, dtype=object))
        cells = [kind.cells(spec, v) for v in values]
        parts.append(pd.DataFrame(cells, columns=names) if cells else
                     pd.DataFrame(columns=names))
    return Export(pd.concat(parts, axis=1)[list(labels)], labels, value_labels)


def xlsx_bytes(survey: Survey) -> bytes:
    data = export(survey)
    frame = data.labelled().rename(columns=data.labels).map(
        lambda v: safe_cell(v) if isinstance(v, str) else v)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Responses", index=False)
        pd.DataFrame({"Methods": methods_note(survey)}).to_excel(writer, sheet_name="Methods",
                                                                index=False)
    return out.getvalue()




def csv_bytes(survey: Survey) -> bytes:
    data = export(survey)
    frame = data.labelled().rename(columns=data.labels).map(
        lambda v: safe_cell(v) if isinstance(v, str) else v)
    out = io.StringIO()
    frame.to_csv(out, index=False)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM: Excel opens it as UTF-8


def sav_bytes(survey: Survey) -> bytes:
    """SPSS .sav: codes with value labels; the methods note as the file label and notes."""
    data = export(survey)
    codes = data.codes.copy()
    value_labels = {}
    for column, mapping in data.value_labels.items():
        if all(isinstance(k, str) for k in mapping):  # text categories become 1, 2, 3...
            numbered = {key: n for n, key in enumerate(mapping, start=1)}
            codes[column] = codes[column].map(numbered)
            mapping = {numbered[k]: label for k, label in mapping.items()}
        value_labels[column] = {float(k): v for k, v in mapping.items()}
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(codes, path, column_labels=data.labels,
                             variable_value_labels=value_labels,
                             file_label=survey.title[:64],
                             note=note_lines(methods_note(survey)))
        with open(path, "rb") as saved:
            return saved.read()
    finally:
        os.unlink(path)
