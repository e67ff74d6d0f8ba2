"""A resident changes their name, address and password from the account page; every page is
axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import User
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

NEW_PASSWORD = "violet lantern orbit marmalade"


def test_resident_changes_own_details_and_password(page: Page, live_server) -> None:
    email = "details.member{}@burnley.example"
    live_server.add_members(email, [{}])
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email.format(0)))
        user.set_password(PASSWORD)
        user.resident.address_line, user.resident.postcode = "1 Old Street", "BB10 1AA"
        db.session.commit()
    errors = watch_console(page)
    sign_in(page, email.format(0))
    page.goto("/account")
    assert_accessible(page)

    page.get_by_role("link", name="Change your name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your name")
    assert_accessible(page)
    page.get_by_role("textbox", name="First name").fill("")
    page.get_by_role("button", name="Save name").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your first name")
    assert_accessible(page)
    page.get_by_role("textbox", name="First name").fill("Augusta")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_text("Your name has been changed.")).to_be_visible()

    page.get_by_role("link", name="Change your address").click()
    assert_accessible(page)
    page.get_by_role("textbox", name="Address line 1").fill("12 Colne Road")
    page.get_by_role("textbox", name="Postcode").fill("BB11 2DL")
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_text("Your address has been changed.")).to_be_visible()
    expect(page.get_by_text("12 Colne Road, BB11 2DL")).to_be_visible()

    page.get_by_role("link", name="Change your email address").click()
    assert_accessible(page)
    page.goto("/account")

    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_accessible(page)
    page.get_by_role("textbox", name="Current password").fill("not my password")
    page.get_by_role("textbox", name="New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Your current password is not right")
    assert_accessible(page)
    page.get_by_role("textbox", name="Current password").fill(PASSWORD)
    page.get_by_role("textbox", name="New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    assert_accessible(page)
    assert errors == []
