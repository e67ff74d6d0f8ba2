"""The e-panel's front pages: the public home page and the signed-in dashboard."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from core.models import Role
from panel import dashboard as start_page
from panel.contact_policy import contact_cap

bp = Blueprint("panel", __name__)


@bp.get("/")
def home() -> str:
    return render_template("panel/home.html", cap=contact_cap())


@bp.get("/dashboard")
@login_required
def dashboard() -> str | Response:
    if current_user.is_staff:
        overview = start_page.panel_overview()
        return render_template(
            "panel/dashboard.html", overview=overview,
            figures=start_page.figures(current_user, overview),
            tasks=start_page.attention(current_user, overview),
            sections=start_page.sections(current_user),
            officer=current_user.has_role(Role.OFFICER), admin=current_user.has_role(Role.ADMIN))
    if current_user.resident is not None:
        return redirect(url_for("account.overview"))
    return render_template("panel/resident_home.html")
