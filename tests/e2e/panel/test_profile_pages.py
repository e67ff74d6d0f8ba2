"""Pages a journey may not visit (issue 15), checked with axe: each single profile question
without JavaScript (the question is the h1), the ethnic groups under their headings, and an
admin opening one outbox message."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from core import mail
from core.extensions import db
from core.models import Role, User, utcnow
from panel.membership import CONSENT_WORDING
from panel.models import Consent, ConsentKind, Resident
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in

EMAIL = "profile.pages@example.org"


def resident_with_special_consent(live_server) -> None:  # noqa: ANN001
    with live_server.app.app_context():
        user = User(email=EMAIL, role=Role.RESIDENT, verified_at=utcnow() - timedelta(days=1))
        user.set_password(PASSWORD)
        resident = Resident(user=user, first_name="Pat", last_name="Page")
        for kind in (ConsentKind.MEMBERSHIP, ConsentKind.SPECIAL_CATEGORY):
            resident.consents.append(Consent(kind=kind, granted=True,
                                             privacy_notice_version="test",
                                             wording=CONSENT_WORDING[kind]))
        db.session.add(resident)
        db.session.commit()


def test_single_question_pages_have_the_question_as_h1(page: Page, live_server) -> None:
    resident_with_special_consent(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, EMAIL)
    for key in ("sex", "tenure", "economic_activity", "ethnic_group", "disability"):
        page.goto(f"/account/profile/{key}")
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        assert_accessible(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.goto("/account/profile/ethnic_group")
    group = page.get_by_role("group", name="Asian or Asian British")
    expect(group.get_by_role("radio", name="Pakistani")).to_be_visible()
    group.get_by_role("radio", name="Pakistani").check()
    page.get_by_role("button", name="Save answer").click()  # a page of its own: no htmx swap
    expect(page).to_have_url(re.compile(r"/account#profile-ethnic_group$"))
    expect(page.locator("#profile-ethnic_group")).to_contain_text("Pakistani")


def test_an_admin_opens_an_outbox_message(page: Page, live_server) -> None:
    live_server.create_user(Role.ADMIN, "outbox.admin@example.org")
    with live_server.app.app_context():
        mail.queue_message("someone@example.org", "A message to open",
                           "Hello,\n\nFollow this link:\nhttp://127.0.0.1/verify-email/abc")
        db.session.commit()
    sign_in(page, "outbox.admin@example.org")
    page.goto("/outbox")
    page.get_by_role("link", name="A message to open").first.click()
    expect(page).to_have_url(re.compile(r"/outbox/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("A message to open")
    expect(page.get_by_text("someone@example.org")).to_be_visible()
    assert_accessible(page)
