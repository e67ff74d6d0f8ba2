"""Deliberative events: the event and its sessions, who was invited or registered, their
places, access needs, attendance and thank-you payments.

A ``Registration`` is one person's journey through one event, panel member or someone who
registered through the event's public link. Its status moves only along ``TRANSITIONS``
(``Registration.move_to`` refuses anything else). ``Event.places_taken`` counts the places
held (confirmed, attended, no-show); the database refuses more than ``capacity`` (a CHECK
constraint), and ``events.capacity`` takes a place with one conditional UPDATE in the booking's
own transaction, so two people can never both take the last place.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.errors import DomainError
from core.extensions import db
from core.models import User, db_enum, utcnow
from panel.engagements import Engagement
from panel.models import Resident


class EventFormat(enum.StrEnum):
    WORKSHOP = "workshop"
    FOCUS_GROUP = "focus_group"
    CITIZENS_JURY = "citizens_jury"
    CITIZENS_ASSEMBLY = "assembly"

    @property
    def label(self) -> str:
        return {"workshop": "Workshop", "focus_group": "Focus group",
                "citizens_jury": "Citizens' jury",
                "assembly": "Citizens' assembly"}[self.value]


class EventStatus(enum.StrEnum):
    DRAFT = "draft"            # being set up: no link works yet
    RECRUITING = "recruiting"  # invitations out, registration open
    SELECTING = "selecting"    # registration closed: selection, confirmation, replacements
    HELD = "held"              # the sessions have happened
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "recruiting": "Recruiting",
                "selecting": "Registration closed", "held": "Held",
                "cancelled": "Cancelled"}[self.value]


class ThankYouKind(enum.StrEnum):
    NONE = "none"
    PAYMENT = "payment"
    VOUCHER = "voucher"

    @property
    def label(self) -> str:
        return {"none": "None", "payment": "Payment", "voucher": "Voucher"}[self.value]


event_organisers = Table(
    "event_organisers", db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("places_taken >= 0 AND places_taken <= capacity",
                        name="places_within_capacity"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(
        ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[EventFormat] = mapped_column(db_enum(EventFormat))
    status: Mapped[EventStatus] = mapped_column(db_enum(EventStatus), default=EventStatus.DRAFT)
    capacity: Mapped[int]
    places_taken: Mapped[int] = mapped_column(default=0)   # confirmed, attended, no-show
    # Recruitment: how the invitation wave is sized, when registration closes, when the
    # selected must confirm by, and the reminders (days before the first session).
    expected_response_rate: Mapped[int] = mapped_column(default=30)   # per cent interested
    registration_closes_at: Mapped[datetime | None]
    confirm_by: Mapped[datetime | None]
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [7, 1])
    public_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    # Selection: the quotas the room should meet (a target set and its questions, or an
    # officer-approved design when they use special-category questions), one per household.
    target_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("target_sets.id", ondelete="SET NULL"))
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    one_per_household: Mapped[bool] = mapped_column(default=True)
    design_id: Mapped[int | None] = mapped_column(
        ForeignKey("sample_designs.id", ondelete="SET NULL"))
    selection: Mapped[dict[str, Any] | None] = mapped_column(JSON)   # seed, inputs, report
    selected_at: Mapped[datetime | None]
    # Support offered to everyone taking part.
    offers_childcare: Mapped[bool] = mapped_column(default=False)
    offers_travel: Mapped[bool] = mapped_column(default=False)
    offers_bsl: Mapped[bool] = mapped_column(default=False)
    interpreter_languages: Mapped[str] = mapped_column(String(200), default="")
    offers_dietary: Mapped[bool] = mapped_column(default=False)
    thank_you_kind: Mapped[ThankYouKind] = mapped_column(db_enum(ThankYouKind),
                                                         default=ThankYouKind.NONE)
    thank_you_pence: Mapped[int] = mapped_column(default=0)
    # After the event.
    feedback_survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    engagement: Mapped[Engagement] = relationship()
    organisers: Mapped[list[User]] = relationship(secondary=event_organisers)
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(EventSession.starts_at, EventSession.id)")
    questions: Mapped[list[ScreeningQuestion]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(ScreeningQuestion.position, ScreeningQuestion.id)")
    themes: Mapped[list[EventTheme]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(EventTheme.position, EventTheme.id)")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.places_taken)

    @property
    def first_starts_at(self) -> datetime | None:
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def last_ends_at(self) -> datetime | None:
        return max((s.ends_at for s in self.sessions), default=None)

    def is_organiser(self, user: User) -> bool:
        return any(o.id == user.id for o in self.organisers)


class EventSession(db.Model):
    """One sitting of an event (an assembly has several). Times are naive UTC, shown in UK
    time."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(200), default="")       # name of the place
    address: Mapped[str] = mapped_column(Text, default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")   # for online sessions
    step_free: Mapped[bool] = mapped_column(default=False)
    hearing_loop: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="sessions")

    @property
    def online(self) -> bool:
        return bool(self.online_url) and not self.venue


