"""Imported members are invited to confirm (SQLite and PostgreSQL): the officer sends welcome
emails as a job, each member confirms from the link (consents, password), and until then they
are never sampled or invited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from core.extensions import db
from core.jobs import runner as jobs
from core.models import AuditEvent, Job, JobStatus, Message, Role, User, utcnow
from panel import joining, welcome
from panel.models import ConsentKind, Contact, Resident, ResidentStatus
from quota.pool import reachable_residents
from tests.conftest import csrf_token_from
from tests.integration.panel.test_import import (  # noqa: F401  (fixtures)
    GOOD,
    job_id_of,
    officer,
    resident,
    schema,
    start,
    upload,
    uploaded_id,
)

PASSWORD = "copper kettle harbour lantern"  # noqa: S105
pytestmark = pytest.mark.clock("2027-03-01 10:00")


def imported(officer) -> int:  # noqa: F811
    """Ada (special-category consent in the file: her ethnic group and religion are kept) and
    Bob are imported; the import job's id."""
    job_id = job_id_of(start(officer, uploaded_id(upload(officer, GOOD))))
    assert jobs.run_pending_jobs() == [job_id]
    return job_id


def send_welcome(officer) -> int:  # noqa: F811
    token = csrf_token_from(officer, "/panel/import/welcome-emails")
    response = officer.post("/panel/import/welcome-emails", data={"csrf_token": token})
    job_id = job_id_of(response)
    assert jobs.run_pending_jobs() == [job_id]
    db.session.expire_all()
    return job_id


def welcome_link(email: str) -> str:
    body = db.session.scalars(select(Message.body_text).where(Message.to_address == email)
                              .order_by(Message.id.desc())).first()
    assert body is not None, f"no email to {email}"
    return re.search(r"https?://[^/\s]+(/welcome/\S+)", body).group(1)


def emails_to(email: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Message)
                             .where(Message.to_address == email))


def reachable() -> set[int]:
    return set(db.session.scalars(reachable_residents()))


def ticked(page: str, name: str) -> bool:
    box = page[page.index(f'name="{name}"') - 200:]
    return "checked" in box[:box.index(">", 200) + 1]


def confirm_form(**fields: str | None) -> dict[str, str]:
    data = {"membership_consent": "y", "special_category_consent": "y", "password": PASSWORD}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_the_officer_sends_welcome_emails_and_sees_who_confirmed(app, officer):  # noqa: F811
    import_job = imported(officer)
    page = officer.get(f"/jobs/{import_job}").get_data(as_text=True)  # the import's result
    assert "Send welcome emails to 2 imported members who have not confirmed" in page
    page = officer.get("/panel/import").get_data(as_text=True)
    assert "0 of 2 imported members have confirmed their membership" in page
    assert "Send welcome emails to 2 imported members who have not confirmed" in page
    page = officer.get("/panel/import/welcome-emails").get_data(as_text=True)
    assert "Send 2 welcome emails" in page and "do not count towards the contact limit" in page

    job_id = send_welcome(officer)
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.DONE and job.result["sent"] == 2, job.message
    assert emails_to("ada@example.org") == emails_to("bob@example.org") == 1
    message = db.session.scalar(select(Message).where(Message.to_address == "ada@example.org"))
    assert message.subject.startswith("Confirm your membership")
    assert "Dear Ada" in message.body_text and "within 30 days" in message.body_text
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0  # not a contact
    assert "2 welcome emails sent." in officer.get(f"/jobs/{job_id}").get_data(as_text=True)

    # Ada confirms; sending again reaches only Bob, once
    client = app.test_client()
    link = welcome_link("ada@example.org")
    client.post(link, data={"csrf_token": csrf_token_from(client, link), **confirm_form()})
    send_welcome(officer)
    assert (emails_to("ada@example.org"), emails_to("bob@example.org")) == (1, 2)
    page = officer.get("/panel/import").get_data(as_text=True)
    assert "1 of 2 imported members have confirmed" in page
    assert "Send welcome emails to 1 imported member who has not confirmed" in page
    assert db.session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == "welcome_emails_sent").order_by(AuditEvent.id.desc())) == {"sent": 1}


