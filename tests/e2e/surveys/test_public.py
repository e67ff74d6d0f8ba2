"""Anyone answers an open consultation from its public link with the keyboard alone: the start
page, the questions, the optional "About you" page, check and send. Every page is axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.extensions import db
from core.models import Role, User, utcnow
from surveys import services
from surveys.models import Question
from tests.e2e.conftest import assert_accessible, tab_to, watch_console


@pytest.fixture
def public_link(live_server) -> str:
    with live_server.app.app_context():
        officer = User(email="public.officer@burnley.example", role=Role.OFFICER)
        db.session.add(officer)
        db.session.commit()
        survey = services.create_survey(
            officer, engagement_title="Town centre", topic="Regeneration", level="consult",
            why="We are planning the next ten years of the town centre.",
            title="Town centre consultation", audience="public")
        survey.sections[0].questions.append(Question(
            survey=survey, key="q1", kind="rating", position=0,
            text="How safe do you feel in the town centre after dark?"))
        survey.open(utcnow())
        db.session.commit()
        return f"/surveys/p/{survey.public_slug}"


def test_anyone_answers_a_public_consultation_with_the_keyboard(page: Page, public_link: str
                                                                ) -> None:
    errors = watch_console(page)
    page.goto(public_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Town centre consultation")
    assert_accessible(page)
    tab_to(page, "Start now")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your views")
    expect(page.get_by_text("page 1 of 2")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("7", exact=True).focus()
    page.keyboard.press("Space")
    tab_to(page, "Continue")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    expect(page.get_by_text("Every question on this page is optional.")).to_be_visible()
    assert_accessible(page)
    age = page.get_by_role("group", name="Which age group are you in?")
    age.get_by_label("Prefer not to say").focus()
    page.keyboard.press("Space")
    tab_to(page, "Continue")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "Send my answers")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(page)
    assert errors == [], errors
