"""Use cases for building surveys: each takes the acting officer, commits once, writes the audit.

Questions keep a stable key ("q7", unique in the survey) and their options stable values,
because exports and stored answers refer to them. Once anyone has answered, only wording can change
(the question, its hint and the labels of its options or statements, one for one); each such
fix is in the audit log with the wording before and after.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.extensions import db
from core.models import User, utcnow
from core.templating import plural
from panel.dimensions import make_key
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Dimension, TargetSet
from quota.models import Sample, SampleStatus
from surveys import display_logic
from surveys.models import (
    Answer,
    Audience,
    Question,
    Response,
    ResponseMode,
    Section,
    Survey,
    SurveyState,
    SurveyStateError,
)
from surveys.question_spec import OTHER, QuestionSpec


class SurveyError(Exception):
    """A change that cannot be made; the message says why in plain English."""


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text: str
    hint: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)       # labels, in order
    statements: list[str] = field(default_factory=list)
    other: bool = False
    max_choices: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    show_if: dict | None = None   # display logic: {"question": key, "in": [values]}


def list_surveys() -> list[tuple[Survey, int]]:
    """Every survey, newest first, with its number of submitted responses."""
    submitted = (select(Response.survey_id, func.count().label("n"))
                 .where(Response.submitted_at.is_not(None)).group_by(Response.survey_id)
                 .subquery())
    rows = db.session.execute(
        select(Survey, func.coalesce(submitted.c.n, 0)).outerjoin(
            submitted, submitted.c.survey_id == Survey.id)
        .order_by(Survey.created_at.desc(), Survey.id.desc())).all()
    return [(survey, int(n)) for survey, n in rows]


def get_survey(survey_id: int) -> Survey | None:
    return db.session.get(Survey, survey_id)


def answers_exist(survey: Survey) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Answer.response_id == Response.id, Response.survey_id == survey.id))))


def open_samples() -> list[tuple[int, str]]:
    """(id, label) of the open quota samples a survey can invite."""
    rows = db.session.execute(select(Sample.id, Sample.name, Sample.size)
                              .where(Sample.status == SampleStatus.OPEN)
                              .order_by(Sample.created_at.desc())).all()
    return [(i, f"{name} ({plural(size, 'person', 'people')})") for i, name, size in rows]


def public_slug(title: str) -> str:
    """The address of a survey anyone may answer: readable, and unguessable before it is
    published (``/surveys/p/libraries-survey-3f9a1c``)."""
    return f"{make_key(title, set(), limit=30).replace('_', '-')}-{secrets.token_hex(3)}"


def create_survey(actor: User, *, engagement_title: str, topic: str, level: str, why: str,
                  title: str, audience: str, sample_id: int | None = None) -> Survey:
    engagement = Engagement(title=engagement_title, topic=topic, level=SpectrumLevel(level),
                            why=why, created_by=actor)
    survey = Survey(engagement=engagement, title=title, audience=Audience(audience),
                    sample_id=sample_id, created_by=actor,
                    sections=[Section(title="Your views", position=0)])
    if survey.audience == Audience.PUBLIC:
        survey.public_slug = public_slug(title)
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "survey_created", "survey", survey.id)
    db.session.commit()
    return survey


def add_section(actor: User, survey: Survey, title: str) -> Section:
    _check_structure(survey)
    section = Section(survey=survey, title=title, position=len(survey.sections))
    db.session.add(section)
    db.session.flush()
    audit.record(actor, "survey_section_added", "survey", survey.id, section=section.id)
    db.session.commit()
    return section


def update_section(actor: User, section: Section, *, title: str, intro: str,
                   show_if: dict | None) -> None:
    """A page's title, introduction and display logic (which changes what answers are kept:
    so, like questions, only before anyone has answered)."""
    survey = section.survey
    if show_if != section.show_if:
        _check_structure(survey)
        _refuse(display_logic.rule_problem(show_if, survey, section, "page"))
    section.title, section.intro, section.show_if = title, intro, show_if
    audit.record(actor, "survey_section_changed", "survey", survey.id, section=section.id,
                 show_if=show_if)
    db.session.commit()


KEY_ATTEMPTS = 5


def add_question(actor: User, section: Section, data: QuestionInput) -> Question:
    """Add a question with the survey's next key; when another request (a double click)
    took that key first, take the one after."""
    for _ in range(KEY_ATTEMPTS - 1):
        try:
            return _add_question(actor, section, data)
        except IntegrityError:
            db.session.rollback()
    return _add_question(actor, section, data)


def _add_question(actor: User, section: Section, data: QuestionInput) -> Question:
    survey = section.survey
    _check_structure(survey)
    _refuse(display_logic.rule_problem(data.show_if, survey, section))
    question = Question(survey=survey, section=section, key=_next_key(survey),
                        position=len(section.questions))
    _apply(question, data)
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "survey_question_added", "survey", survey.id, question=question.key)
    db.session.commit()
    return question


def update_question(actor: User, question: Question, data: QuestionInput) -> Question:
    survey = question.survey
    if not answers_exist(survey):
        _check_structure(survey)
        _refuse(display_logic.rule_problem(data.show_if, survey, question.section))
        _refuse(display_logic.change_problem(question, _spec(question.key, data)))
        _apply(question, data)
        audit.record(actor, "survey_question_changed", "survey", survey.id,
                     question=question.key)
        db.session.commit()
        return question
    _check_wording_only(question, data)
    before = _wording(question)
    question.text, question.hint = data.text, data.hint
    question.options = [[value, label] for (value, _), label in zip(question.options,
                                                                    data.options, strict=True)]
    question.statements = [[value, label] for (value, _), label in zip(
        question.statements, data.statements, strict=True)]
    audit.record(actor, "survey_wording_fixed", "survey", survey.id, question=question.key,
                 before=before, after=_wording(question))
    db.session.commit()
    return question


def move_question(actor: User, question: Question, offset: int) -> None:
    """Up (-1) or down (+1) one place; past the end of a section into the next one."""
    survey = question.survey
    _check_structure(survey)
    sections, siblings = survey.sections, question.section.questions
    here, at = sections.index(question.section), siblings.index(question)
    if 0 <= at + offset < len(siblings):
        siblings.insert(at + offset, siblings.pop(at))  # not a swap: a list holding one
        # question twice, even for a moment, orphans (deletes) the other
    elif 0 <= here + offset < len(sections):
        _refuse(display_logic.move_problem(question, sections[here + offset]))
        siblings.remove(question)
        target = sections[here + offset].questions
        target.insert(0 if offset > 0 else len(target), question)
    else:
        return  # already first or last
    for section in sections:
        for position, q in enumerate(section.questions):
            q.position = position
    audit.record(actor, "survey_question_moved", "survey", survey.id, question=question.key)
    db.session.commit()


def duplicate_question(actor: User, question: Question) -> Question:
    """A copy just after the question, with the survey's next key (the one after, when a
    double click took that key first)."""
    for _ in range(KEY_ATTEMPTS - 1):
        try:
            return _duplicate_question(actor, question)
        except IntegrityError:
            db.session.rollback()
    return _duplicate_question(actor, question)


def _duplicate_question(actor: User, question: Question) -> Question:
    survey = question.survey
    _check_structure(survey)
    siblings = question.section.questions
    copy = Question(
        survey=survey, key=_next_key(survey), kind=question.kind,
        text=f"{question.text} (copy)", hint=question.hint, required=question.required,
        options=[list(o) for o in question.options],
        statements=[list(s) for s in question.statements], other=question.other,
        max_choices=question.max_choices, minimum=question.minimum, maximum=question.maximum,
        show_if=dict(question.show_if) if question.show_if else None)
    siblings.insert(siblings.index(question) + 1, copy)
    for position, q in enumerate(siblings):
        q.position = position
    db.session.flush()
    audit.record(actor, "survey_question_added", "survey", survey.id, question=copy.key,
                 copied_from=question.key)
    db.session.commit()
    return copy


def delete_question(actor: User, question: Question) -> None:
    survey = question.survey
    _check_structure(survey)
    _refuse(display_logic.delete_problem(question))
    section = question.section
    section.questions.remove(question)
    db.session.delete(question)
    for position, q in enumerate(section.questions):
        q.position = position
    audit.record(actor, "survey_question_deleted", "survey", survey.id, question=question.key)
    db.session.commit()


def open_survey(actor: User, survey: Survey) -> None:
    if survey.audience == Audience.PUBLIC and not survey.public_slug:  # made before links
        survey.public_slug = public_slug(survey.title)
    _change_state(actor, survey, survey.open, "survey_opened")


def close_survey(actor: User, survey: Survey) -> None:
    _change_state(actor, survey, survey.close, "survey_closed")


def _engagement_follows(survey: Survey, now: datetime) -> None:
    """An engagement planned without dates takes its survey's: public ("announced") and open
    from the day the survey opens, closed the day it closes (or is due to), so its public page
    moves on to "Closed, response to follow" by itself. Dates an officer set are kept."""
    engagement = survey.engagement
    if survey.opened_at is not None:
        engagement.announced_at = engagement.announced_at or survey.opened_at
        engagement.starts_on = engagement.starts_on or survey.opened_at.date()
    if survey.closed_at is not None and engagement.ends_on is None:
        engagement.ends_on = survey.closed_at.date()


def publish_results(actor: User, survey: Survey) -> None:
    _change_state(actor, survey, survey.publish_results, "survey_results_published")


def _change_state(actor: User, survey: Survey, change, action: str) -> None:
    try:
        change(now := utcnow())
    except SurveyStateError as error:
        raise SurveyError(str(error)) from error
    _engagement_follows(survey, now)
    audit.record(actor, action, "survey", survey.id)
    db.session.commit()


def _check_structure(survey: Survey) -> None:
    try:
        survey.check_structure_editable(answers_exist=answers_exist(survey))
    except SurveyStateError as error:
        raise SurveyError(str(error)) from error


def _check_wording_only(question: Question, data: QuestionInput) -> None:
    same = (data.kind == question.kind and data.required == question.required
            and data.other == question.other and data.max_choices == question.max_choices
            and data.minimum == question.minimum and data.maximum == question.maximum
            and data.show_if == question.show_if
            and len(data.options) == len(question.options)
            and len(data.statements) == len(question.statements))
    if not same:
        raise SurveyError("People have already answered this survey, so only the wording can "
                          "change: keep the type, the settings, who sees the question and the "
                          "same number of answers and statements.")


def _refuse(problem: str | None) -> None:
    if problem:
        raise SurveyError(problem)


def _spec(key: str, data: QuestionInput) -> QuestionSpec:
    """What the question would become (its option values made as ``_apply`` makes them)."""
    return QuestionSpec(key=key, kind=data.kind, text=data.text,
                        options=tuple(map(tuple, _keyed(data.options))),
                        other=data.other and data.kind in ("single", "multiple"))


def _wording(question: Question) -> dict[str, object]:
    return {"text": question.text, "hint": question.hint,
            "options": [label for _, label in question.options],
            "statements": [label for _, label in question.statements]}


def _apply(question: Question, data: QuestionInput) -> None:
    question.kind, question.text, question.hint = data.kind, data.text, data.hint
    question.required, question.other = data.required, data.other
    question.options = _keyed(data.options) if data.kind in ("single", "multiple",
                                                              "ranking") else []
    question.statements = _keyed(data.statements) if data.kind == "matrix" else []
    question.other = data.other and data.kind in ("single", "multiple")
    question.max_choices = data.max_choices if data.kind == "multiple" else None
    question.minimum = data.minimum if data.kind == "number" else None
    question.maximum = data.maximum if data.kind == "number" else None
    question.show_if = data.show_if


def _keyed(labels: list[str]) -> list[list[str]]:
    """``[[value, label]]`` with values made from the labels: short, unique, never "other"."""
    taken: set[str] = {OTHER}
    keyed = []
    for label in labels:
        value = make_key(label, taken, limit=33)
        taken.add(value)
        keyed.append([value, label])
    return keyed


def _next_key(survey: Survey) -> str:
    used = db.session.scalars(select(Question.key).where(Question.survey_id == survey.id)).all()
    pending = [q.key for q in survey.questions if q.key]
    numbers = [int(k[1:]) for k in [*used, *pending] if re.fullmatch(r"q\d+", k or "")]
    return f"q{max(numbers, default=0) + 1}"


def weighting_choices() -> tuple[list[TargetSet], list[tuple[str, str]]]:
    """The target sets results can be weighted to, and the profile questions (key, label)."""
    sets = list(db.session.scalars(select(TargetSet).order_by(TargetSet.is_default.desc(),
                                                              TargetSet.name)))
    dimensions = [(d.key, d.label) for d in db.session.scalars(
        select(Dimension).where(Dimension.retired_at.is_(None)).order_by(Dimension.position))]
    return sets, dimensions


def enter_response(actor: User, survey: Survey, mode: str, answers: dict[str, object]) -> Response:
    """A paper or telephone response keyed in by an officer: marked with its mode and who
    entered it, and audited. Allowed while the survey is open or closed (not once published)."""
    if survey.state not in (SurveyState.OPEN, SurveyState.CLOSED):
        raise SurveyError("Responses can be entered only while the survey is open or closed "
                          "(before its results are published).")
    questions = {q.key: q for q in survey.questions}
    response = Response(survey_id=survey.id, mode=ResponseMode(mode), entered_by=actor,
                        submitted_at=utcnow(),
                        answers=[Answer(question_id=questions[key].id, value=value)
                                 for key, value in answers.items() if value is not None])
    db.session.add(response)
    db.session.flush()
    audit.record(actor, "survey_response_entered", "survey", survey.id, response=response.id,
                 mode=mode)
    db.session.commit()
    return response
