"""Residents answer a survey from their personal link: page by page, saved as they go, one response.

The link carries the invitation's id, signed and expiring (no password needed); on a survey
anyone may answer (a public link), the link carries the id of an anonymous response instead,
made when they start. A personal link's response row is made on first use; the database
allows one per invitation, so two tabs or a double click reach the same row. Submitting is
one atomic UPDATE that only the first request wins. Display logic: a page or question with
``show_if = {"question": key, "in": [values]}`` is shown only when that earlier answer counts
in one of those values (see ``question_types.counted``); answers on pages that are no longer
shown are not kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core import links
from core.extensions import db
from core.models import utcnow
from panel.models import ProfileAnswer, ResidentStatus
from surveys.models import Answer, Invitation, Question, Response, Section, Survey
from surveys.question_types import TYPES

LINK_DAYS = 120  # a personal link works this long after it was sent


def invitation_token(invitation: Invitation) -> str:
    return links.make(links.SURVEY_INVITATION, {"invitation": invitation.id})


def _data(token: str) -> dict[str, Any] | None:
    return links.read_or_none(links.SURVEY_INVITATION, token, LINK_DAYS * 86400)


def _get(model: type, key: object) -> Any:
    return db.session.get(model, key) if isinstance(key, int) else None


def invitation_from(token: str) -> Invitation | None:
    """The invitation a personal link is for; None if it is forged, mangled or expired."""
    data = _data(token)
    return _get(Invitation, data.get("invitation")) if data else None


def response_token(response: Response) -> str:
    """The link to an anonymous response to a public survey (shown to whoever started it)."""
    return links.make(links.SURVEY_INVITATION, {"response": response.id})


@dataclass(frozen=True)
class Link:
    """What a link is for: a personal link's invitation (and its response, once used), or an
    anonymous response."""

    survey: Survey
    invitation: Invitation | None
    response: Response | None


def link_from(token: str) -> Link | None:
    """None if the link is forged, mangled or expired. Reads only."""
    data = _data(token)
    if data is None:
        return None
    if "response" in data:
        response = _get(Response, data["response"])
        if response is None or response.invitation_id is not None:
            return None  # a member's response opens only from their own link
        return Link(response.survey, None, response)
    invitation = _get(Invitation, data.get("invitation"))
    if invitation is None:
        return None
    return Link(invitation.survey, invitation, db.session.scalar(
        select(Response).where(Response.invitation_id == invitation.id)))


def membership_ended(link: Link) -> bool:
    """A personal link of a resident who has left the panel takes no answers (a paused
    resident may still answer an invitation they already had). An erased resident's
    invitations are gone with them, so their links do not work at all."""
    return (link.invitation is not None
            and link.invitation.resident.status == ResidentStatus.WITHDRAWN)


def start_public_response(survey: Survey) -> Response:
    """An anonymous response to a survey anyone may answer (no invitation, no resident)."""
    response = Response(survey_id=survey.id)
    db.session.add(response)
    db.session.commit()
    return response


def response_for(invitation: Invitation) -> Response:
    """The invitation's response, made on first use (once, even from two tabs at once)."""
    found = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if found is not None:
        return found
    response = Response(survey_id=invitation.survey_id, invitation_id=invitation.id,
                        resident_id=invitation.resident_id)
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:  # the other tab made it first
        db.session.rollback()
        return db.session.scalars(select(Response).where(
            Response.invitation_id == invitation.id)).one()
    return response


def stored_answers(response: Response) -> dict[str, Any]:
    keys = {q.id: q.key for q in response.survey.questions}  # loaded with the survey
    return {keys[a.question_id]: a.value for a in response.answers if a.question_id in keys}


def shows(rule: Mapping[str, Any] | None, answers: Mapping[str, Any],
          questions: Mapping[str, Question]) -> bool:
    """Whether a ``show_if`` rule lets a page or question show, given the answers so far."""
    if not rule:
        return True
    question = questions.get(rule.get("question", ""))
    if question is None:
        return False
    spec = question.spec()
    counted = TYPES[spec.kind].counted(spec, answers.get(spec.key))
    return bool(set(counted) & set(rule.get("in", [])))


def visible_sections(survey: Survey, answers: Mapping[str, Any]) -> list[Section]:
    questions = {q.key: q for q in survey.questions}
    return [s for s in survey.sections if shows(s.show_if, answers, questions)
            and visible_questions(s, answers, questions)]


