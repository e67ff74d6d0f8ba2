"""Admin use cases for the profile questions: dimensions and their categories (answers).

Nothing is deleted: retiring sets ``retired_at``, so residents' answers and population targets
keep their history, and a retired question or answer is simply no longer offered. "Prefer not
to say" is added to every new question, always stays last and cannot be moved or retired.
Each change commits once and is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import User, utcnow
from panel.models import Category, Dimension, ProfileAnswer
from panel.reference_data import PREFER_NOT_TO_SAY

Direction = Literal["up", "down"]
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
MIN_ANSWERS, MAX_ANSWERS = 2, 60
# Dimensions whose category is worked out by the service, not chosen from the list: adding or
# retiring one of their categories would break that working out.
COMPUTED = {
    "age_band": "worked out from the year of birth",
    "disability": "worked out from the answers to the two disability questions",
}
LIMITS = {"key": 40, "label": 80, "question": 300, "hint": 300, "why": 500,
          "category_key": 60, "category_label": 200, "group_label": 120}


class InvalidInput(DomainError):
    """What was entered breaks a rule: ``problems`` maps a form field to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class NewDimension:
    key: str
    label: str
    question: str
    hint: str
    why: str
    special_category: bool
    answers: tuple[str, ...]  # labels in order; "Prefer not to say" is added after them


# --- pure helpers ----------------------------------------------------------------------------

def answer_labels(text: str) -> tuple[str, ...]:
    """One answer per line, blanks dropped; "Prefer not to say" is left out (it is added)."""
    labels = (" ".join(line.split()) for line in text.splitlines())
    return tuple(label for label in labels
                 if label and label.casefold() != PREFER_NOT_TO_SAY_LABEL.casefold())


