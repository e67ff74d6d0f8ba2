"""WTForms' own messages, said in plain English about the field, GOV.UK style.

A field or validator without a message of its own falls back on a WTForms default: "Not a valid
date value.", "This field is required.", "Number must be between 1 and 99999.". Those never
reach a page here: ``PlainMessagesMeta`` (in the ``Meta`` of ``core.forms.Form`` and
``Subform``) gives every bound field a translations object that turns each default into a
message naming the field by its ``what`` or its label: "Date you want to pause until must be a
real date", "Enter your postcode", "Number of people must be 99,999 or fewer". WTForms' own
hook (``Meta.bind_field``, and the field's ``gettext``/``ngettext``); nothing process-wide.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import validators
from wtforms.fields import (
    BooleanField,
    FileField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
)

CHOICE_FIELDS = (BooleanField, RadioField, SelectField, SelectMultipleField, FileField,
                 MultipleFileField)

# Raised only for a programming mistake (a TypeError, or EqualTo naming a missing field) or by
# WTForms' session CSRF, which Flask-WTF's CSRFProtect replaces: never shown to anyone.
NOT_SHOWN = frozenset({
    "Choices cannot be None.",
    "Invalid field name '%s'.",
    "Invalid CSRF Token.",
    "CSRF token missing.",
    "CSRF failed.",
    "CSRF token expired.",
})


def lower_first(text: str) -> str:
    """For the middle of a sentence: "Postcode" -> "postcode", but "NHS number" stays."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def subject(field: Any) -> str:
    """How a message names the field: its ``what``, else its label without "(optional)"; a
    question is named as the answer to it ("The answer to “What is your sex?”")."""
    what = getattr(field, "what", "") or str(field.label.text) or field.name
    what = re.sub(r"\s*\(optional\)\s*$", "", what).strip()
    if what.endswith("?"):
        return f"The answer to “{what}”"
    what = what.rstrip(":.").strip()
    return what[:1].upper() + what[1:]


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) \
        else str(value)


def _range(field: Any, kind: type) -> Any:
    return next((v for v in field.validators if isinstance(v, kind)), None)


def _escape(text: str) -> str:
    """WTForms formats most messages with ``%``: the field's own words are kept literal."""
    return text.replace("%", "%%")


def plain_message(field: Any, default: str, n: int | None = None) -> str | None:
    """The plain-English message for WTForms' ``default`` on ``field`` (None: not a default)."""
    what = _escape(subject(field))
    question = what.startswith("The answer to “")
    lower = "an" + what[3:] if question else lower_first(what)
    about = what.removeprefix("The answer to ") if question else lower
    choose = isinstance(field, CHOICE_FIELDS)
    number_range = _range(field, validators.NumberRange)
    low = _number(number_range.min) if number_range else "%(min)s"
    high = _number(number_range.max) if number_range else "%(max)s"
    size = _number(n) if n is not None else ""
    characters = "character" if n == 1 else "characters"
    options = f"Select one of the options for {about}"
    messages = {
        "Not a valid date value.": f"{what} must be a real date",
        "Not a valid datetime value.": f"{what} must be a real date and time",
        "Not a valid time value.": f"{what} must be a real time",
        "Not a valid week value.": f"{what} must be a real week",
        "Not a valid integer value.": f"{what} must be a whole number",
        "Not a valid decimal value.": f"{what} must be a number",
        "Not a valid float value.": f"{what} must be a number",
        "Invalid Choice: could not coerce.": options,
        "Not a valid choice.": options,
        "Invalid choice(s): one or more data inputs could not be coerced.":
            options,
        "'%(value)s' is not a valid choice for this field.": options,
        "This field is required.": f"Select {lower}" if choose else f"Enter {lower}",
        "Field must be equal to %(other_name)s.":
            f"{what} must be the same as %(other_label)s",
        "Field must be at least %(min)d character long.":
            f"{what} must be {size} {characters} or more",
        "Field cannot be longer than %(max)d character.":
            f"{what} must be {size} {characters} or fewer",
        "Field must be exactly %(max)d character long.": f"{what} must be {size} {characters}",
        "Field must be between %(min)d and %(max)d characters long.":
            f"{what} must be between %(min)d and %(max)d characters",
        "Number must be at least %(min)s.": f"{what} must be {low} or more",
        "Number must be at most %(max)s.": f"{what} must be {high} or fewer",
        "Number must be between %(min)s and %(max)s.":
            f"{what} must be between {low} and {high}",
        "Date must be at least %(min)s.": f"{what} must be the same as or after %(min)s",
        "Date must be at most %(max)s.": f"{what} must be the same as or before %(max)s",
        "Date must be between %(min)s and %(max)s.":
            f"{what} must be between %(min)s and %(max)s",
        "Invalid input.": f"Enter {lower} in the correct format",
        "Invalid email address.":
            "Enter an email address in the correct format, like name@example.com",
        "Invalid IP address.": f"Enter {lower} in the correct format, like 192.0.2.1",
        "Invalid Mac address.": f"Enter {lower} in the correct format, like 00:1a:2b:3c:4d:5e",
        "Invalid URL.": f"Enter {lower} in the correct format, like https://www.example.com",
        "Invalid UUID.": f"Enter {lower} in the correct format",
        "Invalid value, must be one of: %(values)s.": options,
        "Invalid value, can't be any of: %(values)s.": f"Enter a different {lower}",
        "This field cannot be edited.": f"{what} cannot be changed",
        "This field is disabled and cannot have a value.": f"{what} cannot be changed",
    }
    return messages.get(default)


class PlainMessages:
    """A bound field's translations: WTForms' defaults in plain English, anything else (a
    label made from the field's name, say) passed through unchanged."""

    def __init__(self, field: Any, translations: Any) -> None:
        self.field = field
        self.translations = translations

    def gettext(self, string: str) -> str:
        message = plain_message(self.field, string)
        return message if message is not None else self.translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        message = plain_message(self.field, singular, n)
        return message if message is not None else self.translations.ngettext(
            singular, plural, n)


class PlainMessagesMeta:
    """A form's ``Meta`` that binds each field with ``PlainMessages`` (WTForms' documented
    ``Meta.bind_field`` hook)."""

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        field = super().bind_field(form, unbound_field, options)  # type: ignore[misc]
        field._translations = PlainMessages(field, field._translations)  # noqa: SLF001
        return field
