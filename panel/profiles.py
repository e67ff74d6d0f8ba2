"""The resident's profile answers, special-category consent and contact preferences."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.extensions import db
from panel.membership import category_by_key, record_consent, set_answer
from panel.models import ConsentKind, Dimension, Resident
from panel.profile_rules import disability_category

DISABILITY = "disability"


@dataclass(frozen=True)
class Question:
    """A profile question as a resident sees it (a dimension asked directly, or disability)."""

    dimension: Dimension
    answer: str | None  # category key

    @property
    def key(self) -> str:
        return self.dimension.key


def profile_questions(resident: Resident) -> list[Question]:
    """Questions a resident answers on their profile, in order, with their current answers."""
    answers = {a.dimension_id: a.category.key for a in resident.answers}
    dimensions = db.session.scalars(
        select(Dimension).where(Dimension.retired_at.is_(None)).order_by(Dimension.position))
    return [Question(d, answers.get(d.id)) for d in dimensions
            if d.source == "question" or d.key == DISABILITY]


def derived_answers(resident: Resident) -> list[tuple[str, str, str]]:
    """Answers worked out rather than asked (age group, ward): (key, label, answer)."""
    return [(a.dimension.key, a.dimension.label, a.category.label)
            for a in sorted(resident.answers, key=lambda a: a.dimension.position)
            if a.dimension.source == "derived" and a.dimension.key != DISABILITY]


def may_store(resident: Resident, dimension: Dimension) -> bool:
    return not dimension.special_category or resident.has_consent(ConsentKind.SPECIAL_CATEGORY)


def answer_question(resident: Resident, dimension: Dimension, category_key: str | None,
                    *, condition: str | None = None, reduced: str | None = None) -> bool:
    """Store (or clear) one answer; returns False when it was not stored for want of consent.

    Disability is worked out from the two Equality Act questions (``condition``, ``reduced``).
    """
    if dimension.key == DISABILITY:
        category_key = disability_category(condition, reduced)
    if category_key and not may_store(resident, dimension):
        return False
    set_answer(resident, dimension,
               category_by_key(dimension, category_key) if category_key else None)
    db.session.commit()
    return True


def set_special_category_consent(resident: Resident, granted: bool, version: str) -> None:
    """Record the decision; withdrawing it deletes every special-category answer at once."""
    record_consent(resident, ConsentKind.SPECIAL_CATEGORY, granted, version)
    if not granted:
        for answer in list(resident.answers):
            if answer.dimension.special_category:
                resident.answers.remove(answer)
    db.session.commit()


@dataclass(frozen=True)
class ContactPreferences:
    by_email: bool
    by_post: bool
    by_phone: bool
    phone: str
    interested_in_events: bool


def contact_preferences(resident: Resident) -> ContactPreferences:
    return ContactPreferences(resident.contact_by_email, resident.contact_by_post,
                              resident.contact_by_phone, resident.phone,
                              resident.interested_in_events)


def update_contact_preferences(resident: Resident, prefs: ContactPreferences) -> None:
    resident.contact_by_email = prefs.by_email
    resident.contact_by_post = prefs.by_post
    resident.contact_by_phone = prefs.by_phone
    resident.phone = prefs.phone.strip()
    resident.interested_in_events = prefs.interested_in_events
    db.session.commit()
