"""Public pages and the signed-in dashboard."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from panel import services
from panel.extensions import db

bp = Blueprint("panel", __name__)


@bp.get("/")
def home() -> str:
    return render_template("panel/home.html")


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    if current_user.is_staff:
        return render_template("panel/dashboard.html", overview=services.panel_overview())
    return render_template("panel/resident_home.html", resident=current_user.resident)


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
