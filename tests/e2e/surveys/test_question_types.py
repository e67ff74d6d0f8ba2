"""Adding a question shows the chosen type's fields only. With JavaScript, changing the type
swaps that type's fields in place (what was typed stays, the change is announced); without it,
the type comes first, then the form, and "Change" goes back to the type keeping the text.
Every page is axe-clean."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from panel.engagements import Engagement, SpectrumLevel
from surveys.models import Audience, Question, Section, Survey
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

EMAIL = "types.officer@burnley.example"


def draft_survey(live_server, title: str) -> tuple[int, int]:
    with live_server.app.app_context():
        engagement = Engagement(title="Libraries", level=SpectrumLevel.CONSULT,
                                why="We want to hear how you use the libraries.")
        survey = Survey(engagement=engagement, title=title, audience=Audience.PANEL)
        survey.sections = [Section(title="Your library")]
        db.session.add(survey)
        db.session.commit()
        return survey.id, survey.sections[0].id


def officer(live_server) -> None:
    with live_server.app.app_context():
        from core.models import User
        if db.session.scalar(select(User.id).where(User.email == EMAIL)) is not None:
            return
    live_server.create_user(Role.OFFICER, EMAIL)


def saved_question(live_server, survey_id: int) -> Question:
    with live_server.app.app_context():
        question = db.session.scalar(select(Question).where(Question.survey_id == survey_id))
        db.session.expunge(question)
        return question


def test_with_javascript_changing_the_type_swaps_its_fields_keeping_the_text(
        page: Page, live_server) -> None:
    errors = watch_console(page)
    survey_id, _ = draft_survey(live_server, "Types with JavaScript")
    officer(live_server)
    sign_in(page, EMAIL)
    page.goto(f"/surveys/{survey_id}")
    page.get_by_role("link", name="Add a question to Your library").click()
    page.get_by_label("Single choice").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Question", exact=True).fill("How do you get to the library?")
    page.get_by_label("Answers to choose from, one per line").fill("Bus\nWalk\nCar")
    expect(page.get_by_label("Most answers a resident can choose (optional)")).to_have_count(0)
    marker = page.evaluate("() => (window.cpMarker = 'same page', window.cpMarker)")

    page.get_by_role("button", name="Change the type of question").click()
    types = page.get_by_role("group", name="Type of question")
    expect(types).to_be_focused()
    assert_accessible(page)
    types.get_by_label("Multiple choice").check()
    expect(page.get_by_label("Most answers a resident can choose (optional)")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Question type changed")).to_have_text(
        "Question type changed to Multiple choice: its settings are shown below.")
    expect(page.get_by_label("Question", exact=True)).to_have_value(
        "How do you get to the library?")
    expect(page.get_by_label("Answers to choose from, one per line")).to_have_value(
        "Bus\nWalk\nCar")
    assert page.evaluate("() => window.cpMarker") == marker  # swapped in place by htmx
    assert_accessible(page)

    types.get_by_label("Number").check()  # no list of answers for a number
    expect(page.get_by_label("Smallest number allowed (optional)")).to_be_visible()
    expect(page.get_by_label("Answers to choose from, one per line")).to_have_count(0)
    expect(page.get_by_label("Question", exact=True)).to_have_value(
        "How do you get to the library?")
    types.get_by_label("Multiple choice").check()  # a number's settings gone, the list empty
    page.get_by_label("Answers to choose from, one per line").fill("Bus\nWalk\nCar")
    page.get_by_label("Most answers a resident can choose (optional)").fill("2")
    page.get_by_role("button", name="Save the question").click()
    expect(page.locator("#survey-questions")).to_contain_text("How do you get to the library?")
    question = saved_question(live_server, survey_id)
    assert (question.kind, question.max_choices) == ("multiple", 2)
    assert not errors


def accessible_as_served(nojs: Page, checker: Page) -> None:
    """axe needs JavaScript: the no-JavaScript page's HTML is checked in another tab, on the
    app's origin and under its CSP (as tests/e2e/surveys/test_question_macro_axe.py does)."""
    html = nojs.content()
    checker.goto("/sign-in")
    checker.set_content(html)
    checker.wait_for_load_state("networkidle")
    assert_accessible(checker)


def test_without_javascript_the_type_comes_first_and_change_keeps_the_text(
        browser: Browser, page: Page, live_server) -> None:
    survey_id, section_id = draft_survey(live_server, "Types without JavaScript")
    officer(live_server)
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    nojs = context.new_page()
    try:
        sign_in(nojs, EMAIL)
        nojs.goto(f"/surveys/{survey_id}/sections/{section_id}/questions/new")
        expect(nojs.get_by_role("group", name="What type of question is it?")).to_be_visible()
        expect(nojs.get_by_label("Question", exact=True)).to_have_count(0)
        accessible_as_served(nojs, page)
        nojs.get_by_role("button", name="Continue").click()  # no type chosen
        expect(nojs.get_by_role("heading", name="There is a problem")).to_be_visible()
        expect(nojs.get_by_role("link", name="Select the type of question")).to_be_visible()
        accessible_as_served(nojs, page)

        nojs.get_by_label("Single choice").check()
        nojs.get_by_role("button", name="Continue").click()
        expect(nojs.get_by_text("Single choice", exact=True)).to_be_visible()
        expect(nojs.get_by_label("Statements, one per line")).to_have_count(0)
        nojs.get_by_label("Question", exact=True).fill("Which days do you visit?")
        nojs.get_by_label("Answers to choose from, one per line").fill("Monday\nSaturday")
        accessible_as_served(nojs, page)

        nojs.get_by_role("button", name="Change the type of question").click()
        expect(nojs.get_by_role("group", name="What type of question is it?")).to_be_visible()
        accessible_as_served(nojs, page)
        nojs.get_by_label("Multiple choice").check()
        nojs.get_by_role("button", name="Continue").click()
        expect(nojs.get_by_label("Question", exact=True)).to_have_value(
            "Which days do you visit?")
        expect(nojs.get_by_label("Answers to choose from, one per line")).to_have_value(
            "Monday\nSaturday")
        most = nojs.get_by_label("Most answers a resident can choose (optional)")
        most.fill("5")
        most.press("Enter")  # saves (not "Change"): and 5 is more than the answers
        expect(nojs.get_by_role("link", name="This is more than the number of answers")
               ).to_be_visible()
        expect(nojs.get_by_label("Question", exact=True)).to_have_value(
            "Which days do you visit?")
        accessible_as_served(nojs, page)
        nojs.get_by_label("Most answers a resident can choose (optional)").fill("2")
        nojs.get_by_role("button", name="Save the question").click()
        expect(nojs.locator("#survey-questions")).to_contain_text("Which days do you visit?")
        question = saved_question(live_server, survey_id)
        assert (question.kind, question.max_choices) == ("multiple", 2)
    finally:
        context.close()
