"""Officers' view of the panel: the member list (active search) and a member's record."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, request
from flask_login import current_user

from core.auth.sessions import role_required
from core.extensions import db
from core.htmx import render_page
from core.models import Role
from core.permissions import can_view, require
from panel import contact_policy, member_list
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


@bp.get("/<int:resident_id>")
@role_required(Role.OFFICER)
def show_member(resident_id: int) -> Any:
    resident = db.session.get(Resident, resident_id) or abort(404)
    require(can_view(current_user, resident))
    detail = member_list.view_member(current_user, resident)
    return render_page("members/show.html", detail=detail, cap=contact_policy.contact_cap())
