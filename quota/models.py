"""Every draw is stored: its inputs, seed, software version, officer, and who came out of it.

``Sample.inputs`` holds the exact pool (resident ids and category keys, no names) and quotas the
draw saw, so it can be re-run later to prove it reproduces, whatever has changed in the panel
since. Once a resident erases their data their id in it points at nobody.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, db_enum, utcnow
from panel.models import Resident, TargetSet


class SampleMode(enum.StrEnum):
    SURVEY = "survey"
    FAIR = "fair"

    @property
    def label(self) -> str:
        return {"survey": "Survey sample", "fair": "Fair panel"}[self.value]


class SampleStatus(enum.StrEnum):
    OPEN = "open"      # in use: its members are left out of other samples (if that rule is on)
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class MemberRole(enum.StrEnum):
    SELECTED = "selected"
    RESERVE = "reserve"
    DROPPED_OUT = "dropped_out"

    @property
    def label(self) -> str:
        return {"selected": "Selected", "reserve": "Reserve",
                "dropped_out": "Dropped out"}[self.value]


class SampleDesign(db.Model):
    """A sample design an officer approved for organisers to draw (and draw again).

    ``spec`` is the builder's spec with every quota frozen as the officer saw it, and no seed:
    each draw from it gets a new one. Approval is how an organiser's draw may use quotas on a
    special-category question without anyone but officers seeing those answers.
    """

    __tablename__ = "sample_designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    approved_by: Mapped[User | None] = relationship()


class Sample(db.Model):
    __tablename__ = "samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    mode: Mapped[SampleMode] = mapped_column(db_enum(SampleMode))
    status: Mapped[SampleStatus] = mapped_column(db_enum(SampleStatus), default=SampleStatus.OPEN)
    target_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("target_sets.id", ondelete="SET NULL"))
    size: Mapped[int]
    seed: Mapped[int] = mapped_column(BigInteger)
    algorithm: Mapped[str] = mapped_column(Text)
    software_version: Mapped[str] = mapped_column(String(120))
    pool_size: Mapped[int]
    min_probability: Mapped[float | None]
    probability_bound: Mapped[float | None]
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)      # what the officer chose
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)    # the pool and quotas drawn from
    report: Mapped[dict[str, Any]] = mapped_column(JSON)    # tallies, probabilities, timings
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reproduced_at: Mapped[datetime | None]
    design_id: Mapped[int | None] = mapped_column(
        ForeignKey("sample_designs.id", ondelete="SET NULL"))

    design: Mapped[SampleDesign | None] = relationship()
    target_set: Mapped[TargetSet | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    members: Mapped[list[SampleMember]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", passive_deletes=True,
        order_by="SampleMember.id")

    def members_with(self, role: MemberRole) -> list[SampleMember]:
        members = [m for m in self.members if m.role == role]
        return sorted(members, key=lambda m: (m.rank or 0, m.id))


class SampleMember(db.Model):
    __tablename__ = "sample_members"
    __table_args__ = (Index("ix_sample_members_resident_role", "resident_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id", ondelete="CASCADE"),
                                           index=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"))
    role: Mapped[MemberRole] = mapped_column(db_enum(MemberRole))
    rank: Mapped[int | None]                      # reserves: 1 = first to ask
    probability: Mapped[float | None]             # fair panels: chance of selection
    invited_at: Mapped[datetime | None]           # set by surveys and events when they invite
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("sample_members.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    sample: Mapped[Sample] = relationship(back_populates="members")
    resident: Mapped[Resident | None] = relationship()
    replaces: Mapped[SampleMember | None] = relationship(remote_side=[id])
