"""Residents' survey pages, reached from the personal link in their invitation (no password).

``/surveys/r/<token>`` resumes where they left off; each page is a real form (works without
JavaScript) that saves on Continue or "Save and come back later"; "Check your answers" leads
to one submit; the thank-you page says when and where the results will appear.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, request, url_for

from panel.htmx import render_page
from panel.models import utcnow
from surveys import answering
from surveys.data_rights import in_words
from surveys.models import Invitation, Response
from surveys.question_types import answers_from, form_class, form_data

bp = Blueprint("respond", __name__, url_prefix="/r")


def _open(token: str) -> tuple[Invitation, Response, None] | tuple[None, None, Any]:
    """The invitation and its response; or, third, the page that says why the link cannot be
    used (already submitted: the thank-you page)."""
    invitation = answering.invitation_from(token)
    if invitation is None:
        return None, None, (render_page("surveys/respond/unavailable.html", reason="link"), 404)
    survey = invitation.survey
    if not survey.accepts_answers(utcnow()):
        return None, None, (render_page("surveys/respond/unavailable.html", reason="closed",
                                        survey=survey), 410)
    response = answering.response_for(invitation)
    if response.submitted:
        return None, None, redirect(url_for("surveys.respond.thank_you", token=token), 303)
    return invitation, response, None


@bp.get("/<token>")
def start(token: str) -> Any:
    _, response, refusal = _open(token)
    if refusal is not None:
        return refusal
    pages = answering.visible_sections(response.survey, answering.stored_answers(response))
    resume = next((n for n, s in enumerate(pages, start=1)
                   if s.position >= response.last_section), 1) if response.answers else 1
    return redirect(url_for("surveys.respond.answer_page", token=token, number=resume), 303)


@bp.route("/<token>/<int:number>", methods=["GET", "POST"])
def answer_page(token: str, number: int) -> Any:
    invitation, response, refusal = _open(token)
    if refusal is not None:
        return refusal
    survey = invitation.survey
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
            answering.save_page(response, section, answers_from(form, specs))
            if request.form.get("action") == "save":
                return render_page("surveys/respond/saved.html", survey=survey, token=token)
            answers = answering.stored_answers(response)
            pages = answering.visible_sections(survey, answers)
            later = [n for n, s in enumerate(pages, start=1) if s.position > section.position]
            target = (url_for("surveys.respond.answer_page", token=token, number=later[0])
                      if later else url_for("surveys.respond.check_answers", token=token))
            return redirect(target, 303)
        status = 422
    else:
        form, status = page_form(formdata=None, data=form_data(specs, answers)), 200
    return render_page("surveys/respond/page.html", survey=survey, section=section,
                       number=number, pages=len(pages), form=form, specs=specs,
                       token=token), status


@bp.route("/<token>/check", methods=["GET", "POST"])
def check_answers(token: str) -> Any:
    invitation, response, refusal = _open(token)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        answering.submit(response)
        return redirect(url_for("surveys.respond.thank_you", token=token), 303)
    answers = answering.stored_answers(response)
    pages = answering.visible_sections(invitation.survey, answers)
    rows = [(n, section, [(q, answers.get(q.key))
                          for q in answering.visible_questions(section, answers)])
            for n, section in enumerate(pages, start=1)]
    return render_page("surveys/respond/check.html", survey=invitation.survey, rows=rows,
                       token=token, in_words=in_words)


@bp.get("/<token>/thank-you")
def thank_you(token: str) -> Any:
    invitation = answering.invitation_from(token)
    if invitation is None:
        return render_page("surveys/respond/unavailable.html", reason="link"), 404
    return render_page("surveys/respond/done.html", survey=invitation.survey)


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
