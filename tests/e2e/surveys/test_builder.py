"""An officer builds a two-page survey in the browser: questions added, moved with htmx (the
list updates in place), previewed as a resident sees it. Every page is axe-clean."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from core.models import Role
from tests.e2e.conftest import assert_accessible, sign_in, watch_console


def test_an_officer_builds_and_previews_a_survey(page: Page, live_server) -> None:
    errors = watch_console(page)
    live_server.create_user(Role.OFFICER, "survey.officer@burnley.example")
    sign_in(page, "survey.officer@burnley.example")
    page.get_by_role("link", name="Surveys").click()
    page.get_by_role("button", name="Create a survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a survey")
    assert_accessible(page)

    page.get_by_role("button", name="Create the survey").click()  # nothing filled in
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What is the engagement called?").fill("Future of our libraries")
    page.get_by_label("Consult:", exact=False).check()
    page.get_by_label("Why are you asking?").fill("We must save £400,000 this year.")
    page.get_by_label("Survey title").fill("Libraries survey")
    page.get_by_label("The whole panel").check()
    page.get_by_role("button", name="Create the survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Libraries survey")
    assert_accessible(page)

    page.get_by_role("link", name="Add a question to Your views").click()
    page.get_by_label("Single choice").check()
    assert_accessible(page)  # step 1: the type
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Question", exact=True).fill("Which library do you use most?")
    page.get_by_label("Answers to choose from, one per line").fill("Central\nPadiham")
    page.get_by_label("Offer “Other (please say)”").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the question").click()
    expect(page.locator("#survey-questions")).to_contain_text("Which library do you use most?")

    page.get_by_role("link", name="Add a question to Your views").click()
    page.get_by_label("Agree–disagree scale", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Question", exact=True).fill("The library is open at times that suit me")
    page.get_by_role("button", name="Save the question").click()
    page.get_by_label("Section title").fill("Opening hours")
    page.get_by_role("button", name="Add the section").click()
    expect(page.get_by_role("heading", name="Page 2: Opening hours")).to_be_visible()

    marker = page.evaluate("() => (window.cpMarker = 'same page', window.cpMarker)")
    page.get_by_role("button", name="Move down “The library is open at times that suit me”"
                     ).click()
    second_page = page.locator(".govuk-summary-card").nth(1)
    expect(second_page).to_contain_text("The library is open at times that suit me")
    assert page.evaluate("() => window.cpMarker") == marker  # swapped in place by htmx
    assert_accessible(page)

    page.get_by_role("button", name="Preview the survey").click()
    expect(page.get_by_text("page 1 of 2")).to_be_visible()
    expect(page.get_by_text("Which library do you use most?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("The library is open at times that suit me")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the editor").click()
    page.get_by_role("link", name="Page settings for Opening hours").click()
    page.get_by_label("Central", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the page").click()
    expect(page.locator("#survey-questions")).to_contain_text("Shown only if")

    page.get_by_role("button", name="Open the survey").click()
    page.get_by_role("button", name="Enter a paper or telephone response").click()
    assert_accessible(page)
    page.get_by_label("Paper form").check()
    page.get_by_label("Padiham").check()
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("Paper form response saved.")).to_be_visible()
    page.get_by_role("link", name="Back to the survey").click()
    page.get_by_role("button", name="See the results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results: Libraries survey")
    expect(page.get_by_text("1 response sent")).to_be_visible()
    assert_accessible(page)
    assert errors == [], errors
