"""A resident joins, verifies by email (real SMTP), completes the profile by keyboard only,
downloads their data, pauses, and erases the account; axe finds nothing on any page."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, tab_to, watch_console

EMAIL = "joiner@example.org"
PASSWORD = "my own long password"


def type_into(page: Page, label: str, text: str) -> None:
    """Tab to the field labelled ``label`` and type (keyboard only)."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(label) => { const el = document.activeElement;"
            " return !!(el.labels && [...el.labels].some(l => l.innerText.trim() === label)); }",
            label,
        ):
            page.keyboard.type(text)
            return
    raise AssertionError(f"could not reach the field {label!r} with the Tab key")


LABEL_OF_FOCUS = (
    "() => { const el = document.activeElement;"
    " return el && el.labels && el.labels.length ? el.labels[0].innerText.trim() : ''; }"
)


def choose(page: Page, label: str) -> None:
    """Select a radio or checkbox by keyboard: Tab to its group, arrow keys within a radio
    group (as a keyboard user does), the space bar for a checkbox."""
    name, kind = page.evaluate(
        "(label) => { const el = [...document.querySelectorAll('input')].find("
        "i => i.labels && [...i.labels].some(l => l.innerText.trim() === label));"
        " return el ? [el.name, el.type] : [null, null]; }", label)
    assert name, f"no control labelled {label!r}"
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == name:
            break
    else:
        raise AssertionError(f"could not reach {label!r} with the Tab key")
    if kind == "checkbox":
        while page.evaluate(LABEL_OF_FOCUS) != label:
            page.keyboard.press("Tab")
        page.keyboard.press("Space")
        return
    for _ in range(40):
        if page.evaluate(LABEL_OF_FOCUS) == label:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not reach {label!r} with the arrow keys")


def test_resident_joins_verifies_completes_profile_and_leaves(page: Page, live_server) -> None:
    errors = watch_console(page)
    page.goto("/")
    assert_accessible(page)
    tab_to(page, "Join the panel")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the Civic Panel")
    assert_accessible(page)

    # First try without consent: the error summary takes focus.
    type_into(page, "First name", "Grace")
    type_into(page, "Last name", "Hopper")
    type_into(page, "Email address", EMAIL)
    type_into(page, "Create a password", PASSWORD)
    type_into(page, "Address line 1", "3 Market Street")
    type_into(page, "Postcode", "BB11 2DL")
    type_into(page, "Year of birth (optional)", "1960")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("You must agree to join the panel")
    assert_accessible(page)
    # What was typed is kept (except the password, which is never sent back).
    expect(page.get_by_label("First name")).to_have_value("Grace")

    page.get_by_label("First name").focus()
    type_into(page, "Create a password", PASSWORD)
    choose(page, "I want to join the panel and agree to the privacy notice")
    choose(page, "I also give my explicit consent for the council to keep my answers about my "
                 "ethnic group, health or disability, religion and sexual orientation (optional)")
    tab_to(page, "Join the panel")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    email = live_server.smtp.wait_for(EMAIL)
    link = re.search(r"(http://127\.0\.0\.1:\d+/verify-email/\S+)",
                     email.get_body(("plain",)).get_content()).group(1)
    page.goto(link)
    # Joining signs nobody in (it must not tell who has an account): sign in once confirmed.
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    type_into(page, "Email address", EMAIL)
    type_into(page, "Password", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    assert_accessible(page)

    choose(page, "Female")
    choose(page, "English, Welsh, Scottish, Northern Irish or British")
    choose(page, "Own it outright")
    choose(page, "Retired")
    tab_to(page, "Save answers")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your panel account")
    expect(page.locator("#profile-sex")).to_contain_text("Female")
    expect(page.get_by_text("65 to 74")).to_be_visible()
    assert_accessible(page)

    # Change one answer in place (htmx), by keyboard.
    page.locator("#profile-tenure a").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#profile-tenure form")).to_be_visible()
    assert_accessible(page)
    page.locator("#profile-tenure input[value='owns_with_mortgage']").focus()
    page.keyboard.press("Space")
    page.locator("#profile-tenure button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#profile-tenure form")).to_have_count(0)
    expect(page.locator("#profile-tenure")).to_contain_text("mortgage")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data (JSON)").focus()
        page.keyboard.press("Enter")
    data = json.loads(Path(download.value.path()).read_text())
    assert data["details"][0]["email"] == EMAIL
    assert any(row["answer"] == "Female" for row in data["profile"])

    page.get_by_role("link", name="Pause your membership").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pause your membership")
    assert_accessible(page)
    until = date.today() + timedelta(days=30)
    type_into(page, "Day", str(until.day))
    type_into(page, "Month", str(until.month))
    type_into(page, "Year", str(until.year))
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("paused until")
    assert_accessible(page)

    tab_to(page, "Delete your account and data")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account and data")
    assert_accessible(page)
    choose(page, "I understand my account and data will be deleted")
    tab_to(page, "Delete my account")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account has been deleted")
    assert_accessible(page)
    assert errors == []
