"""Forgotten passwords: a single-use link, emailed through the outbox, that works for an hour.

Single use without a table: the token carries a keyed fingerprint of the account's current
password hash and email, so it stops working as soon as the password (or email) changes, and
with it every other reset link sent before. The request always gets the same answer whether or
not the address has an account; unknown addresses queue nothing. Requests per address are
counted with the rate limiter's storage: past the limit nothing more is sent, the answer is the
same, and nothing is ever locked (the links already sent still work).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from core import accounts, audit, links, mail
from core.auth.passwords import WeakPassword
from core.errors import DomainError
from core.extensions import db, limiter
from core.models import User

LIFETIME = timedelta(hours=1)
REQUESTS_PER_ADDRESS = "3 per 15 minutes"
NAMESPACE = "password-reset-requests"


class ResetLinkExpired(Exception):
    """A reset link we made, but more than an hour old."""


class ResetLinkInvalid(Exception):
    """Not a reset link we made, or one already used (the password has changed since)."""


def _keyed(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def fingerprint(user: User) -> str:
    """Changes whenever the password or the email address changes."""
    return _keyed(f"{user.password_hash or ''}|{user.email}")


def make_token(user: User) -> str:
    return links.make(links.PASSWORD_RESET, {"u": user.id, "f": fingerprint(user)})


def _may_send(email: str) -> bool:
    """False once this address has asked REQUESTS_PER_ADDRESS times (counts every request)."""
    if not limiter.enabled:
        return True
    strategy = MovingWindowRateLimiter(limiter.storage)
    return strategy.hit(parse(REQUESTS_PER_ADDRESS), NAMESPACE, _keyed(email.strip().lower()))


def request_reset(email: str) -> None:
    """Queue a reset link to ``email`` if it belongs to an active account; else nothing.
    The caller answers the same either way."""
    if not _may_send(email):
        return
    user = accounts.find_user_by_email(email)
    if user is None or not user.is_active:
        return
    link = mail.absolute_url("auth.reset_password", token=make_token(user))
    mail.queue_templated(user.email, "password_reset", link=link,
                         forgot_link=mail.absolute_url("auth.forgot_password"))
    audit.record(None, "password_reset_requested", "user", user.id)
    db.session.commit()


def user_for_token(token: str) -> User:
    """The account a reset link is for; raises ResetLinkExpired or ResetLinkInvalid."""
    try:
        data = links.read(links.PASSWORD_RESET, token, LIFETIME)
    except links.LinkExpired as error:
        raise ResetLinkExpired from error
    except links.LinkInvalid as error:
        raise ResetLinkInvalid from error
    user_id, print_ = data.get("u"), data.get("f")
    user = accounts.get_user(user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or not isinstance(print_, str):
        raise ResetLinkInvalid
    if not hmac.compare_digest(print_, fingerprint(user)):
        raise ResetLinkInvalid
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link: the link stops working, every session of the
    account ends, audited with the person as the actor."""
    user = user_for_token(token)
    try:
        user.set_password(password)
    except WeakPassword as error:
        raise DomainError(str(error)) from error
    audit.record(user, "password_reset", "user", user.id)
    db.session.commit()
    return user
