"""Uploads that cost too much (SQLite and PostgreSQL): refused with a plain message next to the
field and nothing kept; a check page with thousands of problems shows the first 1,000 and how
many rows have each kind; files never imported are purged after a day."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import time_machine
from sqlalchemy import func, select

from core.extensions import db
from core.jobs import runner as jobs
from core.models import AuditEvent, Job, Role, Upload
from panel.imports import read
from panel.imports import service as import_service
from tests.integration.panel.test_import import (  # noqa: F401 (fixtures)
    HEADER,
    SUGGESTED,
    check_url,
    officer,
    schema,
    upload,
    uploaded_id,
)
from tests.unit.panel.test_import_limits import MB, big_zip, wide_csv

NOON = datetime(2026, 3, 1, 12, 0)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_file_with_20000_columns_is_refused_next_to_the_field(officer):  # noqa: F811
    response = upload(officer, wide_csv(20_000))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "This file has 20,000 columns. The most a file can have is 200." in html
    assert count(Upload) == 0


def test_an_excel_file_too_big_once_opened_is_refused_even_when_it_lies(
        officer, monkeypatch):  # noqa: F811
    monkeypatch.setattr(read, "MAX_UNZIPPED_BYTES", 2 * MB)
    response = upload(officer, big_zip(3 * MB, declared=1000), "panel.xlsx")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "This Excel file is more than 2 MB once opened. The most it can be is 2 MB." in html
    assert count(Upload) == 0


def test_the_upload_page_says_how_many_columns_a_file_may_have(officer):  # noqa: F811
    assert "at most 200 columns" in officer.get("/panel/import").get_data(as_text=True)


def junk_rows(rows: int) -> str:
    """Each row: no email address, no first name and a postcode that is not one."""
    junk = "\n".join(",,Smith,1 Road,nowhere,,,,,,yes," for _ in range(rows))
    return f"{HEADER}\n{junk}\n"


def test_the_check_page_shows_the_first_1000_problems_and_counts_by_kind(
        officer):  # noqa: F811
    upload_id = uploaded_id(upload(officer, junk_rows(600)))
    html = officer.get(check_url(upload_id)).get_data(as_text=True)
    assert "The first 1,000 of 1,800 problems" in html
    assert html.count('data-problem-row') == 1_000
    for sentence in ("600 rows have no email address", "600 rows have no first name",
                     "600 rows have a postcode that is not a real postcode"):
        assert sentence in html
    report = officer.get(f"/panel/import/{upload_id}/problems.csv?"
                         + check_url(upload_id).split("?", 1)[1])
    lines = list(csv.reader(io.StringIO(report.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(lines) == 1 + 1_800


# --- uploads nobody imports are purged after a day --------------------------------------------

def stored_upload(make_user) -> int:
    stored, _table = import_service.store_upload(
        make_user(Role.OFFICER), "panel.csv", (HEADER + "\na@b.org" + "," * 11 + "\n").encode())
    return stored.id


def test_uploads_never_imported_are_purged_after_a_day(schema, make_user):  # noqa: F811
    with time_machine.travel(NOON, tick=False):
        old = stored_upload(make_user)
    with time_machine.travel(NOON + timedelta(hours=23), tick=False):
        recent = stored_upload(make_user)
        assert import_service.purge_stale_uploads() == 0
    with time_machine.travel(NOON + timedelta(hours=24, minutes=1), tick=False):
        assert import_service.purge_stale_uploads() == 1
    db.session.expire_all()
    assert db.session.scalars(select(Upload.id)).all() == [recent]
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "panel_import_uploads_purged"))
    assert event.actor_id is None and event.detail == {"uploads": 1, "upload_ids": [old]}


def test_an_upload_waiting_to_be_imported_is_kept(schema, make_user):  # noqa: F811
    with time_machine.travel(NOON, tick=False):
        upload_id = stored_upload(make_user)
        jobs.enqueue(import_service.JOB_KIND, make_user(Role.OFFICER), {"upload_id": upload_id})
        db.session.commit()
    with time_machine.travel(NOON + timedelta(days=2), tick=False):
        assert import_service.purge_stale_uploads() == 0
    assert count(Upload) == 1 and count(Job) == 1


def test_flask_imports_purge_uploads_is_the_daily_command(app, schema, make_user):  # noqa: F811
    with time_machine.travel(NOON, tick=False):
        stored_upload(make_user)
    with time_machine.travel(NOON + timedelta(days=1, seconds=1), tick=False):
        result = app.test_cli_runner().invoke(args=["imports", "purge-uploads"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 upload that was never imported" in result.output
    assert count(Upload) == 0