def make_key(label: str, taken: set[str], limit: int = LIMITS["category_key"]) -> str:
    """A key like ``under_16`` from a label, not in ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")[:limit - 3] or "answer"
    if not base[0].isalpha():
        base = f"a_{base}"[:limit - 3]
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def new_dimension_problems(spec: NewDimension, existing_keys: set[str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not spec.key:
        problems["key"] = "Enter a key, like children_under_16"
    elif not KEY_PATTERN.fullmatch(spec.key):
        problems["key"] = ("The key must start with a letter and use only lower-case letters, "
                           "numbers and underscores, like children_under_16")
    elif len(spec.key) > LIMITS["key"]:
        problems["key"] = f"The key must be {LIMITS['key']} characters or fewer"
    elif spec.key in existing_keys:
        problems["key"] = (f"There is already a question with the key {spec.key}. "
                           "Choose a different key.")
    for field, name in (("label", "short name"), ("question", "question"),
                        ("why", "reason we ask")):
        if not getattr(spec, field):
            problems[field] = f"Enter the {name}"
    for field, name in (("label", "Short name"), ("question", "Question"), ("hint", "Hint"),
                        ("why", "Why we ask")):
        if len(getattr(spec, field)) > LIMITS[field]:
            problems[field] = f"{name} must be {LIMITS[field]} characters or fewer"
    problem = _answers_problem(spec.answers)
    if problem:
        problems["answers"] = problem
    return problems


def _answers_problem(answers: tuple[str, ...]) -> str | None:
    if len(answers) < MIN_ANSWERS:
        return (f"Enter at least {MIN_ANSWERS} answers, one on each line "
                "(not counting Prefer not to say)")
    if len(answers) > MAX_ANSWERS:
        return f"Enter {MAX_ANSWERS} answers or fewer"
    long = next((a for a in answers if len(a) > LIMITS["category_label"]), None)
    if long:
        return f"Each answer must be {LIMITS['category_label']} characters or fewer"
    seen: set[str] = set()
    for answer in answers:
        if answer.casefold() in seen:
            return f"The answer '{answer}' is there more than once"
        seen.add(answer.casefold())
    return None


def live_answers(dimension: Dimension) -> list[Category]:
    """The categories residents can choose now, in order."""
    return [c for c in dimension.categories if c.retired_at is None]


def can_change_answers(dimension: Dimension) -> bool:
    """False for age band and disability, whose category the service works out."""
    return dimension.key not in COMPUTED


# --- reading ---------------------------------------------------------------------------------

def list_dimensions() -> list[Dimension]:
    """Every dimension, retired ones included, in the order residents see them."""
    return list(db.session.scalars(
        select(Dimension).options(selectinload(Dimension.categories))
        .order_by(Dimension.position, Dimension.id)))


def get_dimension(dimension_id: int) -> Dimension | None:
    return db.session.get(Dimension, dimension_id)


def get_category(category_id: int) -> Category | None:
    return db.session.get(Category, category_id)


# --- adding ----------------------------------------------------------------------------------

def dimension_keys() -> set[str]:
    return set(db.session.scalars(select(Dimension.key)))


def answer_counts(dimension_id: int | None = None) -> dict[int, int]:
    """How many residents hold each answer (category id -> count), so an admin sees what
    retiring keeps."""
    query = select(ProfileAnswer.category_id, func.count()).group_by(ProfileAnswer.category_id)
    if dimension_id is not None:
        query = query.where(ProfileAnswer.dimension_id == dimension_id)
    return dict(db.session.execute(query).all())  # type: ignore[arg-type]


def add_dimension(actor: User, spec: NewDimension) -> Dimension:
    """A new profile question, asked last, with "Prefer not to say" after its answers."""
    existing = set(db.session.scalars(select(Dimension.key)))
    problems = new_dimension_problems(spec, existing)
    if problems:
        raise InvalidInput(problems)
    last = db.session.scalar(select(func.max(Dimension.position)))
    dimension = Dimension(
        key=spec.key, label=spec.label, question=spec.question, hint=spec.hint, why=spec.why,
        source="question", special_category=spec.special_category,
        position=0 if last is None else last + 1)
    taken = {PREFER_NOT_TO_SAY}
    for position, label in enumerate(spec.answers):
        key = make_key(label, taken)
        taken.add(key)
        dimension.categories.append(Category(key=key, label=label, position=position))
    dimension.categories.append(Category(
        key=PREFER_NOT_TO_SAY, label=PREFER_NOT_TO_SAY_LABEL, prefer_not_to_say=True,
        position=len(spec.answers)))
    db.session.add(dimension)
    _flush_or(InvalidInput({"key": f"There is already a question with the key {spec.key}. "
                                   "Choose a different key."}))
    audit.record(actor, "dimension_added", "dimension", dimension.id, key=dimension.key,
                 answers=len(spec.answers))
    db.session.commit()
    return dimension


def _flush_or(error: DomainError) -> None:
    """Flush; a unique key taken by another admin a moment ago raises ``error`` instead."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise error from None


def add_category(actor: User, dimension: Dimension, label: str, key: str = "",
                 group_label: str = "") -> Category:
    """A new answer, placed just before "Prefer not to say"."""
    label, key, group_label = " ".join(label.split()), key.strip(), " ".join(group_label.split())
    if not can_change_answers(dimension):
        raise DomainError(f"{dimension.label} is {COMPUTED[dimension.key]}, so its answers "
                          "cannot be changed here")
    taken = {c.key for c in dimension.categories}
    problems = {}
    if not label:
        problems["label"] = "Enter the answer"
    elif len(label) > LIMITS["category_label"]:
        problems["label"] = f"The answer must be {LIMITS['category_label']} characters or fewer"
    elif label.casefold() in {c.label.casefold() for c in dimension.categories}:
        problems["label"] = f"{dimension.label} already has the answer '{label}'"
    if key and (not KEY_PATTERN.fullmatch(key) or len(key) > LIMITS["category_key"]):
        problems["key"] = ("The key must start with a letter and use only lower-case letters, "
                           f"numbers and underscores ({LIMITS['category_key']} at most)")
    elif key in taken:
        problems["key"] = f"{dimension.label} already has an answer with the key {key}"
    if len(group_label) > LIMITS["group_label"]:
        problems["group_label"] = f"The group must be {LIMITS['group_label']} characters or fewer"
    if problems:
        raise InvalidInput(problems)
    answers, others = _split(dimension)
    category = Category(key=key or make_key(label, taken), label=label, group_label=group_label)
    dimension.categories.append(category)
    _renumber([*answers, category], others)
    _flush_or(InvalidInput({"key": f"{dimension.label} already has an answer with the key "
                                   f"{category.key}"}))
    audit.record(actor, "category_added", "category", category.id, dimension=dimension.key,
                 key=category.key)
    db.session.commit()
    return category