def test_only_officers_send_welcome_emails(schema, login):  # noqa: F811
    client = login(Role.RESIDENT)
    assert client.get("/panel/import/welcome-emails").status_code == 403
    token = csrf_token_from(client, "/account")
    assert client.post("/panel/import/welcome-emails",
                       data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_with_nobody_to_email_nothing_is_sent(officer):  # noqa: F811
    page = officer.get("/panel/import/welcome-emails").get_data(as_text=True)
    assert "nobody to email" in page
    token = csrf_token_from(officer, "/panel/import")
    response = officer.post("/panel/import/welcome-emails", data={"csrf_token": token},
                            follow_redirects=True)
    assert "Every imported member has confirmed" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_confirming_records_consents_sets_the_password_and_makes_them_reachable(
        app, officer):  # noqa: F811
    imported(officer)
    send_welcome(officer)
    ada = resident("ada@example.org")
    assert ada.id not in reachable()  # never sampled or invited before confirming

    client = app.test_client()
    link = welcome_link("ada@example.org")
    page = client.get(link).get_data(as_text=True)
    assert "Confirm your membership" in page and "12 Colne Road, BB11 2DL" in page
    assert not ticked(page, "interested_in_events") and not ticked(page, "membership_consent")
    response = client.post(link, data={"csrf_token": csrf_token_from(client, link),
                                       **confirm_form(interested_in_events="y")})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "you are a member of the panel" in client.get("/account").get_data(as_text=True)

    ada = resident("ada@example.org")
    assert ada.status == ResidentStatus.ACTIVE and ada.interested_in_events
    assert ada.user.verified_at is not None and ada.user.check_password(PASSWORD)
    assert [(c.kind, c.granted, c.privacy_notice_version) for c in ada.consents] == [
        (ConsentKind.MEMBERSHIP, True, app.config["PRIVACY_NOTICE_VERSION"]),
        (ConsentKind.SPECIAL_CATEGORY, True, app.config["PRIVACY_NOTICE_VERSION"])]
    assert {a.dimension.key for a in ada.answers} >= {"ethnic_group", "religion"}
    assert ada.id in reachable()

    used = client.get(link)  # the link did its work
    assert used.status_code == 410
    assert "You have already confirmed" in used.get_data(as_text=True)


def test_without_special_category_consent_the_files_answers_go(app, officer):  # noqa: F811
    imported(officer)
    send_welcome(officer)
    client = app.test_client()
    link = welcome_link("ada@example.org")
    client.post(link, data={"csrf_token": csrf_token_from(client, link),
                            **confirm_form(special_category_consent=None)})
    ada = resident("ada@example.org")
    assert ada.status == ResidentStatus.ACTIVE and not ada.interested_in_events
    assert not ada.has_consent(ConsentKind.SPECIAL_CATEGORY)
    assert {a.dimension.key for a in ada.answers} == {"ward", "sex", "age_band"}
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "membership_confirmed"))
    assert event.detail == {"special_category_consent": False, "special_answers_deleted": 2}


