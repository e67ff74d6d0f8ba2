"""An officer weights a survey's results and breaks them down by a profile question: the charts
beside the tables draw at the widths their numbers say, a hidden group has no bar, it all works
with JavaScript off, and the page is axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Role, utcnow
from panel.demo import install_dimensions, install_target_set, ward_dimension
from panel.engagements import Engagement, SpectrumLevel
from panel.models import TargetSet
from panel.reference_data import (
    DEFAULT_TARGET_SET_NAME,
    DEFAULT_TARGET_SET_SOURCE,
    load_burnley_wards,
    load_default_dimensions,
    load_default_targets,
)
from surveys.models import Answer, Question, Response, Section, Survey
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

TITLE = "Parks survey (charts)"


@pytest.fixture(scope="module")
def results_url(live_server) -> str:
    """30 responses: 20 women visit Towneley, 10 men Queen's Park; 3 of them play tennis."""
    with live_server.app.app_context():
        if db.session.scalar(select(TargetSet.id).where(
                TargetSet.name == DEFAULT_TARGET_SET_NAME)) is None:
            ids = install_dimensions([*load_default_dimensions(),  # as installed: their ids
                                      ward_dimension(load_burnley_wards())])
            install_target_set(DEFAULT_TARGET_SET_NAME, DEFAULT_TARGET_SET_SOURCE,
                               load_default_targets(), ids)
        survey = Survey(engagement=Engagement(title="Parks (charts)",
                                              level=SpectrumLevel.CONSULT), title=TITLE)
        questions = [
            Question(survey=survey, key="q1", kind="single", text="Which park do you visit?",
                     options=[["towneley", "Towneley"], ["queens", "Queen's Park"]], position=0),
            Question(survey=survey, key="q2", kind="multiple", text="What do you go there for?",
                     options=[["walk", "A walk"], ["tennis", "Tennis"]], position=1),
        ]
        survey.sections = [Section(title="Your park", questions=questions)]
        db.session.add(survey)
        db.session.flush()
        for n in range(30):
            values = {"q1": "towneley" if n < 20 else "queens",
                      "q2": {"choices": ["walk", "tennis"] if n < 3 else ["walk"], "other": ""}}
            db.session.add(Response(
                survey_id=survey.id, submitted_at=utcnow(),
                profile={"sex": "female" if n < 20 else "male"},
                answers=[Answer(question_id=q.id, value=values[q.key]) for q in questions]))
        db.session.commit()
        return f"/surveys/{survey.id}/results"


def bar_share(page: Page, chart: int, row: int) -> float:
    """How much of its track a bar fills, as drawn (0–100)."""
    chart_row = page.locator(".cp-chart--results").nth(chart).locator(".cp-chart__row").nth(row)
    track = chart_row.locator(".cp-chart__track").bounding_box()
    bar = chart_row.locator(".cp-chart__bar").bounding_box()
    assert track and bar
    return 100 * bar["width"] / (track["width"] - 2)  # the track has a 2px axis line


def test_weighted_results_with_a_breakdown_are_charted_and_accessible(
        page: Page, live_server, results_url) -> None:
    errors = watch_console(page)
    live_server.create_user(Role.OFFICER, "charts.officer@burnley.example")
    sign_in(page, "charts.officer@burnley.example")
    page.goto(results_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results: {TITLE}")
    assert bar_share(page, 0, 0) == pytest.approx(67, abs=1)  # unweighted: 20 of 30
    assert_accessible(page)

    page.get_by_label("Weight the results to").select_option(label=DEFAULT_TARGET_SET_NAME)
    page.get_by_label("Sex", exact=True).check()
    page.get_by_label("Break the answers down by").select_option(label="Sex")
    page.get_by_role("button", name="Show the results").click()
    expect(page.get_by_text("Bars show the weighted per cent").first).to_be_visible()
    weighted = bar_share(page, 0, 0)
    assert 40 < weighted < 60  # raked towards the borough's half women, half men
    parks = page.locator(".cp-chart--results").first
    expect(parks).to_have_attribute("aria-hidden", "true")
    expect(parks.locator(".cp-chart__interval")).to_have_count(2)
    tennis = page.locator(".cp-chart--results").nth(1).locator(".cp-chart__row").nth(1)
    expect(tennis).to_contain_text("hidden (small group)")
    expect(tennis.locator(".cp-chart__bar")).to_have_count(0)
    # the numbers are in the tables, each named by its question
    expect(page.get_by_role("table", name="Which park do you visit?: 30 answered")).to_be_visible()
    expect(page.get_by_role("table", name="Which park do you visit?: Weighted per cent of each "
                            "group, by sex")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})  # a phone: labels above the bars
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scroll
    assert_accessible(page)
    assert errors == []


def test_the_charts_draw_with_javascript_off(browser, live_server, results_url) -> None:
    live_server.create_user(Role.OFFICER, "charts.nojs@burnley.example")
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        sign_in(page, "charts.nojs@burnley.example")
        page.goto(f"{results_url}?by=sex")
        assert bar_share(page, 0, 0) == pytest.approx(67, abs=1)
        assert bar_share(page, 0, 1) == pytest.approx(33, abs=1)
        expect(page.locator(".cp-chart--results .cp-chart__hidden")).to_have_text(
            "hidden (small group)")
    finally:
        context.close()
