"""The e-panel's front pages: the public home page and the signed-in dashboard."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from panel.contact_policy import contact_cap
from panel.dashboard import panel_overview

bp = Blueprint("panel", __name__)


@bp.get("/")
def home() -> str:
    return render_template("panel/home.html", cap=contact_cap())


@bp.get("/dashboard")
@login_required
def dashboard() -> str | Response:
    if current_user.is_staff:
        return render_template("panel/dashboard.html", overview=panel_overview())
    if current_user.resident is not None:
        return redirect(url_for("account.overview"))
    return render_template("panel/resident_home.html")
