"""Residents' use cases: joining, verifying, profile, consent, contact preferences, pausing,
withdrawing, exporting and erasing. Each function commits once; none touches the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from core import audit, links, mail
from core.accounts import find_user_by_email
from core.auth.passwords import password_problem
from core.errors import DomainError
from core.extensions import db
from core.features import registry
from core.models import AuditEvent, Message, Role, User, utcnow
from panel.households import household_key
from panel.models import (
    Category,
    Consent,
    ConsentKind,
    Dimension,
    PostcodeWard,
    ProfileAnswer,
    Resident,
    ResidentStatus,
)
from panel.profile import age_band, format_postcode, normalise_postcode

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


@dataclass(frozen=True)
class JoinDetails:
    email: str
    password: str
    first_name: str
    last_name: str
    address_line: str
    postcode: str
    ward_key: str | None
    year_of_birth: int | None
    special_category_consent: bool
    interested_in_events: bool = True


def ward_for_postcode(postcode: str) -> Category | None:
    row = db.session.get(PostcodeWard, normalise_postcode(postcode))
    return row.ward if row else None


def _dimension(key: str) -> Dimension:
    dimension = db.session.scalar(select(Dimension).where(Dimension.key == key))
    if dimension is None:
        raise DomainError(f"The profile has no '{key}' question: ask an administrator.")
    return dimension


def _category(dimension: Dimension, key: str) -> Category:
    for category in dimension.categories:
        if category.key == key and category.retired_at is None:
            return category
    raise DomainError(f"'{key}' is not an answer to '{dimension.label}'")


def register_resident(details: JoinDetails, *, privacy_notice_version: str,
                      today: date | None = None) -> Resident | None:
    """A new, unverified resident with their consents; queues the verification email.

    If the email address already has an account, nobody is registered and the owner is
    emailed instead (None is returned): the person joining sees exactly what a new joiner
    sees, so joining never tells anyone which addresses have accounts.
    """
    today = today or utcnow().date()
    ward = ward_for_postcode(details.postcode)
    if ward is None:
        try:
            ward = _category(_dimension("ward"), details.ward_key or "")
        except DomainError:  # none chosen, or a value that is not one of the wards offered
            raise FieldError("ward", "Select the ward you live in") from None
    display_name = f"{details.first_name} {details.last_name}".strip()
    problem = password_problem(details.password, [details.email, display_name])
    if problem is not None:  # checked alike whether or not the address has an account
        raise FieldError("password", problem)
    existing = find_user_by_email(details.email)
    if existing is not None:
        _tell_owner_of_join_attempt(existing, details.password)
        return None
    user = User(email=details.email, role=Role.RESIDENT, display_name=display_name)
    user.set_password(details.password)
    resident = Resident(
        user=user, first_name=details.first_name.strip(), last_name=details.last_name.strip(),
        address_line=details.address_line.strip(), postcode=format_postcode(details.postcode),
        household_key=household_key(details.address_line, details.postcode),
        year_of_birth=details.year_of_birth, source="web",
        interested_in_events=details.interested_in_events,
    )
    db.session.add(resident)
    _record_consent(resident, ConsentKind.MEMBERSHIP, True, privacy_notice_version)
    _record_consent(resident, ConsentKind.SPECIAL_CATEGORY, details.special_category_consent,
                    privacy_notice_version)
    _set_answer(resident, _dimension("ward"), ward)
    _set_age_band(resident, today.year)
    db.session.flush()
    _queue_verification(user, resident.first_name)
    db.session.commit()
    return resident


JOIN_ATTEMPT_EMAIL_EVERY = timedelta(days=1)


def _tell_owner_of_join_attempt(owner: User, password: str) -> None:
    """Email the owner of an address someone tried to join with (the same outbox row and
    the same password hashing as a real join, so the response takes as long)."""
    generate_password_hash(password)
    recently_told = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "join_attempt_with_existing_email",
        AuditEvent.object_id == owner.id, AuditEvent.detail["emailed"].as_boolean(),
        AuditEvent.at > utcnow() - JOIN_ATTEMPT_EMAIL_EVERY).limit(1)) is not None
    if not recently_told:  # one email a day at most, however often someone tries
        name = owner.resident.first_name if owner.resident else owner.display_name
        mail.queue_templated(owner.email, "join_attempt_existing_account", name=name,
                             link=mail.absolute_url("auth.sign_in"))
    audit.record(None, "join_attempt_with_existing_email", "user", owner.id,
                 emailed=not recently_told)
    db.session.commit()


def _record_consent(resident: Resident, kind: ConsentKind, granted: bool, version: str) -> None:
    resident.consents.append(Consent(kind=kind, granted=granted, wording=CONSENT_WORDING[kind],
                                     privacy_notice_version=version))


def _set_answer(resident: Resident, dimension: Dimension, category: Category | None) -> None:
    current = next((a for a in resident.answers if a.dimension_id == dimension.id), None)
    if category is None:
        if current is not None:
            resident.answers.remove(current)
    elif current is None:
        resident.answers.append(ProfileAnswer(dimension=dimension, category=category))
    elif current.category_id != category.id:
        current.category = category
        current.answered_at = utcnow()


def _set_age_band(resident: Resident, this_year: int) -> None:
    band = age_band(resident.year_of_birth, this_year)
    dimension = _dimension("age_band")
    _set_answer(resident, dimension, _category(dimension, band) if band else None)


# --- email verification --------------------------------------------------------------------

def verification_token(user: User) -> str:
    return links.make(links.VERIFY_EMAIL, {"user": user.id, "email": user.email})


def _queue_verification(user: User, first_name: str) -> None:
    link = mail.absolute_url("account.verify_email", token=verification_token(user))
    mail.queue_templated(user.email, "verify_email", first_name=first_name, link=link)


def resend_verification(user: User) -> None:
    if user.verified_at is None:
        _queue_verification(user, user.resident.first_name if user.resident else "")
        db.session.commit()


def verify_email(token: str, max_age: int) -> User:
    """Mark the account's email as verified (idempotent); plain-English errors otherwise."""
    try:
        data = links.read(links.VERIFY_EMAIL, token, max_age)
    except links.LinkExpired as error:
        raise DomainError("This link has expired. Sign in to get a new one.") from error
    except links.LinkInvalid as error:
        raise DomainError("This link is not valid. Check you copied all of it.") from error
    user = db.session.get(User, data.get("user"))
    if user is None or user.email != data.get("email"):
        raise DomainError("This link is not valid any more. Sign in to get a new one.")
    if user.verified_at is None:
        user.verified_at = utcnow()
        db.session.commit()
    return user


