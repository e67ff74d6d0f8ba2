"""What a registrant sends, read and checked without Flask or the database: availability per
session, access needs, screening answers and (public link) name, contact details and profile.

The pages build their controls from the event's own sessions and questions, so these are read
from the posted form (any ``Mapping[str, list[str]]``, e.g. ``request.form`` via
``to_dict(flat=False)``) by pure functions that return the answers and the problems, keyed by
the id of the control each problem is about (the error summary links to it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.input_guard import has_unusual_character
from events.models import NeedKind

MAX_DETAIL = 500
MAX_NAME = 160
MAX_PHONE = 40
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
PREFER_NOT = "prefer_not_to_say"

# Needs whose detail must be given, and what to ask for.
DETAIL_NEEDED = {
    NeedKind.CHILDCARE: "Enter the ages of the children who need care",
    NeedKind.INTERPRETER: "Enter the language you need an interpreter for",
    NeedKind.OTHER: "Tell us what you need",
}
DETAIL_LABEL = {
    NeedKind.CHILDCARE: "Ages of the children",
    NeedKind.TRAVEL: "What would help (optional)",
    NeedKind.INTERPRETER: "Which language?",
    NeedKind.DIETARY: "Your dietary needs (optional)",
    NeedKind.OTHER: "What do you need?",
}


@dataclass(frozen=True)
class SessionChoice:
    id: int
    text: str


@dataclass(frozen=True)
class Question:
    """A screening or profile question as the form asks it: options are (value, text)."""

    key: str
    text: str
    options: tuple[tuple[str, str], ...]
    hint: str = ""
    special: bool = False


@dataclass
class Answers:
    available: set[int] = field(default_factory=set)
    needs: list[tuple[NeedKind, str]] = field(default_factory=list)
    screening: dict[str, str] = field(default_factory=dict)


@dataclass
class Registrant:
    name: str = ""
    email: str = ""
    phone: str = ""
    postcode: str = ""
    profile: dict[str, str] = field(default_factory=dict)
    special_consent: bool = False


Form = Mapping[str, Sequence[str]]


def _one(form: Form, name: str) -> str:
    values = form.get(name) or []
    if isinstance(values, str):
        values = [values]
    value = values[0] if values else ""
    return value.strip() if isinstance(value, str) else ""


def _text(form: Form, name: str, problems: dict[str, str], what: str,
          limit: int = MAX_DETAIL) -> str:
    value = _one(form, name)
    if has_unusual_character(value, multiline=True):
        problems[name] = f"Remove the unusual character from {what.lower()}"
        return ""
    if len(value) > limit:
        problems[name] = f"{what} must be {limit} characters or fewer"
    return value


def read_answers(form: Form, sessions: Sequence[SessionChoice], questions: Sequence[Question],
                 *, all_sessions: bool = False) -> tuple[Answers, dict[str, str]]:
    """Availability, needs and screening answers, and what is wrong with them."""
    problems: dict[str, str] = {}
    answers = Answers()
    known = {str(s.id): s.id for s in sessions}
    ticked = {known[v] for v in form.get("available", []) if v in known}
    answers.available = ticked
    first = f"available-{sessions[0].id}" if sessions else "available"
    if len(sessions) == 1:
        first = "available"
    if all_sessions and len(ticked) < len(sessions):
        problems[first] = ("Tick every session: everyone taking part comes to all of them"
                           if len(sessions) > 1 else "Tick the session to say you can come")
    elif not ticked:
        problems[first] = ("Tick at least one session you can come to" if len(sessions) > 1
                           else "Tick the session to say you can come")
    kinds = {k.value: k for k in NeedKind}
    chosen = [kinds[v] for v in dict.fromkeys(form.get("needs", [])) if v in kinds]
    for kind in NeedKind:
        if kind not in chosen:
            continue
        name = f"need-{kind.value}"
        detail = _text(form, name, problems, DETAIL_LABEL.get(kind, "The detail"))
        if not detail and kind in DETAIL_NEEDED and name not in problems:
            problems[name] = DETAIL_NEEDED[kind]
        answers.needs.append((kind, detail))
    for question in questions:
        value = _one(form, question.key)
        if value not in {v for v, _ in question.options}:
            problems[question.key] = f"Select an answer to: {question.text}"
            continue
        answers.screening[question.key] = value
    return answers, problems


def read_registrant(form: Form, profile: Sequence[Question]) -> tuple[Registrant, dict[str, str]]:
    """Name, contact details and profile answers from the public form. Special-category
    answers are kept only with the consent ticked; otherwise they are dropped here."""
    problems: dict[str, str] = {}
    person = Registrant()
    person.name = _text(form, "name", problems, "Your name", MAX_NAME)
    if not person.name and "name" not in problems:
        problems["name"] = "Enter your name"
    email = _text(form, "email", problems, "Email address", 254)
    if "email" not in problems:
        if not email:
            problems["email"] = "Enter your email address"
        elif not EMAIL.match(email):
            problems["email"] = ("Enter an email address in the correct format, like "
                                 "name@example.com")
    person.email = email
    phone = _text(form, "phone", problems, "Phone number", MAX_PHONE)
    if phone and "phone" not in problems and not re.fullmatch(r"[0-9+() -]{6,40}", phone):
        problems["phone"] = "Enter a phone number, like 01632 960 001 or 07700 900 982"
    person.phone = phone
    postcode = _text(form, "postcode", problems, "Postcode", 10).upper()
    if "postcode" not in problems:
        compact = re.sub(r"\s+", "", postcode)
        if not compact:
            problems["postcode"] = "Enter your postcode"
        elif not POSTCODE.match(compact):
            problems["postcode"] = "Enter a real postcode, like BB11 1JT"
        else:
            postcode = f"{compact[:-3]} {compact[-3:]}"
    person.postcode = postcode
    person.special_consent = _one(form, "special_consent") == "yes"
    for question in profile:
        value = _one(form, question.key)
        if value not in {v for v, _ in question.options}:
            problems[question.key] = (f"Select an answer to: {question.text} (or Prefer not "
                                      "to say)")
            continue
        if question.special and not person.special_consent:
            continue  # not stored without explicit consent
        person.profile[question.key] = value
    return person, problems


def household_key(postcode: str, name: str) -> str:
    """Public registrants have no panel household: the postcode stands in (one per
    household is then one per postcode and surname, the nearest the form can tell)."""
    surname = name.split()[-1].lower() if name.split() else ""
    return f"public:{postcode.replace(' ', '').lower()}:{surname}"[:64]
