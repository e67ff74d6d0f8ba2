"""An officer opens the impact measures from the menu (charts, tables, a flagged engagement,
a CSV download); anyone finds the open data from the public index and downloads it. Every page
is axe-clean."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from core.extensions import db
from core.models import Role, User
from outcomes import services
from outcomes.models import Feedback, FeedbackKind
from outcomes.services import ResponseText
from panel.engagements import SpectrumLevel
from panel.models import Resident
from surveys.models import Response, Survey
from tests.e2e.conftest import assert_accessible, sign_in, watch_console


@pytest.fixture(scope="module")
def measured(live_server):
    """Seeded once for the module (the live server lives for the session)."""
    officer = live_server.create_user(Role.OFFICER, "measures.officer@burnley.example")
    live_server.add_members("", [])   # the shared default targets (Census), as other tests use
    with live_server.app.app_context():
        actor = db.session.get(User, officer.id)
        heard = services.save_plan(actor, None, title="Measured libraries", topic="Libraries",
                                   level=SpectrumLevel.CONSULT, starts_on=date(2026, 1, 5),
                                   ends_on=date(2026, 2, 27), ward_codes=[])
        services.announce(actor, heard, datetime(2026, 1, 1))
        services.save_plan(actor, None, title="Forgotten roads", topic="Roads",
                           level=SpectrumLevel.INVOLVE, starts_on=date(2025, 1, 6),
                           ends_on=date(2025, 2, 28), ward_codes=[])
        survey = Survey(engagement=heard, title="Measured libraries survey")
        db.session.add(survey)
        db.session.flush()
        for n in range(12):
            user = User(email=f"measured{n}@burnley.example", role=Role.RESIDENT)
            resident = Resident(user=user, first_name="R", last_name=str(n))
            db.session.add(resident)
            db.session.flush()
            db.session.add(Response(survey_id=survey.id, resident_id=resident.id,
                                    submitted_at=datetime(2026, 2, 1 + n),
                                    profile={"sex": "female" if n < 10 else "male"}))
            db.session.add(Feedback(resident_id=resident.id, engagement_id=heard.id,
                                    kind=FeedbackKind.LISTENED, answer="yes" if n else "no"))
        db.session.commit()
        services.save_draft(actor, heard, ResponseText(summary="You asked for Sundays."))
        services.publish_response(actor, heard, datetime(2026, 3, 20, 9, 0))
    return officer


def test_an_officer_reads_the_impact_measures(page: Page, measured) -> None:
    errors = watch_console(page)
    sign_in(page, measured.email)
    page.get_by_role("link", name="Impact measures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact measures")
    expect(page.get_by_role("link", name="Forgotten roads")).to_be_visible()
    expect(page.get_by_role("table", name="Residents who took part, per quarter")).to_be_visible()
    expect(page.get_by_text("Not shown (small group)").first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Download this table \(CSV\).*listened to")
                         ).click()
    assert download.value.suggested_filename.startswith("impact-listened-")
    assert errors == []


def test_anyone_finds_and_downloads_the_open_data(page: Page, measured) -> None:
    page.goto("/outcomes")
    page.get_by_role("link", name="open data (CSV and JSON)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data: responses and actions")
    assert_accessible(page)
    response = page.request.get("/outcomes/data/engagements.json")
    titles = [e["title"] for e in response.json()["engagements"]]
    assert "Measured libraries" in titles and "Forgotten roads" not in titles   # not announced
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"CSV.*\(actions\)")).click()
    assert download.value.suggested_filename == "actions.csv"
