"""An officer opens the representativeness dashboard, changes the filters (with and without
JavaScript, and by keyboard), and every state of the page is axe-clean."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Role, User, utcnow
from panel.demo import install_dimensions, install_target_set, ward_dimension
from panel.models import ProfileAnswer, Resident, ResidentStatus, TargetSet
from panel.reference_data import (
    DEFAULT_TARGET_SET_NAME,
    DEFAULT_TARGET_SET_SOURCE,
    load_burnley_wards,
    load_default_dimensions,
    load_default_targets,
)
from tests.e2e.conftest import assert_accessible, sign_in, tab_to, watch_console

# (status, verified, age band, sex, ward index): young people and men are under-represented.
PEOPLE = [
    *[("active", True, "65_74", "female", i % 15) for i in range(8)],
    *[("active", True, "45_54", "female", i % 15) for i in range(5)],
    ("active", True, "16_24", "male", 3),
    ("active", True, "35_44", "male", 4),
    ("paused", True, "25_34", "male", 5),
    ("withdrawn", True, "16_24", "male", 6),
    ("active", False, "16_24", "male", 7),
    ("active", False, "25_34", "female", 8),
]


@pytest.fixture(scope="module")
def panel_data(live_server):
    """Profile questions, the Census targets and a small, lopsided panel (idempotent)."""
    with live_server.app.app_context():
        specs = [*load_default_dimensions(), ward_dimension(load_burnley_wards())]
        ids = install_dimensions(specs)
        if db.session.scalar(select(TargetSet.id).where(
                TargetSet.name == DEFAULT_TARGET_SET_NAME)) is None:
            install_target_set(DEFAULT_TARGET_SET_NAME, DEFAULT_TARGET_SET_SOURCE,
                               load_default_targets(), ids)
        now = utcnow()
        ward_keys = [w.code for w in load_burnley_wards()]
        for number, (status, verified, age, sex, ward) in enumerate(PEOPLE):
            user = User(email=f"repr.resident{number}@example.org", role=Role.RESIDENT,
                        verified_at=now - timedelta(days=1) if verified else None)
            resident = Resident(user=user, first_name="Test", last_name=f"Resident {number}",
                                status=ResidentStatus(status))
            for key, category in (("age_band", age), ("sex", sex), ("ward", ward_keys[ward])):
                dimension_id, categories = ids[key]
                resident.answers.append(ProfileAnswer(dimension_id=dimension_id,
                                                      category_id=categories[category]))
            db.session.add(resident)
        db.session.commit()
    return live_server


def sign_in_officer(page: Page, live_server, email: str) -> None:
    live_server.create_user(Role.OFFICER, email)
    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def members_shown(page: Page) -> int:
    text = page.locator("#representation-result > p.govuk-body").first.inner_text()
    return int(re.match(r"([\d,]+) ", text).group(1).replace(",", ""))


def test_officer_changes_a_filter_and_the_figures_update(page: Page, panel_data) -> None:
    errors = watch_console(page)
    sign_in_officer(page, panel_data, "repr.officer@burnley.example")
    page.get_by_role("link", name="Representation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How representative is the panel?")
    expect(page.get_by_role("heading", name="Who is missing")).to_be_visible()
    expect(page.locator(".cp-missing li").first).to_contain_text("of the panel but")
    assert_accessible(page)
    before = members_shown(page)

    # With JavaScript, a change updates the result block in place (htmx) and the address.
    heading = page.get_by_role("heading", level=1).element_handle()
    page.get_by_label("Everyone, including members who have left").check()
    expect(page).to_have_url(re.compile(r"status=all"))
    expect(page.locator("#representation-status")).to_contain_text("Figures updated")
    after = members_shown(page)
    assert after > before
    assert heading.evaluate("el => el.isConnected")  # the page itself was not reloaded
    assert_accessible(page)

    page.get_by_label("Include members who have not confirmed it yet").check()
    expect(page).to_have_url(re.compile(r"verified=any"))
    expect(page.locator("#representation-result")).to_contain_text(
        "members of any status, compared with")
    assert members_shown(page) > after
    assert_accessible(page)

    # The back button restores the earlier figures (a full page load).
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"verified=any"))
    expect(page.get_by_label("Include members who have not confirmed it yet")).not_to_be_checked()
    assert members_shown(page) == after
    assert errors == []


def test_the_dashboard_works_by_keyboard(page: Page, panel_data) -> None:
    errors = watch_console(page)
    sign_in_officer(page, panel_data, "repr.keyboard@burnley.example")
    tab_to(page, "Representation")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("How representative is the panel?")
    before = members_shown(page)

    # Tab into the membership radios (focus lands on the checked one) and pick the next.
    tab_to(page, "active")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Active and paused members")).to_be_checked()
    expect(page).to_have_url(re.compile(r"status=current"))
    expect(page.locator("#representation-status")).to_contain_text("active and paused members")
    assert members_shown(page) > before
    focused = page.evaluate("() => document.activeElement.id")
    assert focused.startswith("status")  # focus stays where the officer was

    # Everything else is reachable: who is missing, the CSV, then each question's table
    # (a named region that scrolls sideways on a phone).
    tab_to(page, page.locator(".cp-missing li a").first.inner_text(), limit=60)
    tab_to(page, "Download all the figures (CSV)", limit=60)
    page.keyboard.press("Tab")
    assert page.evaluate("() => [document.activeElement.getAttribute('role'), "
                         "document.activeElement.getAttribute('aria-labelledby')]") == \
        ["region", "question-age_band-caption"]
    assert_accessible(page)
    assert errors == []


def test_the_filters_work_without_javascript(browser, panel_data) -> None:
    panel_data.create_user(Role.OFFICER, "repr.nojs@burnley.example")
    context = browser.new_context(java_script_enabled=False, base_url=panel_data.url)
    page = context.new_page()
    sign_in(page, "repr.nojs@burnley.example")
    page.goto("/representation/")
    before = members_shown(page)
    page.get_by_label("Everyone, including members who have left").check()
    page.get_by_role("button", name="Update figures").click()
    expect(page).to_have_url(re.compile(r"/representation/\?.*status=all"))
    expect(page.get_by_label("Everyone, including members who have left")).to_be_checked()
    assert members_shown(page) > before
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all the figures (CSV)").click()
    assert download.value.suggested_filename.startswith("panel-representation-")
    context.close()


def test_the_dashboard_fits_a_phone(browser, panel_data) -> None:
    panel_data.create_user(Role.OFFICER, "repr.phone@burnley.example")
    context = browser.new_context(viewport={"width": 375, "height": 740},
                                  base_url=panel_data.url)
    page = context.new_page()
    sign_in(page, "repr.phone@burnley.example")
    page.goto("/representation/")
    assert_accessible(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"the dashboard scrolls sideways on a phone ({width}px)"
    context.close()
