"""Bulk import of an existing panel (SQLite and PostgreSQL): upload, columns, checking every
row, the error report, duplicates, the job, all-or-nothing writes, roles (bad files, the
upload's lifetime and the job runner: ``test_import_files``)."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from core.extensions import db
from core.jobs import runner as jobs
from core.models import AuditEvent, Job, JobStatus, Role, Upload, User, utcnow
from panel import imports
from panel.demo import install_dimensions, ward_dimension
from panel.imports import service as import_service
from panel.models import Category, Dimension, PostcodeWard, Resident, ResidentStatus
from panel.profile_rules import age_band
from panel.reference_data import load_burnley_wards, load_default_dimensions
from tests.conftest import PASSWORD, csrf_token_from

HEADER = ("Email address,First name,Surname,Address line 1,Postcode,Ward,Year of birth,Sex,"
          "Ethnic group,Religion,Agreed to join,Special category consent")
GOOD = "\n".join([
    HEADER,
    "ada@example.org,Ada,Lovelace,12 Colne Road,bb11 2dl,,1990,Female,Indian,Muslim,yes,yes",
    "bob@example.org,Bob,Smith,1 High Street,BB10 1AA,Bank Hall,1950,male,Pakistani,,Yes,no",
    "cat@example.org,Cat,Jones,3 Mill Lane,BB11 2DL,,,,,,no,",
    "bad-email,Dan,Brown,4 Road,XX1,,1980,,,,yes,",
    "eve@example.org,Eve,Green,5 Road,BB12 0AA,Narnia,1980,Purple,,,yes,",
]) + "\n"
SUGGESTED = {f"column_{i}": key for i, key in enumerate([
    "email", "first_name", "last_name", "address_line", "postcode", "ward", "year_of_birth",
    "dimension:sex", "dimension:ethnic_group", "dimension:religion", "membership_consent",
    "special_category_consent"])}


@pytest.fixture
def schema(app):
    """The default profile questions and Burnley's wards; BB11 2DL is in Trinity."""
    install_dimensions([*load_default_dimensions(), ward_dimension(load_burnley_wards())])
    trinity = db.session.scalar(select(Category).join(Dimension).where(
        Dimension.key == "ward", Category.label == "Trinity (Burnley)"))
    db.session.add(PostcodeWard(postcode="BB112DL", ward_id=trinity.id))
    db.session.commit()
    return app


@pytest.fixture
def officer(schema, login):
    return login(Role.OFFICER)


def upload(client, content: bytes | str, filename: str = "panel.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    token = csrf_token_from(client, "/panel/import")
    # Encoded here, in memory: the test client would spool a big body to a temporary file
    # that nobody closes when the app refuses the request unread.
    boundary, body = encode_multipart(MultiDict({
        "csrf_token": token, "file": FileStorage(io.BytesIO(content), filename)}))
    return client.post("/panel/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def uploaded_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/panel/import/(\d+)/columns", response.headers["Location"]).group(1))


def check_url(upload_id: int, mapping: dict[str, str] = SUGGESTED) -> str:
    return f"/panel/import/{upload_id}/check?{urlencode(mapping)}"


def start(client, upload_id: int, mapping: dict[str, str] = SUGGESTED, expected: int = 2,
          mode: str = "valid"):
    """``mode``: "valid" (skip the rows with problems), "all" (every row or none: the check
    found no problems) or "nothing"."""
    token = csrf_token_from(client, check_url(upload_id, mapping))
    return client.post(f"/panel/import/{upload_id}/start",
                       data={"csrf_token": token, "expected": expected, "mode": mode,
                             **mapping})


def job_id_of(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"^/jobs/(\d+)$", response.headers["Location"]).group(1))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def resident(email: str) -> Resident:
    db.session.expire_all()
    return db.session.scalar(select(Resident).join(User).where(User.email == email))


# --- roles ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    (Role.RESIDENT, 403), (Role.ORGANISER, 403), (Role.OFFICER, 200), (Role.ADMIN, 200)])
def test_only_officers_and_admins_may_import(schema, login, role, status):
    client = login(role)
    assert client.get("/panel/import").status_code == status


def test_residents_cannot_reach_any_import_page(app, officer, make_user):
    upload_id = uploaded_id(upload(officer, GOOD))
    job_id = job_id_of(start(officer, upload_id))
    resident = app.test_client()
    user = make_user(Role.RESIDENT)
    token = csrf_token_from(resident)
    assert resident.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302
    for url in (f"/panel/import/{upload_id}/columns", check_url(upload_id),
                f"/panel/import/{upload_id}/problems.csv?{urlencode(SUGGESTED)}",
                f"/panel/import/jobs/{job_id}", f"/jobs/{job_id}"):
        assert resident.get(url).status_code == 403, url
    token = csrf_token_from(resident, "/account")
    assert resident.post(f"/panel/import/{upload_id}/start",
                         data={"csrf_token": token, **SUGGESTED}).status_code == 403
    assert resident.post(f"/panel/import/{upload_id}/cancel",
                         data={"csrf_token": token}).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(schema, client):
    response = client.get("/panel/import")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# --- the whole journey ------------------------------------------------------------------------

