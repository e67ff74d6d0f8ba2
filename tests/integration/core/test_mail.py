"""The outbox delivers over real SMTP (aiosmtpd on 127.0.0.1), once, and survives SMTP outages."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import mail
from core.extensions import db
from core.models import Message, MessageStatus, Role, utcnow
from tests.conftest import csrf_token_from
from tests.smtp import SMTPServer


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(app, smtp_server):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_TIMEOUT=5)
    return app


def test_message_arrives_once(smtp_app, smtp_server):
    smtp_server.start()
    queued = mail.queue_message("resident@example.org", "Welcome to the panel",
                                "Thank you for joining.", "<p>Thank you for joining.</p>")
    db.session.commit()
    first = mail.send_pending()
    second = mail.send_pending()
    assert first.sent == [queued.id] and second.sent == []
    assert len(smtp_server.inbox.messages) == 1
    received = smtp_server.inbox.messages[0]
    assert received["To"] == "resident@example.org"
    assert received["Subject"] == "Welcome to the panel"
    assert received["Message-ID"] == queued.message_id
    assert "Thank you for joining." in received.get_body(("plain",)).get_content()
    message = db.session.get(Message, queued.id)
    assert message.status == MessageStatus.SENT and message.sent_at is not None


def test_smtp_down_keeps_message_pending_then_delivers(smtp_app, smtp_server):
    queued = mail.queue_message("resident@example.org", "Your invitation", "Come along.")
    db.session.commit()
    report = mail.send_pending()  # nothing listens on the port yet
    assert report.retrying == [queued.id] and report.sent == []
    message = db.session.get(Message, queued.id)
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1 and message.last_error
    assert message.next_attempt_at > utcnow()

    smtp_server.start()
    assert mail.send_pending().sent == []  # not due yet: backoff is respected
    later = message.next_attempt_at + timedelta(seconds=1)
    assert mail.send_pending(now=later).sent == [queued.id]
    assert len(smtp_server.inbox.messages) == 1
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT and message.attempts == 2


def test_gives_up_after_max_attempts(smtp_app):
    smtp_app.config["MAIL_MAX_ATTEMPTS"] = 2
    queued = mail.queue_message("resident@example.org", "Hello", "Hi")
    db.session.commit()
    mail.send_pending()
    report = mail.send_pending(now=utcnow() + timedelta(hours=3))
    assert report.failed == [queued.id]
    assert db.session.get(Message, queued.id).status == MessageStatus.FAILED


def test_a_claimed_message_is_never_sent_by_another_sender(smtp_app, smtp_server):
    smtp_server.start()
    queued = mail.queue_message("resident@example.org", "Hello", "Hi")
    db.session.commit()
    queued.status = MessageStatus.SENDING  # another sender has claimed it
    db.session.commit()
    assert mail.send_pending().sent == []
    assert smtp_server.inbox.messages == []


def test_without_smtp_messages_are_logged_not_lost(app, caplog):
    queued = mail.queue_message("resident@example.org", "Verify your email", "Your link: x")
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="core.mail"):
        report = mail.send_pending()
    assert report.sent == [queued.id]
    assert "Verify your email" in caplog.text and "resident@example.org" in caplog.text
    assert db.session.get(Message, queued.id).status == MessageStatus.LOGGED


def test_backoff_grows_and_is_capped():
    assert mail.backoff(1) == timedelta(seconds=30)
    assert mail.backoff(2) == timedelta(seconds=60)
    assert mail.backoff(3) == timedelta(seconds=120)
    assert mail.backoff(30) == timedelta(hours=2)


def test_admin_can_send_due_mail_from_the_outbox_page(smtp_app, smtp_server, login):
    smtp_server.start()
    mail.queue_message("resident@example.org", "Hello", "Hi")
    db.session.commit()
    client = login(Role.ADMIN)
    token = csrf_token_from(client, "/outbox")
    page = client.post("/outbox/send", data={"csrf_token": token}, follow_redirects=True)
    assert "Sent 1;" in page.get_data(as_text=True)
    assert len(smtp_server.inbox.messages) == 1
    assert db.session.scalar(select(Message.status)) == MessageStatus.SENT


def test_development_server_delivers_after_the_response(app, smtp_server):
    """The in-process sender: due mail goes out once the response has been sent."""
    from core.config import TestConfig
    from wsgi import create_app

    smtp_server.start()
    dev_app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         MAIL_SEND_AFTER_REQUEST=True, SMTP_HOST="127.0.0.1",
                         SMTP_PORT=smtp_server.port)
    mail.queue_message("resident@example.org", "Hello", "Hi")
    db.session.commit()
    response = dev_app.test_client().get("/")
    assert smtp_server.inbox.messages == []  # not while the request is being answered
    response.close()
    assert len(smtp_server.inbox.messages) == 1
    with dev_app.app_context():
        db.engine.dispose()
