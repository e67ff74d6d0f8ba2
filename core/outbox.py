"""The outbox page (admins): the latest emails and their delivery, and "send due emails now"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from core import mail
from core.auth.sessions import role_required
from core.models import Role
from core.permissions import can_view, require

bp = Blueprint("outbox", __name__)


@bp.get("/outbox")
@role_required(Role.ADMIN)
def list_messages() -> str:
    return render_template("outbox/list.html", messages=mail.recent_messages(current_user))


@bp.get("/outbox/<int:message_id>")
@role_required(Role.ADMIN)
def show_message(message_id: int) -> str:
    """One message: to, subject, delivery, and the text sent (opening it is audited)."""
    message = mail.get_message(message_id)
    if message is None:
        abort(404)
    require(can_view(current_user, message))
    mail.record_viewed(current_user, message)
    return render_template("outbox/message.html", message=message)


@bp.post("/outbox/send")
@role_required(Role.ADMIN)
def send_messages() -> Any:
    report = mail.send_pending()
    flash(f"Sent {len(report.sent):,}; {len(report.retrying):,} will be retried; "
          f"{len(report.failed):,} could not be delivered.", "success")
    return redirect(url_for("outbox.list_messages"))
