"""Accounts: sign-in checks, roles, activation and passwords. Each use case takes an explicit
actor where one acts and commits once."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from core import audit
from core.auth.passwords import WeakPassword
from core.errors import DomainError
from core.extensions import db
from core.models import Role, User, utcnow

# Compared against when the email is unknown, so both paths cost one hash check (no timing leak).
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Records the sign-in."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_sign_in_at = utcnow()
    if user.is_staff:
        audit.record(user, "signed_in", "user", user.id)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Every session of ``user``, on every device and every copied cookie, ends now."""
    user.end_sessions()
    db.session.commit()


def change_role(actor: User | None, user: User, role: Role) -> None:
    """A new role; every session of the account ends (User._end_sessions_on_change)."""
    if user.role != role:
        previous = user.role
        user.role = role
        audit.record(actor, "role_changed", "user", user.id, old=previous.value, new=role.value)
    db.session.commit()


def set_active(actor: User | None, user: User, active: bool) -> None:
    """Deactivate (every session ends, no sign-in) or reactivate an account."""
    if user.is_active_account != active:
        user.is_active_account = active
        audit.record(actor, "account_reactivated" if active else "account_deactivated",
                     "user", user.id)
    db.session.commit()


def change_password(actor: User | None, user: User, password: str) -> None:
    """A new password under the one rule; every session of the account ends."""
    try:
        user.set_password(password)
    except WeakPassword as error:
        raise DomainError(str(error)) from error
    audit.record(actor, "password_changed", "user", user.id)
    db.session.commit()


def create_user(email: str, password: str | None, role: Role, display_name: str = "") -> User:
    email = User.normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(f"An account with the email address {email} already exists")
    user = User(email=email, role=role, display_name=display_name, verified_at=utcnow())
    if password is not None:
        try:
            user.set_password(password)
        except WeakPassword as error:
            raise DomainError(str(error)) from error
    db.session.add(user)
    db.session.commit()
    return user


class WrongPassword(DomainError):
    """The current password given to change it was not the account's."""


def change_own_password(user: User, current: str, new: str) -> None:
    """The signed-in person changes their own password: the current one must match; every
    session of the account ends (the caller starts a fresh one for this browser)."""
    if not user.check_password(current):
        raise WrongPassword("Your current password is not right")
    change_password(user, user, new)
