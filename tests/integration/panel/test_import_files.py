"""Bulk import of an existing panel (SQLite and PostgreSQL), continued: bad files, missing
columns, cancelling, the upload's lifetime and the job runner."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import select

from core.extensions import db
from core.jobs import runner as jobs
from core.models import Job, JobStatus, Upload, utcnow
from panel import imports
from panel.imports import service as import_service
from panel.imports import views as import_views
from tests.conftest import csrf_token_from
from tests.integration.panel import test_import
from tests.integration.panel.test_import import (
    GOOD,
    HEADER,
    SUGGESTED,
    check_url,
    count,
    job_id_of,
    resident,
    start,
    upload,
    uploaded_id,
)

schema, officer = test_import.schema, test_import.officer  # the fixtures, shared

# --- bad files --------------------------------------------------------------------------------

def test_windows_1252_files_are_read_and_say_so(officer):
    rows = (HEADER + "\nzoe@example.org,Zoë,Brontë,12 Colne Road,BB11 2DL,,1990,,,,yes,\n")
    response = upload(officer, rows.encode("cp1252"))
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "as Windows-1252 text" in page
    job_id = job_id_of(start(officer, uploaded_id(response), expected=1))
    jobs.run_job(job_id)
    assert resident("zoe@example.org").full_name == "Zoë Brontë"


def test_excel_workbooks_are_imported(officer):
    frame = pd.read_csv(io.StringIO(GOOD), dtype=str, keep_default_na=False)
    frame["Year of birth"] = pd.to_numeric(frame["Year of birth"], errors="coerce")
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="Panel", engine="openpyxl")
    response = upload(officer, buffer.getvalue(), "panel.xlsx")
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "from the worksheet &#39;Panel&#39;" in page or "from the worksheet 'Panel'" in page
    assert "Import the 2 valid rows" in officer.get(
        check_url(uploaded_id(response))).get_data(as_text=True)


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"\x81\x8d\x8f\x90\x9d" * 20, "panel.csv", "We could not read the characters in the file"),
    (b"", "panel.csv", "The file is empty"),
    (HEADER.encode() + b"\n", "panel.csv", "no rows below them"),
    ((HEADER + "\na,b,c,d,e,f,g,h,i,j,k,l,m,n\n").encode(), "panel.csv",
     "Row 2 has 14 cells but the heading row has 12"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "panel.xls", "old-style Excel file"),
    (b"PK\x03\x04 not really a zip", "panel.xlsx", "We could not open the Excel file"),
    (b"%PDF-1.4\x00\x00\x00binary", "panel.csv", "does not look like a CSV file"),
])
def test_unreadable_files_get_a_clear_message_and_nothing_is_kept(officer, content, filename,
                                                                 message):
    response = upload(officer, content, filename)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "There is a problem" in html
    assert count(Upload) == 0


def test_a_file_over_50_mb_is_refused_with_a_message_not_a_500(officer):
    response = upload(officer, b"a" * (import_views.MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file must be smaller than 50 MB" in html and "There is a problem" in html
    assert count(Upload) == 0


def test_a_file_just_over_50_mb_inside_the_request_limit_is_refused_too(officer):
    content = (HEADER + "\n").encode() + b"x" * (imports.MAX_FILE_BYTES - len(HEADER) + 10)
    response = upload(officer, content)
    assert response.status_code == 422
    assert "It must be smaller than 50 MB" in response.get_data(as_text=True)


def test_no_file_chosen(officer):
    token = csrf_token_from(officer, "/panel/import")
    response = officer.post("/panel/import", data={"csrf_token": token},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Select a CSV or Excel file" in response.get_data(as_text=True)


def test_missing_columns_are_named_on_the_column_page(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    without_consent = {k: v for k, v in SUGGESTED.items() if v != "membership_consent"}
    response = officer.get(check_url(upload_id, without_consent))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose the column that says each person agreed to join the panel" in html
    assert html.count('class="govuk-error-message"') >= 1
    twice = {**SUGGESTED, "column_2": "first_name"}
    html = officer.get(check_url(upload_id, twice)).get_data(as_text=True)
    assert "First name is already chosen for column B" in html
    assert "Choose the column that has the last name" in html
    assert count(Job) == 0


def test_unknown_categories_are_row_problems(officer):
    rows = HEADER + "\nzed@example.org,Zed,Z,1 Road,BB11 2DL,,1990,Alien,Martian,,yes,yes\n"
    upload_id = uploaded_id(upload(officer, rows))
    html = officer.get(check_url(upload_id)).get_data(as_text=True)
    assert "&#39;Alien&#39; is not an answer to Sex. Choose what it means on the values" in html
    assert "&#39;Martian&#39; is not an answer to Ethnic group" in html
    assert "There are no rows we can import" in html and "Import the" not in html


def test_starting_needs_the_csrf_token(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    response = officer.post(f"/panel/import/{upload_id}/start", data=SUGGESTED)
    assert response.status_code == 400
    assert count(Job) == 0


def test_cancelling_deletes_the_file(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    token = csrf_token_from(officer, f"/panel/import/{upload_id}/columns")
    response = officer.post(f"/panel/import/{upload_id}/cancel", data={"csrf_token": token})
    assert response.status_code == 303
    assert db.session.get(Upload, upload_id) is None


def test_old_uploads_nobody_imported_are_deleted(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    db.session.get(Upload, upload_id).uploaded_at = utcnow() - import_service.KEEP_UPLOADS * 2
    db.session.commit()
    uploaded_id(upload(officer, GOOD))
    db.session.expire_all()
    kept = db.session.scalars(select(Upload.uploaded_at)).all()  # (SQLite may reuse the id)
    assert len(kept) == 1 and kept[0] > utcnow() - import_service.KEEP_UPLOADS


def test_flask_imports_purge_uploads(app, officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    db.session.get(Upload, upload_id).uploaded_at = utcnow() - import_service.KEEP_UPLOADS * 2
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["imports", "purge-uploads"])
    assert result.exit_code == 0 and "Deleted 1 upload that was never imported" in result.output
    assert count(Upload) == 0


# --- the job runner ---------------------------------------------------------------------------

def test_the_development_server_runs_jobs_after_the_response(app, officer):
    from core.config import TestConfig
    from wsgi import create_app

    upload_id = uploaded_id(upload(officer, GOOD))
    job_id = job_id_of(start(officer, upload_id))
    dev_app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         JOBS_RUN_AFTER_REQUEST=True)
    response = dev_app.test_client().get("/")
    assert db.session.scalar(select(Job.status).where(Job.id == job_id)) == JobStatus.QUEUED
    response.close()
    db.session.expire_all()
    assert db.session.scalar(select(Job.status).where(Job.id == job_id)) == JobStatus.DONE
    with dev_app.app_context():
        db.engine.dispose()


def test_flask_jobs_run(app, officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    job_id = job_id_of(start(officer, upload_id))
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert f"job {job_id} (panel_import): done" in result.output
    result = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert "done" in result.output


def test_a_job_of_an_unknown_kind_fails_plainly(app, make_user):
    job = jobs.enqueue("no_such_kind", make_user(), {})
    db.session.commit()
    assert jobs.run_job(job.id) == JobStatus.FAILED
    assert "cannot do jobs of the kind" in db.session.get(Job, job.id).message
    assert jobs.run_job(job.id) is None  # not queued any more: nothing to claim


def test_stale_running_jobs_are_marked_failed(app, make_user):
    job = jobs.enqueue("no_such_kind", make_user(), {})
    job.status = JobStatus.RUNNING
    job.started_at = utcnow() - jobs.STALE_AFTER * 2
    db.session.commit()
    assert jobs.fail_stale_jobs() == 1
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.FAILED