# --- ordering --------------------------------------------------------------------------------

def move_dimension(actor: User, dimension: Dimension, direction: Direction) -> bool:
    """Swap with the neighbour above or below; False when it is already first or last."""
    ordered = list(db.session.scalars(
        select(Dimension).order_by(Dimension.position, Dimension.id)))
    if not _swap(ordered, ordered.index(dimension), direction):
        return False
    audit.record(actor, "dimension_moved", "dimension", dimension.id, key=dimension.key,
                 direction=direction, position=dimension.position)
    db.session.commit()
    return True


def move_category(actor: User, category: Category, direction: Direction) -> bool:
    """Swap with the neighbouring answer; "Prefer not to say" stays last."""
    if category.prefer_not_to_say:
        raise DomainError("Prefer not to say is always the last answer")
    answers, others = _split(category.dimension)
    if not _swap(answers, answers.index(category), direction):
        db.session.rollback()
        return False
    _renumber(answers, others)
    audit.record(actor, "category_moved", "category", category.id,
                 dimension=category.dimension.key, key=category.key, direction=direction,
                 position=category.position)
    db.session.commit()
    return True


def _split(dimension: Dimension) -> tuple[list[Category], list[Category]]:
    ordered = sorted(dimension.categories, key=lambda c: (c.position, c.id or 0))
    return ([c for c in ordered if not c.prefer_not_to_say],
            [c for c in ordered if c.prefer_not_to_say])


def _renumber(answers: list[Category], last: list[Category]) -> None:
    for position, category in enumerate([*answers, *last]):
        category.position = position


def _swap(items: list, index: int, direction: Direction) -> bool:
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items):
        item.position = position
    return True


# --- retiring --------------------------------------------------------------------------------

def retire_dimension(actor: User, dimension: Dimension) -> None:
    """No longer asked or offered; answers and targets are kept."""
    if dimension.retired_at is None:
        dimension.retired_at = utcnow()
        audit.record(actor, "dimension_retired", "dimension", dimension.id, key=dimension.key)
        db.session.commit()


def restore_dimension(actor: User, dimension: Dimension) -> None:
    if dimension.retired_at is not None:
        dimension.retired_at = None
        audit.record(actor, "dimension_restored", "dimension", dimension.id, key=dimension.key)
        db.session.commit()


def retire_category(actor: User, category: Category) -> None:
    """No longer offered to residents; those who chose it keep their answer on record."""
    dimension = category.dimension
    if category.prefer_not_to_say:
        raise DomainError("Prefer not to say is always offered, so it cannot be retired")
    if not can_change_answers(dimension):
        raise DomainError(f"{dimension.label} is {COMPUTED[dimension.key]}, so its answers "
                          "cannot be retired. Retire the whole question instead.")
    if category.retired_at is not None:
        return
    if [c for c in live_answers(dimension) if not c.prefer_not_to_say] == [category]:
        raise DomainError(f"{dimension.label} must keep at least one answer besides Prefer not "
                          "to say. Retire the whole question instead.")
    category.retired_at = utcnow()
    audit.record(actor, "category_retired", "category", category.id, dimension=dimension.key,
                 key=category.key)
    db.session.commit()


def restore_category(actor: User, category: Category) -> None:
    if category.retired_at is not None:
        category.retired_at = None
        audit.record(actor, "category_restored", "category", category.id,
                     dimension=category.dimension.key, key=category.key)
        db.session.commit()
