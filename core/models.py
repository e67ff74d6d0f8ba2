"""The host's persistent state: accounts, settings, the outbox, audit log, jobs and uploads.
Typed SQLAlchemy 2 models; no commits, no web objects, no feature's models."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from core.auth.passwords import require_strong
from core.extensions import db


def utcnow() -> datetime:
    """Naive UTC: stored and compared the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_session_token() -> str:
    return secrets.token_hex(16)


def db_enum(cls: type[enum.Enum]) -> Enum:
    """Store enums by value, as portable VARCHAR + CHECK (no native PostgreSQL enum types)."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        name=cls.__name__.lower(),
    )


class Role(enum.StrEnum):
    RESIDENT = "resident"
    OFFICER = "officer"
    ORGANISER = "organiser"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"resident": "Resident", "officer": "Engagement officer",
                "organiser": "Event organiser", "admin": "Administrator"}[self.value]


STAFF_ROLES = frozenset({Role.OFFICER, Role.ORGANISER, Role.ADMIN})


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(db_enum(Role), default=Role.RESIDENT)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # In every session cookie (see get_id); a new one ends every session of the account:
    # signing out, a new password, a new role or deactivation.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @validates("email")
    def _normalise(self, _key: str, email: str) -> str:
        return self.normalise_email(email)

    def set_password(self, password: str) -> None:
        """Raises ``WeakPassword`` (plain English) unless the password passes the one rule.
        Ends every session of the account."""
        require_strong(password, user_inputs=[self.email or "", self.display_name or ""])
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every session cookie issued so far stops working (checked in ``auth.load_user``)."""
        self.session_token = new_session_token()

    @validates("role", "is_active_account")
    def _end_sessions_on_change(self, key: str, value: Any) -> Any:
        if getattr(self, key) is not None and getattr(self, key) != value:
            self.end_sessions()
        return value

    def get_id(self) -> str:
        """Flask-Login keeps this in the session (and any remember cookie): id and token."""
        return f"{self.id}:{self.session_token}"

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot sign in
        return self.is_active_account

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: Role) -> bool:
        """Admins may do everything staff may do; otherwise the role must be listed."""
        if self.role == Role.ADMIN and any(r in STAFF_ROLES for r in roles):
            return True
        return self.role in roles


class Setting(db.Model):
    """Small key/value settings an admin can change (e.g. the contact cap)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    LOGGED = "logged"
    FAILED = "failed"


class Message(db.Model):
    """An outgoing email. A row first; the outbox sender delivers it (see panel.mail)."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Text files sent with it (e.g. a calendar file): [{"filename", "content_type", "content"}]
    attachments: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[MessageStatus] = mapped_column(
        db_enum(MessageStatus), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class AuditEvent(db.Model):
    """Who did or saw what. Never holds personal data beyond the actor and the object's id."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """Long work (imports, large draws, bulk invitations) with progress a page can poll."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[JobStatus] = mapped_column(db_enum(JobStatus), default=JobStatus.QUEUED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def percent(self) -> int:
        return 100 if self.status == JobStatus.DONE else (
            int(100 * self.done / self.total) if self.total else 0)


class Upload(db.Model):
    """A file an officer uploaded (e.g. a panel to import), kept until the work on it is done."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
