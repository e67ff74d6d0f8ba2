"""A survey anyone may answer: the public link for an open consultation.

``/surveys/p/<slug>`` says what the survey is about, why the council asks and what it
promises to do with the answers; "Start now" (a form, so a link preview or a crawler never
makes a response) makes an anonymous response and takes the respondent to its own link
(``/surveys/r/<token>``), where the pages, save and resume, the optional "About you" page
and the one submit work as they do for members. Starting is rate-limited per address.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, url_for
from sqlalchemy import select

from core.extensions import db, limiter
from core.forms import Form
from core.htmx import render_page
from core.models import utcnow
from surveys import answering
from surveys.models import Audience, Survey, SurveyState

bp = Blueprint("public", __name__, url_prefix="/p")


def public_survey(slug: str) -> Survey | None:
    survey = db.session.scalar(select(Survey).where(Survey.public_slug == slug))
    if survey is None or survey.audience != Audience.PUBLIC or \
            survey.state == SurveyState.DRAFT:
        return None
    return survey


def _limit() -> str:
    return current_app.config["PUBLIC_SURVEY_RATE_LIMIT"]


@bp.route("/<slug>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def start(slug: str) -> Any:
    survey = public_survey(slug) or abort(404)
    if not survey.accepts_answers(utcnow()):
        return render_page("surveys/respond/unavailable.html", reason="closed",
                           survey=survey), 410
    form = Form()
    if form.validate_on_submit():
        response = answering.start_public_response(survey)
        return redirect(url_for("surveys.respond.start",
                                token=answering.response_token(response)), 303)
    questions = len(survey.questions)
    return render_page("surveys/public/start.html", survey=survey, form=form,
                       questions=questions, pages=len(survey.sections))
