"""A survey's responses for analysis elsewhere: CSV and XLSX (labelled), SPSS .sav (codes with
value labels), each with the methods note. One row per sent response; no names or contact
details (the profile columns are the snapshot kept with each response).

Columns: ``response``, ``sent_at``, ``mode``, each profile question, then each question's
columns as its type defines them (``question_types.Column``). CSV and XLSX show the labels;
.sav keeps the codes and carries the labels as SPSS value labels, so "Don't know" (9) can be
declared missing there. Text that a spreadsheet would run as a formula is quoted.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import textwrap
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
import xlsxwriter
from sqlalchemy import Text, cast, func, select

from core.extensions import db
from core.spreadsheet import safe_cell
from core.templating import plural
from panel.models import Dimension
from surveys import answer_columns
from surveys.models import Invitation, Response, ResponseMode, Survey
from surveys.question_types import TYPES


@dataclass(frozen=True)
class Export:
    codes: pd.DataFrame                      # one row per response, values as stored codes
    labels: dict[str, str]                   # column -> its label
    value_labels: dict[str, dict]            # column -> {code: label}

    def labelled(self) -> pd.DataFrame:
        out = self.codes.copy()
        for column, mapping in self.value_labels.items():
            out[column] = out[column].map(lambda v, m=mapping: m.get(v, v))
        return out


def export(survey: Survey) -> Export:
    responses = db.session.execute(
        select(Response.id, Response.submitted_at, Response.mode, cast(Response.profile, Text))
        .where(Response.survey_id == survey.id, Response.submitted_at.is_not(None))
        .order_by(Response.submitted_at, Response.id)).all()
    submitted = answer_columns.read(survey)
    # each distinct profile snapshot decoded once; rows in the order sent
    profile_codes, profile_texts = pd.factorize(
        pd.Series([p for *_, p in responses], dtype=object), use_na_sentinel=False)
    distinct = [json.loads(text) if text else {} for text in profile_texts]
    profiles = [distinct[code] for code in profile_codes.tolist()]
    dimensions = _profile_labels()
    used = sorted({key for profile in distinct for key in (profile or {})},
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
    labels = _distinct(labels)
    modes = {mode: ResponseMode(mode).label for mode in {r.mode for r in responses}}
    parts = [pd.DataFrame({
        "response": range(1, len(responses) + 1),
        "sent_at": [r.submitted_at.isoformat(timespec="seconds") for r in responses],
        "mode": [modes[r.mode] for r in responses],
        **{f"profile_{k}": [(p or {}).get(k) for p in profiles] for k in used}})]
    # the responses in the order sent, as positions among the submitted (id order)
    order = submitted.ids.get_indexer([r.id for r in responses])
    for spec in specs:
        kind, names = TYPES[spec.kind], [c.name for c in columns[spec.key]]
        # the type's cells for each distinct answer, once; then one row per response
        cells = submitted.column(spec.key).take(order).each_list(
            lambda v, k=kind, s=spec: k.cells(s, v), missing=kind.cells(spec, None))
        parts.append(pd.DataFrame(cells, columns=names) if cells else
                     pd.DataFrame(columns=names))
    return Export(pd.concat(parts, axis=1)[list(labels)], labels, value_labels)


def _distinct(labels: dict[str, str]) -> dict[str, str]:
    """Two questions worded alike get headings a reader (and a spreadsheet) can tell apart."""
    seen: dict[str, int] = {}
    out = {}
    for name, label in labels.items():
        seen[label] = seen.get(label, 0) + 1
        out[name] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return out


def _profile_labels() -> dict[str, tuple[str, int, dict[str, str]]]:
    out: dict[str, tuple[str, int, dict[str, str]]] = {}
    for dimension in db.session.scalars(select(Dimension)):
        out[dimension.key] = (dimension.label, dimension.position,
                              {c.key: c.label for c in dimension.categories})
    return out


def methods_note(survey: Survey) -> list[str]:
    sent = db.session.scalar(select(func.count()).select_from(Response).where(
        Response.survey_id == survey.id, Response.submitted_at.is_not(None))) or 0
    invited = db.session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.survey_id == survey.id)) or 0
    dates = " to ".join(f"{d:%-d %B %Y}" for d in (survey.opened_at, survey.closed_at) if d)
    rate = (f"; {sent:,} of {invited:,} invited members answered ({sent / invited:.0%})"
            if invited else "")
    return [
        f"{survey.title} ({survey.engagement.title}), run by the council's resident e-panel"
        + (f", open {dates}" if dates else "") + ".",
        f"Who was asked: {survey.audience.label.lower()}"
        + (f" (quota sample “{survey.sample.name}”)" if survey.sample else "")
        + f"{rate}. {plural(sent, 'response')} {'was' if sent == 1 else 'were'} sent.",
        "One row per response. Profile columns are each respondent's answers to the panel's "
        "profile questions when they sent the survey. The figures are unweighted; the results "
        "page can weight them to population targets by raking. Small groups are not hidden "
        f"in this file: do not publish cells of fewer than {survey.suppress_below} people.",
    ]


def spreadsheet(data: Export) -> pd.DataFrame:
    """The labelled table with its column labels, text a spreadsheet would run quoted."""
    labels = {column: safe_cell(label) for column, label in data.labels.items()}
    return data.labelled().rename(columns=labels).map(
        lambda v: safe_cell(v) if isinstance(v, str) else v)


def csv_bytes(survey: Survey) -> bytes:
    frame = spreadsheet(export(survey))
    out = io.StringIO()
    frame.to_csv(out, index=False)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM: Excel opens it as UTF-8


def xlsx_bytes(survey: Survey) -> bytes:
    """Two sheets: "Responses" and "Methods" (the note, a line a row)."""
    return workbook({"Responses": spreadsheet(export(survey)),
                     "Methods": pd.DataFrame({"Methods": methods_note(survey)})})


def workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX file: a sheet per frame, its bold header row, then a row per row of the frame.

    Written by XlsxWriter in constant-memory mode: each row goes to a temporary file once it
    is finished, so a large survey is never held in memory cell by cell."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    header = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "top"})
    for name, frame in sheets.items():
        _sheet(book, name, frame, header)
    book.close()
    return out.getvalue()


def _sheet(book: xlsxwriter.Workbook, name: str, frame: pd.DataFrame,
           header: xlsxwriter.format.Format) -> None:
    """Text as text (never a formula), numbers as numbers, missing values as blank cells."""
    sheet = book.add_worksheet(name)
    plain = book.add_format()
    for column, label in enumerate(frame.columns):
        _text(sheet, 0, column, str(label), plain, header)
    text, number = sheet.write_string, sheet.write_number
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    for row, values in enumerate(zip(*columns, strict=True), start=1):
        for column, value in enumerate(values):
            if isinstance(value, str):
                if value.startswith("<r>") and value.endswith("</r>"):
                    _text(sheet, row, column, value, plain)
                else:
                    text(row, column, value)
            elif isinstance(value, bool | np.bool_):
                sheet.write_boolean(row, column, bool(value))
            elif isinstance(value, int | float | np.integer | np.floating):
                if math.isfinite(value):
                    number(row, column, value)
            elif value is not None and not pd.isna(value):
                _text(sheet, row, column, str(value), plain)


def _text(sheet: Any, row: int, column: int, text: str, plain: Any, style: Any = None) -> None:
    if text.startswith("<r>") and text.endswith("</r>"):
        # XlsxWriter takes such a string as rich-text XML and writes it unescaped, so a written
        # answer could add cells (a formula) or break the file: write it as two escaped runs
        sheet.write_rich_string(row, column, text[:1], plain, text[1:],
                                *([style] if style is not None else []))
    else:
        sheet.write_string(row, column, text, style)


def note_lines(paragraphs: list[str], limit: int = 80) -> list[str]:
    """Paragraphs wrapped for an SPSS file's notes: at most 80 bytes a line, and in UTF-8
    “quotes” and £ take more than one byte each."""
    lines = []
    for paragraph in paragraphs:
        width = limit
        wrapped = textwrap.wrap(paragraph, width)
        while any(len(line.encode("utf-8")) > limit for line in wrapped):
            width -= 4
            wrapped = textwrap.wrap(paragraph, width)
        lines.extend(wrapped)
    return lines


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
