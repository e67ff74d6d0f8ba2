"""Open data serialisation (pure): ISO 8601 dates and UTC moments, the schema's field order,
spreadsheet-safe CSV cells, the schema version, and a documentation that names every field."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

from outcomes import opendata
from outcomes.progress import ActionStatus
from panel.engagements import SpectrumLevel

ENGAGEMENT = SimpleNamespace(
    id=7, title="=HYPERLINK(\"http://evil\")", topic="Libraries", level=SpectrumLevel.CONSULT,
    ward_codes=["E05005151", "E05005152"], starts_on=date(2026, 9, 1), ends_on=date(2026, 10, 31),
    announced_at=datetime(2026, 8, 20, 9, 0), decision_maker="Cabinet", decision_due="March")
VERSION = SimpleNamespace(number=2, published_at=datetime(2026, 12, 1, 14, 5, 30, 123),
                          summary="Sunday opening", decision="Agreed", decision_link="https://x")
UPDATE = SimpleNamespace(id=3, published_at=datetime(2026, 11, 20, 9, 30),
                         status=ActionStatus.DONE, progress=100, target_date=None,
                         note="-1 hour", reason="", decision_link="")
ACTION = SimpleNamespace(id=11, parent_id=None, title="Open on Sundays", description="",
                         owner="Libraries", status=ActionStatus.DONE, progress=100,
                         target_date=date(2027, 3, 1), reason="", decision_link="",
                         published_at=datetime(2026, 11, 1, 8, 0))


def engagement_record():
    return opendata.engagement_record(engagement=ENGAGEMENT, url="https://c/outcomes/7",
                                      stage="responded", version=VERSION,
                                      first_published=datetime(2026, 11, 20, 9, 30), actions=1)


def test_an_engagement_record_has_every_field_with_iso_dates_in_utc():
    record = engagement_record()
    assert list(record) == [name for name, _, _ in opendata.ENGAGEMENT_FIELDS]
    assert record["starts_on"] == "2026-09-01"
    assert record["announced_at"] == "2026-08-20T09:00:00Z"
    assert record["response_published_at"] == "2026-12-01T14:05:30Z"
    assert (record["level"], record["response_version"], record["days_to_respond"]) == \
        ("consult", 2, 20)


def test_an_engagement_without_a_response_has_nulls_not_drafts():
    record = opendata.engagement_record(engagement=ENGAGEMENT, url="u", stage="open",
                                        version=None, first_published=None, actions=0)
    assert record["response_version"] is None and record["summary"] == ""
    assert record["days_to_respond"] is None


def test_an_action_record_carries_its_timeline():
    record = opendata.action_record(action=ACTION, engagement_id=7, url="u", progress=100,
                                    overdue=False, updates=[UPDATE])
    assert list(record) == [name for name, _, _ in opendata.ACTION_FIELDS]
    assert record["updated_at"] == "2026-11-20T09:30:00Z"
    assert record["updates"] == [{"id": 3, "published_at": "2026-11-20T09:30:00Z",
                                  "status": "done", "progress": 100, "target_date": None,
                                  "note": "-1 hour", "reason": "", "decision_link": ""}]


def test_json_holds_the_schema_version_and_the_records():
    dataset = opendata.Dataset("engagements", opendata.ENGAGEMENT_FIELDS, [engagement_record()])
    document = json.loads(opendata.to_json(dataset, datetime(2026, 12, 7, 10, 0)))
    assert document["schema_version"] == opendata.SCHEMA_VERSION == 1
    assert document["generated_at"] == "2026-12-07T10:00:00Z"
    assert document["engagements"][0]["id"] == 7
    assert document["fields"][0] == "id"


def test_csv_cells_are_spreadsheet_safe_lists_joined_and_updates_counted():
    engagements = list(csv.DictReader(io.StringIO(opendata.to_csv(opendata.Dataset(
        "engagements", opendata.ENGAGEMENT_FIELDS, [engagement_record()])))))
    assert engagements[0]["title"] == "'=HYPERLINK(\"http://evil\")"
    assert engagements[0]["ward_codes"] == "E05005151;E05005152"
    assert engagements[0]["first_response_at"] == "2026-11-20T09:30:00Z"
    actions = list(csv.DictReader(io.StringIO(opendata.to_csv(opendata.Dataset(
        "actions", opendata.ACTION_FIELDS, [opendata.action_record(
            action=ACTION, engagement_id=7, url="u", progress=None, overdue=True,
            updates=[])])))))
    assert (actions[0]["updates"], actions[0]["overdue"], actions[0]["progress"]) == \
        ("0", "true", "")


def test_the_documentation_names_every_field():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "open-data.md").read_text()
    for name, _, _ in (*opendata.ENGAGEMENT_FIELDS, *opendata.ACTION_FIELDS):
        assert f"`{name}`" in doc, name
    assert "schema_version" in doc
