"""A resident who forgot their password asks for a link, follows it from the email, chooses a
new password and signs in with it; every page is axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Message, Role
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

NEW_PASSWORD = "violet lantern orbit marmalade"


def reset_link(live_server, email: str) -> str:  # noqa: ANN001
    with live_server.app.app_context():
        body = db.session.scalars(select(Message.body_text).where(Message.to_address == email)
                                  .order_by(Message.id.desc())).first()
    assert body is not None, f"no email to {email}"
    return re.search(r"https?://\S+/reset-password/\S+", body).group(0)


def test_forgotten_password_is_reset_by_emailed_link(page: Page, live_server) -> None:
    email = "forgetful.resident@burnley.example"
    live_server.create_user(Role.RESIDENT, email)
    errors = watch_console(page)

    page.goto("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)

    page.get_by_role("button", name="Send me a link").click()  # empty: an error to fix
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert_accessible(page)
    page.get_by_role("textbox", name="Email address").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text("If there is an account for that address")).to_be_visible()
    assert_accessible(page)

    page.goto(reset_link(live_server, email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    page.get_by_role("textbox", name="New password").fill("short")
    page.get_by_role("button", name="Save new password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 12 characters")
    assert_accessible(page)
    page.get_by_role("textbox", name="New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_text("Your password has been changed")).to_be_visible()
    assert_accessible(page)

    sign_in(page, email, NEW_PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/sign-in"))

    page.goto(reset_link(live_server, email))  # used: a plain page offering a new link
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
    assert_accessible(page)
    assert errors == []
