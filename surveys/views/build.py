"""Building a survey (officers): the list, a new survey, the editor (htmx-enhanced), the
preview. Running a survey is ``surveys.views.run``, on this same blueprint (``_load.bp``)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.htmx import is_fragment_request, render_page
from surveys import display_logic, preview, services
from surveys.forms import (
    QuestionForm,
    SectionForm,
    SurveyForm,
    question_form,
    section_form,
)
from surveys.models import Question, Section, Survey
from surveys.question_types import TYPES, form_class
from surveys.views._load import OFFICERS, bp, load_question, load_section, load_survey


@bp.get("")
@role_required(*OFFICERS)
def list_surveys() -> Any:
    return render_page("surveys/list.html", surveys=services.list_surveys())


@bp.route("/new", methods=["GET", "POST"])
@role_required(*OFFICERS)
def new_survey() -> Any:
    form = SurveyForm(samples=services.open_samples())
    if form.validate_on_submit():
        survey = services.create_survey(
            current_user, engagement_title=form.engagement_title.data, topic=form.topic.data,
            level=form.level.data, why=form.why.data, title=form.title.data,
            audience=form.audience.data,
            sample_id=int(form.sample.data) if form.audience.data == "sample" else None)
        flash("Survey created. Add its questions, then preview it.", "success")
        return redirect(url_for("surveys.edit_survey", survey_id=survey.id), 303)
    return render_page("surveys/new.html", form=form), 422 if form.errors else 200


def _editor(survey: Survey, section_form: SectionForm | None = None, status: int = 200,
            problem: str | None = None, focus: int | None = None) -> Any:
    """The editor page, or its question list alone for htmx (``focus``: a question's id, whose
    heading the script focuses once swapped in)."""
    page = render_page("surveys/edit.html", block="survey_questions", survey=survey,
                       section_form=section_form or SectionForm(formdata=None),
                       locked=services.answers_exist(survey), problem=problem, types=TYPES,
                       describe=display_logic.describe, focus=focus)
    return page, status


@bp.get("/<int:survey_id>")
@role_required(*OFFICERS)
def edit_survey(survey_id: int) -> Any:
    return _editor(load_survey(survey_id))


@bp.post("/<int:survey_id>/sections")
@role_required(*OFFICERS)
def add_section(survey_id: int) -> Any:
    survey = load_survey(survey_id)
    form = SectionForm()
    if not form.validate_on_submit():
        return _editor(survey, form, 422)
    try:
        services.add_section(current_user, survey, form.section_title.data)
    except services.SurveyError as error:
        return _editor(survey, form, 422, str(error))
    return redirect(url_for("surveys.edit_survey", survey_id=survey.id), 303)


@bp.route("/<int:survey_id>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@role_required(*OFFICERS)
def edit_section(survey_id: int, section_id: int) -> Any:
    survey = load_survey(survey_id)
    section = load_section(survey, section_id)
    earlier = [q for s in survey.sections if s.position < section.position for q in s.questions]
    form = section_form(earlier, section.show_if)
    if request.method == "GET":
        form.section_title.data, form.intro.data = section.title, section.intro
    problem = None
    if form.validate_on_submit():
        try:
            services.update_section(current_user, section, title=form.section_title.data,
                                    intro=form.intro.data or "", show_if=form.condition())
        except services.SurveyError as error:
            problem = str(error)
        else:
            return redirect(url_for("surveys.edit_survey", survey_id=survey.id), 303)
    return render_page("surveys/section.html", survey=survey, section=section, form=form,
                       problem=problem), 422 if form.errors or problem else 200


def _question_input(form: QuestionForm) -> services.QuestionInput:
    return services.QuestionInput(
        kind=form.kind.data, text=form.text.data, hint=form.hint.data or "",
        required=bool(form.required.data), options=form.option_lines,
        statements=form.statement_lines, other=bool(form.other.data),
        max_choices=form.max_choices.data, minimum=form.minimum.data,
        maximum=form.maximum.data, show_if=form.condition())


STEPS = ("change_type", "choose_type")  # the buttons that move between the two steps
CARRIED_NOT = {"csrf_token", "kind", "save", *STEPS}


def _question_page(survey: Survey, form: QuestionForm, *, section: Section | None = None,
                   question: Question | None = None, problem: str | None = None,
                   status: int = 200, step: str = "fields") -> Any:
    """The add or edit page; for htmx, a question's edit form in place of its list item.
    Without JavaScript the page has two steps: the type (``step="type"``; what was typed
    already is carried in hidden fields), then the form with only that type's fields."""
    if step == "fields" and form.kind.data not in TYPES:
        step = "type"  # no type yet (or not one we know): choose it first
    carried = [(name, value) for name, values in request.form.lists()
               for value in values if name not in CARRIED_NOT] if step == "type" else []
    context = {"survey": survey, "form": form, "section": section, "question": question,
               "problem": problem, "describe": display_logic.describe, "types": TYPES,
               "locked": question is not None and services.answers_exist(survey),
               "step": step, "carried": carried}
    if question is not None and is_fragment_request():
        return render_template("surveys/_question_inline.html", **context), status
    return render_page("surveys/question.html", block="question_form", **context), status


