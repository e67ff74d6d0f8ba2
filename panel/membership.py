"""A resident's membership: the consents and answers recorded on their record, pausing,
withdrawing, rejoining and erasing (joining and verifying are ``panel.joining``). Each use case
commits once; none touches the request."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.features import registry
from core.models import Message, User, utcnow
from panel.models import (
    Category,
    Consent,
    ConsentKind,
    Dimension,
    ProfileAnswer,
    Resident,
    ResidentStatus,
)
from panel.profile_rules import age_band

CONSENT_WORDING = {
    ConsentKind.MEMBERSHIP: (
        "I want to join the panel. I agree that the council may keep my details and "
        "profile answers, and contact me about surveys and events, as the privacy notice says."
    ),
    ConsentKind.SPECIAL_CATEGORY: (
        "I give my explicit consent for the council to keep my answers about my ethnic group, "
        "health or disability, religion and sexual orientation, to check that the panel "
        "reflects the borough."
    ),
}


class FieldError(DomainError):
    """A rule broken by one form field: routes show the message next to that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def dimension_by_key(key: str) -> Dimension:
    dimension = db.session.scalar(select(Dimension).where(Dimension.key == key))
    if dimension is None:
        raise DomainError(f"The profile has no '{key}' question: ask an administrator.")
    return dimension


def category_by_key(dimension: Dimension, key: str) -> Category:
    for category in dimension.categories:
        if category.key == key and category.retired_at is None:
            return category
    raise DomainError(f"'{key}' is not an answer to '{dimension.label}'")


def record_consent(resident: Resident, kind: ConsentKind, granted: bool, version: str) -> None:
    resident.consents.append(Consent(kind=kind, granted=granted, wording=CONSENT_WORDING[kind],
                                     privacy_notice_version=version))


def set_answer(resident: Resident, dimension: Dimension, category: Category | None) -> None:
    current = next((a for a in resident.answers if a.dimension_id == dimension.id), None)
    if category is None:
        if current is not None:
            resident.answers.remove(current)
    elif current is None:
        resident.answers.append(ProfileAnswer(dimension=dimension, category=category))
    elif current.category_id != category.id:
        current.category = category
        current.answered_at = utcnow()


def set_age_band(resident: Resident, this_year: int) -> None:
    band = age_band(resident.year_of_birth, this_year)
    dimension = dimension_by_key("age_band")
    set_answer(resident, dimension, category_by_key(dimension, band) if band else None)


# --- erasure -------------------------------------------------------------------------------

def remove_resident(resident: Resident) -> int:
    """Delete the resident and their account, and what features hold about them (no audit,
    no commit)."""
    resident_id = resident.id
    user = resident.user
    # What features hold beyond the database's own cascades (e.g. the words of survey answers,
    # ``Feature.erasers``) goes first, in the erasure's transaction.
    for eraser in registry().erasers:
        eraser(resident)
    db.session.execute(delete(Message).where(Message.to_address == user.email))
    db.session.delete(resident)
    db.session.delete(user)
    db.session.flush()
    return resident_id


def erase_resident(actor: User, resident: Resident) -> None:
    """Delete the resident's personal data; keep only a record that an erasure happened."""
    by_self = actor.id == resident.user_id
    resident_id = remove_resident(resident)
    audit.record(None if by_self else actor, "resident_erased", "resident", resident_id,
                 requested_by="resident" if by_self else "staff")
    db.session.commit()


# --- membership status ---------------------------------------------------------------------

# Who asked for a change made by staff, as an officer records it (no free text: the audit log
# holds no personal data).
REQUEST_CHANNELS = {"phone": "By phone", "email": "By email", "letter": "By letter",
                    "in_person": "In person"}


def _by_staff(actor: User | None, resident: Resident) -> bool:
    return actor is not None and actor.id != resident.user_id


def _audit_staff_change(actor: User | None, resident: Resident, action: str,
                        asked: str, **detail: object) -> None:
    """A change staff made on a member's behalf is audited with how the member asked."""
    if _by_staff(actor, resident):
        audit.record(actor, action, "resident", resident.id, requested_by="resident",
                     asked=asked if asked in REQUEST_CHANNELS else "", **detail)


def pause(resident: Resident, until: date, today: date | None = None, *,
          actor: User | None = None, asked: str = "") -> None:
    """Pause contact until ``until``: the resident themselves, or an officer at their request
    (``actor``, ``asked``: how they asked), which is audited."""
    today = today or utcnow().date()
    staff = _by_staff(actor, resident)
    if until <= today:
        raise FieldError("until", "Date to pause until must be in the future" if staff else
                         "The date you want to be contacted again must be in the future")
    if until > today + timedelta(days=366):
        raise FieldError("until", "Date to pause until must be within a year from today"
                         if staff else "You can pause for up to a year")
    resident.status = ResidentStatus.PAUSED
    resident.paused_until = datetime.combine(until, time())
    _audit_staff_change(actor, resident, "member_paused", asked, until=until.isoformat())
    db.session.commit()


def resume(resident: Resident, *, actor: User | None = None, asked: str = "") -> None:
    resident.status = ResidentStatus.ACTIVE
    resident.paused_until = None
    _audit_staff_change(actor, resident, "member_resumed", asked)
    db.session.commit()


def withdraw(resident: Resident, privacy_notice_version: str, *, actor: User | None = None,
             asked: str = "") -> None:
    """Leave the panel: no more contact. The data stay until the resident asks to erase them."""
    resident.status = ResidentStatus.WITHDRAWN
    resident.paused_until = None
    record_consent(resident, ConsentKind.MEMBERSHIP, False, privacy_notice_version)
    _audit_staff_change(actor, resident, "member_withdrawn", asked)
    db.session.commit()


def rejoin(resident: Resident, privacy_notice_version: str) -> None:
    resident.status = ResidentStatus.ACTIVE
    record_consent(resident, ConsentKind.MEMBERSHIP, True, privacy_notice_version)
    db.session.commit()