def expire_unverified(older_than: timedelta, now: datetime | None = None) -> int:
    """Erase resident sign-ups whose email was never verified; returns how many."""
    cutoff = (now or utcnow()) - older_than
    stale = list(db.session.scalars(select(Resident).join(Resident.user).where(
        User.verified_at.is_(None), User.created_at < cutoff, User.password_hash.is_not(None))))
    for resident in stale:
        _erase(resident)
    if stale:
        audit.record(None, "unverified_sign_ups_expired", "resident", None, count=len(stale))
    db.session.commit()
    return len(stale)


# --- erasure -------------------------------------------------------------------------------

def _erase(resident: Resident) -> int:
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
    resident_id = _erase(resident)
    audit.record(None if by_self else actor, "resident_erased", "resident", resident_id,
                 requested_by="resident" if by_self else "staff")
    db.session.commit()


# --- membership status ---------------------------------------------------------------------

def pause(resident: Resident, until: date, today: date | None = None) -> None:
    today = today or utcnow().date()
    if until <= today:
        raise FieldError("until", "The date you want to be contacted again must be in the future")
    if until > today + timedelta(days=366):
        raise FieldError("until", "You can pause for up to a year")
    resident.status = ResidentStatus.PAUSED
    resident.paused_until = datetime.combine(until, time())
    db.session.commit()


def resume(resident: Resident) -> None:
    resident.status = ResidentStatus.ACTIVE
    resident.paused_until = None
    db.session.commit()


def withdraw(resident: Resident, privacy_notice_version: str) -> None:
    """Leave the panel: no more contact. The data stay until the resident asks to erase them."""
    resident.status = ResidentStatus.WITHDRAWN
    resident.paused_until = None
    _record_consent(resident, ConsentKind.MEMBERSHIP, False, privacy_notice_version)
    db.session.commit()


def rejoin(resident: Resident, privacy_notice_version: str) -> None:
    resident.status = ResidentStatus.ACTIVE
    _record_consent(resident, ConsentKind.MEMBERSHIP, True, privacy_notice_version)
    db.session.commit()
