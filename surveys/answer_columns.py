"""A survey's submitted answers, read for counting and export: per question, the distinct
stored values and, for each response, which of them it gave.

Most answers repeat (a choice, a point on a scale, a rating), so each distinct stored JSON text
is decoded once, and whatever the results or an export need from an answer (the category it
counts in, its export cells) is worked out once per distinct value and spread over the
responses by code with numpy. The per-answer functions stay those of ``question_types``: the
figures are the same as calling them on every answer, at a small part of the cost.

The database does the grouping: one row per question, carrying each answer as its response id
and stored text, the pieces joined into one string (``group_concat`` on SQLite, ``string_agg``
on PostgreSQL, through SQLAlchemy's ``aggregate_strings``). Each id travels in the same piece
as its text, so no order of rows is assumed. 50,000 responses to 20 questions come back as 20
rows instead of a million, which is most of the saving.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Text, and_, cast, func, select

from core.extensions import db
from surveys.models import Answer, Question, Response, Survey

# Between stored texts: ASCII "record separator", which valid JSON text never contains (JSON
# allows no raw control character, in a string or between tokens), so splitting is exact.
SEPARATOR = "\x1e"
UNIT = "\x1f"  # between a response id and its answer's text: "12\x1f\"central\""


@dataclass(frozen=True)
class AnswerColumn:
    """One question's answers, one slot per submitted response (in response id order).

    ``codes[i]`` is the position in ``values`` of the answer response i gave, -1 where it gave
    none; ``values`` are the distinct stored values, decoded (never ``None``).
    """

    codes: np.ndarray
    values: list[Any]

    @classmethod
    def empty(cls, size: int) -> AnswerColumn:
        return cls(np.full(size, -1, dtype=np.intp), [])

    @property
    def answered(self) -> np.ndarray:
        return self.codes >= 0

    def take(self, positions: np.ndarray) -> AnswerColumn:
        """The same answers for the responses at ``positions`` (in that order)."""
        return AnswerColumn(self.codes[positions], self.values)

    def each(self, fn: Callable[[Any], Any], missing: Any = None) -> np.ndarray:
        """``fn(value)`` for each response's answer (``missing`` where none), as an object
        array; ``fn`` is called once per distinct value."""
        table = np.empty(len(self.values) + 1, dtype=object)
        for n, value in enumerate(self.values):
            table[n] = fn(value)
        table[-1] = missing
        return table[self.codes]  # code -1 picks the last slot: missing

    def each_list(self, fn: Callable[[Any], Any], missing: Any = None) -> list[Any]:
        """As ``each``, as a plain list (for values that are themselves lists)."""
        table = [fn(value) for value in self.values]
        table.append(missing)
        return [table[code] for code in self.codes.tolist()]

    def series(self, index: pd.Index) -> pd.Series:
        """The decoded answers, ``None`` where none was given (object dtype)."""
        return pd.Series(self.each(lambda v: v), index=index, dtype=object)


@dataclass(frozen=True)
class Submitted:
    """Every submitted response of a survey: ids ascending, profile snapshots, answers."""

    ids: pd.Index                       # response ids, ascending
    profiles: pd.DataFrame              # one row per response, a column per profile question
    columns: dict[str, AnswerColumn]    # question key -> its answers (keys with any answer row)

    def column(self, key: str) -> AnswerColumn:
        found = self.columns.get(key)
        return found if found is not None else AnswerColumn.empty(len(self.ids))

    def frame(self) -> pd.DataFrame:
        """The answers as one object column per question that has answers (keys sorted),
        ``None`` where a response gave none; indexed by response id. Equal answers are one
        shared object: read them, do not change them in place."""
        return pd.DataFrame({key: self.columns[key].series(self.ids)
                             for key in sorted(self.columns)}, index=self.ids, dtype=object)


def read(survey: Survey) -> Submitted:
    sent = and_(Response.survey_id == survey.id, Response.submitted_at.is_not(None))
    responses = db.session.execute(select(Response.id, cast(Response.profile, Text))
                                   .where(sent).order_by(Response.id)).all()
    ids = np.fromiter((r for r, _ in responses), dtype=np.int64, count=len(responses))
    index = pd.Index(ids)
    profiles = _profiles([p for _, p in responses], index)
    keys = dict(db.session.execute(select(Question.id, Question.key).where(
        Question.survey_id == survey.id)).all())
    pair = cast(Answer.response_id, Text) + UNIT + cast(Answer.value, Text)
    grouped = db.session.execute(
        select(Answer.question_id, func.aggregate_strings(pair, SEPARATOR))
        .where(Answer.question_id.in_(select(Question.id).where(
            Question.survey_id == survey.id)), Answer.value.is_not(None))
        .group_by(Answer.question_id)).all()
    columns = {keys[question]: _column(ids, text) for question, text in grouped}
    return Submitted(index, profiles, columns)


def _column(ids: np.ndarray, text: str) -> AnswerColumn:
    """One question's answers from its joined "id, unit separator, JSON" pieces, placed at
    their responses (answers of responses not submitted are left out)."""
    parts = text.replace(UNIT, SEPARATOR).split(SEPARATOR)  # id, text, id, text, ...
    if len(parts) % 2:
        raise ValueError("a stored answer is not valid JSON text")
    answered = np.array(parts[0::2], dtype=np.int64)
    texts = parts[1::2]
    at = np.searchsorted(ids, answered)
    sent = at < len(ids)
    sent[sent] = ids[at[sent]] == answered[sent]
    text_codes, distinct = pd.factorize(np.asarray(texts, dtype=object)[sent])
    decoded = [json.loads(text) for text in distinct]
    # a stored JSON null (or NaN) is no answer, as it was when answers were read one by one
    keep = np.array([not _missing(v) for v in decoded], dtype=bool)
    renumber = np.where(keep, np.cumsum(keep) - 1, -1)
    codes = np.full(len(ids), -1, dtype=np.intp)
    codes[at[sent]] = renumber[text_codes]
    return AnswerColumn(codes, [v for v, k in zip(decoded, keep, strict=True) if k])


def _profiles(texts: Iterable[str | None], index: pd.Index) -> pd.DataFrame:
    """One row per response from its stored profile text; each distinct text decoded once.

    Built from the distinct profiles in order of first appearance, then repeated, which gives
    the same columns, order and types as building from every response's decoded profile."""
    codes, distinct = pd.factorize(pd.Series(list(texts), dtype=object), use_na_sentinel=False)
    if not len(distinct):
        return pd.DataFrame([], index=index)
    unique = pd.DataFrame([json.loads(t) if t else {} for t in distinct])
    out = unique.iloc[codes]
    out.index = index
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