class ScreeningQuestion(db.Model):
    """An extra question the organiser asks at registration (e.g. attitude to the topic),
    with its answers; it can be used as a quota at selection (``quota_shares``: answer key ->
    share of the room)."""

    __tablename__ = "event_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    quota_shares: Mapped[dict[str, float] | None] = mapped_column(JSON)   # None: not a quota

    event: Mapped[Event] = relationship(back_populates="questions")

    @property
    def key(self) -> str:
        return f"q{self.id}"


class EventTheme(db.Model):
    """A theme the organiser recorded from the discussion: it feeds the engagement's
    "You said"."""

    __tablename__ = "event_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="themes")


class InvitationWave(db.Model):
    """One round of invitations: a quota sample from the panel, over-sampled by the expected
    response rate (a top-up wave aims at the quotas the interested could not meet)."""

    __tablename__ = "event_waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("samples.id", ondelete="SET NULL"))
    size: Mapped[int]
    top_up: Mapped[bool] = mapped_column(default=False)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()


class RegistrationStatus(enum.StrEnum):
    INVITED = "invited"
    INTERESTED = "interested"
    SELECTED = "selected"      # offered a place, to confirm by the deadline
    CONFIRMED = "confirmed"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    DECLINED = "declined"      # not interested, or turned the place down
    WITHDRAWN = "withdrawn"    # left after saying yes
    RESERVE = "reserve"        # interested, not selected (yet): ``reserve_rank`` orders them
    RELEASED = "released"      # did not confirm after the chase; the place went to a reserve

    @property
    def label(self) -> str:
        return {"invited": "Invited", "interested": "Interested", "selected": "Selected",
                "confirmed": "Confirmed", "attended": "Attended", "no_show": "No-show",
                "declined": "Declined", "withdrawn": "Withdrawn", "reserve": "Reserve",
                "released": "Released"}[self.value]

    @property
    def holds_place(self) -> bool:
        return self in PLACE_HOLDERS


S = RegistrationStatus
PLACE_HOLDERS = frozenset({S.CONFIRMED, S.ATTENDED, S.NO_SHOW})
# Every move a registration may make; anything else is refused.
TRANSITIONS: dict[RegistrationStatus, frozenset[RegistrationStatus]] = {
    S.INVITED: frozenset({S.INTERESTED, S.DECLINED}),
    S.INTERESTED: frozenset({S.SELECTED, S.RESERVE, S.WITHDRAWN}),
    S.RESERVE: frozenset({S.SELECTED, S.WITHDRAWN}),
    S.SELECTED: frozenset({S.CONFIRMED, S.DECLINED, S.RELEASED, S.WITHDRAWN, S.RESERVE}),
    S.CONFIRMED: frozenset({S.ATTENDED, S.NO_SHOW, S.WITHDRAWN, S.RESERVE}),
    S.ATTENDED: frozenset({S.NO_SHOW}),                      # a correction
    S.NO_SHOW: frozenset({S.ATTENDED, S.RELEASED}),          # released: replaced before the next
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.RELEASED: frozenset(),
}


class TransitionRefused(DomainError):
    """A registration cannot make this move; the message says why in plain English."""


class RegistrationSource(enum.StrEnum):
    WAVE = "wave"        # a panel member invited in an invitation wave
    PUBLIC = "public"    # registered through the event's public link and code

    @property
    def label(self) -> str:
        return {"wave": "Panel invitation", "public": "Public link"}[self.value]


