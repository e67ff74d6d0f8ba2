"""An officer builds a fair panel: an impossible quota is flagged live next to the quota and
corrected, the draw runs as a job, and the result reproduces. Every state is axe-clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.jobs.runner import run_pending_jobs
from core.models import Role
from tests.e2e.conftest import assert_accessible, sign_in, watch_console


@pytest.fixture(scope="module")
def volunteers(live_server):
    """Targets, and 30 consenting members with a sex and an age band."""
    live_server.add_members("quota.volunteer{}@example.org", [
        {"sex": "female" if n % 2 else "male", "age_band": ("25_34", "45_54", "65_74")[n % 3]}
        for n in range(30)])


def test_an_officer_fixes_an_impossible_quota_live_and_draws(page: Page, live_server,
                                                             volunteers) -> None:
    errors = watch_console(page)
    live_server.create_user(Role.OFFICER, "quota.officer@burnley.example")
    sign_in(page, "quota.officer@burnley.example")
    page.get_by_role("link", name="Samples").click()
    page.get_by_role("button", name="Draw a new sample").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draw a new sample")
    assert_accessible(page)

    page.get_by_label("Name of the sample").fill("Climate jury")
    page.get_by_label("Fair panel").check()
    page.get_by_label("Age", exact=False).first.uncheck()
    page.get_by_label("Number of people to select").fill("5000")
    page.get_by_label("Number of people to select").press("Tab")
    check = page.locator("#quota-check")
    expect(check).to_contain_text("Cannot be drawn yet")
    expect(check).to_contain_text("make the panel smaller")
    assert_accessible(page)

    page.get_by_label("Number of people to select").fill("10")
    page.get_by_label("Number of people to select").press("Tab")
    expect(check).to_contain_text("Can be drawn")
    maximum = page.get_by_label("Maximum for Sex: Female")
    maximum.fill("10")
    maximum.press("Tab")
    minimum = page.get_by_label("Minimum for Sex: Female")
    minimum.fill("9")
    minimum.press("Tab")
    expect(check).to_contain_text("Cannot be drawn yet")
    expect(check).to_contain_text("lower the minimum")  # female's, or male's, by 4 either way
    expect(page.get_by_label("Maximum for Sex: Female")).to_be_focused()  # focus kept
    assert_accessible(page)

    minimum = page.get_by_label("Minimum for Sex: Female")
    minimum.fill("5")
    minimum.press("Tab")
    expect(check).to_contain_text("Can be drawn")
    expect(check).not_to_contain_text("lower the minimum")

    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drawing the sample")
    with live_server.app.app_context():
        run_pending_jobs()
    expect(page.get_by_role("heading", level=1)).to_have_text("Climate jury", timeout=10000)
    expect(page.get_by_text("Chances of selection")).to_be_visible()
    assert_accessible(page)

    label = page.locator(".cp-bar-chart__row > span").first  # the site font, not a serif
    assert "Arial" in label.evaluate("e => getComputedStyle(e).fontFamily")
    expect(page.locator("#reproduced-row")).to_contain_text("Not yet checked")

    page.get_by_role("button", name="Re-run the draw to check it reproduces").click()
    expect(page.locator("#reproduction")).to_contain_text("the same people were selected")
    expect(page.locator("#reproduced-row")).not_to_contain_text("Not yet checked")
    expect(page.locator("#reproduced-row dd")).to_have_text(re.compile(r" \d{4} \d\d:\d\d$"))
    assert_accessible(page)
    assert errors == [], errors


@pytest.fixture(scope="module")
def disclosed(live_server):
    """40 members who answered the disability question (a quarter disabled)."""
    live_server.add_members("quota.disability{}@example.org", [
        {"sex": "female" if n % 2 else "male", "age_band": ("25_34", "45_54", "65_74")[n % 3],
         "disability": "disabled" if n % 4 == 0 else "not_disabled"} for n in range(40)])


def test_an_officer_approves_a_design_that_an_organiser_draws_blind(page: Page, live_server,
                                                                    volunteers, disclosed) -> None:
    errors = watch_console(page)
    live_server.create_user(Role.OFFICER, "quota.approver@burnley.example")
    live_server.create_user(Role.ORGANISER, "quota.organiser@burnley.example")
    sign_in(page, "quota.approver@burnley.example")
    page.goto("/quota/samples/new")
    page.get_by_label("Name of the sample").fill("Access audit")
    page.get_by_role("checkbox", name="Age", exact=True).uncheck()
    page.get_by_role("checkbox", name="Ethnic group", exact=True).check()
    page.get_by_label("Number of people to select").fill("10")
    page.get_by_label("Number of people to select").press("Tab")
    check = page.locator("#quota-check")
    expect(check).to_contain_text("No one from this group can be selected")
    expect(page.get_by_role("button", name="Merge Ethnic group into its 5 parent groups")
           ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("checkbox", name="Ethnic group", exact=True).uncheck()
    page.get_by_role("checkbox", name="Disability", exact=True).check()
    page.get_by_label("Tolerance (people either side of each target)").fill("1")
    page.get_by_label("Tolerance (people either side of each target)").press("Tab")
    expect(check).to_contain_text("Can be drawn")
    page.get_by_role("button", name="Approve this design for organisers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access audit")
    expect(page.get_by_text("Draw a sample from this design")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, "quota.organiser@burnley.example")
    page.goto("/quota/samples")
    page.get_by_role("link", name="Access audit").click()
    expect(page.get_by_text("shown only to officers")).to_be_visible()
    expect(page.get_by_text("Not disabled")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Draw a sample from this design").click()
    with live_server.app.app_context():
        run_pending_jobs()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access audit", timeout=10000)
    expect(page.get_by_text("approved by an officer, and every one was met")).to_be_visible()
    expect(page.get_by_text("Not disabled")).to_have_count(0)
    assert_accessible(page)
    assert errors == [], errors
