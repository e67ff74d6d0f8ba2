"""A panel member's record as an officer sees it beyond their details: every contact (and
whether it counts against the contact limit), the emails sent to them, what other features add
(``Feature.member_sections``: the samples they were drawn in, say), and resending the email
that confirms their address. Views stay thin; each use case commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.features import PageSection, page_sections, registry
from core.models import AuditEvent, Message, MessageStatus, User, utcnow
from panel import joining
from panel.contact_policy import ContactCap
from panel.models import Contact, Resident

# An officer may send the confirmation email again at most this often for one member (a
# resident's own "send it again" is one click away from their inbox; a double click or a
# worried caller should not fill it).
RESEND_EVERY = timedelta(minutes=10)
MESSAGES_SHOWN = 50

PURPOSES = {"survey_invitation": "Survey invitation", "survey_reminder": "Survey reminder",
            "event_invitation": "Event invitation"}
CHANNELS = {"email": "Email", "post": "Post", "phone": "Phone", "sms": "Text message"}
MESSAGE_STATUS = {MessageStatus.PENDING: "Waiting to be sent", MessageStatus.SENDING: "Sending",
                  MessageStatus.SENT: "Sent", MessageStatus.LOGGED: "Sent (logged only)",
                  MessageStatus.FAILED: "Could not be delivered"}


@dataclass(frozen=True)
class ContactRow:
    at: datetime
    channel: str
    what: str
    about: str  # e.g. the survey's title, when the feature that wrote it names it
    counts: bool  # within the contact limit's window now


def _label(key: str, names: dict[str, str]) -> str:
    return names.get(key) or key.replace("_", " ").capitalize()


def contact_history(resident: Resident, cap: ContactCap,
                    now: datetime | None = None) -> list[ContactRow]:
    """Every contact recorded, newest first."""
    now = now or utcnow()
    contacts = list(db.session.scalars(select(Contact).where(Contact.resident_id == resident.id)
                                       .order_by(Contact.at.desc(), Contact.id.desc())))
    references = sorted({c.reference for c in contacts if c.reference})
    labels: dict[str, str] = {}
    for hook in registry().contact_labels:
        labels.update(hook(references) if references else {})
    start = cap.window_start(now)
    return [ContactRow(c.at, _label(c.channel, CHANNELS), _label(c.purpose, PURPOSES),
                       labels.get(c.reference, ""), start < c.at <= now) for c in contacts]


@dataclass(frozen=True)
class MessageRow:
    id: int
    created_at: datetime
    subject: str
    status: str


def messages_to(resident: Resident) -> list[MessageRow]:
    """The latest emails in the outbox to the member's address, newest first."""
    rows = db.session.execute(
        select(Message.id, Message.created_at, Message.subject, Message.status)
        .where(Message.to_address == resident.user.email)
        .order_by(Message.created_at.desc(), Message.id.desc()).limit(MESSAGES_SHOWN)).all()
    return [MessageRow(r.id, r.created_at, r.subject, MESSAGE_STATUS.get(r.status, r.status))
            for r in rows]


def sections(viewer: User, resident: Resident) -> list[PageSection]:
    """What other features show on the record (samples, surveys), for this viewer."""
    return page_sections(registry().member_sections, viewer, resident)


# --- the confirmation email ------------------------------------------------------------------

def resend_verification(actor: User, resident: Resident, now: datetime | None = None) -> None:
    """Send the member the link that confirms their email address again, as their own "send
    it again" does; audited. Refused once confirmed, or within ``RESEND_EVERY`` of the last."""
    now = now or utcnow()
    if resident.user.verified_at is not None:
        raise DomainError("This member has already confirmed their email address.")
    recent = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "verification_resent", AuditEvent.object_type == "resident",
        AuditEvent.object_id == resident.id, AuditEvent.at > now - RESEND_EVERY).limit(1))
    if recent is not None:
        minutes = int(RESEND_EVERY.total_seconds() // 60)
        raise DomainError(f"The email was sent again in the last {minutes} minutes. Ask the "
                          "member to check their inbox and spam folder before sending another.")
    audit.record(actor, "verification_resent", "resident", resident.id)
    joining.resend_verification(resident.user)  # queues the email and commits
