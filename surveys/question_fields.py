"""The form pieces question types are built from: required or optional, a whole number
field with plain-English messages, choices with "Other (please say)", and the checks a
multiple-choice or ranking question makes of its answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import Field, IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)

from core.forms import Subform
from core.templating import plural
from surveys.question_spec import OTHER, QuestionSpec


def required(spec: QuestionSpec, message: str, *, text: bool = False) -> list[Any]:
    """Required, or optional; text is checked after trimming, so spaces alone are no answer."""
    if not spec.required:
        return [Optional()]
    return [DataRequired(message) if text else InputRequired(message)]


class Answered:
    """Required, judged on the value (so 0 counts as an answer and spaces do not)."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form: Subform, field: Field) -> None:
        if field.data is None:
            field.errors[:] = []
            raise StopValidation(self.message)


LARGEST_WHOLE_NUMBER = 2**31 - 1  # what an integer column holds on every database


class WholeNumberField(IntegerField):
    """An IntegerField whose "not a number" message is plain English and the caller's own;
    a number too big to store (beyond ±2,147,483,647) gets the same message."""

    def __init__(self, *args: Any, invalid: str = "Enter a whole number, like 12",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():  # left empty: for the validators
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.invalid) from None
        if self.data is not None and abs(self.data) > LARGEST_WHOLE_NUMBER:
            self.data = None
            raise ValueError(self.invalid)

    def pre_validate(self, form: Subform) -> None:
        if self.process_errors:  # said once: not again by the range check
            raise StopValidation()


def choices(pairs: Sequence[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def with_other(spec: QuestionSpec) -> tuple[tuple[str, str], ...]:
    return (*spec.options, (OTHER, "Other (please say)")) if spec.other else spec.options


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class OtherText:
    """When "Other" is chosen, the "please say" box must say something."""

    def __call__(self, form: Subform, field: Field) -> None:
        chosen = field.data if isinstance(field.data, list) else [field.data]
        other = form[f"{field.name}_other"]
        if OTHER in chosen and not (other.data or "").strip():
            raise ValidationError("Say what your other answer is, or choose another answer")



class AtMost:
    def __init__(self, most: int | None):
        self.most = most

    def __call__(self, form: Subform, field: Field) -> None:
        if self.most and len(field.data or []) > self.most:
            raise ValidationError(f"Select no more than {plural(self.most, 'answer')}")



def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value



def distinct_ranks(spec: QuestionSpec) -> Any:
    """The ranking form's own check: each number used once, from 1 up, without gaps."""

    def validate(form: Subform, extra_validators: Any = None) -> bool:
        if not Subform.validate(form, extra_validators):
            return False  # a place that is not one of the choices says so itself
        ranks = [int(v) for v in form.data.values() if v]
        problem = None
        if spec.required and not ranks:
            problem = f"Rank at least one item for “{spec.text}”"
        elif len(ranks) != len(set(ranks)):
            problem = "Give each item a different number"
        elif ranks and sorted(ranks) != list(range(1, len(ranks) + 1)):
            problem = f"Number the items you rank from 1 to {len(ranks)}, without gaps"
        if problem:
            form.form_errors.append(problem)
        return problem is None

    return validate

