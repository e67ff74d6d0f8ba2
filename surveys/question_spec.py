"""What a survey question is, as plain data, and what every question type can do with it.

A question is described by a ``QuestionSpec`` (plain data, as stored on a question row). Its
type (a ``QuestionType``, found in ``surveys.question_types.TYPES`` by ``spec.kind``) turns it
into:

- ``field(spec)``: an unbound WTForms field with GOV.UK widgets and plain-English validators;
  a page's form is a class with one such field per question (``form_class``);
- ``value(spec, data)``: the answer as stored (JSON: text, number, list or mapping), from the
  field's validated data; ``None`` when the question was left unanswered;
- ``categories(spec)``: the answer categories a summary counts (choice types), and
  ``counted(spec, value)``: which of them one answer counts in (several for multiple choice,
  one per statement for a matrix);
- ``columns(spec)`` and ``cells(spec, value)``: the export columns (name, label and, for SPSS,
  value labels) and one response's values in them.

Display logic and sections live on the survey; nothing here touches the database.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OTHER = "other"
DONT_KNOW = "dont_know"
AGREE_SCALE = (("strongly_agree", "Strongly agree"), ("agree", "Agree"),
               ("neither", "Neither agree nor disagree"), ("disagree", "Disagree"),
               ("strongly_disagree", "Strongly disagree"), (DONT_KNOW, "Don't know"))
SHORT_TEXT, LONG_TEXT = 200, 5000


@dataclass(frozen=True)
class QuestionSpec:
    key: str                                   # stable and unique within the survey: "q3"
    kind: str                                  # a key of TYPES
    text: str
    hint: str = ""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, label): choices, or items to rank
    statements: tuple[tuple[str, str], ...] = ()  # matrix rows
    other: bool = False                        # offer "Other (please say)"
    max_choices: int | None = None             # multiple choice
    minimum: int | None = None                 # number
    maximum: int | None = None


@dataclass(frozen=True)
class Column:
    name: str                                   # safe for SPSS: letters, digits, underscores
    label: str
    value_labels: Mapping[Any, str] = field(default_factory=dict)


class QuestionType(ABC):
    kind = ""
    label = ""
    description = ""  # one line, beside its choice on the question form
    settings: tuple[str, ...] = ()  # the question form's fields this type uses, besides all's

    @abstractmethod
    def field(self, spec: QuestionSpec) -> Any:
        """The unbound WTForms field that asks the question."""

    def value(self, spec: QuestionSpec, data: Any) -> Any:
        return data if data not in (None, "", [], {}) else None

    def categories(self, spec: QuestionSpec) -> list[tuple[str, str]]:
        return []

    def counted(self, spec: QuestionSpec, value: Any) -> list[str]:
        return [] if value is None else [str(value)]

    def columns(self, spec: QuestionSpec) -> list[Column]:
        return [Column(spec.key, spec.text)]

    def cells(self, spec: QuestionSpec, value: Any) -> list[Any]:
        return [value]

