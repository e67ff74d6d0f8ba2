"""Invitations go through the outbox over real SMTP, count against the contact limit, skip whoever
may not be asked, never go twice, and their link opens the survey (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import mail
from core.extensions import db
from core.jobs import runner as jobs
from core.models import AuditEvent, Job, JobStatus, Message, Role, utcnow
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Contact
from quota.models import MemberRole, Sample, SampleMember, SampleMode
from surveys import invitations
from surveys.models import Audience, Invitation, Question, Section, Survey
from tests.conftest import csrf_token_from
from tests.smtp import SMTPServer


def open_survey(audience=Audience.PANEL, sample=None) -> Survey:
    engagement = Engagement(title="Future of our libraries", level=SpectrumLevel.CONSULT,
                            why="We must save £400,000 and want to hear how you use them.")
    survey = Survey(engagement=engagement, title="Libraries survey", audience=audience,
                    sample=sample)
    survey.sections = [Section(title="Your library", questions=[Question(
        survey=survey, key="q1", kind="rating", text="How good is your library?")])]
    db.session.add(survey)
    db.session.flush()
    survey.open(utcnow())
    db.session.commit()
    return survey


def test_the_panel_is_invited_except_those_who_may_not_be_asked(app, member, make_resident,
                                                                make_user):
    ada = member("ada@example.org")
    member("no.email@example.org", contact_by_email=False)
    make_resident(email="unconfirmed@example.org")  # never confirmed, never consented
    busy = member("busy@example.org")
    for days in (1, 2, 3):  # the default limit: 3 contacts in 90 days
        db.session.add(Contact(resident_id=busy.id, at=utcnow() - timedelta(days=days),
                               purpose="survey_invitation", reference="survey:0"))
    db.session.commit()
    survey = open_survey()
    report = invitations.send_invitations(make_user(Role.OFFICER), survey)
    assert report.invited == 1
    assert report.left_out == {"already_invited": 0, "cannot_be_asked": 1, "no_email": 1,
                               "at_contact_limit": 1}
    invitation = db.session.scalar(select(Invitation))
    assert invitation.resident_id == ada.id
    contact = db.session.scalar(select(Contact).where(Contact.resident_id == ada.id))
    assert (contact.purpose, contact.reference) == ("survey_invitation", f"survey:{survey.id}")
    message = db.session.scalar(select(Message))
    assert message.to_address == "ada@example.org"
    assert "Libraries survey" in message.subject and "/surveys/r/" in message.body_text
    assert "We must save £400,000" in message.body_text
    again = invitations.send_invitations(make_user(Role.OFFICER), survey)
    assert again.invited == 0 and again.left_out["already_invited"] == 1
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "survey_invitations_sent")) == 2


def test_a_quota_sample_invites_its_selected_members_and_marks_them(app, member, make_user):
    chosen, reserve = member("chosen@example.org"), member("reserve@example.org")
    sample = Sample(name="Libraries sample", mode=SampleMode.SURVEY, size=1, seed=1,
                    algorithm="test", software_version="test", pool_size=2, spec={},
                    inputs={}, report={}, members=[
                        SampleMember(resident_id=chosen.id, role=MemberRole.SELECTED),
                        SampleMember(resident_id=reserve.id, role=MemberRole.RESERVE, rank=1)])
    db.session.add(sample)
    db.session.commit()
    survey = open_survey(Audience.SAMPLE, sample)
    report = invitations.send_invitations(make_user(Role.OFFICER), survey)
    assert report.invited == 1
    invitation = db.session.scalar(select(Invitation))
    assert invitation.resident_id == chosen.id
    selected = next(m for m in sample.members if m.role == MemberRole.SELECTED)
    assert invitation.sample_member_id == selected.id and selected.invited_at is not None


def test_invitations_wait_for_an_open_survey(app, member, make_user):
    member("ada@example.org")
    survey = open_survey()
    survey.close(utcnow())
    db.session.commit()
    with pytest.raises(invitations.InvitationError, match="Open the survey"):
        invitations.send_invitations(make_user(Role.OFFICER), survey)


def test_the_link_in_the_delivered_email_opens_the_survey(app, member, make_user, client):
    server = SMTPServer()
    server.start()
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_TIMEOUT=5,
                          PUBLIC_BASE_URL="http://localhost")
        member("ada@example.org")
        invitations.send_invitations(make_user(Role.OFFICER), open_survey())
        assert mail.send_pending().sent
        received = server.inbox.messages[0]
        assert received["To"] == "ada@example.org"
        body = received.get_body(("plain",)).get_content()
    finally:
        server.stop()
    link = re.search(r"http://localhost(/surveys/r/\S+)", body).group(1)
    start = client.get(link)
    assert start.status_code == 303
    page = client.get(start.location).get_data(as_text=True)
    assert "How good is your library?" in page


def confirmed(officer, survey) -> dict[str, str]:
    """The form of the confirmation page (its token, and the number it showed)."""
    page = officer.get(f"/surveys/{survey.id}/invite").get_data(as_text=True)
    expected = re.search(r'name="expected" value="(\d+)"', page).group(1)
    return {"csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}/invite"),
            "expected": expected}


def test_an_officer_sends_invitations_from_the_editor_as_a_job(app, member, make_resident,
                                                               login):
    member("ada@example.org")
    make_resident(email="unconfirmed@example.org")
    survey = open_survey()
    officer = login(Role.OFFICER)
    editor = officer.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert f'href="/surveys/{survey.id}/invite"' in editor  # a link to the confirmation
    form = confirmed(officer, survey)
    assert form["expected"] == "1"
    started = officer.post(f"/surveys/{survey.id}/invite", data=form)
    assert started.status_code == 303
    waiting = officer.get(started.location).get_data(as_text=True)
    assert "Waiting to start sending invitations" in waiting and 'hx-trigger="load delay:1s"' \
        in waiting
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    again = officer.post(f"/surveys/{survey.id}/invite", data=form)  # a double click
    assert again.location == started.location  # the same job, not a second one
    assert "Invitations for this survey are already being sent." in \
        officer.get(again.location).get_data(as_text=True)
    assert len(jobs.run_pending_jobs()) == 1
    done = officer.get(started.location, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1 invitation sent" in done and "hx-trigger" not in done
    assert "1 person not an active, consenting member with a confirmed email" in done
    assert "<html" not in done  # htmx gets the progress fragment alone
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    job = db.session.scalar(select(Job))
    assert job.status == JobStatus.DONE and (job.done, job.total) == (2, 2)  # people checked


def test_an_invitation_job_that_cannot_send_says_why_and_saves_nothing(app, member, login):
    member("ada@example.org")
    survey = open_survey()
    officer = login(Role.OFFICER)
    started = officer.post(f"/surveys/{survey.id}/invite", data=confirmed(officer, survey))
    survey.close(utcnow())  # closed before the job runner got to it
    db.session.commit()
    jobs.run_pending_jobs()
    page = officer.get(started.location).get_data(as_text=True)
    assert "Open the survey before sending invitations." in page
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_an_invitation_job_page_is_for_officers_and_its_own_survey(app, member, login):
    member("ada@example.org")
    survey, other = open_survey(), open_survey()
    officer = login(Role.OFFICER)
    location = officer.post(f"/surveys/{survey.id}/invite",
                            data=confirmed(officer, survey)).location
    job_id = int(location.rsplit("/", 1)[1])
    assert location == f"/jobs/{job_id}"  # the one job page
    old = f"/surveys/{survey.id}/invite/{job_id}"  # its old address still leads there
    assert officer.get(old).location == location
    assert officer.get(old.replace(f"/surveys/{survey.id}/",
                                   f"/surveys/{other.id}/")).status_code == 404
    officer.post("/sign-out", data={"csrf_token": csrf_token_from(officer, "/")})
    assert officer.get(location).status_code in (302, 401)  # signed out: to the sign-in page


def test_invitation_progress_is_reported_as_the_job_goes(app, member, make_user):
    for n in range(5):
        member(f"resident{n}@example.org")
    survey = open_survey()
    job = invitations.start_invitations(make_user(Role.OFFICER), survey)
    seen = []

    class Recorder(jobs.Progress):
        def __call__(self, done, *, total=None, message=None):
            seen.append((done, total))
            super().__call__(done, total=total, message=message)

    original = invitations.PROGRESS_EVERY
    invitations.PROGRESS_EVERY = 2
    try:
        report = invitations.invite(make_user(Role.OFFICER), survey, Recorder(job.id))
    finally:
        invitations.PROGRESS_EVERY = original
    assert report.invited == 5
    # PostgreSQL shows progress as it goes; SQLite (one writer) only the start, then the end
    steps = [(2, None), (4, None)] if db.engine.dialect.name == "postgresql" else []
    assert seen == [(0, 5), *steps]
    db.session.commit()
    assert db.session.get(Job, job.id).total == 5


def test_a_job_racing_another_stops_cleanly_and_nobody_is_invited_twice(app, member,
                                                                        make_user):
    ada = member("ada@example.org")
    survey = open_survey()
    job = invitations.start_invitations(make_user(Role.OFFICER), survey)

    class RivalJob(jobs.Progress):
        """At the start, another job (another connection) invites Ada first."""

        def __call__(self, done, *, total=None, message=None):
            if done == 0:
                with db.engine.connect() as rival:
                    rival.execute(Invitation.__table__.insert().values(
                        survey_id=survey.id, resident_id=ada.id, invited_at=utcnow(),
                        last_sent_at=utcnow(), reminders_sent=0))
                    rival.commit()
            super().__call__(done, total=total, message=message)

    with pytest.raises(jobs.JobFailed, match="Another job was sending"):
        invitations.run_invitation_job(job, RivalJob(job.id))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
