"""The e-panel's persistent state: residents, consent, profile questions and answers, population
targets and the contact log. Typed SQLAlchemy 2 models; no commits, no Flask imports here."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from core.extensions import db
from core.models import User, db_enum, utcnow


class ResidentStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"
    # Imported from an existing panel list and sent (or yet to be sent) a welcome email: not a
    # member until they confirm, give their consents and set a password (panel.welcome).
    INVITED = "invited"


class Resident(db.Model):
    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    first_name: Mapped[str] = mapped_column(String(80), default="")
    last_name: Mapped[str] = mapped_column(String(80), default="")
    address_line: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    household_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    year_of_birth: Mapped[int | None]
    status: Mapped[ResidentStatus] = mapped_column(
        db_enum(ResidentStatus), default=ResidentStatus.ACTIVE, index=True
    )
    paused_until: Mapped[datetime | None]
    joined_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(40), default="web")
    # Contact preferences
    contact_by_email: Mapped[bool] = mapped_column(default=True)
    contact_by_post: Mapped[bool] = mapped_column(default=False)
    contact_by_phone: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str] = mapped_column(String(30), default="")
    # Opt-in: nobody is assumed to want events (an import never says so for them).
    interested_in_events: Mapped[bool] = mapped_column(default=False)
    # When the last welcome email went to an imported member who has not confirmed yet.
    welcomed_at: Mapped[datetime | None]

    # The account gains ``user.resident`` from here: the host's User knows nothing of residents.
    user: Mapped[User] = relationship(backref=backref("resident", uselist=False))
    answers: Mapped[list[ProfileAnswer]] = relationship(
        back_populates="resident", cascade="all, delete-orphan"
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="resident", cascade="all, delete-orphan",
        order_by="(Consent.recorded_at, Consent.id)",
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def has_consent(self, kind: ConsentKind) -> bool:
        """The latest decision of this kind was a yes."""
        decisions = [c for c in self.consents if c.kind == kind]
        return bool(decisions) and decisions[-1].granted


class ConsentKind(enum.StrEnum):
    MEMBERSHIP = "membership"
    SPECIAL_CATEGORY = "special_category"


class Consent(db.Model):
    """One consent decision as the resident made it: what, when, under which privacy notice."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(db_enum(ConsentKind))
    granted: Mapped[bool]
    wording: Mapped[str] = mapped_column(Text)
    privacy_notice_version: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    resident: Mapped[Resident] = relationship(back_populates="consents")


class PostcodeWard(db.Model):
    """Postcode → ward lookup (imported by an admin), used to derive a joiner's ward."""

    __tablename__ = "postcode_wards"

    postcode: Mapped[str] = mapped_column(String(10), primary_key=True)  # upper case, no space
    ward_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))

    ward: Mapped[Category] = relationship()


class Dimension(db.Model):
    """A profile question or derived attribute (age band, ward) that quotas and targets use."""

    __tablename__ = "dimensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(String(300), default="")
    hint: Mapped[str] = mapped_column(String(300), default="")
    why: Mapped[str] = mapped_column(String(500), default="")
    # "question": asked on the profile; "derived": computed (age band from year of birth,
    # ward from the postcode or chosen on joining).
    source: Mapped[str] = mapped_column(String(20), default="question")
    special_category: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]

    categories: Mapped[list[Category]] = relationship(
        back_populates="dimension", order_by="Category.position", cascade="all, delete-orphan"
    )


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("dimension_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimensions.id"))
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    group_label: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[int] = mapped_column(default=0)
    prefer_not_to_say: Mapped[bool] = mapped_column(default=False)
    retired_at: Mapped[datetime | None]

    dimension: Mapped[Dimension] = relationship(back_populates="categories")


class ProfileAnswer(db.Model):
    __tablename__ = "profile_answers"
    __table_args__ = (
        UniqueConstraint("resident_id", "dimension_id"),
        Index("ix_profile_answers_dimension_category", "dimension_id", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimensions.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    resident: Mapped[Resident] = relationship(back_populates="answers")
    dimension: Mapped[Dimension] = relationship()
    category: Mapped[Category] = relationship()


class TargetSet(db.Model):
    """Population targets (e.g. Census 2021) that the panel and samples are compared with."""

    __tablename__ = "target_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    source: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    targets: Mapped[list[Target]] = relationship(
        back_populates="target_set", cascade="all, delete-orphan"
    )


class Target(db.Model):
    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("target_set_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_set_id: Mapped[int] = mapped_column(ForeignKey("target_sets.id", ondelete="CASCADE"))
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimensions.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    share: Mapped[float]
    count: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")

    target_set: Mapped[TargetSet] = relationship(back_populates="targets")
    dimension: Mapped[Dimension] = relationship()
    category: Mapped[Category] = relationship()


class Contact(db.Model):
    """One time the council contacted a resident (an invitation or reminder): the over-
    consultation cap counts these in a rolling period."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_resident_id_at", "resident_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    purpose: Mapped[str] = mapped_column(String(40))  # e.g. survey_invitation, event_invitation
    reference: Mapped[str] = mapped_column(String(80), default="")  # e.g. "survey:12"
