"""The page a link in any email opens to stop emails from the panel, without signing in: it
says what will happen and has one button (``panel.unsubscribe`` reads the link and turns email
contact off)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from core.forms import Form
from panel.unsubscribe import resident_from, stop_emails

bp = Blueprint("unsubscribe", __name__)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def stop_emails_page(token: str) -> Any:
    resident = resident_from(token)
    if resident is None:
        return render_template("account/unsubscribe.html", resident=None, form=None), 404
    form = Form()
    done = False
    if form.validate_on_submit():
        stop_emails(resident)
        done = True
    return render_template("account/unsubscribe.html", resident=resident, form=form,
                           done=done or not resident.contact_by_email)
