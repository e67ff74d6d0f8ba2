"""The outbox. A message is a database row first; ``send_pending`` delivers due rows over SMTP.

Guarantees: a message is claimed atomically (pending -> sending) before it is handed to SMTP, so two
senders never both send it; a failed attempt goes back to pending with exponential backoff and
becomes failed after MAIL_MAX_ATTEMPTS; nothing is deleted. Without SMTP_HOST (development) each
message is written to the log once and marked ``logged`` instead of being lost.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select, update

from core import audit
from core.extensions import db
from core.models import Message, MessageStatus, User, utcnow

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=2)


def queue_message(to: str, subject: str, body_text: str, body_html: str | None = None,
                  attachments: list[dict[str, str]] | None = None) -> Message:
    """Add a message to the outbox in the caller's transaction (the caller commits).
    ``attachments``: text files, ``{"filename", "content_type", "content"}`` each."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">") or "localhost"
    message = Message(
        to_address=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=attachments or None,
        message_id=make_msgid(domain=domain),
    )
    db.session.add(message)
    return message


def queue_templated(to: str, template: str, *,
                    attachments: list[dict[str, str]] | None = None, **context: Any) -> Message:
    """Queue ``templates/email/<template>.txt``: its first line is ``Subject: ...``."""
    text = render_template(f"email/{template}.txt", **context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"email/{template}.txt must start with a 'Subject: ' line")
    return queue_message(to, first.removeprefix("Subject: ").strip(), body.lstrip("\n"),
                         attachments=attachments)


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an email, on PUBLIC_BASE_URL (works outside a request, e.g. from the CLI)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme or "https",
                                       script_name=base.path or "/")
    return adapter.build(endpoint, values, force_external=True)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at two hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


class Transport(Protocol):
    def send(self, email: EmailMessage) -> None: ...
    def close(self) -> None: ...


class SMTPTransport:
    """One SMTP connection, opened on first use and reused for a batch."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c["SMTP_SSL"]:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"],
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"])
            if c["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
        if c["SMTP_USERNAME"]:
            smtp.login(c["SMTP_USERNAME"], c["SMTP_PASSWORD"])
        return smtp

    def send(self, email: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(email)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except smtplib.SMTPException:
                pass
            except OSError:
                pass
            self._smtp = None


class LogTransport:
    """Development without SMTP: write the message to the log as a person reads it.

    Its headers, then the decoded text body (not the quoted-printable wire form, whose soft
    line breaks cut links in two), so a link can be copied from the log as it is.
    """

    def send(self, email: EmailMessage) -> None:
        log.warning("SMTP_HOST is not set; message logged, not sent:\n%s", readable(email))

    def close(self) -> None:
        return None


def readable(email: EmailMessage) -> str:
    """The headers and the decoded plain-text body of ``email``."""
    headers = "\n".join(f"{name}: {value}" for name, value in email.items()
                        if name in ("From", "To", "Subject", "Message-ID"))
    body = email.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return f"{headers}\n\n{text}"


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def build_email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attached in message.attachments or []:
        maintype, _, subtype = attached["content_type"].partition("/")
        email.add_attachment(attached["content"].encode(), maintype=maintype,
                             subtype=subtype or "octet-stream", filename=attached["filename"])
    return email


def _claim(message_id: int) -> bool:
    """Atomically move one message from pending to sending; False if another sender has it."""
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.PENDING)
        .values(status=MessageStatus.SENDING)
    )
    db.session.commit()
    return result.rowcount == 1


def send_pending(now: datetime | None = None, limit: int = 200) -> SendReport:
    """Deliver every due pending message (oldest first). Safe to run from several processes."""
    now = now or utcnow()
    config = current_app.config
    logged = not config["SMTP_HOST"]
    transport: Transport = LogTransport() if logged else SMTPTransport(config)
    report = SendReport()
    due = db.session.scalars(
        select(Message.id)
        .where(Message.status == MessageStatus.PENDING, Message.next_attempt_at <= now)
        .order_by(Message.next_attempt_at, Message.id)
        .limit(limit)
    ).all()
    try:
        for message_id in due:
            if not _claim(message_id):
                continue
            message = db.session.get(Message, message_id)
            assert message is not None
            try:
                transport.send(build_email(message, config["MAIL_FROM"]))
            except (OSError, smtplib.SMTPException) as exc:
                _record_failure(message, exc, now, config["MAIL_MAX_ATTEMPTS"], report)
                transport.close()
                if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
                    break  # the server is unreachable: leave the rest for the next run
                continue
            message.status = MessageStatus.LOGGED if logged else MessageStatus.SENT
            message.attempts += 1
            message.sent_at = utcnow()
            message.last_error = ""
            db.session.commit()
            report.sent.append(message.id)
    finally:
        transport.close()
    return report


def _record_failure(
    message: Message, exc: Exception, now: datetime, max_attempts: int, report: SendReport
) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= max_attempts:
        message.status = MessageStatus.FAILED
        report.failed.append(message.id)
    else:
        message.status = MessageStatus.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
        report.retrying.append(message.id)
    db.session.commit()
    log.warning("Message %s not delivered (attempt %s): %s", message.id, message.attempts, exc)


def recent_messages(actor: User, limit: int = 100) -> list[Message]:
    """The newest outbox messages, for an admin. Viewing recipients is audited."""
    messages = list(db.session.scalars(
        select(Message).order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)
    ))
    audit.record(actor, "viewed_outbox", "message", None, shown=len(messages))
    db.session.commit()
    return messages


def get_message(message_id: int) -> Message | None:
    return db.session.get(Message, message_id)


def record_viewed(actor: User, message: Message) -> None:
    """An admin opened one message: its recipient and the text sent to them (audited)."""
    audit.record(actor, "viewed_message", "message", message.id)
    db.session.commit()
