"""'Send invitations' first shows how many will be emailed, who, who is left out and why, and
the email itself; only its "Send N invitations" sends, and the number it shows is the number
the job sends (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.jobs import runner as jobs
from core.models import AuditEvent, Job, Message, Role, utcnow
from panel.models import Category, Contact, Dimension, ProfileAnswer, ResidentStatus
from quota.models import MemberRole, Sample, SampleMember, SampleMode
from quota.people import reference
from surveys.models import Audience, Invitation
from tests.conftest import csrf_token_from
from tests.integration.surveys.test_invitations import open_survey


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def in_ward(resident, label: str) -> None:
    ward = db.session.scalar(select(Dimension).where(Dimension.key == "ward")) or \
        Dimension(key="ward", label="Ward")
    category = Category(dimension=ward, key=label.lower().replace(" ", "_"), label=label)
    db.session.add(ProfileAnswer(resident_id=resident.id, dimension=ward, category=category))
    db.session.commit()


def test_the_confirmation_page_shows_who_how_many_and_the_email_and_sends_nothing(
        app, member, make_resident, login):
    ada = member("ada@example.org", first_name="Ada", last_name="Byron")
    in_ward(ada, "Castle Ward")
    member("grace@example.org", first_name="Grace", last_name="Hopper")
    member("no.email@example.org", contact_by_email=False)
    make_resident(email="unconfirmed@example.org")
    member("paused@example.org", status=ResidentStatus.PAUSED,
           paused_until=utcnow() + timedelta(days=30))
    member("left@example.org", status=ResidentStatus.WITHDRAWN)
    busy = member("busy@example.org", first_name="Busy", last_name="Bee")
    for days in (1, 2, 3):  # the default limit: 3 contacts in 90 days
        db.session.add(Contact(resident_id=busy.id, at=utcnow() - timedelta(days=days),
                               purpose="survey_invitation", reference="survey:0"))
    db.session.commit()
    survey = open_survey()
    officer = login(Role.OFFICER)
    response = officer.get(f"/surveys/{survey.id}/invite")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Send 2 invitations?" in page and "Send 2 invitations</button>" in page
    assert "Ada Byron" in page and reference(ada.id) in page and "Castle Ward" in page
    assert "Grace Hopper" in page and "Ward not known" in page
    assert "Busy Bee" not in page
    assert "1 person at the contact limit" in page
    assert "1 person asked not to be contacted by email" in page
    assert "3 people not an active, consenting member with a confirmed email" in page
    finer = page.split("3 people not an active")[1].split("</ul>")[0]
    assert all(f"<li>1 {why}</li>" in finer for why in (
        "left the panel", "paused their membership", "not confirmed their email address"))
    assert "Libraries survey: " in page  # the subject
    assert "Dear [their first name]," in page and "[their own link to the survey]" in page
    assert "We must save £400,000" in page
    assert count(Invitation) == count(Message) == count(Job) == 0  # nothing sent
    viewed = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "survey_invitees_viewed"))
    assert viewed.object_id == survey.id and viewed.detail["to_invite"] == 2


def test_the_number_shown_is_the_number_the_job_sends(app, member, login):
    chosen = [member(f"chosen{n}@example.org") for n in range(3)]
    reserve = member("reserve@example.org", first_name="Reserve", last_name="Person")
    member("outsider@example.org", first_name="Not", last_name="Sampled")
    sample = Sample(name="Libraries sample", mode=SampleMode.SURVEY, size=3, seed=1,
                    algorithm="test", software_version="test", pool_size=4, spec={},
                    inputs={}, report={}, members=[
                        *(SampleMember(resident_id=r.id, role=MemberRole.SELECTED)
                          for r in chosen),
                        SampleMember(resident_id=reserve.id, role=MemberRole.RESERVE, rank=1)])
    db.session.add(sample)
    db.session.commit()
    survey = open_survey(Audience.SAMPLE, sample)
    officer = login(Role.OFFICER)
    page = officer.get(f"/surveys/{survey.id}/invite").get_data(as_text=True)
    shown = int(re.search(r'name="expected" value="(\d+)"', page).group(1))
    assert shown == 3 and "Reserve Person" not in page and "Not Sampled" not in page
    started = officer.post(f"/surveys/{survey.id}/invite", data={
        "csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}/invite"),
        "expected": shown})
    assert started.location.startswith("/jobs/")
    jobs.run_pending_jobs()
    assert count(Invitation) == count(Message) == shown


def test_more_than_fifty_are_counted_and_the_first_fifty_named(app, member, login):
    people = [member(f"r{n}@example.org", first_name="Resident", last_name=f"No{n:02d}")
              for n in range(52)]
    survey = open_survey()
    page = login(Role.OFFICER).get(f"/surveys/{survey.id}/invite").get_data(as_text=True)
    assert "Send 52 invitations?" in page and "The first 50 of 52 people to invite" in page
    assert "Resident No49" in page and "Resident No50" not in page
    assert reference(people[0].id) in page


def test_sending_needs_the_confirmation_and_its_number(app, member, login):
    member("ada@example.org")
    survey = open_survey()
    officer = login(Role.OFFICER)
    token = csrf_token_from(officer, f"/surveys/{survey.id}/invite")
    straight = officer.post(f"/surveys/{survey.id}/invite", data={"csrf_token": token})
    assert straight.status_code == 303
    assert straight.location == f"/surveys/{survey.id}/invite"  # to the confirmation
    member("grace@example.org")  # joined since the page was shown
    stale = officer.post(f"/surveys/{survey.id}/invite",
                         data={"csrf_token": token, "expected": "1"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Nothing was sent" in page and "Send 2 invitations?" in page
    assert officer.post(f"/surveys/{survey.id}/invite",
                        data={"expected": "2"}).status_code == 400  # no CSRF token
    assert count(Job) == count(Invitation) == 0


def test_nobody_to_invite_offers_no_button(app, member, login):
    member("ada@example.org", contact_by_email=False)
    survey = open_survey()
    page = login(Role.OFFICER).get(f"/surveys/{survey.id}/invite").get_data(as_text=True)
    assert "There is nobody to invite now" in page and "<button" not in page.split(
        'id="main-content"')[1]


def test_residents_may_not_see_the_confirmation(app, member, login):
    member("ada@example.org")
    survey = open_survey()
    assert login(Role.RESIDENT).get(f"/surveys/{survey.id}/invite").status_code == 403


def test_the_confirmation_waits_for_an_open_survey(app, member, login):
    member("ada@example.org")
    survey = open_survey()
    survey.close(utcnow())
    db.session.commit()
    officer = login(Role.OFFICER)
    closed = officer.get(f"/surveys/{survey.id}/invite")
    assert closed.location == f"/surveys/{survey.id}"
    assert "Open the survey before sending invitations." in officer.get(
        closed.location).get_data(as_text=True)