def test_upload_choose_columns_check_and_import_the_valid_rows(officer):
    response = upload(officer, GOOD)
    upload_id = uploaded_id(response)
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "We read 5 rows and 12 columns as UTF-8 text" in page
    for name, key in SUGGESTED.items():  # the suggestion is pre-selected
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        assert re.search(rf'<option value="{re.escape(key)}" selected', select_html), name

    report = officer.get(check_url(upload_id))
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    assert "Import the 2 valid rows and skip the 3 with problems" in html
    assert "Import nothing until every row is fixed" in html
    assert "This person has not agreed to join the panel" in html
    assert "Enter an email address in the correct format" in html
    assert "This is not a ward in the borough" in html
    assert "1 answer about ethnic group" in html  # Bob's, without special-category consent
    assert count(User) == 1 and count(Resident) == 0  # only the signed-in officer: nothing

    job_id = job_id_of(start(officer, upload_id))
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.QUEUED and job.kind == "panel_import"
    page = officer.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'hx-trigger="load delay:1s"' in page and "Waiting to start" in page

    assert jobs.run_pending_jobs() == [job_id]
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.DONE, job.message
    assert job.result == {"filename": "panel.csv", "rows": 5, "imported": 2,
                          "not_imported": 3, "expected": 2, "withheld_answers": 1,
                          "summary": "The import has finished: 2 residents added."}
    assert count(Resident) == 2
    assert db.session.get(Upload, upload_id) is None  # the file is deleted once imported

    ada = resident("ada@example.org")
    answers = {a.dimension.key: a.category.key for a in ada.answers}
    assert answers == {"ward": "E05005163", "sex": "female", "ethnic_group": "asian_indian",
                       "religion": "muslim", "age_band": age_band(1990, utcnow().year)}
    assert ada.postcode == "BB11 2DL" and ada.source == "import" and ada.household_key
    assert ada.user.role == Role.RESIDENT and ada.user.password_hash is None
    # invited to confirm: they give their consents themselves (panel.welcome), and nobody is
    # assumed interested in events
    assert ada.status == ResidentStatus.INVITED and ada.consents == []
    assert ada.interested_in_events is False and ada.user.verified_at is None
    bob = resident("bob@example.org")
    answers = {a.dimension.key: a.category.key for a in bob.answers}
    assert answers == {"ward": "E05005150", "sex": "male", "age_band": "75_plus"}
    assert bob.status == ResidentStatus.INVITED and bob.consents == []
    assert not bob.interested_in_events
    assert resident("cat@example.org") is None

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel_imported"))
    assert event.object_id == job_id and event.detail["imported"] == 2
    assert event.actor_id is not None

    page = officer.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Import complete" in page and "hx-trigger" not in page
    assert "The import has finished: 2 residents added." in page  # the live region
    assert "panel.csv" in officer.get("/panel/import").get_data(as_text=True)


