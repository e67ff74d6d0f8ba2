"""The staff pages for the panel's reference data (blueprint ``admin``): population target sets
(officers, ``panel.views.admin_targets``), profile questions (admins,
``panel.views.admin_dimensions``) and, here, the over-consultation setting (admins).

Routes load, check, call one use case (``panel.target_sets``, ``panel.dimensions``,
``panel.contact_policy``) and render.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.forms import Form
from core.models import Role
from panel import contact_policy
from panel.admin_forms import ContactCapForm

bp = Blueprint("admin", __name__)


def add_problems(form: Form, problems: dict[str, Any]) -> None:
    """A use case's problems (field name -> message or messages) beside the form's fields."""
    for name, messages in problems.items():
        field = getattr(form, name)
        field.errors = [*field.errors, *([messages] if isinstance(messages, str) else messages)]


# --- settings (admins) -------------------------------------------------------------------------

@bp.route("/admin/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_settings() -> Any:
    cap = contact_policy.contact_cap()
    form = ContactCapForm()
    if request.method == "GET":
        form.max_contacts.data, form.days.data = str(cap.max_contacts), str(cap.days)
    elif form.validate_on_submit():
        try:
            new = contact_policy.set_contact_cap(current_user, contact_policy.parse_cap(
                form.max_contacts.data, form.days.data))
        except contact_policy.CapError as error:
            add_problems(form, error.problems)
        else:
            flash(f"Saved: at most {new.describe()} for each resident.", "success")
            return redirect(url_for("admin.edit_settings"))
    return render_template("admin/settings.html", form=form, cap=cap,
                           at_cap=contact_policy.count_at_cap(cap=cap),
                           is_default=cap == contact_policy.DEFAULT_CAP), \
        422 if form.errors else 200