def _step(form: QuestionForm) -> str | None:
    """The step a form sent without saving asks for: "type" (Change), "fields" (Continue)."""
    if request.method != "POST":
        return None
    if "change_type" in request.form:
        return "type"
    if "choose_type" in request.form:
        if form.kind.data not in TYPES:
            form.kind.errors = ["Select the type of question"]
            return "type"
        return "fields"
    return None


def _saved(survey: Survey, question: Question | None = None) -> Any:
    """Back to the editor; for htmx, the whole question list (other questions' display logic
    may name this one), with ``question``'s heading to focus."""
    if is_fragment_request():
        page, status = _editor(survey, focus=question.id if question else None)
        return page, status, {"HX-Retarget": "#survey-questions", "HX-Reswap": "outerHTML"}
    anchor = f"#question-{question.id}" if question else "#survey-questions"
    return redirect(url_for("surveys.edit_survey", survey_id=survey.id) + anchor, 303)


def _inline_prefix(question: Question) -> str:
    """Field names of a form edited in place: unique on the page (several can be open)."""
    return f"edit-q{question.id}" if is_fragment_request() else ""


@bp.route("/<int:survey_id>/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
@role_required(*OFFICERS)
def new_question(survey_id: int, section_id: int) -> Any:
    survey = load_survey(survey_id)
    section = load_section(survey, section_id)
    form = question_form(display_logic.candidates(survey, section),
                         data={"kind": request.args.get("kind")})  # ?kind=: step 2 at once
    step = _step(form)
    if step is not None:
        return _question_page(survey, form, section=section, step=step,
                              status=422 if form.errors else 200)
    if form.validate_on_submit():
        try:
            services.add_question(current_user, section, _question_input(form))
        except services.SurveyError as error:
            return _question_page(survey, form, section=section, problem=str(error), status=422)
        return _saved(survey)
    return _question_page(survey, form, section=section, status=422 if form.errors else 200,
                          step="type" if form.kind.errors else "fields")


@bp.route("/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(*OFFICERS)
def edit_question(survey_id: int, question_id: int) -> Any:
    survey = load_survey(survey_id)
    question = load_question(survey, question_id)
    stored = request.method != "POST"
    form = question_form(display_logic.candidates(survey, question.section),
                         question.show_if if stored else None,
                         data=_form_data(question) if stored else None,
                         prefix=_inline_prefix(question))
    step = _step(form)
    if step is not None:
        return _question_page(survey, form, question=question, step=step,
                              status=422 if form.errors else 200)
    if form.validate_on_submit():
        try:
            services.update_question(current_user, question, _question_input(form))
        except services.SurveyError as error:
            return _question_page(survey, form, question=question, problem=str(error),
                                  status=422)
        return _saved(survey, question)
    return _question_page(survey, form, question=question, status=422 if form.errors else 200,
                          step="type" if form.kind.errors else "fields")


PREFIX = re.compile(r"(edit-q\d+)?")  # a form edited in place names its fields so


def _fragment_form() -> QuestionForm:
    """The question form from an htmx request's query (no CSRF: it reads, saves nothing)."""
    prefix = request.args.get("prefix", "")
    if not PREFIX.fullmatch(prefix):
        abort(404)
    return QuestionForm(formdata=request.args, prefix=prefix, meta={"csrf": False})


@bp.get("/<int:survey_id>/questions/type")
@role_required(*OFFICERS)
def question_type(survey_id: int) -> Any:
    """htmx: the type's radios in place of the type chosen ("Change")."""
    survey = load_survey(survey_id)
    form = _fragment_form()
    if not is_fragment_request():
        abort(404)
    form.kind.data = request.args.get("kind")
    return render_template("surveys/_question_type.html", survey=survey, form=form,
                           choosing=True, types=TYPES)


@bp.get("/<int:survey_id>/questions/fields")
@role_required(*OFFICERS)
def question_type_fields(survey_id: int) -> Any:
    """htmx: the chosen type's own fields, keeping what was typed in them; and a sentence
    for the live region, so that screen reader users know the form changed."""
    survey = load_survey(survey_id)
    form = _fragment_form()
    if not is_fragment_request():
        abort(404)
    chosen = TYPES.get(form.kind.data or "")
    announce = "" if chosen is None else (
        f"Question type changed to {chosen.label}: "
        + ("its settings are shown below." if chosen.settings else "it has no more settings."))
    return render_template("surveys/_question_type_fields.html", survey=survey, form=form,
                           announce=announce)


@bp.get("/<int:survey_id>/questions/<int:question_id>")
@role_required(*OFFICERS)
def show_question(survey_id: int, question_id: int) -> Any:
    """One question's list item (htmx: "Cancel" on a form edited in place); else the editor."""
    survey = load_survey(survey_id)
    question = load_question(survey, question_id)
    if not is_fragment_request():
        return redirect(url_for("surveys.edit_survey", survey_id=survey.id)
                        + f"#question-{question.id}", 303)
    return render_template("surveys/_question_item.html", survey=survey, question=question,
                           locked=services.answers_exist(survey), types=TYPES,
                           describe=display_logic.describe, focus=question.id)


def _form_data(question: Question) -> dict[str, Any]:
    return {"kind": question.kind, "text": question.text, "hint": question.hint,
            "options": "\n".join(label for _, label in question.options),
            "statements": "\n".join(label for _, label in question.statements),
            "other": question.other, "required": question.required,
            "max_choices": question.max_choices, "minimum": question.minimum,
            "maximum": question.maximum}


@bp.post("/<int:survey_id>/questions/<int:question_id>/<any(up, down, duplicate):action>")
@role_required(*OFFICERS)
def change_question(survey_id: int, question_id: int, action: str) -> Any:
    survey = load_survey(survey_id)
    question = load_question(survey, question_id)
    try:
        if action == "duplicate":
            services.duplicate_question(current_user, question)
        else:
            services.move_question(current_user, question, -1 if action == "up" else 1)
    except services.SurveyError as error:
        if is_fragment_request():
            return _editor(survey, status=422, problem=str(error))
        flash(str(error), "error")
    return _saved(survey, question)


@bp.route("/<int:survey_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@role_required(*OFFICERS)
def delete_question(survey_id: int, question_id: int) -> Any:
    survey = load_survey(survey_id)
    question = load_question(survey, question_id)
    problem = None
    if request.method == "POST":
        try:
            services.delete_question(current_user, question)
        except services.SurveyError as error:
            problem = str(error)
        else:
            flash("Question deleted.", "success")
            return redirect(url_for("surveys.edit_survey", survey_id=survey.id), 303)
    return render_page("surveys/delete_question.html", survey=survey, question=question,
                       problem=problem), 422 if problem else 200


@bp.get("/<int:survey_id>/preview")
@role_required(*OFFICERS)
def preview_survey(survey_id: int) -> Any:
    """Each section as a resident will see it (nothing is saved)."""
    survey = load_survey(survey_id)
    if not survey.sections:
        abort(404)
    number = max(request.args.get("page", 1, type=int) or 1, 1)  # not a number: page 1
    if number > 1:  # Continue: skip the pages these answers hide, as residents do
        shown = preview.next_number(survey, number, preview.answers_chosen(survey, request.args))
        if shown is None:
            return render_page("surveys/preview.html", survey=survey, finished=True)
        if shown != number:
            args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
            return redirect(url_for("surveys.preview_survey", survey_id=survey.id)
                            + "?" + urlencode([*args, ("page", shown)]), 303)
    view = preview.page(survey, number, request.args)
    specs = [q.spec() for q in view.questions]
    form = form_class(specs)(formdata=None)
    return render_page("surveys/preview.html", survey=survey, section=view.section,
                       number=number, form=form, specs=specs, view=view,
                       describe=display_logic.describe)
