"""Sessions: who is signed in (``id:token`` in the cookie), the idle and absolute timeouts,
the role check every staff route uses, and the htmx-aware answer to a signed-out request."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from core import accounts
from core.extensions import login_manager
from core.htmx import is_htmx_request
from core.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """Signed in (else sign-in page, or 401 for htmx) and holding one of ``roles`` (else 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    if any(ord(ch) < 32 for ch in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def load_user(session_id: str) -> User | None:
    """The user whose ``id:token`` this is, if the token is still theirs and they are active.
    A new token (sign-out, password, role, deactivation) ends every copy of a session."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = accounts.get_user(int(user_id))
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def _idle_limit(user: User) -> int:
    key = "IDLE_TIMEOUT_STAFF" if user.is_staff else "IDLE_TIMEOUT_RESIDENT"
    return int(current_app.config[key])


def _in_words(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def enforce_session_timeouts() -> None:
    """Before each request: end a session idle too long (staff 30 minutes, residents 2 hours)
    or older than PERMANENT_SESSION_LIFETIME however active; else note the activity."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    if not current_user.is_authenticated:
        return
    now = int(time.time())
    signed_in_at = session.get("signed_in_at", 0)
    last_seen = session.get("last_seen", 0)
    idle = _idle_limit(current_user)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if now - signed_in_at > lifetime:
        message = (f"We signed you out because you had been signed in for "
                   f"{_in_words(lifetime)}. Sign in again to carry on.")
    elif now - last_seen > idle:
        message = (f"We signed you out because you had not used the service for "
                   f"{_in_words(idle)}. Sign in again to carry on.")
    else:
        session["last_seen"] = now
        return
    logout_user()
    session.clear()
    flash(message, "info")


def start_session(user: User) -> None:
    """A fresh session (no fixation), with the times the timeouts are measured from."""
    session.clear()
    login_user(user)
    session["signed_in_at"] = session["last_seen"] = int(time.time())


def unauthorised() -> Response:
    """Full pages go to the sign-in page; htmx calls get 401 and an HX-Redirect header."""
    if is_htmx_request():
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        next_path = safe_next_url(current.path + (f"?{current.query}" if current.query else ""))
        response = Response("Your session has ended. Sign in again.", status=401)
        response.headers["HX-Redirect"] = url_for("auth.sign_in", next=next_path)
        return response
    next_path = safe_next_url(request.full_path.rstrip("?"))
    return redirect(url_for("auth.sign_in", next=next_path))


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorised)
    app.before_request(enforce_session_timeouts)
