"""Open data (SQLite and PostgreSQL): anyone may download the published responses and actions
as JSON and CSV; only what the public pages show goes in, never a draft (a draft response, a
draft action, a draft update, a sub-action of a draft, an engagement not yet announced)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from core.models import Role
from outcomes import services
from outcomes.opendata import ACTION_FIELDS, ENGAGEMENT_FIELDS, SCHEMA_VERSION
from outcomes.progress import ActionStatus
from outcomes.services import ActionText, ResponseText, UpdateText
from panel.engagements import SpectrumLevel

pytestmark = pytest.mark.clock("2026-12-07 10:00")


@pytest.fixture
def published(make_user):
    officer = make_user(Role.OFFICER)

    def plan(title, announce=True, ends=date(2026, 10, 31)):
        engagement = services.save_plan(officer, None, title=title, topic="Libraries",
                                        level=SpectrumLevel.CONSULT, starts_on=date(2026, 9, 1),
                                        ends_on=ends, ward_codes=["E05005151"])
        if announce:
            services.announce(officer, engagement, datetime(2026, 8, 20, 9, 0))
        return engagement

    libraries = plan("Future of our libraries")
    services.save_draft(officer, libraries, ResponseText(summary="Most want Sundays.",
                                                         decision="Agreed."))
    services.publish_response(officer, libraries, datetime(2026, 11, 20, 9, 30))
    services.save_draft(officer, libraries, ResponseText(
        summary="DRAFT SECOND VERSION", change_note="Corrected"))
    sundays = services.add_action(officer, libraries, ActionText(
        title="Open on Sundays", owner="Libraries service", target_date=date(2027, 3, 1)))
    services.publish_action(officer, sundays, datetime(2026, 11, 20, 9, 30))
    services.publish_update(officer, services.draft_update(officer, sundays, UpdateText(
        status=ActionStatus.DONE, note="Opens 10 to 4.")), datetime(2026, 12, 1, 14, 0))
    services.draft_update(officer, sundays, UpdateText(status=ActionStatus.IN_PROGRESS,
                                                       note="DRAFT UPDATE"))
    draft = services.add_action(officer, libraries, ActionText(title="DRAFT ACTION",
                                                               owner="Libraries"))
    services.add_action(officer, libraries, ActionText(title="DRAFT CHILD", owner="L"),
                        parent=draft)
    roads = plan("Safer roads")
    services.save_draft(officer, roads, ResponseText(summary="DRAFT RESPONSE"))
    plan("SECRET ENGAGEMENT", announce=False)
    return libraries, roads, sundays


def test_the_json_holds_what_the_public_pages_show_and_no_draft(client, published):
    libraries, roads, sundays = published
    response = client.get("/outcomes/data/engagements.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["fields"] == [name for name, _, _ in ENGAGEMENT_FIELDS]
    by_id = {e["id"]: e for e in document["engagements"]}
    assert set(by_id) == {libraries.id, roads.id}
    assert by_id[libraries.id]["summary"] == "Most want Sundays."
    assert by_id[libraries.id]["response_version"] == 1
    assert by_id[libraries.id]["first_response_at"] == "2026-11-20T09:30:00Z"
    assert by_id[libraries.id]["days_to_respond"] == 20
    assert by_id[libraries.id]["actions"] == 1
    assert by_id[libraries.id]["url"].endswith(f"/outcomes/{libraries.id}")
    assert by_id[roads.id]["response_version"] is None
    assert by_id[roads.id]["stage"] == "awaiting_response"
    actions = client.get("/outcomes/data/actions.json").get_json()["actions"]
    assert [a["id"] for a in actions] == [sundays.id]
    assert actions[0]["status"] == "done"
    assert [u["note"] for u in actions[0]["updates"]] == ["Action added.", "Opens 10 to 4."]
    assert actions[0]["updated_at"] == "2026-12-01T14:00:00Z"
    for name in ("engagements", "actions"):
        for fmt in ("json", "csv"):
            text = client.get(f"/outcomes/data/{name}.{fmt}").get_data(as_text=True)
            assert "DRAFT" not in text and "SECRET" not in text, (name, fmt)


def test_the_csv_has_the_schema_columns(client, published):
    libraries, _, sundays = published
    response = client.get("/outcomes/data/actions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert list(rows[0]) == [name for name, _, _ in ACTION_FIELDS]
    assert (rows[0]["id"], rows[0]["engagement_id"], rows[0]["updates"]) == \
        (str(sundays.id), str(libraries.id), "2")
    engagements = list(csv.DictReader(io.StringIO(client.get(
        "/outcomes/data/engagements.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert engagements[0]["ward_codes"] == "E05005151"


def test_unknown_files_are_not_found(client, published):
    for url in ("/outcomes/data/residents.json", "/outcomes/data/actions.xml"):
        assert client.get(url).status_code == 404, url


def test_the_index_links_the_open_data_page_which_lists_the_files(client, published):
    assert 'href="/outcomes/data"' in client.get("/outcomes").get_data(as_text=True)
    page = client.get("/outcomes/data").get_data(as_text=True)
    for url in ("engagements.json", "engagements.csv", "actions.json", "actions.csv"):
        assert f'href="/outcomes/data/{url}"' in page
    assert "<code>days_to_respond</code>" in page
