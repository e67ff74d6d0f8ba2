"""Running a survey (officers): its settings, opening and closing, invitations as a job,
responses keyed in from paper or the telephone, the results and the downloads. The routes join
the ``surveys`` blueprint of the builder's pages (``surveys.views.build``), from ``_load``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.htmx import render_page
from core.models import utcnow
from quota.people import people
from surveys import exports, invitations, results, services, settings, special_use
from surveys.forms import EnteredResponseForm
from surveys.models import ResponseMode, Survey
from surveys.question_types import answers_from, form_class
from surveys.settings_form import SurveySettingsForm
from surveys.views._load import OFFICERS, bp, load_invitation_job, load_survey

SHOWN = 50  # people named on the confirmation page


@bp.route("/<int:survey_id>/settings", methods=["GET", "POST"])
@role_required(*OFFICERS)
def survey_settings(survey_id: int) -> Any:
    survey = load_survey(survey_id)
    now = settings.settings_of(survey)
    reminders = [*now.reminder_days, None, None]
    form = SurveySettingsForm(today=utcnow().date(), closes_on=now.closes_on, data={
        "title": now.title, "why": now.why, "closes_on": now.closes_on,
        "results_due_on": now.results_due_on, "first_reminder": reminders[0],
        "second_reminder": reminders[1], "suppress_below": now.suppress_below})
    if form.validate_on_submit():
        changed = settings.update_settings(current_user, survey, settings.SurveySettings(
            title=form.title.data, why=form.why.data or "", closes_on=form.closes_on.data,
            results_due_on=form.results_due_on.data, reminder_days=form.reminder_days,
            suppress_below=form.suppress_below.data))
        flash("The settings are saved." if changed else "Nothing was changed.", "success")
        return redirect(url_for("surveys.edit_survey", survey_id=survey.id), 303)
    return render_page("surveys/settings.html", survey=survey, form=form), \
        422 if form.errors else 200


@bp.post("/<int:survey_id>/<any(open, close, publish):action>")
@role_required(*OFFICERS)
def change_state(survey_id: int, action: str) -> Any:
    survey = load_survey(survey_id)
    change = {"open": services.open_survey, "close": services.close_survey,
              "publish": services.publish_results}[action]
    try:
        change(current_user, survey)
    except services.SurveyError as error:
        flash(str(error), "error")
    else:
        flash(f"The survey is now {survey.state.label.lower()}.", "success")
    return redirect(url_for("surveys.edit_survey", survey_id=survey.id), 303)


@bp.get("/<int:survey_id>/invite")
@role_required(*OFFICERS)
def confirm_invitations(survey_id: int) -> Any:
    """Before anything is sent: how many will be emailed, who (the first 50), who is left
    out and why, and the email itself. Only "Send N invitations" (a POST) sends."""
    survey = load_survey(survey_id)
    return _confirm_page(survey)


def _confirm_page(survey: Survey, *, changed: bool = False) -> Any:
    try:
        plan = invitations.plan(survey, shown=SHOWN)
    except invitations.InvitationError as error:
        flash(str(error), "error")
        return redirect(url_for("surveys.edit_survey", survey_id=survey.id), 303)
    running = invitations.running_job(survey)
    found = people(plan.first)
    invitations.record_plan_viewed(current_user, survey, plan)
    subject, body = invitations.email_preview(survey)
    return render_page("surveys/invite.html", survey=survey, plan=plan, changed=changed,
                       running=running, people=[found[i] for i in plan.first if i in found],
                       subject=subject, body=body), 409 if changed else 200


@bp.post("/<int:survey_id>/invite")
@role_required(*OFFICERS)
def send_invitations(survey_id: int) -> Any:
    """Invitations go out as a job (a whole panel is thousands of emails); its page shows
    the progress and then who was invited and who was left out, and why. Sent only from the
    confirmation page, for the number it showed; a second click leads to the same job."""
    survey = load_survey(survey_id)
    expected = request.form.get("expected", type=int)
    if expected is None:  # not from the confirmation page: show it first
        return redirect(url_for("surveys.confirm_invitations", survey_id=survey.id), 303)
    running = invitations.running_job(survey)
    if running is not None:
        flash("Invitations for this survey are already being sent.", "success")
        return redirect(url_for("jobs.show_job", job_id=running.id), 303)
    try:
        if invitations.plan(survey, shown=0).report.invited != expected:
            return _confirm_page(survey, changed=True)
        job = invitations.start_invitations(current_user, survey)
    except invitations.InvitationError as error:
        flash(str(error), "error")
        return redirect(url_for("surveys.edit_survey", survey_id=survey.id), 303)
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)


@bp.get("/<int:survey_id>/invite/<int:job_id>")
@role_required(*OFFICERS)
def invitation_job(survey_id: int, job_id: int) -> Any:
    """The old address of an invitations job's page: now the one job page."""
    job = load_invitation_job(load_survey(survey_id), job_id)
    return redirect(url_for("jobs.show_job", job_id=job.id), 301)


@bp.get("/<int:survey_id>/results")
@role_required(*OFFICERS)
def show_results(survey_id: int) -> Any:
    survey = load_survey(survey_id)
    sets, dimensions = services.weighting_choices()
    chosen_set = request.args.get("target_set", "")
    target_set = next((t for t in sets if str(t.id) == chosen_set), None)
    chosen = [d for d in request.args.getlist("dimensions") if d in dict(dimensions)]
    search = request.args.get("q", "").strip()[:100]
    by = request.args.get("by", "")
    by = by if by in dict(dimensions) else ""
    view = results.results(survey, target_set=target_set, dimensions=chosen, search=search,
                           by=by, compare_with=next((t for t in sets if t.is_default), None))
    special_use.record_results_use(current_user, survey, by=by,
                                   weighting=chosen if target_set else [],
                                   target_set=target_set.id if target_set else None)
    return render_page("surveys/results.html", survey=survey, view=view, target_sets=sets,
                       dimensions=dimensions, chosen_set=chosen_set, chosen=chosen,
                       search=search, by=by)


EXPORTS = {"csv": (exports.csv_bytes, "text/csv; charset=utf-8"),
           "xlsx": (exports.xlsx_bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           "sav": (exports.sav_bytes, "application/x-spss-sav")}


@bp.get("/<int:survey_id>/responses.<any(csv, xlsx, sav):fmt>")
@role_required(*OFFICERS)
def export_responses(survey_id: int, fmt: str) -> Any:
    survey = load_survey(survey_id)
    make, mimetype = EXPORTS[fmt]
    content = make(survey)
    special_use.record_export(current_user, survey, fmt)
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="survey-{survey.id}-responses.{fmt}"'})


@bp.route("/<int:survey_id>/responses/new", methods=["GET", "POST"])
@role_required(*OFFICERS)
def enter_response(survey_id: int) -> Any:
    """Key in a paper or telephone response: every question, all optional (as on paper)."""
    survey = load_survey(survey_id)
    specs = [replace(q.spec(), required=False) for q in survey.questions]
    form = form_class(specs, base=EnteredResponseForm)()
    problem = None
    if form.validate_on_submit():
        try:
            services.enter_response(current_user, survey, form.mode.data,
                                    answers_from(form, specs))
        except services.SurveyError as error:
            problem = str(error)
        else:
            flash(f"{ResponseMode(form.mode.data).label} response saved.", "success")
            return redirect(url_for("surveys.enter_response", survey_id=survey.id), 303)
    return render_page("surveys/enter.html", survey=survey, form=form, specs=specs,
                       problem=problem), 422 if form.errors or problem else 200
