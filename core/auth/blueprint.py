"""The auth blueprint, shared by the sign-in pages (views) and the password pages
(reset_views), and ``forgot_password_link`` for every template: the absolute address of the
forgotten-password page, for emails that say "sign in to your account" (works outside a
request, e.g. from a job)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)


@bp.app_context_processor
def _forgot_password_link() -> dict[str, object]:
    from core.mail import absolute_url

    return {"forgot_password_link": lambda: absolute_url("auth.forgot_password")}
