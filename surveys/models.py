"""Surveys, their sections and questions, invitations, responses and answers. No commits here.

A survey belongs to an engagement and moves draft -> open -> closed -> results published; the
guard methods raise ``SurveyStateError`` (with a plain-English reason) when a change is not
allowed. Questions are rows whose ``spec()`` is what ``surveys.question_types`` works from.
One response per invitation is a unique constraint, so double clicks and two tabs cannot make
two. A response keeps a snapshot of the respondent's profile (category keys) so that weighting
and crosstabs still work after they change their profile or erase their account.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, db_enum, utcnow
from panel.engagements import Engagement
from panel.models import Resident
from quota.models import Sample, SampleMember
from surveys.question_spec import QuestionSpec


class SurveyStateError(Exception):
    """The survey cannot make this change in its present state; the message says why."""


class SurveyState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"   # results published

    @property
    def label(self) -> str:
        return {"draft": "Draft", "open": "Open", "closed": "Closed",
                "published": "Results published"}[self.value]


class Audience(enum.StrEnum):
    PANEL = "panel"      # every active member who agreed to be contacted
    SAMPLE = "sample"    # the members of a quota sample
    PUBLIC = "public"    # anyone with the public link (an open consultation)

    @property
    def label(self) -> str:
        return {"panel": "The whole panel", "sample": "A quota sample",
                "public": "Anyone with the link"}[self.value]


class ResponseMode(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"    # keyed in by an officer
    PHONE = "phone"    # taken by an officer on the phone

    @property
    def label(self) -> str:
        return {"online": "Online", "paper": "Paper form", "phone": "Telephone"}[self.value]


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    intro: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[SurveyState] = mapped_column(db_enum(SurveyState), default=SurveyState.DRAFT)
    audience: Mapped[Audience] = mapped_column(db_enum(Audience), default=Audience.PANEL)
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("samples.id", ondelete="SET NULL"))
    public_slug: Mapped[str | None] = mapped_column(String(40), unique=True)
    closes_at: Mapped[datetime | None]
    results_due_on: Mapped[date | None]           # told to residents on the thank-you page
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [7, 14])
    suppress_below: Mapped[int] = mapped_column(default=10)  # smallest group shown in results
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    engagement: Mapped[Engagement] = relationship()
    sample: Mapped[Sample | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    # a survey is nearly always used whole (pages, their questions): two queries, not N + 1
    sections: Mapped[list[Section]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Section.position", lazy="selectin")

    def __init__(self, **fields: Any) -> None:
        fields.setdefault("state", SurveyState.DRAFT)  # before the first flush, too
        fields.setdefault("audience", Audience.PANEL)
        super().__init__(**fields)

    @property
    def questions(self) -> list[Question]:
        return [q for section in self.sections for q in section.questions]

    def check_structure_editable(self, *, answers_exist: bool) -> None:
        """Adding, removing, reordering or retyping questions: only before any answers."""
        if self.state in (SurveyState.CLOSED, SurveyState.PUBLISHED):
            raise SurveyStateError(f"The survey is {self.state.label.lower()}: its questions "
                                   "can no longer change.")
        if answers_exist:
            raise SurveyStateError("People have already answered this survey, so its questions "
                                   "cannot be added, removed or changed; you can still fix the "
                                   "wording of a question or option.")

    def open(self, now: datetime) -> None:
        if self.state != SurveyState.DRAFT:
            raise SurveyStateError(f"Only a draft can be opened; this survey is "
                                   f"{self.state.label.lower()}.")
        if not self.questions:
            raise SurveyStateError("Add at least one question before opening the survey.")
        if self.audience == Audience.SAMPLE and self.sample_id is None:
            raise SurveyStateError("Choose the sample to invite before opening the survey.")
        self.state, self.opened_at = SurveyState.OPEN, now

    def close(self, now: datetime) -> None:
        if self.state != SurveyState.OPEN:
            raise SurveyStateError(f"Only an open survey can be closed; this one is "
                                   f"{self.state.label.lower()}.")
        self.state, self.closed_at = SurveyState.CLOSED, now

    def publish_results(self, now: datetime) -> None:
        if self.state != SurveyState.CLOSED:
            raise SurveyStateError("Close the survey before publishing its results.")
        self.state, self.published_at = SurveyState.PUBLISHED, now

    def accepts_answers(self, now: datetime) -> bool:
        return self.state == SurveyState.OPEN and (self.closes_at is None or now < self.closes_at)


class Section(db.Model):
    """A page of the survey. ``show_if`` (optional): ``{"question": key, "in": [values]}``."""

    __tablename__ = "survey_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(160))
    intro: Mapped[str] = mapped_column(Text, default="")
    show_if: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    survey: Mapped[Survey] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Question.position", lazy="selectin")


class Question(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_sections.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(String(20))    # stable: export column names come from it
    kind: Mapped[str] = mapped_column(String(20))   # a key of question_types.TYPES
    text: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list[list[str]]] = mapped_column(JSON, default=list)     # [[value, label]]
    statements: Mapped[list[list[str]]] = mapped_column(JSON, default=list)  # matrix rows
    other: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None]
    minimum: Mapped[int | None]
    maximum: Mapped[int | None]
    show_if: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    survey: Mapped[Survey] = relationship()
    section: Mapped[Section] = relationship(back_populates="questions")

    def spec(self) -> QuestionSpec:
        return QuestionSpec(
            key=self.key, kind=self.kind, text=self.text, hint=self.hint or "",
            required=bool(self.required),
            options=tuple((value, label) for value, label in self.options or []),
            statements=tuple((value, label) for value, label in self.statements or []),
            other=bool(self.other), max_choices=self.max_choices, minimum=self.minimum,
            maximum=self.maximum)


class Invitation(db.Model):
    """One resident invited to one survey; the personal link carries its signed id."""

    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("survey_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"),
                                             index=True)
    sample_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("sample_members.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None]
    opted_out_at: Mapped[datetime | None]      # "stop sending me reminders for this survey"

    survey: Mapped[Survey] = relationship()
    resident: Mapped[Resident] = relationship()
    sample_member: Mapped[SampleMember | None] = relationship()


class Response(db.Model):
    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="SET NULL"), unique=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    mode: Mapped[ResponseMode] = mapped_column(db_enum(ResponseMode), default=ResponseMode.ONLINE)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    profile: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # dimension -> category
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    last_section: Mapped[int] = mapped_column(default=0)  # where "save and resume" resumes

    survey: Mapped[Survey] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    entered_by: Mapped[User | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(db.Model):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    value: Mapped[Any] = mapped_column(JSON)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
