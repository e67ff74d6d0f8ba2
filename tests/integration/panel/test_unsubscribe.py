"""Every invitation and reminder has a link that stops emails from the panel without signing
in: opening it changes nothing, its button does, and no more emails go (SQLite, PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Message, Role, utcnow
from panel.models import Resident
from panel.unsubscribe import unsubscribe_link
from surveys import invitations
from tests.conftest import CSRF_RE
from tests.integration.surveys.test_invitations import open_survey

LINK = re.compile(r"To stop emails from the panel: http://localhost(/unsubscribe/\S+)")


def test_the_invitation_links_to_a_page_that_stops_emails(app, client, member, make_user):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    ada = member("ada@example.org")
    invitations.send_invitations(make_user(Role.OFFICER), open_survey())
    body = db.session.scalar(select(Message)).body_text
    link = LINK.search(body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Stop emails from the panel" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Resident, ada.id).contact_by_email  # opening it changes nothing
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    done = client.post(link, data={"csrf_token": token}).get_data(as_text=True)
    assert "You will not get emails from the panel" in done
    db.session.expire_all()
    assert not db.session.get(Resident, ada.id).contact_by_email
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "email_unsubscribed", AuditEvent.object_id == ada.id)) == 1
    later = utcnow() + timedelta(days=8)
    assert invitations.send_reminders(later) == 0  # and the reminder does not go


def test_the_reminder_has_the_link_too(app, member, make_user):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    member("ada@example.org")
    invitations.send_invitations(make_user(Role.OFFICER), open_survey())
    assert invitations.send_reminders(utcnow() + timedelta(days=8)) == 1
    reminder = db.session.scalars(select(Message).order_by(Message.id.desc())).first()
    assert reminder.subject.startswith("Reminder") and LINK.search(reminder.body_text)


def test_a_forged_or_mangled_link_changes_nothing(app, client, member):
    ada = member("ada@example.org")
    link = unsubscribe_link(ada)
    forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    page = client.get(forged.replace("http://127.0.0.1:5000", ""))
    assert page.status_code == 404 and "This link does not work" in page.get_data(as_text=True)
    assert client.post("/unsubscribe/nonsense", data={}).status_code in (400, 404)
    db.session.expire_all()
    assert db.session.get(Resident, ada.id).contact_by_email


def test_the_button_needs_its_csrf_token(app, client, member):
    ada = member("ada@example.org")
    link = unsubscribe_link(ada).replace("http://127.0.0.1:5000", "")
    client.get(link)
    assert client.post(link, data={}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Resident, ada.id).contact_by_email
