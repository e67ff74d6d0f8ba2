"""An admin adds a question, reorders and retires answers and questions by keyboard (htmx,
focus kept); an officer imports a target file with a mistake, then the fixed file; the
contact limit is changed. axe finds nothing on any page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.models import Role
from tests.e2e.conftest import assert_accessible, sign_in, watch_console


def tab_to_id(page: Page, element_id: str, limit: int = 300) -> None:
    """Press Tab until the element with this id has focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == element_id:
            return
    raise AssertionError(f"could not reach #{element_id} with the Tab key")


def answer_order(page: Page) -> list[str]:
    """The answers' labels in the order shown (each row's heading, without the key)."""
    return page.locator("#category-list tbody th").evaluate_all(
        "cells => cells.map(c => c.firstChild.textContent.trim())")


def test_admin_reorders_and_retires_by_keyboard(page: Page, live_server) -> None:
    live_server.create_user(Role.ADMIN, "keys.admin@burnley.example")
    errors = watch_console(page)
    sign_in(page, "keys.admin@burnley.example")

    page.get_by_role("link", name="Profile questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile questions")
    assert_accessible(page)

    # Add "has children under 16": first without answers (an error), then properly.
    page.get_by_role("button", name="Add a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a profile question")
    assert_accessible(page)
    page.get_by_label("Short name").fill("Children under 16")
    page.get_by_label("Key").fill("children_under_16")
    page.get_by_label("Question").fill("Do you have any children under 16 living with you?")
    page.get_by_label("Why we ask").fill("So we hear from parents and carers.")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Add question").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter at least 2 answers")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("Answers").fill("Yes\nNo")
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Children under 16")
    assert answer_order(page) == ["Yes", "No", "Prefer not to say"]
    assert_accessible(page)

    # Move "Yes" down with the keyboard: the list is swapped in place and focus moves to the
    # control that still makes sense ("Move up", as "Yes" is now the last it can go).
    yes_id = page.locator("#category-list tbody tr").first.get_attribute("id").split("-")[1]
    tab_to_id(page, f"category-{yes_id}-down")
    page.keyboard.press("Enter")
    expect(page.locator("#list-status")).to_contain_text("Yes moved down")
    assert answer_order(page) == ["No", "Yes", "Prefer not to say"]
    expect(page.locator(f"#category-{yes_id}-up")).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Enter")  # and back up
    expect(page.locator("#list-status")).to_contain_text("Yes moved up")
    assert answer_order(page) == ["Yes", "No", "Prefer not to say"]
    expect(page.locator(f"#category-{yes_id}-down")).to_be_focused()

    # Retire "Yes" (history kept), then restore it: focus stays on the same control.
    page.keyboard.press("Tab")
    expect(page.locator(f"#category-{yes_id}-retire")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#list-status")).to_contain_text("Yes retired")
    expect(page.locator(f"#category-{yes_id}-retire")).to_have_text(re.compile(r"^Restore"))
    expect(page.locator(f"#category-{yes_id}-retire")).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#list-status")).to_contain_text("Yes restored")
    expect(page.locator(f"#category-{yes_id}-retire")).to_have_text(re.compile(r"^Retire"))

    # On the list of questions: move the new question up and back down, then retire it.
    page.get_by_role("link", name="All profile questions").click()
    rows = page.locator("#dimension-list tbody tr")
    last = rows.last
    expect(last).to_contain_text("Children under 16")
    new_id = last.get_attribute("id").split("-")[1]
    tab_to_id(page, f"dimension-{new_id}-up")
    page.keyboard.press("Enter")
    expect(page.locator("#list-status")).to_contain_text("Children under 16 moved up")
    expect(rows.nth(rows.count() - 2)).to_contain_text("Children under 16")
    expect(page.locator(f"#dimension-{new_id}-up")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(f"#dimension-{new_id}-down")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#list-status")).to_contain_text("Children under 16 moved down")
    expect(rows.last).to_contain_text("Children under 16")
    expect(page.locator(f"#dimension-{new_id}-up")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(f"#dimension-{new_id}-retire")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#list-status")).to_contain_text("Children under 16 retired")
    expect(rows.last).to_contain_text("Retired")
    assert_accessible(page)
    assert errors == []


def test_reordering_works_without_javascript(browser, live_server) -> None:
    live_server.create_user(Role.ADMIN, "nojs.questions@burnley.example")
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "nojs.questions@burnley.example")
    page.get_by_role("link", name="Profile questions").click()
    page.get_by_role("link", name="Sex", exact=True).click()
    page.get_by_role("button", name="Move up Male").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Male moved up")
    assert answer_order(page) == ["Male", "Female", "Prefer not to say"]
    page.get_by_role("button", name="Move down Male").click()
    assert answer_order(page) == ["Female", "Male", "Prefer not to say"]
    context.close()


BAD_FILE = "dimension,category,count,note\nsex,Woman,47862,TS009\nsex,Male,46796,TS009\n"
GOOD_FILE = BAD_FILE.replace("Woman", "Female")


def test_officer_imports_a_target_file_with_a_mistake_then_fixed(page: Page,
                                                                   live_server) -> None:
    live_server.create_user(Role.OFFICER, "targets.officer@burnley.example")
    errors = watch_console(page)
    sign_in(page, "targets.officer@burnley.example")
    page.get_by_role("link", name="Population targets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Population targets")
    assert_accessible(page)

    page.get_by_role("button", name="Import a target set").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a target set")
    assert_accessible(page)
    page.get_by_label("Name").fill("Sex of residents, Census 2021")
    page.get_by_label("Source (optional)").fill("ONS Census 2021, TS009")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "targets.csv", "mimeType": "text/csv", "buffer": BAD_FILE.encode()}])
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Row 2: 'Woman' is not an answer to Sex. The answers are: "
                                    "Female; Male; Prefer not to say")
    assert_accessible(page)

    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "targets.csv", "mimeType": "text/csv", "buffer": GOOD_FILE.encode()}])
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the targets before you save them")
    expect(page.get_by_text("Shares worked out from the counts (total 94,658).")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save target set").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sex of residents, Census 2021")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved with 2 targets")
    expect(page.get_by_role("table")).to_contain_text("50.6%")
    assert_accessible(page)

    page.get_by_role("link", name="Change name and source").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change name and source")
    assert_accessible(page)  # only once the page has loaded (axe ran mid-load under load)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Delete this target set").click()
    assert_accessible(page)
    page.get_by_role("button", name="Delete target set").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Population targets")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("deleted")
    assert errors == []


def test_admin_changes_the_contact_limit(page: Page, live_server) -> None:
    live_server.create_user(Role.ADMIN, "limit.admin@burnley.example")
    sign_in(page, "limit.admin@burnley.example")
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    assert_accessible(page)
    page.get_by_label("Most contacts per resident").fill("30")
    page.get_by_role("button", name="Save limit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The most contacts must be between 1 and 20")
    assert_accessible(page)
    page.get_by_label("Most contacts per resident").fill("3")
    page.get_by_label("In any period of").fill("90")
    page.get_by_role("button", name="Save limit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "at most 3 contacts in any 90 days")
    assert_accessible(page)
