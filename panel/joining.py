"""Joining the panel: a resident signs up (details, ward, consents), confirms their email from
a signed link, or is erased if they never do. Each use case commits once; none touches the
request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from core import audit, links, mail
from core.accounts import find_user_by_email
from core.auth.passwords import password_problem
from core.errors import DomainError
from core.extensions import db
from core.models import AuditEvent, Role, User, utcnow
from panel.households import household_key
from panel.membership import (
    FieldError,
    category_by_key,
    dimension_by_key,
    record_consent,
    remove_resident,
    set_age_band,
    set_answer,
)
from panel.models import (
    Category,
    ConsentKind,
    Dimension,
    PostcodeWard,
    Resident,
    ResidentStatus,
)
from panel.profile_rules import format_postcode, normalise_postcode


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


def _unknown_postcode_message(details: JoinDetails) -> str:
    """Say the postcode was not recognised (unless a ward was chosen that is not offered)."""
    if details.ward_key:
        return "Select the ward you live in"
    place = current_app.config.get("COUNCIL_NAME", "the borough")
    for suffix in (" Borough Council", " City Council", " Council"):
        place = place.removesuffix(suffix)
    return (f"We do not recognise the postcode {format_postcode(details.postcode)} as one in "
            f"{place}. Check it, or select the ward you live in")


def wards_to_choose() -> list[Category]:
    """The wards a resident may choose when the postcode lookup does not know theirs."""
    return list(db.session.scalars(
        select(Category).join(Dimension).where(Dimension.key == "ward",
                                               Category.prefer_not_to_say.is_(False),
                                               Category.retired_at.is_(None))
        .order_by(Category.label)))


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
            ward = category_by_key(dimension_by_key("ward"), details.ward_key or "")
        except DomainError:  # none chosen, or a value that is not one of the wards offered
            raise FieldError("ward", _unknown_postcode_message(details)) from None
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
    record_consent(resident, ConsentKind.MEMBERSHIP, True, privacy_notice_version)
    record_consent(resident, ConsentKind.SPECIAL_CATEGORY, details.special_category_consent,
                    privacy_notice_version)
    set_answer(resident, dimension_by_key("ward"), ward)
    set_age_band(resident, today.year)
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
        User.verified_at.is_(None), User.created_at < cutoff, User.password_hash.is_not(None),
        # an imported member who set a password (reset) before confirming stays invited
        Resident.status != ResidentStatus.INVITED)))
    for resident in stale:
        remove_resident(resident)
    if stale:
        audit.record(None, "unverified_sign_ups_expired", "resident", None, count=len(stale))
    db.session.commit()
    return len(stale)


# --- changing one's own details --------------------------------------------------------------

def change_name(actor: User, resident: Resident, first_name: str, last_name: str) -> None:
    resident.first_name, resident.last_name = first_name.strip(), last_name.strip()
    resident.user.display_name = resident.full_name
    audit.record(actor, "details_changed", "resident", resident.id, field="name")
    db.session.commit()


def change_address(actor: User, resident: Resident, address_line: str, postcode: str,
                   ward_key: str | None) -> None:
    """A new address: the ward (from the postcode, else the one chosen) and the household key
    are worked out as on joining."""
    ward = ward_for_postcode(postcode)
    if ward is None:
        try:
            ward = category_by_key(dimension_by_key("ward"), ward_key or "")
        except DomainError:
            raise FieldError("ward", "Select the ward you live in") from None
    resident.address_line, resident.postcode = address_line.strip(), format_postcode(postcode)
    resident.household_key = household_key(address_line, postcode)
    set_answer(resident, dimension_by_key("ward"), ward)
    audit.record(actor, "details_changed", "resident", resident.id, field="address")
    db.session.commit()


def request_email_change(actor: User, user: User, new_email: str) -> None:
    """Email a link to the new address; the address changes only when it is opened. If the new
    address already has an account nothing is sent (the person sees the same answer)."""
    new_email = User.normalise_email(new_email)
    if new_email == user.email or find_user_by_email(new_email) is not None:
        return
    token = links.make(links.CHANGE_EMAIL, {"user": user.id, "old": user.email,
                                            "new": new_email})
    mail.queue_templated(new_email, "confirm_new_email",
                         first_name=user.resident.first_name if user.resident else "",
                         link=mail.absolute_url("account.confirm_new_email", token=token))
    audit.record(actor, "email_change_requested", "user", user.id)
    db.session.commit()


def confirm_email_change(token: str, max_age: int) -> User:
    """The new address takes effect (and is verified); the old one's links stop working and
    the old address is told, in case it was not its owner who asked."""
    try:
        data = links.read(links.CHANGE_EMAIL, token, max_age)
    except links.LinkExpired as error:
        raise DomainError("This link has expired. Sign in and ask for a new one.") from error
    except links.LinkInvalid as error:
        raise DomainError("This link is not valid. Check you copied all of it.") from error
    user = db.session.get(User, data.get("user"))
    if user is None or user.email != data.get("old"):
        raise DomainError("This link is not valid any more. Sign in and ask for a new one.")
    if find_user_by_email(str(data.get("new"))) is not None:
        raise DomainError("Another account uses that email address, so we could not change "
                          "yours.")
    user.email, user.verified_at = str(data["new"]), utcnow()
    mail.queue_templated(str(data["old"]), "email_changed",
                         first_name=user.resident.first_name if user.resident else "")
    audit.record(user, "email_changed", "user", user.id)
    db.session.commit()
    return user
