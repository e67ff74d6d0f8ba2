"""Hostile values, plausible values, and the ways a form or query string is mangled.

Deterministic on purpose (no random draws): a run sends the same requests every time, so it
finds the same problems and its request count is the same on every machine. The untouched form
is first filled in plausibly (an email where the name says email, a date in the three date
boxes, a first choice in each list), so one hostile field at a time reaches the code behind
the validation; the other hostile values go into every field at once and, if that fails, are
narrowed down to the fields that fail on their own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.integration.fuzz.html_forms import FieldSpec, FormSpec

NUL = ("NUL", "a\x00b")
HUGE = ("integer beyond 64 bits", "9" * 40)
PER_FIELD = (NUL, HUGE)
EVERY_FIELD = (
    ("control characters", "a\x01\x08\x1b[2J\x7fb"),
    ("10,000 characters", "x" * 10_000),
    ("negative", "-1"),
    ("a space", " "),
    ("wrong choice", "x"),
    ("unusual unicode", "\u202e\ufeff\u00e9\U0001f600\u2028"),
)
# Path variables: ids that do not exist or do not fit 64 bits; hostile strings.
PATH_INTS = (("missing id", "987654321"), ("id of 2**63", str(2**63)))
PATH_TEXTS = (("NUL", "a%00b"), ("10,000 characters", "x" * 10_000),
              ("invalid UTF-8", "%FF%FE"))
A_FILE = b"name,value\nx,1\n"
NUMBER_NAME = re.compile(r"size|tolerance|seed|max|min|days|reminder|suppress|expected|page")
_unique = itertools.count(1)


@dataclass(frozen=True)
class Payload:
    label: str                                   # what was done, for the report
    pairs: list[tuple[str, str]]                 # fields in order (duplicates allowed)
    files: dict[str, bytes] = field(default_factory=dict)   # names sent as file parts
    narrow: tuple[Payload, ...] = ()             # tried one by one if this one fails


def _plausible(spec: FieldSpec) -> list[str]:
    name, n = spec.name.lower(), next(_unique)
    if spec.kind in ("radio", "select"):
        return spec.defaults[:1] or [next((o for o in spec.options if o), "")][:1]
    if spec.kind == "checkbox":
        ticked = any(word in name for word in ("consent", "confirm", "agree"))
        return spec.defaults or (spec.options[:1] if ticked else [])
    if spec.kind == "hidden" or any(d.strip() for d in spec.defaults):
        return spec.defaults
    if spec.inputs == 3:  # a GOV.UK date: day, month, year
        when = date.today() + timedelta(days=60)
        return [str(when.day), str(when.month), str(when.year)]
    if "email" in name or spec.kind == "email":
        value = f"fuzz{n}@example.org"
    elif "password" in name:
        value = f"a long fuzzing passphrase {n}"
    elif "postcode" in name:
        value = "BB11 2DL"
    elif "phone" in name:
        value = "01282 425011"
    elif "year" in name:
        value = "1980"
    elif name == "key" or name.endswith("_key"):
        value = f"fuzz_{n}"
    elif NUMBER_NAME.search(name):
        value = "5"
    elif spec.kind == "textarea":
        value = "Yes\nNo\nNot sure"
    else:
        value = f"Fuzz {n}"
    return [value] * max(spec.inputs, 1)


def filled(form: FormSpec) -> Payload:
    """The form as a person would send it: every field filled in plausibly, the first submit
    button pressed, a small CSV file in each file field."""
    pairs: list[tuple[str, str]] = []
    files: dict[str, bytes] = {}
    for spec in form.fields.values():
        if spec.kind == "file":
            files[spec.name] = A_FILE
        else:
            pairs += [(spec.name, value) for value in _plausible(spec)]
    pairs += [(name, values[0]) for name, values in list(form.buttons.items())[:1]]
    return Payload("filled in", pairs, files)


def fuzzable(form: FormSpec) -> list[str]:
    """Every name a request carries, except the CSRF token."""
    names = [n for n in form.fields if n != "csrf_token"]
    return names + [n for n in form.buttons if n not in names]


def _set(base: Payload, name: str, value: str) -> tuple[list[tuple[str, str]], dict]:
    pairs = [(n, v) for n, v in base.pairs if n != name]
    return [*pairs, (name, value)], {n: c for n, c in base.files.items() if n != name}


def _one(base: Payload, label: str, name: str, value: str) -> Payload:
    return Payload(f"{label} in {name}", *_set(base, name, value))


def _every(base: Payload, names: list[str], label: str, value: str) -> Payload:
    pairs = [(n, v) for n, v in base.pairs if n not in names]
    return Payload(f"{label} in every field", pairs + [(n, value) for n in names],
                   {n: c for n, c in base.files.items() if n not in names},
                   tuple(_one(base, label, n, value) for n in names))


def _missing(base: Payload, names: list[str]) -> Payload:
    def without(gone: set[str]) -> tuple[list, dict]:
        return ([(n, v) for n, v in base.pairs if n not in gone],
                {n: c for n, c in base.files.items() if n not in gone})

    return Payload("every field missing", *without(set(names)),
                   tuple(Payload(f"{n} missing", *without({n})) for n in names))


def _twice(base: Payload, names: list[str]) -> Payload:
    def doubled(chosen: set[str]) -> list[tuple[str, str]]:
        extra = [(n, "x") for n in chosen]
        return [*base.pairs, *extra]

    return Payload("every field twice", doubled(set(names)), base.files,
                   tuple(Payload(f"{n} twice", doubled({n}), base.files) for n in names))


def _as_files(base: Payload, names: list[str]) -> Payload:
    def filed(chosen: set[str]) -> Payload:
        values = dict(base.pairs)
        return Payload("", [(n, v) for n, v in base.pairs if n not in chosen],
                       {**base.files, **{n: values.get(n, "text").encode() for n in chosen}})

    every = filed(set(names))
    return Payload("every field sent as a file part", every.pairs, every.files,
                   tuple(Payload(f"{n} sent as a file part", filed({n}).pairs, filed({n}).files)
                         for n in names))


def payloads(form: FormSpec, *, full: bool, query: bool = False) -> Iterator[Payload]:
    """The manglings of one form. ``full``: every one (the role the form is fuzzed as);
    otherwise NUL in every field (every other role). ``query``: a query string (no file
    parts)."""
    base = filled(form)
    names = fuzzable(form)
    if not names:
        yield base
        if not query:
            yield Payload("no CSRF token", [(n, v) for n, v in base.pairs if n != "csrf_token"])
        return
    if not full:
        yield _every(base, names, *NUL)
        return
    for name in names:
        for label, value in PER_FIELD:
            yield _one(base, label, name, value)
    for label, value in EVERY_FIELD:
        yield _every(base, names, label, value)
    yield _missing(base, names)
    yield _twice(base, names)
    if not query:
        yield _as_files(base, names)
        yield Payload("no CSRF token", [(n, v) for n, v in base.pairs if n != "csrf_token"],
                      base.files)
    yield base
