"""Public pages, the signed-in dashboard, and the first staff pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from panel import mail, services
from panel.auth import role_required
from panel.extensions import db
from panel.models import Role

bp = Blueprint("panel", __name__)


@bp.get("/")
def home() -> str:
    return render_template("panel/home.html")


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    if current_user.is_staff:
        return render_template("panel/dashboard.html", overview=services.panel_overview())
    if current_user.resident is not None:
        return redirect(url_for("account.overview"))
    return render_template("panel/resident_home.html")


@bp.get("/outbox")
@role_required(Role.ADMIN)
def list_messages() -> str:
    return render_template("panel/outbox.html", messages=services.recent_messages(current_user))


@bp.post("/outbox/send")
@role_required(Role.ADMIN)
def send_messages() -> Any:
    report = mail.send_pending()
    flash(f"Sent {len(report.sent)}; {len(report.retrying)} will be retried; "
          f"{len(report.failed)} could not be delivered.", "success")
    return redirect(url_for("panel.list_messages"))


@bp.get("/privacy")
def privacy() -> str:
    return render_template("panel/privacy.html")


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("panel/accessibility.html")


@bp.get("/healthz")
def healthz() -> Any:
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
