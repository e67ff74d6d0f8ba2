"""The audit log: one row per officer action on, or view of, personal data."""

from __future__ import annotations

from typing import Any

from core.extensions import db
from core.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    object_type: str = "",
    object_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit row to the caller's transaction (the calling service commits)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    db.session.add(event)
    return event
