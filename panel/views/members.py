"""Officers' view of the panel: the member list (active search), a member's record, and what
an officer does there at the member's request (pause, resume, withdraw, send the confirmation
email again). Every action is audited by the service it calls."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.errors import DomainError
from core.extensions import db
from core.htmx import render_page
from core.models import Role
from core.permissions import can_manage, can_view, require
from panel import contact_policy, member_list, member_record, membership
from panel.member_forms import MemberPauseForm, MemberResumeForm, MemberWithdrawForm, ResendForm
from panel.membership import FieldError
from panel.models import Resident, ResidentStatus

bp = Blueprint("members", __name__, url_prefix="/panel/members")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters() -> tuple[member_list.MemberFilters, list[str]]:
    """Filters from the query string; anything unreadable is ignored and named, never a 500."""
    args, problems = request.args, []
    status = args.get("status", "")
    if status and status not in {s.value for s in ResidentStatus}:
        problems.append("Status: choose active, paused or left")
        status = ""
    joined_from, joined_to = _date("joined_from"), _date("joined_to")
    for name, value in (("joined_from", joined_from), ("joined_to", joined_to)):
        if args.get(name) and value is None:
            problems.append("Joined dates must be real dates, like 2025-03-31")
    page = args.get("page", "1")
    categories = {key[2:]: value for key, value in args.items()
                  if key.startswith("d.") and value}
    return member_list.MemberFilters(
        q=args.get("q", "")[:100], status=status,
        verified=args.get("verified", "") if args.get("verified") in {"yes", "no"} else "",
        categories=categories, joined_from=joined_from, joined_to=joined_to,
        contacted=args.get("contacted", "") if args.get("contacted") in {
            "never", "recent", "not_recent"} else "",
        at_cap=args.get("at_cap") == "yes",
        sort=args.get("sort", "joined") if args.get("sort") in member_list.SORTS else "joined",
        descending=args.get("dir", "desc") != "asc",
        page=int(page) if page.isdigit() else 1,
    ), problems


@bp.get("")
@role_required(Role.OFFICER)
def list_members() -> Any:
    filters, problems = _filters()
    cap = contact_policy.contact_cap()
    member_list.record_search(current_user, filters)
    result = member_list.search_members(filters, cap)
    return render_page("members/list.html", block="member_results", result=result,
                       filters=filters, problems=problems, cap=cap,
                       dimensions=member_list.filter_dimensions(), args=request.args)


def _member(resident_id: int, manage: bool = False) -> Resident:
    resident = db.session.get(Resident, resident_id) or abort(404)
    require(can_manage(current_user, resident) if manage else can_view(current_user, resident))
    return resident


@bp.get("/<int:resident_id>")
@role_required(Role.OFFICER)
def show_member(resident_id: int) -> Any:
    resident = _member(resident_id)
    detail = member_list.view_member(current_user, resident)
    cap = contact_policy.contact_cap()
    return render_page("members/show.html", detail=detail, cap=cap,
                       contacts=member_record.contact_history(resident, cap),
                       messages=member_record.messages_to(resident),
                       sections=member_record.sections(current_user, resident),
                       may_see_outbox=current_user.has_role(Role.ADMIN),
                       resend_form=ResendForm())


def _back(resident: Resident) -> Any:
    return redirect(url_for("members.show_member", resident_id=resident.id), 303)


def _action_page(template: str, resident: Resident, form: Any) -> Any:
    return render_template(template, resident=resident, form=form), 422 if form.errors else 200


@bp.route("/<int:resident_id>/pause", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def pause_member(resident_id: int) -> Any:
    resident = _member(resident_id, manage=True)
    if resident.status == ResidentStatus.WITHDRAWN:
        return _back(resident)
    form = MemberPauseForm()
    if form.validate_on_submit():
        try:
            membership.pause(resident, form.until.data, actor=current_user, asked=form.asked.data)
        except FieldError as error:
            form.until.errors = [*form.until.errors, str(error)]
        else:
            flash(f"{resident.full_name or 'The member'}'s membership is paused until "
                  f"{form.until.data:%-d %B %Y}.", "success")
            return _back(resident)
    return _action_page("members/pause.html", resident, form)


@bp.route("/<int:resident_id>/resume", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def resume_member(resident_id: int) -> Any:
    resident = _member(resident_id, manage=True)
    if resident.status != ResidentStatus.PAUSED:
        return _back(resident)
    form = MemberResumeForm()
    if form.validate_on_submit():
        membership.resume(resident, actor=current_user, asked=form.asked.data)
        flash(f"{resident.full_name or 'The member'}'s membership is active again.", "success")
        return _back(resident)
    return _action_page("members/resume.html", resident, form)


@bp.route("/<int:resident_id>/withdraw", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def withdraw_member(resident_id: int) -> Any:
    resident = _member(resident_id, manage=True)
    if resident.status == ResidentStatus.WITHDRAWN:
        return _back(resident)
    form = MemberWithdrawForm()
    if form.validate_on_submit():
        membership.withdraw(resident, current_app.config["PRIVACY_NOTICE_VERSION"],
                            actor=current_user, asked=form.asked.data)
        flash(f"{resident.full_name or 'The member'} has left the panel. Nobody will contact "
              "them again.", "success")
        return _back(resident)
    return _action_page("members/withdraw.html", resident, form)


@bp.post("/<int:resident_id>/resend-confirmation")
@role_required(Role.OFFICER)
def resend_confirmation(resident_id: int) -> Any:
    resident = _member(resident_id, manage=True)
    form = ResendForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        member_record.resend_verification(current_user, resident)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(f"We have sent the confirmation email to {resident.user.email} again. The link "
              "works for 7 days.", "success")
    return _back(resident)

