"""The officer's outcome pages (``/engagements``): plan an engagement (seeing similar ones
first), announce it, write the response (draft → preview → publish), add actions, post dated
updates and change several statuses at once. Thin: the rules are in ``outcomes.services``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from core.auth.sessions import role_required
from core.extensions import db
from core.htmx import render_page
from core.models import Role, utcnow
from core.permissions import can_manage, can_view, require
from outcomes import public, services
from outcomes.forms import ActionForm, BulkStatusForm, PlanForm, ResponseForm, UpdateForm
from outcomes.models import Action, ActionUpdate
from outcomes.progress import ActionStatus, response_overdue, stage_of
from outcomes.services import (
    ActionProblems,
    ActionText,
    OutcomeError,
    ResponseText,
    UpdateText,
)
from panel.engagements import Engagement

bp = Blueprint("engagements", __name__, url_prefix="/engagements")
OFFICERS = (Role.OFFICER,)


def _permitted(obj: Any) -> Any:
    allowed = can_view if request.method in ("GET", "HEAD") else can_manage
    require(allowed(current_user, obj))
    return obj


def _engagement(engagement_id: int) -> Engagement:
    return _permitted(db.session.get(Engagement, engagement_id) or abort(404))


def _action(engagement: Engagement, action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.outcome.engagement_id != engagement.id:
        abort(404)
    return _permitted(action)


def _show_problems(form: Any, error: Exception) -> None:
    problems = error.problems if isinstance(error, ActionProblems) else \
        {getattr(error, "field", ""): str(error)}
    for name, message in problems.items():
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


@bp.get("")
@role_required(*OFFICERS)
def list_engagements() -> Any:
    today = utcnow().date()
    rows = []
    for engagement in db.session.scalars(select(Engagement).order_by(
            Engagement.created_at.desc(), Engagement.id.desc())):
        outcome = services.outcome_or_none(engagement)
        responded = (outcome.first_published_at.date()
                     if outcome is not None and outcome.first_published_at else None)
        rows.append((engagement, stage_of(engagement.starts_on, engagement.ends_on, responded,
                                          today),
                     response_overdue(engagement.ends_on, responded, today), outcome))
    return render_page("outcomes/manage/list.html", rows=rows)


def _plan_page(form: PlanForm, engagement: Engagement | None, similar: list[Engagement],
               status: int = 200) -> Any:
    return render_page("outcomes/manage/plan.html", form=form, engagement=engagement,
                       similar=similar, wards=dict(public.wards())), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(*OFFICERS)
def new_engagement() -> Any:
    form = PlanForm(wards=public.wards())
    if not form.validate_on_submit():
        return _plan_page(form, None, [], 422 if form.errors else 200)
    similar = services.similar_engagements(form.topic.data or "", form.wards.data or [],
                                           utcnow().date())
    if similar and not form.go_ahead.data:
        form.go_ahead.errors = ["Look at the engagements listed, then tick the box to plan "
                                "this one anyway"]
        return _plan_page(form, None, similar, 422)
    try:
        engagement = services.save_plan(current_user, None, **form.plan())
    except OutcomeError as error:
        _show_problems(form, error)
        return _plan_page(form, None, similar, 422)
    flash("Engagement planned. Announce it when residents may see the plan.", "success")
    return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)


@bp.get("/similar")
@role_required(*OFFICERS)
def similar() -> Any:
    """Engagements like the one being planned (htmx, as the officer types the topic)."""
    topic = request.args.get("topic", "").strip()[:80]
    wards = [w[:12] for w in request.args.getlist("wards")][:100]
    found = services.similar_engagements(topic, wards, utcnow().date()) if topic or wards \
        else []
    return render_page("outcomes/manage/_similar.html", similar=found,
                       wards=dict(public.wards()))


@bp.get("/<int:engagement_id>")
@role_required(*OFFICERS)
def show(engagement_id: int) -> Any:
    engagement = _engagement(engagement_id)
    now = utcnow()
    page = public.page(engagement, now, drafts=True)
    outcome = services.outcome_or_none(engagement)
    drafts = [u for a in (outcome.actions if outcome else []) for u in a.updates
              if u.published_at is None]
    bulk = BulkStatusForm(actions=_published_actions(engagement), formdata=None)
    return render_page("outcomes/manage/show.html", engagement=engagement, page=page,
                       outcome=outcome, drafts=drafts, bulk=bulk, wards=dict(public.wards()))


@bp.route("/<int:engagement_id>/plan", methods=["GET", "POST"])
@role_required(*OFFICERS)
def edit_plan(engagement_id: int) -> Any:
    engagement = _engagement(engagement_id)
    form = PlanForm(obj=engagement, wards=public.wards())
    if request.method == "GET":
        form.wards.data = list(engagement.ward_codes or [])
        form.level.data = engagement.level.value
    if form.validate_on_submit():
        try:
            services.save_plan(current_user, engagement, **form.plan())
        except OutcomeError as error:
            _show_problems(form, error)
            return _plan_page(form, engagement, [], 422)
        flash("Plan saved.", "success")
        return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)
    return _plan_page(form, engagement, [], 422 if form.errors else 200)


@bp.post("/<int:engagement_id>/announce")
@role_required(*OFFICERS)
def announce(engagement_id: int) -> Any:
    engagement = _engagement(engagement_id)
    services.announce(current_user, engagement, utcnow())
    flash("Announced: the plan is on the public “We asked, you said, we did” page.",
          "success")
    return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)


def _questions(engagement: Engagement) -> list[tuple[int, str]]:
    return [(q.id, f"{survey.title}: {q.text}") for survey in services.surveys_of(engagement)
            for q in survey.questions if q.kind not in ("long_text", "short_text")]


@bp.route("/<int:engagement_id>/response", methods=["GET", "POST"])
@role_required(*OFFICERS)
def response(engagement_id: int) -> Any:
    engagement = _engagement(engagement_id)
    outcome = services.outcome_or_none(engagement)
    current = (outcome.draft or outcome.published) if outcome else None
    form = ResponseForm(questions=_questions(engagement))
    if request.method == "GET" and current is not None:
        form.summary.data, form.decision.data = current.summary, current.decision
        form.decision_link.data = current.decision_link
        form.change_note.data = current.change_note if current.published_at is None else ""
        form.questions.data = [str(q["question_id"]) for q in current.questions]
        form.weighted.data = [str(q["question_id"]) for q in current.questions
                              if q["weighted"]]
    if form.validate_on_submit():
        services.save_draft(current_user, engagement, ResponseText(
            summary=form.summary.data or "", decision=form.decision.data or "",
            decision_link=form.decision_link.data or "", change_note=form.change_note.data or "",
            questions=form.chosen()))
        if form.preview.data:
            return redirect(url_for("engagements.preview", engagement_id=engagement.id), 303)
        flash("Draft saved. Preview it, then publish it.", "success")
        return redirect(url_for("engagements.response", engagement_id=engagement.id), 303)
    return render_page("outcomes/manage/response.html", engagement=engagement, form=form,
                       outcome=outcome), 422 if form.errors else 200


@bp.get("/<int:engagement_id>/preview")
@role_required(*OFFICERS)
def preview(engagement_id: int) -> Any:
    engagement = _engagement(engagement_id)
    page = public.page(engagement, utcnow(), drafts=True)
    draft = page.version if page.version and page.version.published_at is None else None
    figures = services.figures_for(engagement, draft.questions) if draft else None
    return render_page("outcomes/show.html", page=page, wards=dict(public.wards()),
                       preview=True, preview_figures=figures)


@bp.post("/<int:engagement_id>/response/publish")
@role_required(*OFFICERS)
def publish_response(engagement_id: int) -> Any:
    engagement = _engagement(engagement_id)
    try:
        version = services.publish_response(current_user, engagement, utcnow())
    except OutcomeError as error:
        form = ResponseForm(questions=_questions(engagement), formdata=None)
        outcome = services.outcome_or_none(engagement)
        draft = outcome.draft if outcome else None
        if draft is not None:
            form.summary.data, form.decision.data = draft.summary, draft.decision
            form.decision_link.data, form.change_note.data = (draft.decision_link,
                                                              draft.change_note)
            form.questions.data = [str(q["question_id"]) for q in draft.questions]
            form.weighted.data = [str(q["question_id"]) for q in draft.questions
                                  if q["weighted"]]
        _show_problems(form, error)
        return render_page("outcomes/manage/response.html", engagement=engagement, form=form,
                           outcome=outcome), 422
    if engagement.announced_at is None:
        services.announce(current_user, engagement, version.published_at)
    flash(f"Response published (version {version.number}).", "success")
    return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)


def _parents(engagement: Engagement) -> list[tuple[int, str]]:
    outcome = services.outcome_or_none(engagement)
    return [(a.id, a.title) for a in (outcome.actions if outcome else [])
            if a.parent_id is None]


def _published_actions(engagement: Engagement) -> list[tuple[int, str]]:
    outcome = services.outcome_or_none(engagement)
    return [(a.id, a.title) for a in (outcome.actions if outcome else [])
            if a.published_at is not None]


@bp.route("/<int:engagement_id>/actions/new", methods=["GET", "POST"])
@role_required(*OFFICERS)
def new_action(engagement_id: int) -> Any:
    engagement = _engagement(engagement_id)
    form = ActionForm(parents=_parents(engagement))
    if form.validate_on_submit():
        parent = _action(engagement, int(form.parent.data)) if form.parent.data else None
        try:
            services.add_action(current_user, engagement, ActionText(
                title=form.title.data, owner=form.owner.data,
                description=form.description.data or "", target_date=form.target_date.data,
                weight=form.weight.data or 1), parent)
        except (ActionProblems, OutcomeError) as error:
            _show_problems(form, error)
        else:
            flash("Action added as a draft. Publish it when it is ready.", "success")
            return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)
    return render_page("outcomes/manage/action.html", engagement=engagement,
                       form=form), 422 if form.errors or form.form_errors else 200


@bp.post("/<int:engagement_id>/actions/<int:action_id>/publish")
@role_required(*OFFICERS)
def publish_action(engagement_id: int, action_id: int) -> Any:
    engagement = _engagement(engagement_id)
    action = _action(engagement, action_id)
    try:
        services.publish_action(current_user, action, utcnow())
    except (ActionProblems, OutcomeError) as error:
        flash(str(error), "error")
    else:
        flash(f"“{action.title}” is published.", "success")
    return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)


@bp.route("/<int:engagement_id>/actions/<int:action_id>/update", methods=["GET", "POST"])
@role_required(*OFFICERS)
def update_action(engagement_id: int, action_id: int) -> Any:
    engagement = _engagement(engagement_id)
    action = _action(engagement, action_id)
    form = UpdateForm()
    if request.method == "GET":
        form.status.data = action.status.value
    if form.validate_on_submit():
        text = UpdateText(status=ActionStatus(form.status.data), note=form.note.data or "",
                          progress=form.progress.data, target_date=form.target_date.data,
                          reason=form.reason.data or "",
                          decision_link=form.decision_link.data or "")
        if form.publish.data:
            try:
                services.check_update(action, text)
            except ActionProblems as error:
                _show_problems(form, error)
                return render_page("outcomes/manage/update.html", engagement=engagement,
                                   action=action, form=form), 422
        update = services.draft_update(current_user, action, text)
        if form.publish.data:
            services.publish_update(current_user, update, utcnow())
            flash("Update published on the timeline.", "success")
        else:
            flash("Update saved as a draft: publish it from the engagement page.", "success")
        return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)
    return render_page("outcomes/manage/update.html", engagement=engagement, action=action,
                       form=form), 422 if form.errors else 200


@bp.post("/<int:engagement_id>/updates/<int:update_id>/publish")
@role_required(*OFFICERS)
def publish_update(engagement_id: int, update_id: int) -> Any:
    engagement = _engagement(engagement_id)
    update = db.session.get(ActionUpdate, update_id) or abort(404)
    _action(engagement, update.action_id)
    try:
        services.publish_update(current_user, update, utcnow())
    except ActionProblems as error:
        flash(f"Not published: {error}", "error")
    else:
        flash("Update published on the timeline.", "success")
    return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)


@bp.post("/<int:engagement_id>/actions/status")
@role_required(*OFFICERS)
def bulk_status(engagement_id: int) -> Any:
    engagement = _engagement(engagement_id)
    form = BulkStatusForm(actions=_published_actions(engagement))
    if form.validate_on_submit():
        actions = [_action(engagement, int(i)) for i in form.actions.data]
        try:
            services.bulk_status(current_user, actions, UpdateText(
                status=ActionStatus(form.status.data), note=form.note.data or "",
                reason=form.reason.data or "", decision_link=form.decision_link.data or ""),
                utcnow())
        except (ActionProblems, OutcomeError) as error:
            _show_problems(form, error)
        else:
            flash(f"{len(actions)} {'action' if len(actions) == 1 else 'actions'} changed.",
                  "success")
            return redirect(url_for("engagements.show", engagement_id=engagement.id), 303)
    now = utcnow()
    outcome = services.outcome_or_none(engagement)
    drafts = [u for a in (outcome.actions if outcome else []) for u in a.updates
              if u.published_at is None]
    return render_page("outcomes/manage/show.html", engagement=engagement,
                       page=public.page(engagement, now, drafts=True), outcome=outcome,
                       drafts=drafts, bulk=form, wards=dict(public.wards())), 422
