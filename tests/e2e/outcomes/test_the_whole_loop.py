"""The whole loop, as the issue tells it, in a browser: an officer plans the engagement of an open
survey, closes the survey, publishes a response with a chart and two actions; a participant
receives the email over real SMTP and follows it; an update marks one action done, which appears
on the timeline and in a second email; the participant answers "Has this happened?". Every page
is axe-clean; the public page also works without JavaScript on a phone."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from email.message import EmailMessage

from playwright.sync_api import Browser, Page, expect

from core.extensions import db
from core.models import Role, User, utcnow
from panel.membership import CONSENT_WORDING
from panel.models import Consent, ConsentKind, Resident
from surveys import services as surveys
from surveys.models import Answer, Question, Response
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

OFFICER = "whole.loop.officer@burnley.example"
PARTICIPANT = "whole.loop.resident@burnley.example"
SUNDAYS, HOURS = "Open the pool on Sundays", "Longer hours in the holidays"


def _open_survey_with_answers(live_server) -> int:  # noqa: ANN001
    """An open survey made the usual way, answered by 24 members, one of whom signs in later."""
    with live_server.app.app_context():
        officer = User(email=OFFICER, role=Role.OFFICER, display_name="Officer")
        officer.set_password(PASSWORD)
        db.session.add(officer)
        db.session.commit()
        survey = surveys.create_survey(
            officer, engagement_title="Swimming pools", topic="Leisure", level="consult",
            why="We are setting the pools' opening hours.", title="Pools survey",
            audience="panel")
        question = Question(survey=survey, key="q1", kind="single", position=0,
                            text="When would you swim?",
                            options=[["weekends", "Weekends"], ["evenings", "Evenings"]])
        survey.sections[0].questions.append(question)
        db.session.commit()
        surveys.open_survey(officer, survey)
        for n in range(24):
            email = PARTICIPANT if n == 0 else f"swimmer{n}@burnley.example"
            user = User(email=email, role=Role.RESIDENT, verified_at=utcnow() - timedelta(days=9))
            user.set_password(PASSWORD)
            resident = Resident(user=user, first_name="Sam", last_name=f"Swimmer {n}")
            resident.consents.append(Consent(
                kind=ConsentKind.MEMBERSHIP, granted=True, privacy_notice_version="test",
                wording=CONSENT_WORDING[ConsentKind.MEMBERSHIP]))
            db.session.add(resident)
            db.session.flush()
            db.session.add(Response(
                survey_id=survey.id, resident_id=resident.id, submitted_at=utcnow(),
                answers=[Answer(question_id=question.id,
                                value="weekends" if n < 14 else "evenings")]))
        db.session.commit()
        return survey.id


def _email_saying(live_server, to: str, text: str, timeout: float = 15.0  # noqa: ANN001
                  ) -> EmailMessage:
    """The email to ``to`` that says ``text``, waiting for it to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(live_server.smtp.inbox.messages):
            if message["To"] == to and text in _body(message):
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email to {to} saying {text!r} within {timeout} s")


def _body(email: EmailMessage) -> str:
    return email.get_body(preferencelist=("plain",)).get_content()


def test_plan_close_publish_hear_update_hear_again_and_answer(page: Page, live_server,
                                                              browser: Browser,
                                                              leaves_the_pool: list[str]) -> None:
    leaves_the_pool.extend([PARTICIPANT, *(f"swimmer{n}@burnley.example" for n in range(24))])
    survey_id = _open_survey_with_answers(live_server)
    errors = watch_console(page)
    sign_in(page, OFFICER)

    # Plan: the engagement made with the survey is already public; the officer completes it
    page.goto("/engagements")
    page.get_by_role("link", name="Swimming pools").click()
    page.get_by_role("button", name="Change the plan").click()
    page.get_by_label("Who makes the decision?").fill("Leisure committee")
    page.get_by_label("What cannot change?").fill("The pools' staffing budget.")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    assert_accessible(page)

    # Close the survey
    page.goto(f"/surveys/{survey_id}")
    page.get_by_role("button", name="Close the survey").click()
    expect(page.locator(".govuk-tag", has_text="Closed").first).to_be_visible()
    page.goto("/engagements")

    # The response with a chart, and two actions
    page.get_by_role("link", name="Swimming pools").click()
    engagement_url = page.url
    for title in (SUNDAYS, HOURS):
        page.get_by_role("button", name="Add an action").click()
        page.get_by_label("What will the council do?").fill(title)
        page.get_by_label("Which service owns it?").fill("Leisure services")
        page.get_by_role("button", name="Add the action").click()
        page.get_by_role("button", name=f"Publish {title}").click()
    page.get_by_role("button", name="Write the response").click()
    page.get_by_label("You said: a summary of what residents told us").fill(
        "Most of you would swim at weekends.")
    page.get_by_role("group", name="Survey questions to publish as charts and tables") \
        .get_by_label("Pools survey: When would you swim?").check()
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("table", name=re.compile("When would you swim"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the engagement").click()
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Response published (version 1).")).to_be_visible()

    # The participant hears, and follows the link
    first = _email_saying(live_server, PARTICIPANT, "Most of you would swim at weekends.")
    assert "Swimming pools" in first["Subject"]
    public_link = re.search(r"https?://\S+/outcomes/\d+", _body(first)).group(0)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    resident = context.new_page()
    resident.goto(public_link)
    expect(resident.get_by_role("heading", level=1)).to_have_text("Swimming pools")
    weekends = resident.get_by_role("table", name=re.compile("When would you swim")) \
        .get_by_role("row", name=re.compile("Weekends"))
    expect(weekends).to_contain_text("14")
    assert_accessible(resident)

    # An update marks one action done: on the timeline, and in a second email
    page.goto(engagement_url)
    page.get_by_role("link", name=f"Post an update on {SUNDAYS}").click()
    page.get_by_label("Done").check()
    page.get_by_label("What happened (shown on the timeline)").fill("Open 9am to 1pm.")
    page.get_by_role("button", name="Publish the update").click()
    _email_saying(live_server, PARTICIPANT, f"{SUNDAYS}: done. Open 9am to 1pm.")
    resident.goto(public_link)
    resident.get_by_text("Timeline (2 updates)").first.click()
    expect(resident.get_by_text("Open 9am to 1pm.")).to_be_visible()

    # The participant answers "Has this happened?"
    sign_in(resident, PARTICIPANT)
    resident.goto(public_link)
    question = resident.get_by_role("group", name=f"Has “{SUNDAYS}” happened?")
    question.get_by_label("Yes").check()
    resident.get_by_role("button", name=f"Send your answer about {SUNDAYS}").click()
    expect(resident.get_by_text(f"your answer about “{SUNDAYS}” is saved")).to_be_visible()
    assert_accessible(resident)
    resident.wait_for_load_state("networkidle")   # no request cut off (the favicon)
    context.close()

    # Without JavaScript, on a phone, the page still tells it all
    phone = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                viewport={"width": 390, "height": 844}, locale="en-GB")
    reader = phone.new_page()
    reader.goto(public_link)
    expect(reader.get_by_text("Most of you would swim at weekends.")).to_be_visible()
    expect(reader.get_by_text(HOURS).first).to_be_visible()
    assert reader.evaluate("() => document.documentElement.scrollWidth") <= 390
    reader.wait_for_load_state("networkidle")   # no request cut off (the favicon)
    phone.close()
    assert errors == []
