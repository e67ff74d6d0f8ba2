"""Up to two reminders to non-responders on the survey's schedule, never after they answer or
stop them; each is a contact; the scheduler runs them with flask surveys send-reminders."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import Message, Role, utcnow
from panel.models import Contact
from surveys import invitations
from surveys.models import Invitation, Response
from tests.integration.surveys.test_invitations import open_survey


def invite_one(member, make_user):  # noqa: F811 (the fixture imported above)
    resident = member("ada@example.org")
    survey = open_survey()
    invitations.send_invitations(make_user(Role.OFFICER), survey)
    return resident, survey, db.session.scalar(select(Invitation))


def reminders(resident_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Contact).where(
        Contact.resident_id == resident_id, Contact.purpose == "survey_reminder"))


def test_two_reminders_on_the_schedule_and_no_more(app, member, make_user):  # noqa: F811
    resident, survey, invitation = invite_one(member, make_user)
    day = invitation.invited_at
    assert invitations.send_reminders(day + timedelta(days=6)) == 0
    assert invitations.send_reminders(day + timedelta(days=7, hours=1)) == 1
    assert invitations.send_reminders(day + timedelta(days=8)) == 0  # the next is at 14 days
    assert invitations.send_reminders(day + timedelta(days=15)) == 1
    assert invitations.send_reminders(day + timedelta(days=40)) == 0
    assert reminders(resident.id) == 2
    subjects = db.session.scalars(select(Message.subject).order_by(Message.id)).all()
    assert subjects[1] == "Reminder: Libraries survey"
    assert subjects[2] == "Last reminder: Libraries survey"
    last = db.session.scalars(select(Message).order_by(Message.id.desc())).first()
    assert "/surveys/r/" in last.body_text and "/stop" in last.body_text


def test_no_reminder_after_answering(app, member, make_user):  # noqa: F811
    resident, survey, invitation = invite_one(member, make_user)
    db.session.add(Response(survey_id=survey.id, invitation_id=invitation.id,
                            submitted_at=utcnow()))
    db.session.commit()
    assert invitations.send_reminders(invitation.invited_at + timedelta(days=8)) == 0


def test_no_reminder_once_stopped_from_the_link(app, member, make_user, client):  # noqa: F811
    resident, survey, invitation = invite_one(member, make_user)
    invitations.send_reminders(invitation.invited_at + timedelta(days=8))
    body = db.session.scalars(select(Message.body_text).order_by(Message.id.desc())).first()
    stop = re.search(r"https?://[^/\s]+(/surveys/r/\S+/stop)", body).group(1)
    page = client.get(stop).get_data(as_text=True)
    assert "Stop reminders about Libraries survey?" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post(stop, data={"csrf_token": token}).get_data(as_text=True)
    assert "We will not remind you again" in done
    assert invitations.send_reminders(invitation.invited_at + timedelta(days=15)) == 0


def test_no_reminder_to_someone_who_has_since_turned_email_off(app, member,  # noqa: F811
                                                               make_user):
    resident, survey, invitation = invite_one(member, make_user)
    resident.contact_by_email = False
    db.session.commit()
    assert invitations.send_reminders(invitation.invited_at + timedelta(days=8)) == 0


def test_the_scheduler_command_queues_what_is_due(app, member, make_user):  # noqa: F811
    _, _, invitation = invite_one(member, make_user)
    invitation.invited_at = utcnow() - timedelta(days=8)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["surveys", "send-reminders"])
    assert result.exit_code == 0 and "1 reminder queued." in result.output
