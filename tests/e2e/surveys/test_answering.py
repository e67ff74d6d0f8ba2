"""A resident answers a survey from their link with the keyboard alone: an error first, then
every page, save and resume, check and send. Every page is axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.extensions import db
from core.models import Role, User, utcnow
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident
from surveys import answering
from surveys.models import Invitation, Question, Section, Survey
from tests.e2e.conftest import assert_accessible, tab_to, watch_console


@pytest.fixture
def link(live_server) -> str:
    with live_server.app.app_context():
        engagement = Engagement(title="Future of our libraries", level=SpectrumLevel.CONSULT,
                                why="We must save £400,000 and want to hear from you.")
        survey = Survey(engagement=engagement, title="Libraries survey (keyboard)")
        survey.sections = [
            Section(title="Your library", position=0, questions=[Question(
                survey=survey, key="q1", kind="single", required=True, position=0,
                text="Which library do you use most?", other=True,
                options=[["central", "Central"], ["padiham", "Padiham"]])]),
            Section(title="Opening hours", position=1, questions=[Question(
                survey=survey, key="q2", kind="rating", position=0,
                text="How well do the opening hours suit you?")]),
        ]
        db.session.add(survey)
        db.session.flush()
        survey.open(utcnow())
        resident = Resident(user=User(email="keyboard.resident@example.org",
                                      role=Role.RESIDENT), first_name="Kay", last_name="Board")
        invitation = Invitation(survey=survey, resident=resident)
        db.session.add(invitation)
        db.session.commit()
        return f"/surveys/r/{answering.invitation_token(invitation)}"


def test_a_resident_answers_with_the_keyboard_alone(page: Page, link: str) -> None:
    errors = watch_console(page)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your library")
    assert_accessible(page)

    tab_to(page, "Continue")
    page.keyboard.press("Enter")  # nothing chosen yet
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Select an answer to “Which library do you use most?”")
    assert_accessible(page)
    summary.get_by_role("link").press("Enter")  # the summary link takes focus to the question
    expect(page.get_by_label("Central")).to_be_focused()
    page.keyboard.press("ArrowDown")  # radios: arrow keys choose
    expect(page.get_by_label("Padiham")).to_be_checked()
    tab_to(page, "Continue")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Opening hours")
    expect(page.get_by_text("page 2 of 2")).to_be_visible()
    tab_to(page, "0")  # one tab stop for the radios, then arrow keys choose
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_label("7", exact=True)).to_be_checked()
    tab_to(page, "Save and come back later")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    assert_accessible(page)

    page.goto(link)  # later, from the email
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening hours")
    expect(page.get_by_label("7", exact=True)).to_be_checked()
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text(["Padiham", "7"])
    assert_accessible(page)
    tab_to(page, "Send my answers")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("We will listen to your views")).to_be_visible()
    assert_accessible(page)
    assert errors == [], errors
