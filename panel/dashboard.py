"""The figures an officer sees first on the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import Message, MessageStatus, utcnow
from panel.models import Resident, ResidentStatus, TargetSet


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


def panel_overview() -> PanelOverview:
    """The figures an officer sees first on the dashboard."""
    by_status = dict(
        db.session.execute(
            select(Resident.status, func.count()).group_by(Resident.status)
        ).all()
    )
    month_ago = utcnow() - timedelta(days=30)
    joined = db.session.scalar(
        select(func.count()).select_from(Resident).where(Resident.joined_at >= month_ago)
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
