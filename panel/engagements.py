"""Engagements: the unit the public sees ("Future of our libraries"), holding surveys and events.

Each has a topic, a level on the engagement spectrum, dates and the "why" shown to residents;
its outcome report ("You said, we did") says what residents said and what the council did.
Surveys, events and outcomes refer to it, so it lives in the host package.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, db_enum, utcnow


class SpectrumLevel(enum.StrEnum):
    """The engagement spectrum, from telling residents to handing them the decision."""

    INFORM = "inform"
    RESEARCH = "research"
    CONSULT = "consult"
    INVOLVE = "involve"
    COLLABORATE = "collaborate"
    EMPOWER = "empower"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def promise(self) -> str:
        """What the council promises residents at this level, in plain English."""
        return {
            "inform": "We will keep you informed.",
            "research": "We will use what you tell us to understand the borough better.",
            "consult": "We will listen to your views and tell you how they affected the "
                       "decision.",
            "involve": "We will work with you so that your views shape the options we "
                       "consider.",
            "collaborate": "We will work with you to find solutions and include your advice "
                           "in the decision as far as we can.",
            "empower": "We will carry out what you decide.",
        }[self.value]


class Engagement(db.Model):
    __tablename__ = "engagements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    topic: Mapped[str] = mapped_column(String(80), default="")
    level: Mapped[SpectrumLevel] = mapped_column(db_enum(SpectrumLevel))
    why: Mapped[str] = mapped_column(Text, default="")     # shown to residents
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # The plan, told to residents from the day the engagement is announced.
    decision_maker: Mapped[str] = mapped_column(String(160), default="")   # who decides
    decision_due: Mapped[str] = mapped_column(String(160), default="")     # date or meeting
    can_change: Mapped[str] = mapped_column(Text, default="")
    cannot_change: Mapped[str] = mapped_column(Text, default="")           # fixed constraints
    budget: Mapped[str] = mapped_column(String(200), default="")
    results_use: Mapped[str] = mapped_column(Text, default="")             # how results are used
    ward_codes: Mapped[list[str]] = mapped_column(JSON, default=list)      # [] = the borough
    announced_at: Mapped[datetime | None] = mapped_column(index=True)      # public from then
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()
