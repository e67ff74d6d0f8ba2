"""An officer edits a question in place with the keyboard only (htmx swaps the form in and the
list back, focus follows), gives it a display condition, and previews it. axe-clean with the
form open."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from core.extensions import db
from core.models import Role, User
from surveys import services
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

EMAIL = "inline.officer@burnley.example"


def two_page_survey(live_server) -> int:  # noqa: ANN001
    live_server.create_user(Role.OFFICER, EMAIL)
    with live_server.app.app_context():
        officer = db.session.query(User).filter_by(email=EMAIL).one()
        survey = services.create_survey(
            officer, engagement_title="Future of our libraries", topic="", level="consult",
            why="We must save £400,000.", title="Libraries survey", audience="panel")
        services.add_question(officer, survey.sections[0], services.QuestionInput(
            kind="single", text="Which library do you use most?",
            options=["Central", "Padiham"]))
        second = services.add_section(officer, survey, "Your visits")
        services.add_question(officer, second, services.QuestionInput(
            kind="agree", text="Central is open at times that suit me"))
        services.add_question(officer, second, services.QuestionInput(
            kind="long_text", text="Anything else?"))
        return survey.id


def tab_to(page: Page, locator, limit: int = 80) -> None:  # noqa: ANN001 (a Locator)
    """Press Tab until ``locator`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"could not reach {locator} with the Tab key")


def test_an_officer_edits_a_question_in_place_with_the_keyboard(page: Page, live_server) -> None:
    errors = watch_console(page)
    survey_id = two_page_survey(live_server)
    sign_in(page, EMAIL)
    page.goto(f"/surveys/{survey_id}")
    item = page.locator("li[id^=question-]", has_text="Central is open at times")
    item_id = item.get_attribute("id")
    marker = page.evaluate("() => (window.cpMarker = 'same page', window.cpMarker)")

    tab_to(page, page.get_by_role("link", name="Edit “Central is open at times that suit me”"))
    page.keyboard.press("Enter")
    heading = page.locator(f"#{item_id}-heading")
    expect(heading).to_have_text("Edit Q2")
    expect(heading).to_be_focused()
    assert page.evaluate("() => window.cpMarker") == marker  # swapped in place by htmx
    assert_accessible(page)

    # A mistake first: the errors come back inside the item, the summary focused.
    page.keyboard.press("Tab")  # from the heading into the form
    question = page.get_by_label("Question", exact=True)
    question.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.get_by_role("button", name="Save the question").focus()
    page.keyboard.press("Enter")
    summary = page.locator(f"#{item_id} .govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the question")
    assert_accessible(page)

    question.focus()
    page.keyboard.type("Central opens at times that suit me")
    condition = page.get_by_label(
        "Only people who gave certain answers to Q1 “Which library do you use most?”")
    condition.focus()
    page.keyboard.press("Space")
    page.get_by_label("Central", exact=True).focus()
    page.keyboard.press("Space")
    assert_accessible(page)  # the form open, its condition chosen
    page.get_by_role("button", name="Save the question").focus()
    page.keyboard.press("Enter")

    saved = page.locator(f"#{item_id}-heading")
    expect(saved).to_have_text("Q2. Central opens at times that suit me")
    expect(saved).to_be_focused()
    expect(page.locator(f"#{item_id}")).to_contain_text(
        "Shown only if Q1 “Which library do you use most?” is answered “Central”.")
    assert page.evaluate("() => window.cpMarker") == marker
    assert_accessible(page)

    # Cancel puts the item back as it was, focus on its heading.
    tab_to(page, page.get_by_role("link", name="Edit “Anything else?”"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Edit Q3")).to_be_focused()
    page.get_by_role("link", name="Cancel editing Q3").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Q3. Anything else?")).to_be_focused()

    # The preview honours the condition.
    page.get_by_role("button", name="Preview the survey").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Padiham").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("page 2 of 2")).to_be_visible()
    expect(page.get_by_role("group", name="Central opens at times that suit me")).to_have_count(0)
    expect(page.get_by_text("With the answers you chose, residents would not see")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Previous page").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Central", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Central opens at times that suit me")).to_be_visible()
    assert_accessible(page)
    assert errors == [], errors
