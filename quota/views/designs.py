"""Sample designs an officer approved: the design page, drawing it, withdrawing it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.htmx import render_page
from core.models import Role
from core.permissions import can_manage, can_view, require
from quota import designs, services
from quota.access import STAFF, hidden_dimensions, sees_special_category
from quota.views.blueprint import bp


@bp.get("/designs/<int:design_id>")
@role_required(*STAFF)
def show_design(design_id: int) -> Any:
    design = designs.get_design(design_id) or abort(404)
    require(can_view(current_user, design))
    hidden = hidden_dimensions(current_user, design.spec["dimensions"])
    return render_page("quota/design.html", design=design,
                       view=designs.design_view(design, hidden),
                       can_withdraw=sees_special_category(current_user))


@bp.post("/designs/<int:design_id>/draw")
@role_required(*STAFF)
def draw_design(design_id: int) -> Any:
    design = designs.get_design(design_id) or abort(404)
    require(can_view(current_user, design))  # an approved design is drawn by who may see it
    try:
        job = designs.draw_design(current_user, design)
    except services.SampleError as error:
        flash(str(error), "error")
        return redirect(url_for("quota.list_samples"), 303)
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)


@bp.post("/designs/<int:design_id>/withdraw")
@role_required(Role.OFFICER)
def withdraw_design(design_id: int) -> Any:
    design = designs.get_design(design_id) or abort(404)
    require(can_manage(current_user, design))
    designs.withdraw_design(current_user, design)
    flash("The design is withdrawn: organisers can no longer draw it.", "success")
    return redirect(url_for("quota.list_samples"), 303)
