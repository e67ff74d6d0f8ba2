"""The whole survey journey in the browser, as the issue describes it.

An officer draws a quota sample, builds a three-page survey with display logic, opens it and
sends the invitations (a job); the email arrives over real SMTP; a resident answers from its
link with the keyboard alone, saves, comes back, checks and sends; the officer sees the results
weighted to the borough and downloads all three exports. Every page is axe-clean.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.extensions import db
from core.jobs.runner import run_pending_jobs
from core.mail import send_pending
from core.models import Role, utcnow
from panel.models import Resident
from panel.reference_data import (
    DEFAULT_TARGET_SET_NAME,
)
from quota.models import MemberRole, Sample, SampleMember
from surveys import answering
from surveys.models import Invitation, Survey
from tests.e2e.conftest import assert_accessible, sign_in, tab_to, watch_console

MEMBERS = 60
SAMPLE = "Libraries journey sample"
SURVEY = "Libraries journey survey"
OFFICER = "journey.officer@burnley.example"
RESULTS_DUE = utcnow().date() + timedelta(days=90)


@pytest.fixture(scope="module")
def members(live_server):
    """Targets, and 60 consenting members with a sex and an age band."""
    live_server.add_members("journey.member{}@example.org", [
        {"sex": "female" if n % 3 else "male", "age_band": ("25_34", "45_54", "65_74")[n % 3]}
        for n in range(MEMBERS)])


def draw_sample(page: Page, live_server) -> None:
    page.get_by_role("link", name="Samples").click()
    page.get_by_role("button", name="Draw a new sample").click()
    page.get_by_label("Name of the sample").fill(SAMPLE)
    page.get_by_label("Survey sample").check()
    questions = page.get_by_role("group", name="Questions to match")
    for box in questions.get_by_role("checkbox").all():
        box.uncheck()
    questions.get_by_label("Sex", exact=True).check()
    page.get_by_label("Number of people to select").fill("30")
    page.get_by_label("Tolerance (people either side of each target)").fill("2")
    page.get_by_label("Number of people to select").press("Tab")
    expect(page.locator("#quota-check")).to_contain_text("Can be drawn")
    assert_accessible(page)
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drawing the sample")
    with live_server.app.app_context():
        run_pending_jobs()
    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE, timeout=10000)
    assert_accessible(page)


def add_question(page: Page, section: str, kind: str, text: str, answers: str = "") -> None:
    page.get_by_role("link", name=f"Add a question to {section}").click()
    page.get_by_label(kind, exact=True).check()
    page.get_by_role("button", name="Continue").click()  # step 2: that type's fields
    page.get_by_label("Question", exact=True).fill(text)
    if answers:
        page.get_by_label("Answers to choose from, one per line").fill(answers)
    page.get_by_role("button", name="Save the question").click()
    expect(page.locator("#survey-questions")).to_contain_text(text)


def build_survey(page: Page) -> None:
    page.get_by_role("link", name="Surveys").click()
    page.get_by_role("button", name="Create a survey").click()
    page.get_by_label("What is the engagement called?").fill("Future of our libraries")
    page.get_by_label("Consult:", exact=False).check()
    page.get_by_label("Why are you asking?").fill("We must save £400,000 this year.")
    page.get_by_label("Survey title").fill(SURVEY)
    page.get_by_role("radio", name="A quota sample").check()
    sample = page.get_by_label("Which sample? (for a quota sample)")
    sample.select_option(sample.locator("option", has_text=SAMPLE).get_attribute("value"))
    page.get_by_role("button", name="Create the survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SURVEY)
    page.get_by_role("link", name="Change results due").click()
    due = page.get_by_role("group", name="Results published by (optional)")
    due.get_by_label("Day").fill(str(RESULTS_DUE.day))
    due.get_by_label("Month").fill(str(RESULTS_DUE.month))
    due.get_by_label("Year").fill("20")  # a mistake first
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("alert")).to_contain_text("must be a real date")
    assert_accessible(page)
    due.get_by_label("Year").fill(str(RESULTS_DUE.year))
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("The settings are saved.")).to_be_visible()

    add_question(page, "Your views", "Single choice", "Which library do you use most?",
                 "Central\nPadiham")
    page.get_by_label("Section title").fill("Central library")
    page.get_by_role("button", name="Add the section").click()
    add_question(page, "Central library", "Agree–disagree scale",
                 "Central is open at times that suit me")
    page.get_by_label("Section title").fill("Anything else")
    page.get_by_role("button", name="Add the section").click()
    add_question(page, "Anything else", "Long text", "Anything else you want to tell us?")
    page.get_by_role("link", name="Page settings for Central library").click()
    page.get_by_label("Central", exact=True).check()  # page 2 only for Central's users
    page.get_by_role("button", name="Save the page").click()
    expect(page.locator("#survey-questions")).to_contain_text("Shown only if")
    expect(page.get_by_role("heading", name="Page 3: Anything else")).to_be_visible()
    assert_accessible(page)


def invite(page: Page, live_server) -> tuple[str, str]:
    """Open the survey, send the invitations as a job; the email to one selected member."""
    page.get_by_role("button", name="Open the survey").click()
    expect(page.get_by_text("The survey is now open.")).to_be_visible()
    page.get_by_role("button", name="Send invitations").click()  # first, who and how many
    expect(page.get_by_role("heading", level=1)).to_have_text("Send 30 invitations?")
    assert_accessible(page)
    page.get_by_role("button", name="Send 30 invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sending invitations")
    assert_accessible(page)
    with live_server.app.app_context():
        run_pending_jobs()
        send_pending()
        sample = db.session.scalar(select(Sample).where(Sample.name == SAMPLE))
        chosen = db.session.scalars(select(SampleMember).where(
            SampleMember.sample_id == sample.id, SampleMember.role == MemberRole.SELECTED)
            .order_by(SampleMember.id)).all()
        email = db.session.get(Resident, chosen[0].resident_id).user.email
    expect(page.get_by_role("heading", name="30 invitations sent")).to_be_visible(timeout=10000)
    assert_accessible(page)
    message = live_server.smtp.wait_for(email)
    assert SURVEY in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+(/surveys/r/\S+)", body).group(1)
    unsubscribe = re.search(r"http://127\.0\.0\.1:\d+(/unsubscribe/\S+)", body).group(1)
    return link, unsubscribe


def tab_to_field(page: Page, label: str, limit: int = 40) -> None:
    """Press Tab until the control labelled ``label`` has the focus."""
    field = page.get_by_label(label, exact=True)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if field.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"could not reach {label!r} with the Tab key")


def answer_by_keyboard(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your views")
    expect(page.get_by_text("page 1 of 2")).to_be_visible()  # page 2 waits on the answer
    assert_accessible(page)
    tab_to_field(page, "Central")
    page.keyboard.press("Space")
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Central library")
    expect(page.get_by_text("page 2 of 3")).to_be_visible()
    tab_to_field(page, "Strongly agree")  # Tab reaches a radio group at its first answer
    page.keyboard.press("ArrowDown")  # and the arrow keys choose within it
    expect(page.get_by_label("Agree", exact=True)).to_be_checked()
    tab_to(page, "Save and come back later")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    assert_accessible(page)

    page.goto(link)  # back from the email's link: where they left off, answers kept
    expect(page.get_by_role("heading", level=1)).to_have_text("Central library")
    expect(page.get_by_label("Agree", exact=True)).to_be_checked()
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anything else")
    tab_to_field(page, "Anything else you want to tell us?")
    page.keyboard.type("Please keep Central open on Sundays.")
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("Please keep Central open on Sundays.")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "Send my answers")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text(f"We will publish the results by {RESULTS_DUE:%-d %B %Y}")
           ).to_be_visible()
    assert_accessible(page)


def others_answer(live_server) -> None:
    """The rest of the sample answer too (through the same code as the pages), so the results
    have enough people to show and to weight."""
    with live_server.app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.title == SURVEY))
        first, second, third = survey.sections
        for n, invitation in enumerate(db.session.scalars(
                select(Invitation).where(Invitation.survey_id == survey.id)
                .order_by(Invitation.id)).all()[1:]):
            response = answering.response_for(invitation)
            library = "central" if n % 4 else "padiham"
            answering.save_page(response, first, {first.questions[0].key: library})
            if library == "central":
                answering.save_page(response, second, {second.questions[0].key: "agree"})
            answering.save_page(response, third, {third.questions[0].key: None})
            answering.submit(response)


def download(page: Page, name: str, tmp_path: Path) -> bytes:
    with page.expect_download() as event:
        page.get_by_role("link", name=name).click()
    path = tmp_path / event.value.suggested_filename
    assert event.value.failure() is None, f"{name}: {event.value.failure()}"
    event.value.save_as(path)
    return path.read_bytes()


def test_the_whole_survey_journey(browser: Browser, page: Page, live_server, members,
                                  base_url: str, tmp_path: Path) -> None:
    errors = watch_console(page)
    live_server.create_user(Role.OFFICER, OFFICER)
    sign_in(page, OFFICER)
    draw_sample(page, live_server)
    build_survey(page)
    link, unsubscribe = invite(page, live_server)

    resident = browser.new_context(base_url=base_url, locale="en-GB").new_page()
    resident_errors = watch_console(resident)
    answer_by_keyboard(resident, link)
    resident.goto(unsubscribe)  # the email's other link: no more emails, without signing in
    expect(resident.get_by_role("heading", level=1)).to_have_text("Stop emails from the panel")
    assert_accessible(resident)
    tab_to(resident, "Stop emails")
    resident.keyboard.press("Enter")
    expect(resident.get_by_role("heading", level=1)).to_have_text(
        "You will not get emails from the panel")
    assert_accessible(resident)
    others_answer(live_server)

    page.goto("/surveys")
    page.get_by_role("link", name=SURVEY).click()
    page.get_by_role("button", name="See the results").click()
    expect(page.get_by_text("30 responses sent")).to_be_visible()
    page.get_by_label("Weight the results to").select_option(label=DEFAULT_TARGET_SET_NAME)
    page.get_by_role("group", name="On these profile questions").get_by_label(
        "Sex", exact=True).check()
    page.get_by_role("button", name="Show the results").click()
    expect(page.get_by_text(f"Weighted to {DEFAULT_TARGET_SET_NAME}.")).to_be_visible()
    expect(page.get_by_text("Design effect")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Who answered, compared with "
                                            f"{DEFAULT_TARGET_SET_NAME}")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Please keep Central open on Sundays.")
    assert_accessible(page)

    csv = download(page, "CSV, with labels", tmp_path).decode("utf-8-sig")
    assert "Which library do you use most?" in csv and "Please keep Central open" in csv
    assert len(csv.strip().splitlines()) >= 31  # a header and a row per response
    xlsx = download(page, "Excel (XLSX), with the methods note", tmp_path)
    assert xlsx[:2] == b"PK"  # a zip: an Office Open XML workbook
    sav = download(page, "SPSS (.sav), with value labels", tmp_path)
    assert sav[:4] == b"$FL2"  # an SPSS system file
    assert errors == [] and resident_errors == [], (errors, resident_errors)
