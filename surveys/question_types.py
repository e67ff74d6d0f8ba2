"""The registry of question types (``TYPES``, by ``QuestionSpec.kind``): each knows its form
field, validation, summary and export (``surveys.question_spec`` says what each does); and a
page's form: ``form_class``, ``form_data`` (stored answers shown again), ``answers_from``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from core.forms import Subform
from surveys.question_fields import (
    Answered,
    AtMost,
    OtherText,
    WholeNumberField,
    choices,
    distinct_ranks,
    lower_first,
    required,
    strip,
    with_other,
)
from surveys.question_spec import (
    AGREE_SCALE,
    DONT_KNOW,
    LONG_TEXT,
    OTHER,
    SHORT_TEXT,
    Column,
    QuestionSpec,
    QuestionType,
)

# The question's plain data is found here too (where most callers look).
__all__ = ["AGREE_SCALE", "DONT_KNOW", "LONG_TEXT", "OTHER", "SHORT_TEXT", "TYPES", "Column",
           "QuestionSpec", "QuestionType", "answers_from", "form_class", "form_data"]


class SingleChoice(QuestionType):
    kind, label = "single", "Single choice"
    description = "One answer from a list you write"
    settings = ("options", "other")

    def field(self, spec: QuestionSpec) -> Any:
        checks = required(spec, f"Select an answer to “{spec.text}”")
        return RadioField(spec.text, choices=choices(with_other(spec)), widget=GovRadioInput(),
                          validators=[*checks, *([OtherText()] if spec.other else [])],
                          description=spec.hint)

    def categories(self, spec: QuestionSpec) -> list[tuple[str, str]]:
        return list(with_other(spec))

    def value(self, spec: QuestionSpec, data: Any) -> Any:
        choice, other = (data or {}).get("choice"), (data or {}).get("other")
        if not choice:
            return None
        return {"choice": choice, "other": (other or "").strip()} if choice == OTHER else choice

    def counted(self, spec: QuestionSpec, value: Any) -> list[str]:
        if value is None:
            return []
        return [OTHER] if isinstance(value, dict) else [value]

    def columns(self, spec: QuestionSpec) -> list[Column]:
        labels = dict(enumerate((label for _, label in with_other(spec)), start=1))
        other = [Column(f"{spec.key}_other", f"{spec.text}: other")] if spec.other else []
        return [Column(spec.key, spec.text, labels), *other]

    def cells(self, spec: QuestionSpec, value: Any) -> list[Any]:
        codes = {v: n for n, (v, _) in enumerate(with_other(spec), start=1)}
        choice = self.counted(spec, value)
        other = [value["other"] if isinstance(value, dict) else None] if spec.other else []
        return [codes[choice[0]] if choice else None, *other]


class MultipleChoice(QuestionType):
    kind, label = "multiple", "Multiple choice"
    description = "Any number of answers from a list you write"
    settings = ("options", "other", "max_choices")

    def field(self, spec: QuestionSpec) -> Any:
        checks = required(spec, f"Select at least one answer to “{spec.text}”")
        return SelectMultipleField(
            spec.text, choices=choices(with_other(spec)), widget=GovCheckboxesInput(),
            validators=[*checks, AtMost(spec.max_choices),
                        *([OtherText()] if spec.other else [])],
            description=spec.hint or (f"Select up to {spec.max_choices}."
                                      if spec.max_choices else "Select all that apply."))

    def value(self, spec: QuestionSpec, data: Any) -> Any:
        chosen, other = (data or {}).get("choice") or [], (data or {}).get("other")
        if not chosen:
            return None
        return {"choices": list(chosen), "other": (other or "").strip() if OTHER in chosen
                else ""}

    def categories(self, spec: QuestionSpec) -> list[tuple[str, str]]:
        return list(with_other(spec))

    def counted(self, spec: QuestionSpec, value: Any) -> list[str]:
        return [] if value is None else list(value["choices"])

    def columns(self, spec: QuestionSpec) -> list[Column]:
        ticked = {0: "Not selected", 1: "Selected"}
        other = [Column(f"{spec.key}_other", f"{spec.text}: other")] if spec.other else []
        return [*(Column(f"{spec.key}_{n}", f"{spec.text}: {label}", ticked)
                  for n, (_, label) in enumerate(with_other(spec), start=1)), *other]

    def cells(self, spec: QuestionSpec, value: Any) -> list[Any]:
        chosen = set(self.counted(spec, value))
        ticks = [None if value is None else int(v in chosen) for v, _ in with_other(spec)]
        other = [value["other"] if value else None] if spec.other else []
        return [*ticks, *other]



class AgreeScale(SingleChoice):
    kind, label = "agree", "Agree–disagree scale"
    description = "From “Strongly agree” to “Strongly disagree”, or “Don't know”"
    settings = ()

    def field(self, spec: QuestionSpec) -> Any:
        return RadioField(spec.text, choices=choices(AGREE_SCALE), widget=GovRadioInput(),
                          validators=required(spec, f"Select how much you agree that "
                                                     f"{lower_first(spec.text)}"),
                          description=spec.hint)

    def value(self, spec: QuestionSpec, data: Any) -> Any:
        return data or None

    def categories(self, spec: QuestionSpec) -> list[tuple[str, str]]:
        return list(AGREE_SCALE)

    def columns(self, spec: QuestionSpec) -> list[Column]:
        return [Column(spec.key, spec.text, _scale_labels())]

    def cells(self, spec: QuestionSpec, value: Any) -> list[Any]:
        return [_scale_code(value)]


def _scale_labels() -> dict[int, str]:
    """Codes 1 (strongly agree) to 5, and 9 for Don't know (a missing-value code in SPSS)."""
    return {(9 if v == DONT_KNOW else n): label
            for n, (v, label) in enumerate(AGREE_SCALE, start=1)}


