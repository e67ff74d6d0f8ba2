"""What the officers' survey pages share: their blueprint, who may use them, and one way to
load the object a URL names: 404 when there is none, then the object-level rule
(``core.permissions``, the rules in ``surveys.feature``) after the route's role check: to
see it on a GET, to act on it on any other method (403 when refused)."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort, request
from flask_login import current_user

from core.models import Job, Role
from core.permissions import can_manage, can_view, require
from surveys import invitations, services
from surveys.models import Question, Section, Survey

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
OFFICERS = (Role.OFFICER,)
T = TypeVar("T")


def permitted(obj: T) -> T:
    """``obj``, if the signed-in user may see it (GET, HEAD) or act on it (a form sent)."""
    allowed = can_view if request.method in ("GET", "HEAD") else can_manage
    require(allowed(current_user, obj))
    return obj


def load_survey(survey_id: int) -> Survey:
    return permitted(services.get_survey(survey_id) or abort(404))


def load_question(of: Survey, question_id: int) -> Question:
    return permitted(next((q for q in of.questions if q.id == question_id), None)
                     or abort(404))


def load_section(of: Survey, section_id: int) -> Section:
    return permitted(next((s for s in of.sections if s.id == section_id), None) or abort(404))


def load_invitation_job(of: Survey, job_id: int) -> Job:
    """An invitations job of this survey (the host's rule for jobs decides who may see it)."""
    job = invitations.invitation_job(job_id)
    if job is None or job.params.get("survey_id") != of.id:
        abort(404)
    return permitted(job)
