"""A resident's "What happened to my views" (``/account/what-happened``): the engagements they
took part in, what the council said and did, how they want to hear about it, and their answers
to "Did you feel listened to?" and "Has this happened?". Their own record only (no resident
id in any URL); an engagement or action named by id is answered only by someone who took part
in it (``outcomes.feedback``). The rules are in ``outcomes.feedback`` and ``outcomes.loop``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from core.auth.sessions import role_required
from core.extensions import db
from core.forms import Form, strip_text
from core.htmx import render_page
from core.models import Role, utcnow
from core.permissions import can_manage, require
from outcomes import feedback, loop
from outcomes.models import Action, FeedbackKind, LoopFrequency
from outcomes.progress import ActionStatus
from panel.engagements import Engagement
from panel.models import Resident

bp = Blueprint("loop", __name__)
SAVED = {LoopFrequency.AT_ONCE: "Saved: we will email you as things happen.",
         LoopFrequency.WEEKLY: "Saved: we will email you a weekly summary.",
         LoopFrequency.NEVER: "Saved: we will not email you about what happened."}


class PreferenceForm(Form):
    frequency = RadioField(
        "How should we tell you what happened to your views?", widget=GovRadioInput(),
        choices=[SelectChoice(f.value, label) for f, label in feedback.FREQUENCY.items()],
        validators=[InputRequired(message="Select how we should tell you")])
    save = SubmitField("Save how we tell you", widget=GovSubmitInput())


class HappenedForm(Form):
    answer = RadioField("Has this happened?", widget=GovRadioInput(),
                        choices=[SelectChoice(k, v) for k, v in feedback.HAPPENED.items()],
                        validators=[InputRequired(message="Select whether this has happened")])
    comment = TextAreaField(
        "Tell us more (optional)", widget=GovTextArea(), filters=[strip_text],
        validators=[Length(max=feedback.COMMENT_LIMIT, message="Your comment must be "
                           f"{feedback.COMMENT_LIMIT:,} characters or fewer")])


class ListenedForm(Form):
    answer = RadioField("Did you feel listened to?", widget=GovRadioInput(),
                        choices=[SelectChoice(k, v) for k, v in feedback.LISTENED.items()],
                        validators=[InputRequired(message="Select whether you felt listened "
                                                          "to")])


def _resident() -> Resident:
    resident = current_user.resident
    if resident is None:
        abort(404)
    require(can_manage(current_user, resident))
    return resident


def _forms(mine: list[feedback.MyEngagement], failed: Form | None = None
           ) -> dict[str, Form]:
    """The "Did you feel listened to?" and "Has this happened?" forms for these engagements,
    each showing the resident's answer (or, for the one that failed, what they sent)."""
    forms: dict[str, Form] = {}
    for item in mine:
        if item.responded:
            key = f"listened-{item.engagement.id}"
            form = failed if failed is not None and failed._prefix == f"{key}-" else \
                ListenedForm(formdata=None, prefix=key)
            if form is not failed and item.listened is not None:
                form.answer.data = item.listened.answer
            forms[key] = form
        for mine_action in item.actions:
            if mine_action.action.status != ActionStatus.DONE:
                continue
            key = f"happened-{mine_action.action.id}"
            form = failed if failed is not None and failed._prefix == f"{key}-" else \
                HappenedForm(formdata=None, prefix=key)
            if form is not failed and mine_action.happened is not None:
                form.answer.data = mine_action.happened.answer
                form.comment.data = mine_action.happened.comment
            forms[key] = form
    return forms


def _page(resident: Resident, status: int = 200, failed: Form | None = None,
          preference: PreferenceForm | None = None) -> Any:
    mine = feedback.my_engagements(resident, utcnow())
    if preference is None:
        preference = PreferenceForm(formdata=None)
        preference.frequency.data = loop.frequency_of(resident).value
    return render_page("outcomes/resident/what_happened.html", mine=mine,
                       forms=_forms(mine, failed), preference=preference,
                       failed=failed), status


def _back(fallback: str, engagement_id: int, anchor: str) -> Any:
    """Back where the answer was given: the public page (``back=public``) or "What happened"."""
    if request.form.get("back") == "public":
        return redirect(url_for("outcomes.show", engagement_id=engagement_id,
                                _anchor=anchor), 303)
    return redirect(url_for(fallback, _anchor=anchor), 303)


@bp.get("/account/what-happened")
@role_required(Role.RESIDENT)
def what_happened() -> Any:
    return _page(_resident())


@bp.post("/account/what-happened/how-we-tell-you")
@role_required(Role.RESIDENT)
def save_preference() -> Any:
    resident = _resident()
    form = PreferenceForm()
    if not form.validate_on_submit():
        return _page(resident, 422, failed=form, preference=form)
    loop.set_frequency(current_user, resident, LoopFrequency(form.frequency.data), utcnow())
    flash(SAVED[LoopFrequency(form.frequency.data)], "success")
    return redirect(url_for("loop.what_happened"), 303)


@bp.post("/account/what-happened/actions/<int:action_id>")
@role_required(Role.RESIDENT)
def happened(action_id: int) -> Any:
    resident = _resident()
    action = db.session.get(Action, action_id) or abort(404)
    now = utcnow()
    require(feedback.may_say_happened(resident, action, now))
    form = HappenedForm(prefix=f"happened-{action.id}")
    if not form.validate_on_submit():
        return _page(resident, 422, failed=form)
    feedback.answer(current_user, resident, FeedbackKind.HAPPENED, action.outcome.engagement,
                    action, form.answer.data or "", form.comment.data or "", now)
    flash(f"Thank you: your answer about “{action.title}” is saved.", "success")
    return _back("loop.what_happened", action.outcome.engagement_id, f"action-{action.id}")


@bp.post("/account/what-happened/engagements/<int:engagement_id>/listened")
@role_required(Role.RESIDENT)
def listened(engagement_id: int) -> Any:
    resident = _resident()
    engagement = db.session.get(Engagement, engagement_id) or abort(404)
    now = utcnow()
    require(feedback.may_say_listened(resident, engagement, now))
    form = ListenedForm(prefix=f"listened-{engagement.id}")
    if not form.validate_on_submit():
        return _page(resident, 422, failed=form)
    feedback.answer(current_user, resident, FeedbackKind.LISTENED, engagement, None,
                    form.answer.data or "", "", now)
    flash(f"Thank you: your answer about “{engagement.title}” is saved.", "success")
    return _back("loop.what_happened", engagement.id, f"engagement-{engagement.id}")


@bp.app_template_global("participant_questions")
def participant_questions(engagement: Engagement) -> dict[str, Any] | None:
    """For the public page: when a resident who took part is signed in, their questions about
    this engagement (None for everyone else)."""
    resident = getattr(current_user, "resident", None) if current_user.is_authenticated \
        else None
    if resident is None:
        return None
    mine = [m for m in feedback.my_engagements(resident, utcnow())
            if m.engagement.id == engagement.id]
    if not mine:
        return None
    return {"item": mine[0], "forms": _forms(mine)}


@bp.app_template_global("outcome_feedback_counts")
def outcome_feedback_counts(engagement: Engagement) -> feedback.Counts:
    """For the officer's engagement page (staff only): how participants answered."""
    return feedback.counts(engagement)
