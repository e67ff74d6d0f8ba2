"""The council's response to an engagement ("You said, we did") and what it did about it.

- ``Outcome``: one per engagement; its text lives in numbered ``OutcomeVersion`` rows. A version
  is a draft until published; a published version is never changed again (an edit is a new
  version), so nothing the public has read is silently rewritten.
- ``Action``: what the council will do, owned by a service, with sub-actions (``parent``) whose
  progress rolls up by ``weight``. Its public state (status, progress, reason, decision link,
  target date) changes only by publishing an ``ActionUpdate``: the dated timeline.
- ``Feedback``: a resident's "Did you feel listened to?" about an engagement, or "Has this
  happened?" about an action.
- ``LoopPreference``: how a resident hears that something moved: as it happens or weekly.

No commits here; the services own the transaction.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, db_enum, utcnow
from outcomes.progress import ActionStatus
from panel.engagements import Engagement


class Outcome(db.Model):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_published_at: Mapped[datetime | None] = mapped_column(index=True)

    engagement: Mapped[Engagement] = relationship()
    versions: Mapped[list[OutcomeVersion]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OutcomeVersion.number")
    actions: Mapped[list[Action]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(Action.position, Action.id)")

    @property
    def published(self) -> OutcomeVersion | None:
        """The version the public sees: the latest published one."""
        done = [v for v in self.versions if v.published_at is not None]
        return done[-1] if done else None

    @property
    def draft(self) -> OutcomeVersion | None:
        last = self.versions[-1] if self.versions else None
        return last if last is not None and last.published_at is None else None


class OutcomeVersion(db.Model):
    __tablename__ = "outcome_versions"
    __table_args__ = (UniqueConstraint("outcome_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"))
    number: Mapped[int]
    summary: Mapped[str] = mapped_column(Text, default="")        # what residents said
    decision: Mapped[str] = mapped_column(Text, default="")       # what the council decided
    decision_link: Mapped[str] = mapped_column(String(500), default="")
    change_note: Mapped[str] = mapped_column(String(300), default="")  # why this version
    # Which survey questions to show and how: [{"question_id": 3, "weighted": true}, ...]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Figures worked out when published (suppressed already), so a view never recomputes them.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    outcome: Mapped[Outcome] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()


class Action(db.Model):
    __tablename__ = "outcome_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("outcome_actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    weight: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(120))               # the owning service
    # The public state: set only by publishing an update.
    status: Mapped[ActionStatus] = mapped_column(
        db_enum(ActionStatus), default=ActionStatus.PLANNED)
    progress: Mapped[int | None]
    target_date: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text, default="")         # when not taken forward
    decision_link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    outcome: Mapped[Outcome] = relationship(back_populates="actions")
    parent: Mapped[Action | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Action]] = relationship(
        back_populates="parent", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(Action.position, Action.id)")
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(ActionUpdate.created_at, ActionUpdate.id)")

    def __init__(self, **fields: Any) -> None:
        fields.setdefault("status", ActionStatus.PLANNED)
        super().__init__(**fields)


class ActionUpdate(db.Model):
    """A dated entry on an action's timeline: draft until published, then never edited."""

    __tablename__ = "outcome_action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_actions.id", ondelete="CASCADE"), index=True)
    status: Mapped[ActionStatus] = mapped_column(db_enum(ActionStatus))
    progress: Mapped[int | None]
    target_date: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    decision_link: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    announced_at: Mapped[datetime | None]       # participants told (at once or in a digest)

    action: Mapped[Action] = relationship(back_populates="updates")
    created_by: Mapped[User | None] = relationship()


class FeedbackKind(enum.StrEnum):
    LISTENED = "listened"      # "Did you feel listened to?" (about an engagement)
    HAPPENED = "happened"      # "Has this happened?" (about an action marked done)


class Feedback(db.Model):
    __tablename__ = "outcome_feedback"
    __table_args__ = (UniqueConstraint("resident_id", "engagement_id", "action_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("outcome_actions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FeedbackKind] = mapped_column(db_enum(FeedbackKind))
    answer: Mapped[str] = mapped_column(String(20))   # yes / partly / no / not_sure
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoopFrequency(enum.StrEnum):
    AT_ONCE = "at_once"
    WEEKLY = "weekly"
    NEVER = "never"


class LoopPreference(db.Model):
    """How a resident hears about what happened to their views (default: as it happens)."""

    __tablename__ = "outcome_loop_preferences"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[LoopFrequency] = mapped_column(
        db_enum(LoopFrequency), default=LoopFrequency.AT_ONCE)
    last_digest_at: Mapped[datetime | None]