def test_the_progress_fragment_polls_until_the_job_is_done(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    job_id = job_id_of(start(officer, upload_id))
    htmx = {"HX-Request": "true"}
    fragment = officer.get(f"/jobs/{job_id}", headers=htmx).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="job-progress"')
    assert 'hx-trigger="load delay:1s"' in fragment and "<progress" in fragment
    assert 'hx-swap-oob="innerHTML"' in fragment and "<html" not in fragment
    jobs.run_pending_jobs()
    fragment = officer.get(f"/jobs/{job_id}", headers=htmx).get_data(as_text=True)
    assert "hx-trigger" not in fragment and "2 residents added" in fragment


def test_the_old_import_job_address_opens_the_one_job_page(officer):
    job_id = job_id_of(start(officer, uploaded_id(upload(officer, GOOD))))
    response = officer.get(f"/panel/import/jobs/{job_id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job_id}"
    assert f'href="/jobs/{job_id}"' in officer.get("/panel/import").get_data(as_text=True)


def test_the_error_report_lists_every_problem_by_spreadsheet_row(officer):
    rows = GOOD + "=cmd|' /C calc'!A0,Fay,Bad,6 Road,BB11 2DL,,1980,,,,yes,\n"
    upload_id = uploaded_id(upload(officer, rows, "March panel.csv"))
    response = officer.get(f"/panel/import/{upload_id}/problems.csv?{urlencode(SUGGESTED)}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="March-panel-problems.csv"' in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == ["Row", "Column", "Value", "Problem"]
    problems = {(row, column): problem for row, column, _value, problem in lines[1:]}
    assert problems[("4", "Agreed to join")].startswith("This person has not agreed")
    assert ("5", "Email address") in problems and ("5", "Postcode") in problems
    assert ("6", "Ward") in problems and ("6", "Sex") in problems
    formula = next(line for line in lines if line[0] == "7")
    assert formula[2].startswith("'=")  # not run as a formula by a spreadsheet


def test_duplicate_emails_in_the_file_and_existing_accounts_are_refused(officer, make_user):
    make_user(Role.RESIDENT, email="taken@example.org")
    rows = "\n".join([
        HEADER,
        "ada@example.org,Ada,Lovelace,12 Colne Road,BB11 2DL,,1990,,,,yes,",
        "ADA@example.org ,Ada,L,12 Colne Road,BB11 2DL,,1990,,,,yes,",
        "Taken@Example.org,Tess,Taken,7 Road,BB11 2DL,,1980,,,,yes,",
        "new@example.org,Ned,New,8 Road,BB11 2DL,,1980,,,,yes,",
    ])
    upload_id = uploaded_id(upload(officer, rows))
    html = officer.get(check_url(upload_id)).get_data(as_text=True)
    assert "Duplicate email addresses" in html
    assert "This email address is also on row 3" in html
    assert "There is already an account with this email address" in html
    assert "Import the 1 valid row" in html
    jobs.run_pending_jobs()
    jobs.run_job(job_id_of(start(officer, upload_id, expected=1)))
    emails = set(db.session.scalars(select(User.email).join(Resident)))
    assert emails == {"new@example.org"}


# --- all or nothing ---------------------------------------------------------------------------

def many_rows(n: int) -> str:
    return "\n".join([HEADER, *(f"p{i}@example.org,P{i},Person,{i} Road,BB11 2DL,,1980,,,,yes,"
                                for i in range(n))]) + "\n"


def test_a_failure_part_way_through_writes_nothing(officer, make_user, monkeypatch):
    """Someone joins with an email in the file after the job checked it: the insert in a
    later batch fails, and the batches already written are rolled back too."""
    upload_id = uploaded_id(upload(officer, many_rows(7)))
    job_id = job_id_of(start(officer, upload_id, expected=7))
    make_user(Role.RESIDENT, email="p5@example.org")
    real = import_service.load_reference
    monkeypatch.setattr(import_service, "load_reference",
                        lambda **kw: _without_accounts(real(**kw)))
    monkeypatch.setattr(import_service, "BATCH_ROWS", 2)
    before = (count(User), count(Resident))
    assert jobs.run_job(job_id) == JobStatus.FAILED
    db.session.expire_all()
    assert (count(User), count(Resident)) == before
    job = db.session.get(Job, job_id)
    assert "Nothing was saved" in job.message
    assert db.session.get(Upload, upload_id) is not None  # kept, to try again
    page = officer.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Check the file again" in page and "did not finish" in page


def _without_accounts(reference: imports.Reference) -> imports.Reference:
    return imports.Reference(reference.dimensions, reference.wards, reference.postcode_wards,
                             frozenset(), reference.this_year)


def test_a_failure_after_the_last_row_writes_nothing(officer, monkeypatch):
    upload_id = uploaded_id(upload(officer, many_rows(3)))
    job_id = job_id_of(start(officer, upload_id, expected=3))

    def audit_fails(*_args, **_kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(import_service.audit, "record", audit_fails)
    assert jobs.run_job(job_id) == JobStatus.FAILED
    db.session.expire_all()
    assert count(Resident) == 0 and count(User) == 1
    assert db.session.get(Job, job_id).message == jobs.UNEXPECTED


def test_starting_twice_gives_the_same_job(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    first = job_id_of(start(officer, upload_id))
    assert job_id_of(start(officer, upload_id)) == first
    assert count(Job) == 1


def test_a_file_that_was_already_imported_cannot_be_imported_again(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    job_id_of(start(officer, upload_id))
    jobs.run_pending_jobs()
    response = officer.get(check_url(upload_id))
    assert response.status_code == 404
    assert "This file is no longer here" in response.get_data(as_text=True)
    token = csrf_token_from(officer, "/panel/import")
    assert officer.post(f"/panel/import/{upload_id}/start",
                        data={"csrf_token": token, **SUGGESTED}).status_code == 404


def test_without_profile_questions_the_officer_is_told_why(app, login):
    officer = login(Role.OFFICER)
    response = officer.get(f"/panel/import/{uploaded_id(upload(officer, GOOD))}/columns")
    assert response.status_code == 409
    assert "profile questions are not set up yet" in response.get_data(as_text=True)