def _scale_code(value: str | None) -> int | None:
    codes = {v: (9 if v == DONT_KNOW else n) for n, (v, _) in enumerate(AGREE_SCALE, start=1)}
    return None if value is None else codes[value]


class Matrix(QuestionType):
    """Statements, each answered on the agree–disagree scale (a fieldset per statement)."""

    kind, label = "matrix", "Statements on an agree–disagree scale"
    description = "Several statements, each on the agree–disagree scale"
    settings = ("statements",)

    def field(self, spec: QuestionSpec) -> Any:
        rows = {key: RadioField(text, choices=choices(AGREE_SCALE), widget=GovRadioInput(),
                                validators=required(spec, f"Select how much you agree that "
                                                           f"{lower_first(text)}"))
                for key, text in spec.statements}
        return FormField(type("MatrixForm", (Subform,), rows), label=spec.text,
                         description=spec.hint)

    def value(self, spec: QuestionSpec, data: Any) -> Any:
        answered = {k: v for k, v in (data or {}).items() if v}
        return answered or None

    def categories(self, spec: QuestionSpec) -> list[tuple[str, str]]:
        return list(AGREE_SCALE)

    def counted(self, spec: QuestionSpec, value: Any) -> list[str]:
        return [] if value is None else [f"{k}:{v}" for k, v in value.items()]

    def columns(self, spec: QuestionSpec) -> list[Column]:
        return [Column(f"{spec.key}_{n}", f"{spec.text}: {text}", _scale_labels())
                for n, (_, text) in enumerate(spec.statements, start=1)]

    def cells(self, spec: QuestionSpec, value: Any) -> list[Any]:
        return [_scale_code((value or {}).get(key)) for key, _ in spec.statements]


class Rating(QuestionType):
    kind, label = "rating", "Rating from 0 to 10"
    description = "A score from 0 (lowest) to 10 (highest)"
    settings = ()

    def field(self, spec: QuestionSpec) -> Any:
        scale = [(str(n), str(n)) for n in range(11)]
        return RadioField(spec.text, choices=choices(scale), widget=GovRadioInput(),
                          validators=required(spec, f"Select a number between 0 and 10 for "
                                                     f"“{spec.text}”"),
                          description=spec.hint or "0 is the lowest, 10 the highest.")

    def value(self, spec: QuestionSpec, data: Any) -> Any:
        return None if data is None or not str(data).strip() else int(data)

    def categories(self, spec: QuestionSpec) -> list[tuple[str, str]]:
        return [(str(n), str(n)) for n in range(11)]

    def counted(self, spec: QuestionSpec, value: Any) -> list[str]:
        return [] if value is None else [str(value)]


class Number(QuestionType):
    kind, label = "number", "Number"
    description = "A whole number, between limits you can set"
    settings = ("minimum", "maximum")

    def field(self, spec: QuestionSpec) -> Any:
        low, high = spec.minimum, spec.maximum
        if low is not None and high is not None:
            message = f"Enter a whole number from {low} to {high}"
        elif low is not None:
            message = f"Enter a whole number of {low} or more"
        elif high is not None:
            message = f"Enter a whole number of {high} or less"
        else:
            message = "Enter a whole number"
        checks = ([Answered(f"Enter a number for “{spec.text}”")] if spec.required
                  else [Optional()])
        return WholeNumberField(spec.text, widget=GovTextInput(), description=spec.hint,
                                invalid=message,
                                validators=[*checks, NumberRange(low, high, message)])

    def value(self, spec: QuestionSpec, data: Any) -> Any:
        return data


