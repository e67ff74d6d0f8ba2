"""Every signed link the service sends (email verification, survey invitations, unsubscribe,
and later password resets and event invitations) goes through here: one place that decides
how a token is signed, how long it works and what a tampered or stale one means.

A token carries a small dict, signed with SECRET_KEY and a *purpose* (the salt), so a token
made for one purpose is never accepted for another.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_EMAIL = "verify-email"
UNSUBSCRIBE = "unsubscribe"
CHANGE_EMAIL = "change-email"
SURVEY_INVITATION = "survey-invitation"
PASSWORD_RESET = "password-reset"  # noqa: S105  (a link purpose, not a password)
WELCOME = "welcome"  # an imported member confirms their membership (panel.welcome)


class LinkInvalid(Exception):
    """Not a link we made for this purpose (mistyped, cut short, or tampered with)."""


class LinkExpired(LinkInvalid):
    """A link we made, but older than it may be."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make(purpose: str, data: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(data)


def read(purpose: str, token: str, max_age: timedelta | int) -> dict[str, Any]:
    """The data signed into ``token``; raises ``LinkExpired`` or ``LinkInvalid``."""
    seconds = int(max_age.total_seconds()) if isinstance(max_age, timedelta) else max_age
    try:
        data = _serializer(purpose).loads(token, max_age=seconds)
    except SignatureExpired as error:
        raise LinkExpired(purpose) from error
    except BadSignature as error:
        raise LinkInvalid(purpose) from error
    if not isinstance(data, dict):
        raise LinkInvalid(purpose)
    return data


def read_or_none(purpose: str, token: str, max_age: timedelta | int) -> dict[str, Any] | None:
    try:
        return read(purpose, token, max_age)
    except LinkInvalid:
        return None
