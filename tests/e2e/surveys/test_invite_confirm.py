"""'Send invitations' shows who and how many first; "Send 3 invitations" then starts the job,
whose page shows the outcome. Both pages are axe-clean."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.jobs.runner import run_pending_jobs
from core.models import Role, User, utcnow
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident
from quota.models import MemberRole, Sample, SampleMember, SampleMode
from surveys.models import Audience, Invitation, Question, Section, Survey
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

OFFICER = "invite.officer@burnley.example"


def sampled_survey(live_server) -> int:
    """An open survey for a sample of three members (and one reserve, not invited)."""
    live_server.add_members("invite.confirm{}@example.org", [{}, {}, {}, {}])
    with live_server.app.app_context():
        ids = db.session.scalars(select(Resident.id).join(Resident.user).where(
            User.email.like("invite.confirm%")).order_by(Resident.id)).all()
        sample = Sample(name="Invitations sample", mode=SampleMode.SURVEY, size=3, seed=1,
                        algorithm="test", software_version="test", pool_size=4, spec={},
                        inputs={}, report={}, members=[
                            *(SampleMember(resident_id=i, role=MemberRole.SELECTED)
                              for i in ids[:3]),
                            SampleMember(resident_id=ids[3], role=MemberRole.RESERVE, rank=1)])
        engagement = Engagement(title="Parks", level=SpectrumLevel.CONSULT,
                                why="We want to know how you use the parks.")
        survey = Survey(engagement=engagement, title="Parks survey", audience=Audience.SAMPLE,
                        sample=sample)
        survey.sections = [Section(title="Your park", questions=[Question(
            survey=survey, key="q1", kind="rating", text="How good is your park?")])]
        db.session.add(survey)
        db.session.flush()
        survey.open(utcnow())
        db.session.commit()
        return survey.id


def test_invitations_are_confirmed_then_sent_as_a_job(page: Page, live_server) -> None:
    errors = watch_console(page)
    survey_id = sampled_survey(live_server)
    live_server.create_user(Role.OFFICER, OFFICER)
    sign_in(page, OFFICER)
    page.goto(f"{live_server.url}/surveys/{survey_id}")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send 3 invitations?")
    table = page.get_by_role("table", name="Who will be invited")
    expect(table.get_by_role("row")).to_have_count(4)  # the header and three people
    expect(page.locator("#invitation-email-text")).to_contain_text("Dear [their first name],")
    assert_accessible(page)
    with live_server.app.app_context():  # nothing is sent before the confirmation
        assert db.session.scalar(select(Invitation.id).join(Invitation.survey).where(
            Survey.id == survey_id)) is None

    page.get_by_role("button", name="Send 3 invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sending invitations")
    with live_server.app.app_context():
        run_pending_jobs()
    expect(page.get_by_role("heading", name="3 invitations sent")).to_be_visible(timeout=10000)
    assert_accessible(page)
    assert not errors
