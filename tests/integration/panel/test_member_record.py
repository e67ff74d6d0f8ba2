"""An officer acts on a member's record at their request: pause (GOV.UK date messages), resume,
withdraw (confirmed), resend the confirmation email; and sees the full contact history, the
emails sent, the samples and surveys (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Message, Role
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Contact, ResidentStatus
from quota.models import MemberRole, Sample, SampleMember, SampleMode
from surveys.models import Invitation, Survey
from tests.conftest import csrf_token_from

pytestmark = pytest.mark.clock("2026-06-10 10:00")


def record(client, resident) -> str:  # noqa: ANN001
    return client.get(f"/panel/members/{resident.id}").get_data(as_text=True)


def post(client, url: str, **data: str):  # noqa: ANN001, ANN201
    return client.post(url, data={"csrf_token": csrf_token_from(client, url), **data})


def pause_data(day: str, month: str, year: str, asked: str = "phone") -> dict[str, str]:
    return {"until": [day, month, year], "asked": asked}  # type: ignore[dict-item]


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("day,month,year,message", [
    ("", "", "", "Enter the date to pause until"),
    ("31", "2", "2027", "Date to pause until must be a real date"),
    ("3", "", "2027", "Date to pause until must include a day, month and year"),
    ("10", "6", "2026", "Date to pause until must be in the future"),
    ("12", "6", "2027", "Date to pause until must be within a year from today"),
])
def test_pause_dates_are_checked_in_plain_english(login, member, day, month, year, message):
    resident = member("ada@example.org")
    client = login(Role.OFFICER)
    url = f"/panel/members/{resident.id}/pause"
    response = client.post(url, data={"csrf_token": csrf_token_from(client, url),
                                      "until": [day, month, year], "asked": "phone"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "There is a problem" in page and "<title>Error:" in page
    assert db.session.get(type(resident), resident.id).status == ResidentStatus.ACTIVE


def test_officer_pauses_resumes_and_withdraws_at_the_members_request(login, member):
    resident = member("ada@example.org")
    client = login(Role.OFFICER)
    page = record(client, resident)
    assert f"/panel/members/{resident.id}/pause" in page and "Resume membership" not in page

    url = f"/panel/members/{resident.id}/pause"
    missing_how = client.post(url, data={"csrf_token": csrf_token_from(client, url),
                                         "until": ["1", "9", "2026"]})
    assert "Select how the member asked" in missing_how.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token_from(client, url),
                                      "until": ["1", "9", "2026"], "asked": "phone"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "paused until 1 September 2026" in page and "Resume membership" in page
    db.session.refresh(resident)
    assert resident.status == ResidentStatus.PAUSED
    assert resident.paused_until == datetime(2026, 9, 1)
    [paused] = events("member_paused")
    assert paused.object_id == resident.id and paused.detail == {
        "requested_by": "resident", "asked": "phone", "until": "2026-09-01"}

    response = post(client, f"/panel/members/{resident.id}/resume", asked="email")
    assert response.status_code == 303
    db.session.refresh(resident)
    assert resident.status == ResidentStatus.ACTIVE and resident.paused_until is None
    assert events("member_resumed")[0].detail["asked"] == "email"

    url = f"/panel/members/{resident.id}/withdraw"
    unconfirmed = post(client, url, asked="letter")
    assert unconfirmed.status_code == 422
    assert "Tick the box to confirm the member asked to leave" in unconfirmed.get_data(
        as_text=True)
    db.session.refresh(resident)
    assert resident.status == ResidentStatus.ACTIVE
    assert post(client, url, asked="letter", confirm="y").status_code == 303
    db.session.refresh(resident)
    assert resident.status == ResidentStatus.WITHDRAWN
    assert resident.consents[-1].granted is False
    assert events("member_withdrawn")[0].detail["asked"] == "letter"
    page = record(client, resident)
    assert "Only they can rejoin" in page and f"/panel/members/{resident.id}/pause" not in page


def test_a_residents_own_pause_keeps_its_wording_and_is_not_audited_as_staff(member, app):
    from datetime import date

    from panel import membership
    from panel.membership import FieldError

    resident = member("ada@example.org")
    with pytest.raises(FieldError, match="The date you want to be contacted again"):
        membership.pause(resident, date(2026, 6, 1))
    membership.pause(resident, date(2026, 7, 1), actor=resident.user)
    assert events("member_paused") == []


@pytest.mark.parametrize("role,status", [(Role.RESIDENT, 403), (Role.ORGANISER, 403),
                                         (Role.ADMIN, 303)])
def test_only_officers_and_admins_act(login, member, role, status):
    resident = member("ada@example.org")
    client = login(role)
    token = csrf_token_from(client, "/dashboard" if role != Role.RESIDENT else "/account")
    response = client.post(f"/panel/members/{resident.id}/pause",
                           data={"csrf_token": token, "until": ["1", "9", "2026"],
                                 "asked": "phone"})
    assert response.status_code == status


def test_actions_need_the_csrf_token(login, member):
    resident = member("ada@example.org")
    client = login(Role.OFFICER)
    for action in ("pause", "resume", "withdraw", "resend-confirmation"):
        response = client.post(f"/panel/members/{resident.id}/{action}",
                               data={"until": ["1", "9", "2026"], "asked": "phone",
                                     "confirm": "y"})
        assert response.status_code in (400, 422), action
    db.session.refresh(resident)
    assert resident.status == ResidentStatus.ACTIVE


def test_resend_the_confirmation_email(login, make_resident):
    resident = make_resident(email="new@example.org")
    client = login(Role.OFFICER)
    page = record(client, resident)
    assert "Send the confirmation email again" in page
    url = f"/panel/members/{resident.id}/resend-confirmation"
    token = csrf_token_from(client, f"/panel/members/{resident.id}")
    response = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "sent the confirmation email to new@example.org again" in response.get_data(
        as_text=True)
    sent = list(db.session.scalars(select(Message).where(Message.to_address == "new@example.org")))
    assert len(sent) == 1
    assert events("verification_resent")[0].object_id == resident.id
    again = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "in the last 10 minutes" in again.get_data(as_text=True)
    assert db.session.scalar(select(Message.id).where(Message.id != sent[0].id)) is None
    # The emails sent show on the record.
    assert sent[0].subject in record(client, resident)


def test_resend_is_refused_once_confirmed(login, member):
    resident = member("ada@example.org")
    client = login(Role.OFFICER)
    assert "Send the confirmation email again" not in record(client, resident)
    token = csrf_token_from(client, f"/panel/members/{resident.id}")
    page = client.post(f"/panel/members/{resident.id}/resend-confirmation",
                       data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "already confirmed" in page
    assert db.session.scalar(select(Message.id)) is None


def test_contact_history_names_the_survey_and_what_counts(login, member):
    resident = member("ada@example.org")
    survey = Survey(engagement=Engagement(title="Libraries", level=SpectrumLevel.CONSULT,
                                          why="Why"), title="Future of our libraries")
    db.session.add(survey)
    db.session.flush()
    now = datetime(2026, 6, 10, 10, 0)
    db.session.add_all([
        Contact(resident_id=resident.id, at=now - timedelta(days=5),
                purpose="survey_invitation", reference=f"survey:{survey.id}"),
        Contact(resident_id=resident.id, at=now - timedelta(days=200),
                purpose="survey_reminder", reference=f"survey:{survey.id}"),
        Invitation(survey=survey, resident=resident, invited_at=now - timedelta(days=5)),
        Sample(name="Parks panel", mode=SampleMode.FAIR, size=1, seed=1, algorithm="test",
               software_version="test", pool_size=1, spec={"dimensions": []}, inputs={}, report={},
               created_at=now - timedelta(days=7),
               members=[SampleMember(resident=resident, role=MemberRole.RESERVE, rank=2)]),
    ])
    db.session.commit()
    client = login(Role.OFFICER)
    page = record(client, resident)
    assert "Survey invitation: Future of our libraries" in page
    assert "Survey reminder: Future of our libraries" in page
    assert "The contact limit is 3 contacts in any 90 days" in page
    assert "1 of their contacts counts towards it now" in page
    assert page.index("Survey invitation") < page.index("Survey reminder")  # newest first
    # Samples (quota's section) and surveys (surveys' section), linked.
    sample_id = db.session.scalar(select(Sample.id))
    assert f'href="/quota/samples/{sample_id}">Parks panel</a>' in page
    assert "Reserve (2)" in page and "Fair panel" in page
    assert f'href="/surveys/{survey.id}">Future of our libraries</a>' in page


@pytest.mark.parametrize("role,linked", [(Role.OFFICER, False), (Role.ADMIN, True)])
def test_emails_link_to_the_outbox_only_for_admins(login, member, role, linked):
    resident = member("ada@example.org")
    db.session.add(Message(to_address="ada@example.org", subject="Your invitation",
                           body_text="Hi", message_id="<1@example.org>"))
    db.session.commit()
    message_id = db.session.scalar(select(Message.id))
    page = record(login(role), resident)
    assert "Your invitation" in page and "Waiting to be sent" in page
    assert (f'href="/outbox/{message_id}">Your invitation</a>' in page) is linked
