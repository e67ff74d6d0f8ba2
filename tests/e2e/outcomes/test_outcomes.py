"""An officer plans an engagement, announces it, adds an action (a missing owner is refused with
a message beside the field), previews and publishes the response, marks the action done; the
public page shows it all, with JavaScript and without, on a 390 px phone. Every page is axe-clean.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from core.models import Role
from tests.e2e.conftest import assert_accessible, sign_in, watch_console


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


@pytest.fixture
def officer(live_server):
    return live_server.create_user(Role.OFFICER, "outcomes.officer@burnley.example")


def test_an_officer_closes_the_loop_and_the_public_sees_it(page: Page, officer, live_server,
                                                           browser: Browser) -> None:
    errors = watch_console(page)
    sign_in(page, officer.email)
    page.goto("/engagements")
    assert_accessible(page)
    page.get_by_role("button", name="Plan an engagement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan an engagement")
    assert_accessible(page)
    page.get_by_label("What is the engagement called?").fill("Cleaner streets")
    page.get_by_label("Topic (optional)").fill("Streets")
    page.get_by_role("radio", name=re.compile(r"Consult: We will listen")).check()
    page.get_by_label("What is being decided, and why are you asking?").fill(
        "We are choosing where the new street cleaning teams work first.")
    page.get_by_label("Who makes the decision?").fill("Environment committee")
    page.get_by_label("What cannot change?").fill("Two new teams, no more.")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cleaner streets")
    assert_accessible(page)
    page.get_by_role("button", name="Announce it").click()
    expect(page.get_by_text("Announced: the plan is on the public")).to_be_visible()

    page.get_by_role("button", name="Add an action").click()
    page.get_by_label("What will the council do?").fill("Clean the town centre every day")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the service that owns this action")
    expect(page.get_by_label("What will the council do?")).to_have_value(
        "Clean the town centre every day")
    assert_accessible(page)
    page.get_by_label("Which service owns it?").fill("Streetscene")
    page.get_by_role("button", name="Add the action").click()
    page.get_by_role("button", name="Publish Clean the town centre every day").click()

    page.get_by_role("button", name="Write the response").click()
    page.get_by_label("You said: a summary of what residents told us").fill(
        "You told us the town centre matters most.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.get_by_text("You told us the town centre matters most.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the engagement").click()
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Response published (version 1).")).to_be_visible()

    page.get_by_role("link", name="Post an update on Clean the town centre every day").click()
    assert_accessible(page)
    page.get_by_label("Done").check()
    page.get_by_label("What happened (shown on the timeline)").fill("Daily cleaning started.")
    page.get_by_role("button", name="Publish the update").click()
    expect(page.get_by_text("Update published on the timeline.")).to_be_visible()
    public_url = page.get_by_role("link", name="see the public page").get_attribute("href")
    assert errors == []

    # The public, on a phone, with JavaScript off
    phone = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                viewport={"width": 390, "height": 844}, locale="en-GB")
    reader = phone.new_page()
    reader.goto(public_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Cleaner streets")
    for text in ("Two new teams, no more.", "You told us the town centre matters most.",
                 "Clean the town centre every day", "Streetscene"):
        expect(reader.get_by_text(text, exact=False).first).to_be_visible()
    reader.get_by_text("Timeline (2 updates)").click()
    expect(reader.get_by_text("Daily cleaning started.")).to_be_visible()
    no_horizontal_scroll(reader)
    reader.goto("/outcomes")
    reader.get_by_label("Topic").select_option("Streets")
    reader.get_by_role("button", name="Apply filters").click()
    expect(reader.get_by_role("link", name="Cleaner streets")).to_be_visible()
    expect(reader.get_by_role("heading", level=2, name="1 engagement")).to_be_visible()
    no_horizontal_scroll(reader)
    reader.wait_for_load_state("networkidle")   # no request cut off (the favicon)
    phone.close()

    # axe needs JavaScript: the same pages, phone-sized, checked with it on
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    for url in (public_url, "/outcomes?topic=Streets"):
        page.goto(url)
        assert_accessible(page)
        no_horizontal_scroll(page)


def test_the_index_filters_as_you_choose_with_javascript(page: Page, live_server) -> None:
    errors = watch_console(page)
    page.goto("/outcomes")
    assert_accessible(page)
    page.get_by_label("Status").select_option("upcoming")
    expect(page).to_have_url(re.compile(r"stage=upcoming"))
    expect(page.get_by_role("heading", level=2, name=re.compile(r"engagements?$"))).to_be_visible()
    assert_accessible(page)
    assert errors == []
