"""An imported member is invited to confirm: the officer sends the welcome emails (a job), the
email arrives over real SMTP, the member confirms from its link (consents, a password) and is
then in the sample pool and drawn; every page is axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Role, User
from panel.imports import service as import_service
from panel.models import ConsentKind, Resident, ResidentStatus, TargetSet
from quota.models import SampleMode
from quota.pool import SampleSpec, build_pool
from quota.services import draw_sample
from tests.e2e.conftest import assert_accessible, sign_in, watch_console
from tests.e2e.panel.test_import import run_jobs

EMAIL = "invited-ada@example.org"
PASSWORD = "copper kettle harbour lantern"  # noqa: S105
PANEL_FILE = ("Email address,First name,Surname,Address line 1,Postcode,Year of birth,Sex,"
              "Agreed to join\n"
              f"{EMAIL},Ada,Lovelace,12 Colne Road,BB11 2DL,1990,Female,yes\n").encode()
COLUMNS = {0: "email", 1: "first_name", 2: "last_name", 3: "address_line", 4: "postcode",
           5: "year_of_birth", 6: "dimension:sex", 7: "membership_consent"}


def import_ada(live_server, officer_email: str) -> None:  # noqa: ANN001
    """Ada comes in from an old panel file, as the import pages would bring her."""
    live_server.add_members("invited.other{}@example.org", [])  # the default target set
    with live_server.app.app_context():
        officer = db.session.scalar(select(User).where(User.email == officer_email))
        upload, _ = import_service.store_upload(officer, "old panel.csv", PANEL_FILE)
        import_service.start_import(officer, upload, COLUMNS, expected=1,
                                    privacy_notice_version="test")
        db.session.remove()
    run_jobs(live_server)


def ada(live_server) -> tuple[int, ResidentStatus]:  # noqa: ANN001
    with live_server.app.app_context():
        resident = db.session.scalar(select(Resident).join(User).where(User.email == EMAIL))
        found = resident.id, resident.status
        db.session.remove()
        return found


def test_an_imported_member_confirms_from_the_welcome_email_and_is_sampled(
        page: Page, live_server) -> None:  # noqa: ANN001
    officer = "welcome.officer@burnley.example"
    live_server.create_user(Role.OFFICER, officer)
    import_ada(live_server, officer)
    resident_id, status = ada(live_server)
    assert status == ResidentStatus.INVITED
    errors = watch_console(page)

    sign_in(page, officer)
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_text(re.compile(r"imported members have confirmed"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Send welcome emails to \d+ imported")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send welcome emails")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Send \d+ welcome emails?$")).click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    assert_accessible(page)
    run_jobs(live_server)
    page.reload()  # the page after the job: the outbox sends once the response is out
    expect(page.get_by_role("heading", name="Welcome emails sent")).to_be_visible()
    assert_accessible(page)

    email = live_server.smtp.wait_for(EMAIL)
    assert email["Subject"].startswith("Confirm your membership")
    link = re.search(r"https?://\S+/welcome/\S+", email.get_body(("plain",)).get_content())
    assert link is not None

    page.context.clear_cookies()  # the officer's browser is now Ada's
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your membership")
    expect(page.get_by_text("12 Colne Road, BB11 2DL")).to_be_visible()
    expect(page.get_by_label("I am interested in taking part")).not_to_be_checked()
    assert_accessible(page)

    page.get_by_label("I give my explicit consent").check()
    page.get_by_label("Create a password").fill("short")
    page.get_by_role("button", name="Confirm my membership").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("You must agree to be a member of the panel to continue")
    expect(summary).to_contain_text("at least 12 characters")
    expect(page.get_by_text("For your security, enter your password again.")).to_be_visible()
    expect(page.get_by_label("I give my explicit consent")).to_be_checked()  # nothing lost
    assert_accessible(page)

    page.get_by_label("I want to be a member of the panel").check()
    page.get_by_label("I am interested in taking part").check()
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm my membership").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_text("you are a member of the panel")).to_be_visible()
    assert_accessible(page)

    page.goto(link.group(0))  # used: a plain page pointing to sign-in
    expect(page.get_by_role("heading", level=1)).to_have_text("You have already confirmed")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, EMAIL, PASSWORD)  # the password she chose works
    expect(page).not_to_have_url(re.compile(r"/sign-in"))

    with live_server.app.app_context():
        resident = db.session.get(Resident, resident_id)
        assert resident.status == ResidentStatus.ACTIVE and resident.interested_in_events
        assert resident.has_consent(ConsentKind.MEMBERSHIP)
        target_set = db.session.scalars(select(TargetSet.id)).first()
        spec = SampleSpec(name="Everyone", mode=SampleMode.SURVEY, target_set_id=target_set,
                          dimensions=("sex",), size=1, events_only=True, seed=7)
        pool = build_pool(spec).pool
        assert resident_id in pool.ids
        spec = SampleSpec(**{**spec.__dict__, "size": len(pool)})
        sample = draw_sample(None, spec)
        assert resident_id in sample.report["selected"]
        db.session.remove()
    assert errors == []
