"""One guard for what people send: query strings, form fields, file parts and ids in URLs.

Nothing a browser sends by mistake (or a script on purpose) may end in a server error:

- **Unusual characters** (control characters such as NUL, which PostgreSQL cannot store in
  text): every text field of every form (WTForms, bound through ``bind_field`` below, so each
  form gets it without saying so; ``core.forms.Form`` carries it in its own ``Meta``) says
  "Remove the unusual character from ..." next to the field, as its first check; tab, new
  line and carriage return are allowed in text areas only.
  In a query string the page is refused (400) with a plain message naming the parameter;
  in the path (a slug, a token) the page is not found (404).
- **A text field sent as a file part**: only the fields named in ``UPLOAD_FIELDS`` may carry
  a file; any other file part is dropped, so the form says the field is missing, as usual.
- **Ids in URLs** (``<int:...>``) above the largest 64-bit integer are "not found" (404)
  before any query is made with them.

Registered from ``create_app`` before the other extensions, so it runs first.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, make_response, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from wtforms import StringField, TextAreaField
from wtforms.validators import StopValidation

# C0 controls and DEL, and the C1 controls that follow it.
_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, LF, CR allowed
UPLOAD_FIELDS = frozenset({"file"})
LARGEST_ID = 2**63 - 1


def has_unusual_character(text: str, *, multiline: bool = False) -> bool:
    return bool((_MULTI_LINE if multiline else _SINGLE_LINE).search(text))


def _plain(text: str) -> str:
    return _SINGLE_LINE.sub("", text)


# --- forms -------------------------------------------------------------------------------

class NoUnusualCharacters:
    """The first check on every text field: no control characters (a text area may have tabs
    and line breaks)."""

    field_flags: dict[str, Any] = {}

    def __call__(self, _form: Any, field: Any) -> None:
        multiline = isinstance(field, TextAreaField)
        values = [v for v in (field.raw_data or [field.data]) if isinstance(v, str)]
        if any(has_unusual_character(v, multiline=multiline) for v in values):
            field.errors[:] = []
            raise StopValidation(unusual_character_message(field.label.text))


def unusual_character_message(label: str) -> str:
    label = _plain(label).strip()
    what = (label[0].lower() + label[1:] if label[1:2].islower() else label) \
        if label and len(label) <= 60 else "your answer"
    return (f"Remove the unusual character from {what}. It may have been copied in with "
            "the text: type it again instead")


def guard_field(field: Any) -> Any:
    """``field`` with the check first, if it is a text field (once, however often called)."""
    if isinstance(field, StringField) and not any(
            isinstance(v, NoUnusualCharacters) for v in field.validators):
        field.validators = [NoUnusualCharacters(), *field.validators]
    return field


class GuardedMeta:
    """A form's ``Meta`` that binds each text field with the check (WTForms' documented
    ``Meta.bind_field`` hook): ``core.forms.Form`` and ``core.forms.Subform`` use it, and every
    form in the project is built on one of them (tests/unit/test_architecture.py checks)."""

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        return guard_field(super().bind_field(form, unbound_field, options))  # type: ignore[misc]


# --- requests ----------------------------------------------------------------------------

class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` that only matches ids a database column can hold."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def check_request() -> None:
    if has_unusual_character(request.path):  # no page has such an address
        abort(404)
    for name, value in request.args.items(multi=True):
        if has_unusual_character(name) or has_unusual_character(value, multiline=True):
            from core.errors import render_error

            shown = _plain(name)[:40] or "the web address"
            abort(make_response(render_error(
                400, f"The web address has an unusual character (such as a control character) "
                     f"in ‘{shown}’. Remove it and try again.")))
    if request.mimetype == "multipart/form-data" and request.files:
        parts = list(request.files.items(multi=True))
        dropped = [part for name, part in parts if name not in UPLOAD_FIELDS]
        if dropped:
            for part in dropped:
                part.close()
            kept = ImmutableMultiDict([(n, p) for n, p in parts if n in UPLOAD_FIELDS])
            request._get_current_object().__dict__["files"] = kept  # werkzeug caches it there


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(check_request)
