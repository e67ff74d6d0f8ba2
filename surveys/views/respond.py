"""Residents' survey pages, reached from the personal link in their invitation (no password).

``/surveys/r/<token>`` resumes where they left off (the token is a personal link's, or an
anonymous response's on a survey anyone may answer, see ``surveys.views.public``); each page is a
real form (works without JavaScript) that saves on Continue or "Save and come back later";
"Check your answers" leads to one submit (after, for anonymous respondents, the optional
"About you" page); the thank-you page says when and where the results will appear.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from core.htmx import render_page
from core.models import utcnow
from surveys import about_you as about
from surveys import answering
from surveys.data_rights import in_words
from surveys.models import Response
from surveys.question_types import answers_from, form_class, form_data

bp = Blueprint("respond", __name__, url_prefix="/r")
ALREADY_SENT = "Your answers had already been sent, so nothing was changed."


def _open(token: str) -> tuple[Response, None] | tuple[None, Any]:
    """The response a link is for; or, second, the page that says why the link cannot be
    used (already submitted: the thank-you page)."""
    link = answering.link_from(token)
    if link is None:
        return None, (render_page("surveys/respond/unavailable.html", reason="link"), 404)
    if answering.membership_ended(link):
        return None, (render_page("surveys/respond/unavailable.html", reason="ended",
                                  survey=link.survey), 410)
    if not link.survey.accepts_answers(utcnow()):
        return None, (render_page("surveys/respond/unavailable.html", reason="closed",
                                  survey=link.survey), 410)
    response = link.response or answering.response_for(link.invitation)
    if response.submitted:
        return None, redirect(url_for("surveys.respond.thank_you", token=token), 303)
    return response, None


def _asks_about_you(response: Response) -> bool:
    """Anonymous respondents are offered the optional "About you" page at the end."""
    return response.resident_id is None and response.invitation_id is None


@bp.get("/<token>")
def start(token: str) -> Any:
    response, refusal = _open(token)
    if refusal is not None:
        return refusal
    pages = answering.visible_sections(response.survey, answering.stored_answers(response))
    resume = next((n for n, s in enumerate(pages, start=1)
                   if s.position >= response.last_section), 1) if response.answers else 1
    return redirect(url_for("surveys.respond.answer_page", token=token, number=resume), 303)


@bp.route("/<token>/<int:number>", methods=["GET", "POST"])
def answer_page(token: str, number: int) -> Any:
    response, refusal = _open(token)
    if refusal is not None:
        return refusal
    survey = response.survey
    answers = answering.stored_answers(response)
    pages = answering.visible_sections(survey, answers)
    if not 1 <= number <= len(pages):
        return redirect(url_for("surveys.respond.start", token=token), 303)
    section = pages[number - 1]
    questions = answering.visible_questions(section, answers)
    specs = [q.spec() for q in questions]
    page_form = form_class(specs)
    if request.method == "POST":
        form = page_form(request.form)
        if form.validate():
            step = answering.save_and_next(response, section, answers_from(form, specs))
            if request.form.get("action") == "save":
                return render_page("surveys/respond/saved.html", survey=survey, token=token,
                                   public=response.invitation_id is None)
            target = (url_for("surveys.respond.answer_page", token=token,
                              number=step.next_number)
                      if step.next_number else url_for("surveys.respond.about_you", token=token)
                      if _asks_about_you(response)
                      else url_for("surveys.respond.check_answers", token=token))
            return redirect(target, 303)
        status = 422
    else:
        form, status = page_form(formdata=None, data=form_data(specs, answers)), 200
    return render_page("surveys/respond/page.html", survey=survey, section=section,
                       number=number, pages=len(pages) + _asks_about_you(response), form=form,
                       specs=specs, token=token, public=response.invitation_id is None), status


@bp.route("/<token>/about-you", methods=["GET", "POST"])
def about_you(token: str) -> Any:
    """Optional questions about the respondent, on a survey anyone may answer."""
    response, refusal = _open(token)
    if refusal is not None:
        return refusal
    if not _asks_about_you(response):
        return redirect(url_for("surveys.respond.check_answers", token=token), 303)
    specs = about.specs()
    page_form = form_class(specs)
    pages = len(answering.visible_sections(response.survey,
                                           answering.stored_answers(response))) + 1
    if request.method == "POST":
        form = page_form(request.form)
        if form.validate():
            answering.save_about_you(response, about.profile_from(answers_from(form, specs)))
            if request.form.get("action") == "save":
                return render_page("surveys/respond/saved.html", survey=response.survey,
                                   token=token, public=True)
            return redirect(url_for("surveys.respond.check_answers", token=token), 303)
        status = 422
    else:
        form = page_form(formdata=None, data=form_data(
            specs, about.answers_from_profile(response.profile)))
        status = 200
    return render_page("surveys/respond/about_you.html", survey=response.survey, form=form,
                       specs=specs, token=token, number=pages, pages=pages), status


@bp.route("/<token>/check", methods=["GET", "POST"])
def check_answers(token: str) -> Any:
    response, refusal = _open(token)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        if not answering.submit(response):  # another tab or a double click sent them first
            flash(ALREADY_SENT)
        return redirect(url_for("surveys.respond.thank_you", token=token), 303)
    answers = answering.stored_answers(response)
    pages = answering.visible_sections(response.survey, answers)
    rows = [(n, section, [(q, answers.get(q.key))
                          for q in answering.visible_questions(section, answers)])
            for n, section in enumerate(pages, start=1)]
    about_rows = about.in_words(response.profile) if _asks_about_you(response) else []
    return render_page("surveys/respond/check.html", survey=response.survey, rows=rows,
                       token=token, in_words=in_words, about_rows=about_rows)


@bp.get("/<token>/thank-you")
def thank_you(token: str) -> Any:
    link = answering.link_from(token)
    if link is None:
        return render_page("surveys/respond/unavailable.html", reason="link"), 404
    return render_page("surveys/respond/done.html", survey=link.survey,
                       anonymous=link.invitation is None)


@bp.route("/<token>/stop", methods=["GET", "POST"])
def stop_reminders(token: str) -> Any:
    """'Stop reminders for this survey', from the link in a reminder (the link is enough)."""
    invitation = answering.invitation_from(token)
    if invitation is None:
        return render_page("surveys/respond/unavailable.html", reason="link"), 404
    if request.method == "POST":
        answering.stop_reminders(invitation)
    return render_page("surveys/respond/stop.html", survey=invitation.survey, token=token,
                       stopped=invitation.opted_out_at is not None)