class ShortText(QuestionType):
    kind, label = "short_text", "Short text"
    description = "A line of text, up to 200 characters"
    settings = ()
    limit, field_class, widget = SHORT_TEXT, StringField, GovTextInput

    def field(self, spec: QuestionSpec) -> Any:
        too_long = f"Your answer must be {self.limit:,} characters or fewer"
        return self.field_class(
            spec.text, widget=self.widget(), description=spec.hint, filters=[strip],
            validators=[*required(spec, f"Enter an answer to “{spec.text}”", text=True),
                        Length(max=self.limit, message=too_long)])


class LongText(ShortText):
    kind, label = "long_text", "Long text"
    description = "Paragraphs of text, up to 5,000 characters"
    settings = ()
    limit, field_class, widget = LONG_TEXT, TextAreaField, GovTextArea



class Ranking(QuestionType):
    """Put items in order: a number per item (works without JavaScript); each used once."""

    kind, label = "ranking", "Ranking"
    description = "Items from a list you write, put in order"
    settings = ("options",)

    def field(self, spec: QuestionSpec) -> Any:
        places = [("", "Not ranked"), *((str(n), str(n)) for n in range(1, len(spec.options) + 1))]
        rows: dict[str, Any] = {key: SelectField(label, choices=choices(places), default="",
                                                 widget=GovSelect())
                                for key, label in spec.options}
        rows["validate"] = distinct_ranks(spec)
        return FormField(type("RankingForm", (Subform,), rows), label=spec.text,
                         description=spec.hint or "1 is your first choice.")

    def value(self, spec: QuestionSpec, data: Any) -> Any:
        ranked = {k: int(v) for k, v in (data or {}).items() if v}
        return [k for k, _ in sorted(ranked.items(), key=lambda kv: kv[1])] or None

    def categories(self, spec: QuestionSpec) -> list[tuple[str, str]]:
        return list(spec.options)

    def counted(self, spec: QuestionSpec, value: Any) -> list[str]:
        return [] if not value else [value[0]]  # first choices

    def columns(self, spec: QuestionSpec) -> list[Column]:
        return [Column(f"{spec.key}_{n}", f"{spec.text}: rank of {label}")
                for n, (_, label) in enumerate(spec.options, start=1)]

    def cells(self, spec: QuestionSpec, value: Any) -> list[Any]:
        rank = {k: n for n, k in enumerate(value or [], start=1)}
        return [rank.get(key) for key, _ in spec.options]



TYPES: dict[str, QuestionType] = {t.kind: t for t in (
    SingleChoice(), MultipleChoice(), AgreeScale(), Matrix(), Rating(), Number(), ShortText(),
    LongText(), Ranking())}


def form_class(specs: Sequence[QuestionSpec], base: type = Subform) -> type:
    """A form with one field per question (and a "please say" box for each "Other")."""
    fields: dict[str, Any] = {}
    for spec in specs:
        fields[spec.key] = TYPES[spec.kind].field(spec)
        if spec.other and spec.kind in ("single", "multiple"):
            fields[f"{spec.key}_other"] = StringField(
                "Please say", widget=GovTextInput(), filters=[strip],
                validators=[Length(max=SHORT_TEXT,
                                   message=f"Your answer must be {SHORT_TEXT} characters or "
                                           "fewer")])
    return type("SurveyPageForm", (base,), fields)


def form_data(specs: Sequence[QuestionSpec], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Field data that shows stored ``answers`` again (the inverse of ``answers_from``)."""
    data: dict[str, Any] = {}
    for spec in specs:
        value = answers.get(spec.key)
        if value is None:
            continue
        if spec.kind == "single":
            other = isinstance(value, dict)
            data[spec.key] = OTHER if other else value
            data[f"{spec.key}_other"] = value["other"] if other else ""
        elif spec.kind == "multiple":
            data[spec.key], data[f"{spec.key}_other"] = value["choices"], value.get("other", "")
        elif spec.kind == "rating":
            data[spec.key] = str(value)
        elif spec.kind == "ranking":
            data[spec.key] = {item: str(n) for n, item in enumerate(value, start=1)}
        else:
            data[spec.key] = value
    return data


def answers_from(form: Subform, specs: Sequence[QuestionSpec]) -> dict[str, Any]:
    """The stored value of each question on a validated page form (None when unanswered)."""
    answers = {}
    for spec in specs:
        data = form[spec.key].data
        if spec.kind in ("single", "multiple"):
            data = {"choice": data, "other": form[f"{spec.key}_other"].data if spec.other
                    else None}
        answers[spec.key] = TYPES[spec.kind].value(spec, data)
    return answers
