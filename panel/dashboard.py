"""The dashboard, a member of staff's start page: the panel's figures, each leading to the
members it counts, and what needs their attention, each with a link to where they act.

Links are only to pages the viewer may open; other features add their own parts
(``Feature.dashboard_sections``: samples, surveys) without the e-panel importing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import func, select

from core.extensions import db
from core.features import PageSection, page_sections, registry
from core.models import (
    AuditEvent,
    Job,
    JobStatus,
    Message,
    MessageStatus,
    Role,
    Upload,
    User,
    utcnow,
)
from core.permissions import can_view
from panel import contact_policy, member_list
from panel.imports.service import JOB_KIND as IMPORT_JOB
from panel.member_list import MemberFilters
from panel.models import Resident, ResidentStatus, TargetSet

CONFIRM_NUDGE_AFTER = timedelta(days=3)  # sign-ups not confirmed by then (erased after 7)
FAILED_JOBS_FOR = timedelta(days=7)


@dataclass(frozen=True)
class PanelOverview:
    members: int
    active: int
    paused: int
    withdrawn: int
    joined_last_30_days: int
    default_target_set: str | None
    pending_messages: int
    failed_messages: int


def panel_overview(now: datetime | None = None) -> PanelOverview:
    """The figures an officer sees first on the dashboard."""
    by_status = dict(
        db.session.execute(
            select(Resident.status, func.count()).group_by(Resident.status)
        ).all()
    )
    month_ago = _month_ago(now or utcnow())
    joined = db.session.scalar(
        select(func.count()).select_from(Resident)
        .where(Resident.joined_at >= datetime.combine(month_ago, datetime.min.time()))
    ) or 0
    messages = dict(
        db.session.execute(
            select(Message.status, func.count()).group_by(Message.status)
        ).all()
    )
    target_set = db.session.scalar(select(TargetSet.name).where(TargetSet.is_default))
    return PanelOverview(
        members=sum(by_status.values()),
        active=by_status.get(ResidentStatus.ACTIVE, 0),
        paused=by_status.get(ResidentStatus.PAUSED, 0),
        withdrawn=by_status.get(ResidentStatus.WITHDRAWN, 0),
        joined_last_30_days=joined,
        default_target_set=target_set,
        pending_messages=messages.get(MessageStatus.PENDING, 0),
        failed_messages=messages.get(MessageStatus.FAILED, 0),
    )


def _month_ago(now: datetime) -> date:
    """The first day counted in "joined in the last 30 days" (the member list's filter is by
    day, so the figure is too)."""
    return (now - timedelta(days=30)).date()


@dataclass(frozen=True)
class Figure:
    value: int
    label: str
    href: str | None  # None: the viewer may not open the list


def figures(viewer: User, overview: PanelOverview, now: datetime | None = None) -> list[Figure]:
    """The panel's figures, each leading to the members it counts (for officers)."""
    officer = viewer.has_role(Role.OFFICER)

    def members(**filters: str) -> str | None:
        return url_for("members.list_members", **filters) if officer else None

    month_ago = _month_ago(now or utcnow()).isoformat()
    return [Figure(overview.members, "people on the panel", members()),
            Figure(overview.active, "active", members(status="active")),
            Figure(overview.paused, "paused", members(status="paused")),
            Figure(overview.withdrawn, "withdrawn", members(status="withdrawn")),
            Figure(overview.joined_last_30_days, "joined in the last 30 days",
                   members(joined_from=month_ago))]


@dataclass(frozen=True)
class Task:
    """Something that needs the viewer's attention, and where they deal with it."""

    text: str
    link_text: str
    href: str


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def attention(viewer: User, overview: PanelOverview, now: datetime | None = None) -> list[Task]:
    """The e-panel's part of "what needs my attention"."""
    now = now or utcnow()
    tasks: list[Task] = []
    if viewer.has_role(Role.OFFICER):
        tasks += _members_tasks(now) + _upload_tasks()
    tasks += _failed_job_tasks(viewer, now)
    if viewer.has_role(Role.ADMIN) and overview.failed_messages:
        tasks.append(Task(_plural(overview.failed_messages, "email could not be delivered",
                                  "emails could not be delivered"),
                          "See the emails that failed", url_for("outbox.list_messages")))
    return tasks


def _members_tasks(now: datetime) -> list[Task]:
    cap = contact_policy.contact_cap()
    tasks = []
    joined_by = (now - CONFIRM_NUDGE_AFTER).date()
    unconfirmed = member_list.count_members(MemberFilters(verified="no", joined_to=joined_by),
                                            cap, now)
    if unconfirmed:
        tasks.append(Task(
            _plural(unconfirmed, "member has", "members have") + " not confirmed their email "
            f"address {CONFIRM_NUDGE_AFTER.days} days or more after joining. Sign-ups not "
            "confirmed within 7 days are erased.",
            "See who has not confirmed",
            url_for("members.list_members", verified="no", joined_to=joined_by.isoformat())))
    at_cap = member_list.count_members(MemberFilters(at_cap=True), cap, now)
    if at_cap:
        tasks.append(Task(
            _plural(at_cap, "member is", "members are") + " at the contact limit "
            f"({cap.describe()}) and will be left out of samples.",
            "See who is at the limit", url_for("members.list_members", at_cap="yes")))
    return tasks


def _upload_tasks() -> list[Task]:
    """Panel files uploaded for import that nobody went on to import (deleted after a day).
    A population-target file is an upload too: only those the import audited as its own."""
    started = {job.params.get("upload_id") for job in db.session.scalars(
        select(Job).where(Job.kind == IMPORT_JOB))}
    uploads = db.session.scalars(
        select(Upload).where(Upload.id.in_(select(AuditEvent.object_id).where(
            AuditEvent.action == "panel_import_uploaded", AuditEvent.object_type == "upload")))
        .order_by(Upload.uploaded_at.desc(), Upload.id.desc()))
    return [Task(f"{upload.filename} was uploaded on {upload.uploaded_at:%-d %B at %H:%M} "
                 "and not imported yet.", f"Choose the columns for {upload.filename}",
                 url_for("imports.choose_columns", upload_id=upload.id))
            for upload in uploads if upload.id not in started]


def _failed_job_tasks(viewer: User, now: datetime) -> list[Task]:
    """Jobs that failed lately which the viewer started (or may watch, by role)."""
    kinds = registry().job_kinds
    jobs = db.session.scalars(select(Job).where(
        Job.status == JobStatus.FAILED, Job.created_at >= now - FAILED_JOBS_FOR)
        .order_by(Job.created_at.desc(), Job.id.desc()).limit(20))
    return [Task(f"{kinds[job.kind].title} failed on {job.created_at:%-d %B at %H:%M}"
                 + (f": {job.message}" if job.message else "."),
                 "See what happened", url_for("jobs.show_job", job_id=job.id))
            for job in jobs if job.kind in kinds and can_view(viewer, job)]


def sections(viewer: User) -> list[PageSection]:
    """What other features put on the dashboard for this viewer (samples, surveys)."""
    return page_sections(registry().dashboard_sections, viewer)