def test_bad_input_is_explained_beside_the_fields_and_nothing_is_saved(app, officer):  # noqa: F811
    imported(officer)
    send_welcome(officer)
    client = app.test_client()
    link = welcome_link("ada@example.org")
    response = client.post(link, data={
        "csrf_token": csrf_token_from(client, link), "special_category_consent": "y",
        "interested_in_events": "y", "password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "govuk-error-summary" in page
    assert page.count("You must agree to be a member of the panel to continue") == 2
    assert "at least 12 characters" in page
    assert "For your security, enter your password again." in page
    assert 'value="short"' not in page
    assert ticked(page, "special_category_consent") and ticked(page, "interested_in_events")

    # the password rule knows their name and address
    response = client.post(link, data={"csrf_token": csrf_token_from(client, link),
                                       **confirm_form(password="ada@example.org")})
    assert response.status_code == 422
    ada = resident("ada@example.org")
    assert ada.status == ResidentStatus.INVITED and ada.consents == []
    assert ada.user.password_hash is None


def test_an_expired_link_offers_a_new_one(app, officer):  # noqa: F811
    imported(officer)
    send_welcome(officer)
    link = welcome_link("ada@example.org")
    client = app.test_client()
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        response = client.get(link)
        page = response.get_data(as_text=True)
        assert response.status_code == 410 and "This link has expired" in page
        assert "/welcome/new-link" in page

        for email in ("ada@example.org", "nobody@example.org", "bob@example.org"):
            token = csrf_token_from(client, "/welcome/new-link")
            response = client.post("/welcome/new-link", data={"csrf_token": token,
                                                              "email": email})
            assert "If that address belongs to a member" in response.get_data(as_text=True)
        assert emails_to("ada@example.org") == emails_to("bob@example.org") == 2
        assert emails_to("nobody@example.org") == 0
        # asking again at once sends nothing more
        client.post("/welcome/new-link", data={
            "csrf_token": csrf_token_from(client, "/welcome/new-link"),
            "email": "ada@example.org"})
        assert emails_to("ada@example.org") == 2
        new = welcome_link("ada@example.org")
        assert new != link and client.get(new).status_code == 200

    assert client.get("/welcome/not-a-token").status_code == 410


def test_a_confirmed_member_asks_for_no_new_link(app, officer):  # noqa: F811
    imported(officer)
    send_welcome(officer)
    client = app.test_client()
    link = welcome_link("bob@example.org")
    client.post(link, data={"csrf_token": csrf_token_from(client, link), **confirm_form()})
    client = app.test_client()
    client.post("/welcome/new-link", data={
        "csrf_token": csrf_token_from(client, "/welcome/new-link"), "email": "bob@example.org"})
    assert emails_to("bob@example.org") == 1


def test_an_invited_member_who_set_a_password_is_not_erased_as_unverified(officer):  # noqa: F811
    imported(officer)
    bob = resident("bob@example.org")
    bob.user.set_password(PASSWORD)  # a password reset before confirming
    db.session.commit()
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        assert joining.expire_unverified(timedelta(days=7)) == 0
    assert db.session.scalar(select(User).where(User.email == "bob@example.org")) is not None


def test_the_welcome_job_emails_each_invited_member_once(officer):  # noqa: F811
    imported(officer)
    actor = db.session.scalar(select(User).where(User.role == Role.OFFICER))
    job = welcome.start_welcome(actor)
    assert welcome.start_welcome(actor).id == job.id  # one job at a time
    jobs.run_pending_jobs()
    assert emails_to("ada@example.org") == emails_to("bob@example.org") == 1
    assert all(r.welcomed_at is not None for r in db.session.scalars(select(Resident)))


def test_an_invited_member_who_signed_in_confirms_from_their_account(app, officer):  # noqa: F811
    imported(officer)
    bob = resident("bob@example.org")
    bob.user.set_password(PASSWORD)  # a password reset before confirming
    db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"csrf_token": csrf_token_from(client), "email":
                                  "bob@example.org", "password": PASSWORD})
    page = client.get("/account").get_data(as_text=True)
    assert "Not confirmed" in page and "/account/confirm-membership" in page
    assert "Resume" not in page and "Left the panel" not in page
    data = client.get("/account/my-data.json")  # their own data, before confirming too
    assert data.status_code == 200 and "bob@example.org" in data.get_data(as_text=True)

    resumed = client.post("/account/resume", data={"csrf_token": csrf_token_from(client,
                                                                                 "/account")})
    assert resumed.headers["Location"] == "/account/confirm-membership"   # no way round it
    assert resident("bob@example.org").status == ResidentStatus.INVITED

    response = client.get("/account/confirm-membership")
    link = response.headers["Location"]
    assert response.status_code == 302 and link.startswith("/welcome/")
    client.post(link, data={"csrf_token": csrf_token_from(client, link),
                            **confirm_form(password="a different long passphrase")})
    assert resident("bob@example.org").status == ResidentStatus.ACTIVE
    assert client.get("/account/confirm-membership").headers["Location"] == "/account"


def test_the_member_list_shows_who_has_not_confirmed(officer):  # noqa: F811
    imported(officer)
    page = officer.get("/panel/members?status=invited").get_data(as_text=True)
    assert "ada@example.org" in page and "bob@example.org" in page
    assert "Not confirmed" in page and "Imported, not confirmed" in page