def visible_questions(section: Section, answers: Mapping[str, Any],
                      questions: Mapping[str, Question] | None = None) -> list[Question]:
    questions = questions or {q.key: q for q in section.survey.questions}
    return [q for q in section.questions if shows(q.show_if, answers, questions)]


@dataclass(frozen=True)
class Step:
    """Where a respondent goes once a page is saved: the number of the next page shown, or
    None after the last one ("About you" or "Check your answers" comes next)."""

    next_number: int | None


def save_and_next(response: Response, section: Section, values: Mapping[str, Any]) -> Step:
    """Save a page (``save_page``) and say which page comes next, from the one reckoning of
    the pages the saved answers show (the same that decides which answers are kept)."""
    pages = _saved_pages(response, section, values)
    later = [n for n, s in enumerate(pages, start=1) if s.position > section.position]
    return Step(later[0] if later else None)


def save_page(response: Response, section: Section, values: Mapping[str, Any]) -> None:
    """Keep this page's answers (an unanswered question keeps nothing); drop answers that
    the new answers hide. Idempotent: when the same page is saved twice at once (a double
    click, two tabs), the one that finds the answers already written by the other applies
    its values over them instead of failing on the one-answer-per-question key."""
    _saved_pages(response, section, values)


def _saved_pages(response: Response, section: Section,
                 values: Mapping[str, Any]) -> list[Section]:
    """``save_page``; returns the pages shown by the answers as saved."""
    for attempt in range(SAVE_ATTEMPTS):
        try:
            return _save_page(response, section, values)
        except IntegrityError:
            db.session.rollback()
            if attempt == SAVE_ATTEMPTS - 1:
                raise
            db.session.expire(response)
    raise AssertionError("unreachable")  # pragma: no cover


SAVE_ATTEMPTS = 3


def _save_page(response: Response, section: Section,
               values: Mapping[str, Any]) -> list[Section]:
    if response.submitted:
        return visible_sections(response.survey, stored_answers(response))
    by_question = {a.question_id: a for a in response.answers}
    for question in section.questions:
        value = values.get(question.key)
        answer = by_question.get(question.id)
        if value is None and answer is not None:
            response.answers.remove(answer)
        elif value is not None and answer is None:
            response.answers.append(Answer(question_id=question.id, value=value))
        elif value is not None:
            answer.value = value
    db.session.flush()
    db.session.expire(response, ["answers"])
    answers = stored_answers(response)
    pages = visible_sections(response.survey, answers)
    shown = {q.id for s in pages for q in visible_questions(s, answers)}
    hidden = [a for a in response.answers if a.question_id not in shown]
    for answer in hidden:
        response.answers.remove(answer)
    response.last_section = section.position
    db.session.commit()
    if hidden:  # a dropped answer may have been what showed a later page
        pages = visible_sections(response.survey, stored_answers(response))
    return pages


def save_about_you(response: Response, profile: Mapping[str, str]) -> None:
    """An anonymous respondent's optional answers about themselves, kept with the response
    (as a member's profile is when they submit) so results can be weighted."""
    if not response.submitted and response.resident_id is None:
        response.profile = dict(profile)
        db.session.commit()


def submit(response: Response) -> bool:
    """Submit once: True for the request that did, False if it had been submitted already.
    A member's profile is copied now; an anonymous respondent's stays as they gave it."""
    profile = (_profile(response.resident_id) if response.resident_id is not None
               else dict(response.profile or {}))
    done = db.session.execute(
        update(Response).where(Response.id == response.id, Response.submitted_at.is_(None))
        .values(submitted_at=utcnow(), profile=profile))
    db.session.commit()
    db.session.refresh(response)
    return done.rowcount == 1


def _profile(resident_id: int | None) -> dict[str, str]:
    """The resident's profile now (category keys by dimension), kept with the response."""
    if resident_id is None:
        return {}
    answers = db.session.scalars(select(ProfileAnswer).where(
        ProfileAnswer.resident_id == resident_id)).all()
    return {a.dimension.key: a.category.key for a in answers}


def stop_reminders(invitation: Invitation) -> None:
    if invitation.opted_out_at is None:
        invitation.opted_out_at = utcnow()
        db.session.commit()
