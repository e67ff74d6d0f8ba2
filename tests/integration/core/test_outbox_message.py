"""An admin opens one outbox message (audited); the development log shows the decoded text
(issue 15)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from core import mail
from core.extensions import db
from core.models import AuditEvent, Message, MessageStatus, Role

LINK = ("https://panel.example.org/verify-email/eyJ1c2VyIjo0Mn0.a-very-long-signed-token"
        "-that-quoted-printable-would-break-in-two?next=/account")
BODY = f"Dear Ada,\n\nConfirm your email address:\n{LINK}\n\nThe Civic Panel team"


def queued(**fields) -> Message:
    message = mail.queue_message("ada@example.org", "Confirm your email <address>", BODY)
    for name, value in fields.items():
        setattr(message, name, value)
    db.session.commit()
    return message


def test_the_outbox_links_to_each_message(app, login):
    message = queued()
    page = login(Role.ADMIN).get("/outbox").get_data(as_text=True)
    assert f'href="/outbox/{message.id}"' in page


def test_an_admin_opens_a_message_and_it_is_audited(app, login):
    message = queued(status=MessageStatus.PENDING, attempts=2,
                     last_error="SMTPServerDisconnected: Connection unexpectedly closed")
    admin = login(Role.ADMIN)
    response = admin.get(f"/outbox/{message.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1" in page and "Confirm your email &lt;address&gt;" in page  # escaped
    assert "ada@example.org" in page and "Pending" in page
    assert "2 of" in page and "Connection unexpectedly closed" in page
    assert LINK in page and "Dear Ada," in page and "Confirm your email address:<br>" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "viewed_message"))
    assert event is not None and event.object_type == "message"
    assert event.object_id == message.id


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ORGANISER, Role.RESIDENT])
def test_only_admins_open_a_message(app, login, role):
    message = queued()
    assert login(role).get(f"/outbox/{message.id}").status_code in (302, 403)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "viewed_message")) is None


def test_a_message_that_does_not_exist_is_not_found(app, login):
    assert login(Role.ADMIN).get("/outbox/999999").status_code == 404


def test_the_development_log_holds_the_decoded_text(app, caplog):
    app.config.update(SMTP_HOST="")
    message = queued()
    with caplog.at_level(logging.WARNING, logger="core.mail"):
        assert mail.send_pending().sent == [message.id]
    assert LINK in caplog.text  # whole: no soft line break (=\n) cuts it
    assert "=\n" not in caplog.text and "=3D" not in caplog.text
    assert "Content-Transfer-Encoding" not in caplog.text
    assert "To: ada@example.org" in caplog.text
    assert "Subject: Confirm your email <address>" in caplog.text
    assert "Dear Ada,\n\nConfirm your email address:\n" in caplog.text
