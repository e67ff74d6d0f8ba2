"""The host's own pages: the privacy notice, the accessibility statement and a health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import text

from core.extensions import db

bp = Blueprint("site", __name__)


@bp.get("/privacy")
def privacy() -> str:
    return render_template("site/privacy.html")


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("site/accessibility.html")


@bp.get("/healthz")
def healthz() -> Any:
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
