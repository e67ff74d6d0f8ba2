"""An organiser sets up a two-session event in a browser (an end time before the start is
refused beside the field), chooses quotas (never a special-category question), opens
recruitment, and sees the event's dashboard with the borough's shares on a 390 px phone. Every
page is axe-clean."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from core.extensions import db
from core.models import Role, utcnow
from panel.engagements import Engagement, SpectrumLevel
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

ORGANISER = "events.organiser@burnley.example"
ENGAGEMENT = "Future of Towneley Park"


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def fill_date(page: Page, legend: str, day) -> None:  # noqa: ANN001 (a date)
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_organiser_sets_up_a_two_session_event_and_opens_recruitment(
        page: Page, live_server) -> None:
    live_server.create_user(Role.ORGANISER, ORGANISER)
    live_server.add_members("nobody{}@burnley.example", [])  # the questions and the borough
    with live_server.app.app_context():
        db.session.add(Engagement(title=ENGAGEMENT, level=SpectrumLevel.INVOLVE))
        db.session.commit()
    first = (utcnow() + timedelta(days=60)).date()
    errors = watch_console(page)
    sign_in(page, ORGANISER)
    page.get_by_role("link", name="Events", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    assert_accessible(page)
    page.get_by_role("button", name="Create an event").click()
    assert_accessible(page)
    page.get_by_label("Which engagement is this event part of?").select_option(
        label=ENGAGEMENT)
    page.get_by_label("What is the event called?").fill("Towneley Park assembly")
    page.get_by_label("What is it for?").fill("What the park should be for.")
    page.get_by_label("Citizens' assembly").check()
    page.get_by_label("How many places?").fill("24")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Towneley Park assembly")
    assert_accessible(page)

    for n, day in enumerate((first, first + timedelta(days=7))):
        page.get_by_role("link", name="Sessions" if n == 0 else "Add a session").click()
        fill_date(page, "Date", day)
        page.get_by_label("Start time").fill("10:00")
        page.get_by_label("End time").fill("9am" if n == 0 else "1pm")
        page.get_by_label("Venue (leave empty for an online session)").fill("Towneley Hall")
        page.get_by_label("Address").fill("Todmorden Road, Burnley")
        page.get_by_label("Step-free access").check()
        page.get_by_role("button", name="Save the session").click()
        if n == 0:  # the end before the start: said beside the field, nothing lost
            expect(page.get_by_text("There is a problem")).to_be_visible()
            expect(page.locator("#ends-error")).to_contain_text(
                "The end time must be after the start time")
            expect(page.get_by_label("Venue (leave empty for an online session)")) \
                .to_have_value("Towneley Hall")
            assert_accessible(page)
            page.get_by_label("End time").fill("1pm")
            page.get_by_role("button", name="Save the session").click()
        expect(page.get_by_text("Session saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Session 2: "))).to_be_visible()

    page.get_by_role("link", name="Selection quotas").click()
    assert_accessible(page)
    expect(page.get_by_label("Ethnic group")).to_have_count(0)  # special-category
    page.get_by_label("Compare with (target set)").select_option(index=1)
    page.get_by_label("Sex", exact=True).check()
    page.get_by_label("Age", exact=True).check()
    page.get_by_role("button", name="Save quotas").click()
    expect(page.get_by_text("Quotas saved.")).to_be_visible()

    page.get_by_role("link", name="Recruitment", exact=True).click()
    fill_date(page, "Registration closes on", first - timedelta(days=21))
    page.get_by_label("Registration closes at").fill("17:00")
    page.get_by_role("button", name="Save recruitment").click()
    expect(page.get_by_text("Recruitment settings saved.")).to_be_visible()
    page.get_by_role("button", name="Open recruitment").click()
    expect(page.get_by_text(re.compile("Recruitment is open. The public registration code is "
                                       r"[A-Z2-9]{8}\."))).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Recruiting")).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("heading", name="Who is taking part")).to_be_visible()
    expect(page.locator("#event-dashboard")).to_contain_text("0 of 24")
    expect(page.get_by_role("table", name="Sex")).to_be_visible()
    no_horizontal_scroll(page)
    assert_accessible(page)
    event_url = page.url
    for part in ("support", "recruitment", "questions/new", "capacity", "cancel", "details"):
        page.goto(f"{event_url}/{part}")
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        no_horizontal_scroll(page)
        assert_accessible(page)
    page.goto(f"{event_url}/questions/new")
    page.get_by_label("Question").fill("How do you feel about the park?")
    page.get_by_label("Answers to choose from").fill("Happy\nWorried")
    page.get_by_label("Quota shares, per cent (optional)").fill("50\n30")
    page.get_by_role("button", name="Save the question").click()
    expect(page.locator("#shares-error")).to_contain_text("The shares must add up to 100")
    assert_accessible(page)
    page.wait_for_load_state("networkidle")
    assert errors == []
