"""Sample pages: the list, the builder (live quota check), the result, replacements."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.htmx import is_fragment_request, render_page
from core.permissions import can_manage, can_view, require
from quota import builder, designs, services
from quota.access import STAFF, hidden_dimensions, sees_special_category
from quota.models import MemberRole, SampleMember, SampleStatus
from quota.report import methods_note, sample_view
from quota.views.blueprint import bp


@bp.get("/samples")
@role_required(*STAFF)
def list_samples() -> Any:
    return render_page("quota/list.html",
                       samples=[s for s in services.list_samples() if can_view(current_user, s)],
                       designs=[d for d in designs.list_designs() if can_view(current_user, d)])


@bp.route("/samples/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_sample() -> Any:
    state = builder.read(request.form if request.method == "POST" else None, current_user)
    action = request.form.get("action") if request.method == "POST" else None
    if state.check is not None:
        designs.record_check(current_user, state.spec, state.check.quotas)
    if action == "approve" and not sees_special_category(current_user):
        abort(403)
    if action in ("draw", "approve"):
        if state.ready_to_draw:
            try:
                if action == "approve":
                    design = designs.approve_design(current_user, state.spec)
                    flash("The design is approved: organisers can now draw it.", "success")
                    return redirect(url_for("quota.show_design", design_id=design.id), 303)
                job = services.start_draw(current_user, state.spec)
                return redirect(url_for("jobs.show_job", job_id=job.id), 303)
            except services.SampleError as error:
                state = state.with_error(str(error))
        else:
            state = state.with_draw_errors()
    status = 422 if state.errors else 200
    return render_page("quota/new.html", block=None, state=state,
                       can_approve=sees_special_category(current_user)), status


@bp.post("/samples/check")
@role_required(*STAFF)
def check_quotas() -> Any:
    """The builder's quota table, re-checked as the officer edits (htmx)."""
    state = builder.read(request.form, current_user)
    if state.check is not None:
        designs.record_check(current_user, state.spec, state.check.quotas)
    if is_fragment_request() and state.tables and request.form.get("quota_basis") == state.basis:
        # Same table: update only the messages, never the inputs someone may be typing in.
        html = render_page("quota/new.html", block="quota_status", state=state, oob=True)
        return Response(html, headers={"HX-Retarget": "#quota-status", "HX-Reswap": "outerHTML"})
    return render_page("quota/new.html", block="quota_check", state=state)


@bp.get("/jobs/<int:job_id>")
@role_required(*STAFF)
def show_job(job_id: int) -> Any:
    """The draw's old page: every job now has the one job page."""
    job = services.get_draw_job(job_id) or abort(404)
    require(can_view(current_user, job))
    return redirect(url_for("jobs.show_job", job_id=job.id), 301)


@bp.get("/samples/<int:sample_id>")
@role_required(*STAFF)
def show_sample(sample_id: int) -> Any:
    sample = services.get_sample(sample_id) or abort(404)
    require(can_view(current_user, sample))
    services.record_view(current_user, sample)
    hidden = hidden_dimensions(current_user, sample.spec["dimensions"])
    return render_page("quota/show.html", view=sample_view(sample, hidden), sample=sample,
                       reproduction=None, methods=methods_note(sample, hidden))


@bp.get("/samples/<int:sample_id>/methods.txt")
@role_required(*STAFF)
def methods_text(sample_id: int) -> Any:
    sample = services.get_sample(sample_id) or abort(404)
    require(can_view(current_user, sample))
    hidden = hidden_dimensions(current_user, sample.spec["dimensions"])
    return Response("\n\n".join(methods_note(sample, hidden)) + "\n", mimetype="text/plain",
                    headers={"Content-Disposition":
                             f'attachment; filename="sample-{sample.id}-methods.txt"'})


@bp.get("/samples/<int:sample_id>/members.csv")
@role_required(*STAFF)
def members_csv(sample_id: int) -> Any:
    sample = services.get_sample(sample_id) or abort(404)
    require(can_view(current_user, sample))
    return Response(services.members_csv(current_user, sample), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="sample-{sample.id}-members.csv"'})


@bp.post("/samples/<int:sample_id>/reproduce")
@role_required(*STAFF)
def reproduce_sample(sample_id: int) -> Any:
    sample = services.get_sample(sample_id) or abort(404)
    require(can_view(current_user, sample))
    reproduction = services.reproduce(current_user, sample)
    hidden = hidden_dimensions(current_user, sample.spec["dimensions"])
    context = dict(view=sample_view(sample, hidden), sample=sample, reproduction=reproduction,
                   methods=methods_note(sample, hidden))
    if is_fragment_request():  # the result, and the summary's "Reproduced" row out of band
        return (render_page("quota/show.html", block="reproduction", **context)
                + render_page("quota/show.html", block="reproduced_row", oob=True, **context))
    return render_page("quota/show.html", **context)


@bp.post("/samples/<int:sample_id>/close")
@role_required(*STAFF)
def close_sample(sample_id: int) -> Any:
    sample = services.get_sample(sample_id) or abort(404)
    require(can_manage(current_user, sample))
    if sample.status == SampleStatus.OPEN:
        services.close_sample(current_user, sample)
        flash("The sample is closed: its members can be drawn for other samples again.",
              "success")
    return redirect(url_for("quota.show_sample", sample_id=sample.id), 303)


def _member(sample_id: int, member_id: int, *, manage: bool) -> tuple[Any, SampleMember]:
    """The sample and one of its selected members, or 404; 403 unless the actor may see the
    sample and see (``manage``: act on) the member."""
    sample = services.get_sample(sample_id) or abort(404)
    require(can_view(current_user, sample))
    member = next((m for m in sample.members if m.id == member_id), None) or abort(404)
    if member.role != MemberRole.SELECTED:
        abort(404)
    require((can_manage if manage else can_view)(current_user, member))
    return sample, member


@bp.get("/samples/<int:sample_id>/members/<int:member_id>/replace")
@role_required(*STAFF)
def propose_replacement(sample_id: int, member_id: int) -> Any:
    sample, member = _member(sample_id, member_id, manage=False)
    proposal, problem = services.proposal_shown_to(current_user, sample, member)
    return render_page("quota/replace.html", sample=sample, member=member, proposal=proposal,
                       problem=problem, person=services.person_name)


@bp.post("/samples/<int:sample_id>/members/<int:member_id>/replace")
@role_required(*STAFF)
def replace_member(sample_id: int, member_id: int) -> Any:
    sample, member = _member(sample_id, member_id, manage=True)
    chosen = request.form.get("resident_id", "")
    try:
        services.replace_member(current_user, sample, member,
                                int(chosen) if chosen.isdigit() else -1)
    except services.SampleError as error:
        flash(str(error), "error")
        return redirect(url_for("quota.propose_replacement", sample_id=sample.id,
                                member_id=member.id), 303)
    flash("The replacement is recorded and every quota is still met.", "success")
    return redirect(url_for("quota.show_sample", sample_id=sample.id) + "#selected", 303)
