"""What the officers' survey pages share: their blueprint, who may use them, and one way to
load the survey, section or question a URL names (404 when there is none)."""

from __future__ import annotations

from flask import Blueprint, abort

from core.models import Role
from surveys import services
from surveys.models import Question, Section, Survey

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
OFFICERS = (Role.OFFICER,)


def load_survey(survey_id: int) -> Survey:
    return services.get_survey(survey_id) or abort(404)


def load_question(of: Survey, question_id: int) -> Question:
    return next((q for q in of.questions if q.id == question_id), None) or abort(404)


def load_section(of: Survey, section_id: int) -> Section:
    return next((s for s in of.sections if s.id == section_id), None) or abort(404)