class Registration(db.Model):
    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "resident_id"),
                      Index("ix_event_registrations_event_status", "event_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("event_waves.id", ondelete="SET NULL"))
    source: Mapped[RegistrationSource] = mapped_column(db_enum(RegistrationSource),
                                                       default=RegistrationSource.WAVE)
    token: Mapped[str] = mapped_column(String(64), unique=True)   # the personal link
    status: Mapped[RegistrationStatus] = mapped_column(db_enum(RegistrationStatus),
                                                       default=RegistrationStatus.INVITED)
    # Someone who registered through the public link (no panel account).
    name: Mapped[str] = mapped_column(String(160), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    household_key: Mapped[str] = mapped_column(String(64), default="")
    profile: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)   # public registrants
    special_consent: Mapped[bool] = mapped_column(default=False)         # public registrants
    screening: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # question key -> answer
    reserve_rank: Mapped[int | None]                        # 1 = first reserve to ask
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")     # why they were proposed, etc.
    invited_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]                   # said interested or not
    selected_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    reminders_sent: Mapped[list[int]] = mapped_column(JSON, default=list)  # reminder days sent
    chased_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]                       # declined, withdrawn or released
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    resident: Mapped[Resident | None] = relationship()
    places: Mapped[list[SessionPlace]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True)
    needs: Mapped[list[AccessNeed]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AccessNeed.id")
    payments: Mapped[list[Payment]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Payment.id")
    replaces: Mapped[Registration | None] = relationship(remote_side=[id])

    def may_move_to(self, status: RegistrationStatus) -> bool:
        return status in TRANSITIONS[self.status]

    def move_to(self, status: RegistrationStatus, at: datetime | None = None) -> None:
        """Change status along ``TRANSITIONS`` (the caller takes or gives back the place:
        ``events.capacity``). Moving to the status it has is refused too: callers that must be
        idempotent check first."""
        if not self.may_move_to(status):
            raise TransitionRefused(
                f"This registration is {self.status.label.lower()}, so it cannot be "
                f"{status.label.lower()} now.")
        at = at or utcnow()
        if status == S.INTERESTED or (status == S.DECLINED and self.status == S.INVITED):
            self.responded_at = at
        if status == S.SELECTED:
            self.selected_at = at
            self.reserve_rank = None
        if status == S.CONFIRMED:
            self.confirmed_at = at
        if status in (S.DECLINED, S.WITHDRAWN, S.RELEASED):
            self.ended_at = at
        self.status = status

    @property
    def display_name(self) -> str:
        if self.resident is not None:
            return f"{self.resident.first_name} {self.resident.last_name}".strip()
        return self.name

    @property
    def contact_email(self) -> str:
        if self.resident is not None:
            return self.resident.user.email
        return self.email


class Attendance(enum.StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return {"attended": "Attended", "no_show": "No-show"}[self.value]


class SessionPlace(db.Model):
    """One registrant and one session: can they come (their availability) and did they."""

    __tablename__ = "event_session_places"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True, index=True)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    attendance: Mapped[Attendance | None] = mapped_column(db_enum(Attendance))
    marked_at: Mapped[datetime | None]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship(back_populates="places")
    session: Mapped[EventSession] = relationship()


class NeedKind(enum.StrEnum):
    CHILDCARE = "childcare"
    TRAVEL = "travel"
    BSL = "bsl"
    INTERPRETER = "interpreter"
    DIETARY = "dietary"
    STEP_FREE = "step_free"
    HEARING_LOOP = "hearing_loop"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"childcare": "Childcare", "travel": "Travel costs or transport",
                "bsl": "British Sign Language interpreter",
                "interpreter": "Interpreter (spoken language)", "dietary": "Dietary needs",
                "step_free": "Step-free access", "hearing_loop": "Hearing loop",
                "other": "Something else"}[self.value]


class NeedStatus(enum.StrEnum):
    REQUESTED = "requested"          # to arrange
    BOOKED = "booked"
    PAID = "paid"
    CANNOT_PROVIDE = "cannot_provide"

    @property
    def label(self) -> str:
        return {"requested": "To arrange", "booked": "Booked", "paid": "Paid",
                "cannot_provide": "Cannot provide"}[self.value]


class AccessNeed(db.Model):
    """What someone needs in order to take part, and how far it has been met."""

    __tablename__ = "event_access_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NeedKind] = mapped_column(db_enum(NeedKind))
    detail: Mapped[str] = mapped_column(Text, default="")   # e.g. the language, ages of children
    status: Mapped[NeedStatus] = mapped_column(db_enum(NeedStatus), default=NeedStatus.REQUESTED)
    cost_pence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="needs")


class PaymentKind(enum.StrEnum):
    THANK_YOU = "thank_you"
    EXPENSES = "expenses"

    @property
    def label(self) -> str:
        return {"thank_you": "Thank-you payment", "expenses": "Expenses"}[self.value]


class Payment(db.Model):
    """What the council owes someone for taking part (owed on attendance), and when paid."""

    __tablename__ = "event_payments"
    __table_args__ = (UniqueConstraint("registration_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PaymentKind] = mapped_column(db_enum(PaymentKind))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    owed_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reference: Mapped[str] = mapped_column(String(80), default="")

    registration: Mapped[Registration] = relationship(back_populates="payments")
