"""Open data: the published responses and actions as JSON and CSV, in the stable schema that
``docs/open-data.md`` documents. PURE: records in, text out; the database is read by
``outcomes.opendata_queries`` (which only hands over what the public pages show).

Stable ids are the engagement's and the action's ids (as in their page addresses). Dates are
ISO 8601 (``2026-10-31``); moments are ISO 8601 in UTC (``2026-11-20T09:30:00Z``). A field is
never renamed or removed, nor its meaning changed, without raising ``SCHEMA_VERSION``; new fields
may be added at the end.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.spreadsheet import safe_cell

SCHEMA_VERSION = 1

# (name, type, meaning): the order is the CSV's column order.
ENGAGEMENT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("id", "integer", "Stable id of the engagement"),
    ("url", "string", "Address of its public page"),
    ("title", "string", "Its title"),
    ("topic", "string", "Its topic (may be empty)"),
    ("level", "string", "Level: inform, research, consult, involve, collaborate or empower"),
    ("ward_codes", "list of strings", "ONS codes of the wards it covers (empty: the borough)"),
    ("starts_on", "date or null", "The day it opens"),
    ("ends_on", "date or null", "The day it closes"),
    ("announced_at", "moment", "When it was made public"),
    ("decision_maker", "string", "Who takes the decision"),
    ("decision_due", "string", "When or at which meeting the decision is due"),
    ("stage", "string", "upcoming, open, awaiting_response or responded"),
    ("response_version", "integer or null", "Number of the published response shown"),
    ("response_published_at", "moment or null", "When that version was published"),
    ("first_response_at", "moment or null", "When the first response was published"),
    ("days_to_respond", "integer or null", "Days from the close to the first response"),
    ("summary", "string", "What residents said (the response's summary)"),
    ("decision", "string", "What the council decided"),
    ("decision_link", "string", "Link to the council decision"),
    ("actions", "integer", "Number of published actions"),
)

ACTION_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("id", "integer", "Stable id of the action"),
    ("engagement_id", "integer", "Id of its engagement"),
    ("parent_id", "integer or null", "Id of the action it is part of (a sub-action)"),
    ("url", "string", "Address of its engagement's public page, where it is shown"),
    ("title", "string", "What the council will do"),
    ("description", "string", "More about it"),
    ("owner", "string", "The council service that owns it"),
    ("status", "string", "planned, in_progress, done or not_taken_forward"),
    ("progress", "integer or null", "Per cent done (sub-actions rolled up by weight)"),
    ("target_date", "date or null", "When it is due"),
    ("overdue", "boolean", "Past its target date and neither done nor not taken forward"),
    ("reason", "string", "Why it was not taken forward"),
    ("decision_link", "string", "Link to the council decision"),
    ("published_at", "moment", "When it was first published"),
    ("updated_at", "moment", "When its latest update was published"),
    ("updates", "list (JSON) or integer (CSV)",
     "Its dated timeline: in JSON each update's id, published_at, status, progress, "
     "target_date, note, reason and decision_link; in CSV their number"),
)


@dataclass(frozen=True)
class Dataset:
    name: str                                     # "engagements" or "actions"
    fields: tuple[tuple[str, str, str], ...]
    records: list[dict[str, Any]]


def moment(value: datetime | None) -> str | None:
    """A stored UTC moment (naive) in ISO 8601 with a Z."""
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def engagement_record(*, engagement: Any, url: str, stage: str, version: Any | None,
                      first_published: datetime | None, actions: int) -> dict[str, Any]:
    """One engagement as the public sees it: ``version`` is the published response or None."""
    days = ((first_published.date() - engagement.ends_on).days
            if first_published is not None and engagement.ends_on is not None else None)
    return {
        "id": engagement.id, "url": url, "title": engagement.title,
        "topic": engagement.topic or "", "level": str(engagement.level),
        "ward_codes": list(engagement.ward_codes or []),
        "starts_on": day(engagement.starts_on), "ends_on": day(engagement.ends_on),
        "announced_at": moment(engagement.announced_at),
        "decision_maker": engagement.decision_maker or "",
        "decision_due": engagement.decision_due or "", "stage": stage,
        "response_version": version.number if version else None,
        "response_published_at": moment(version.published_at) if version else None,
        "first_response_at": moment(first_published),
        "days_to_respond": None if days is None else max(0, days),
        "summary": version.summary if version else "",
        "decision": version.decision if version else "",
        "decision_link": version.decision_link if version else "",
        "actions": actions,
    }


def update_record(update: Any) -> dict[str, Any]:
    return {"id": update.id, "published_at": moment(update.published_at),
            "status": str(update.status), "progress": update.progress,
            "target_date": day(update.target_date), "note": update.note,
            "reason": update.reason, "decision_link": update.decision_link}


def action_record(*, action: Any, engagement_id: int, url: str, progress: int | None,
                  overdue: bool, updates: Sequence[Any]) -> dict[str, Any]:
    """One published action; ``updates``: its published updates, oldest first."""
    return {
        "id": action.id, "engagement_id": engagement_id, "parent_id": action.parent_id,
        "url": url, "title": action.title, "description": action.description,
        "owner": action.owner, "status": str(action.status), "progress": progress,
        "target_date": day(action.target_date), "overdue": overdue, "reason": action.reason,
        "decision_link": action.decision_link, "published_at": moment(action.published_at),
        "updated_at": moment(max((u.published_at for u in updates), default=None)),
        "updates": [update_record(u) for u in updates],
    }


def to_json(dataset: Dataset, generated_at: datetime) -> str:
    return json.dumps({"schema_version": SCHEMA_VERSION, "dataset": dataset.name,
                       "generated_at": moment(generated_at),
                       "fields": [name for name, _, _ in dataset.fields],
                       dataset.name: dataset.records}, ensure_ascii=False, indent=1)


def _cell(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if name == "updates":
        return str(len(value))
    if isinstance(value, list):
        return safe_cell(";".join(value))
    return safe_cell(value)


def to_csv(dataset: Dataset) -> str:
    """One row per record, the fields in the schema's order; every cell spreadsheet-safe."""
    names = [name for name, _, _ in dataset.fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    writer.writerows([_cell(name, record[name]) for name in names] for record in dataset.records)
    return buffer.getvalue()
