"""Sign-in and sign-out, roles, and the htmx-aware handler for unauthenticated requests."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from panel import services
from panel.extensions import limiter, login_manager
from panel.forms import SignInForm
from panel.htmx import is_htmx_request
from panel.models import Role, User

bp = Blueprint("auth", __name__)

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


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return services.get_user(int(user_id)) if user_id.isdigit() else None


@login_manager.unauthorized_handler
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


def _email_key() -> str:
    return "sign-in:" + User.normalise_email(request.form.get("email", ""))[:254]


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_email_key)
def sign_in() -> Any:
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("panel.dashboard"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            session.clear()  # a fresh session on sign-in (no fixation)
            login_user(user)
            return redirect(next_url or url_for("panel.dashboard"))
        form.email.errors.append("Enter a correct email address and password")
    if form.errors:
        status = 422
    return render_template("auth/sign_in.html", form=form, next_url=next_url), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("panel.home"))
