"""Bulk import of an existing panel (SQLite and PostgreSQL), continued: what the file's
answers mean (the values page) and what the officer chooses to import when rows have
problems (the valid rows, or nothing; a file without problems whole, or not at all)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlencode

from sqlalchemy import select

from core.extensions import db
from core.jobs import runner as jobs
from core.models import AuditEvent, Job, JobStatus, Role, Upload
from panel.imports import service as import_service
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

CODED = "\n".join([
    HEADER,
    "ada@example.org,Ada,Lovelace,12 Colne Road,BB11 2DL,,1990,F,Asian or Asian British: "
    "Pakistani,PNTS,yes,yes",
    "bob@example.org,Bob,Smith,1 High Street,BB10 1AA,Bank Hall,1950,M,,,yes,",
    "cy@example.org,Cy,Jones,3 Mill Lane,BB11 2DL,,1980,m,,,yes,",
    "di@example.org,Di,Brown,4 Road,BB11 2DL,,1980,X,,,yes,",
]) + "\n"


def values_url(upload_id: int, params: dict[str, str] | None = None) -> str:
    return f"/panel/import/{upload_id}/values?{urlencode({**SUGGESTED, **(params or {})})}"


def selected(page: str, name: str) -> str:
    """The option chosen in the select called ``name``."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    found = re.search(r'<option value="([^"]*)" selected', select_html)
    return found.group(1) if found else ""


# --- the values page ----------------------------------------------------------------------------

def test_the_columns_page_goes_on_to_the_values_page(officer):
    upload_id = uploaded_id(upload(officer, CODED))
    page = officer.get(f"/panel/import/{upload_id}/columns").get_data(as_text=True)
    assert f'action="/panel/import/{upload_id}/values"' in page


def test_answers_that_are_not_the_questions_own_are_listed_with_guesses(officer):
    upload_id = uploaded_id(upload(officer, CODED))
    response = officer.get(values_url(upload_id))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "What do these answers mean?" in page
    # sex is column 7: F (0), M (1, with "m"), X (2); ethnic group column 8; religion 9
    assert selected(page, "value_7_0") == "female" and selected(page, "value_7_1") == "male"
    assert selected(page, "value_7_2") == ""
    assert selected(page, "value_8_0") == "asian_pakistani"
    assert selected(page, "value_9_0") == "prefer_not_to_say"
    assert re.search(r'<label class="govuk-label" for="value_7_1">\s*‘M’', page)
    assert "2 rows" in page  # M and m
    assert "Leave blank (not answered)" in page
    assert "Asian or Asian British: Pakistani" in page  # the category, with its heading
    assert "Ward" not in re.findall(r"<h2[^>]*>([^<]*)</h2>", page)  # every ward is known


def test_the_values_page_is_skipped_when_every_answer_is_known(officer):
    upload_id = uploaded_id(upload(officer, GOOD.replace("Purple", "Female").replace(
        "Narnia", "Bank Hall")))
    response = officer.get(values_url(upload_id))
    assert response.status_code == 302
    assert unquote(response.headers["Location"]) == unquote(check_url(upload_id))


def test_free_text_lists_the_first_50_answers_and_says_how_many_more(officer):
    rows = [HEADER, *(f"p{i}@example.org,P,Q,{i} Road,BB11 2DL,,1980,,,faith {i},yes,yes"
                      for i in range(60))]
    upload_id = uploaded_id(upload(officer, "\n".join(rows)))
    page = officer.get(values_url(upload_id)).get_data(as_text=True)
    assert page.count("<select") == 50
    assert "We list the first 50." in page and "10 more answers are not listed" in page
    assert "may be free text" in page


def test_chosen_values_are_checked_and_imported(officer):
    upload_id = uploaded_id(upload(officer, CODED))
    choices = {"value_7_0": "female", "value_7_1": "male", "value_7_2": "_blank",
               "value_8_0": "asian_pakistani", "value_9_0": "prefer_not_to_say"}
    page = officer.get(check_url(upload_id, {**SUGGESTED, **choices})).get_data(as_text=True)
    assert "with problems" in page and "Import the 4 rows" in page
    assert f"/panel/import/{upload_id}/values?" in page  # change what the answers mean
    job_id = job_id_of(start(officer, upload_id, {**SUGGESTED, **choices}, expected=4,
                             mode="all"))
    assert db.session.get(Job, job_id).params["values"] == choices
    assert jobs.run_job(job_id) == JobStatus.DONE
    answers = {email: {a.dimension.key: a.category.key for a in resident(email).answers}
               for email in ("ada@example.org", "bob@example.org", "cy@example.org",
                             "di@example.org")}
    assert answers["ada@example.org"]["sex"] == "female"
    assert answers["ada@example.org"]["ethnic_group"] == "asian_pakistani"
    assert answers["ada@example.org"]["religion"] == "prefer_not_to_say"
    assert answers["bob@example.org"]["sex"] == "male" and answers["cy@example.org"][
        "sex"] == "male"
    assert "sex" not in answers["di@example.org"]  # left blank


def test_an_answer_not_chosen_stays_a_problem_that_says_what_to_do(officer):
    upload_id = uploaded_id(upload(officer, CODED))
    choices = {"value_7_0": "female", "value_7_1": "male", "value_7_2": "",
               "value_8_0": "asian_pakistani", "value_9_0": "prefer_not_to_say"}
    page = officer.get(check_url(upload_id, {**SUGGESTED, **choices})).get_data(as_text=True)
    assert ("&#39;X&#39; is not an answer to Sex. Choose what it means on the values page, "
            "or fix the file") in page
    assert "Import the 3 valid rows and skip the 1 with problems" in page
    # back on the values page, the officer's choices (not the guesses) are shown
    back = officer.get(values_url(upload_id, choices)).get_data(as_text=True)
    assert selected(back, "value_7_2") == "" and selected(back, "value_7_0") == "female"


def test_a_choice_that_is_not_on_the_list_is_shown_on_the_values_page(officer):
    upload_id = uploaded_id(upload(officer, CODED))
    response = officer.get(check_url(upload_id, {**SUGGESTED, "value_7_0": "purple"}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Choose what ‘F’ means from the list" in page
    assert "<title>Error: What the answers mean" in page


def test_the_check_again_link_keeps_the_value_choices(officer):
    upload_id = uploaded_id(upload(officer, CODED))
    choices = {"value_7_0": "female"}
    job_id = job_id_of(start(officer, upload_id, {**SUGGESTED, **choices}))
    assert import_service.job_details(db.session.get(Job, job_id))["query"][
        "value_7_0"] == "female"


# --- what to import -----------------------------------------------------------------------------

def test_the_officer_must_choose_what_to_import_when_rows_have_problems(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    response = start(officer, upload_id, mode="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#mode"' in page
    assert "<title>Error: Check the rows" in page
    assert "Choose whether to import the valid rows or nothing" in page
    assert count(Job) == 0


def test_importing_nothing_until_every_row_is_fixed_starts_nothing(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    response = start(officer, upload_id, mode="nothing")
    assert response.status_code == 303 and "#problems" in response.headers["Location"]
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing has been imported. Download the problems" in page
    assert count(Job) == 0 and db.session.get(Upload, upload_id) is not None


def test_a_file_without_problems_is_imported_whole_or_not_at_all(officer, make_user):
    rows = "\n".join([HEADER, "ada@example.org,Ada,L,1 Road,BB11 2DL,,1990,,,,yes,",
                      "bob@example.org,Bob,S,2 Road,BB11 2DL,,1990,,,,yes,"])
    upload_id = uploaded_id(upload(officer, rows))
    page = officer.get(check_url(upload_id)).get_data(as_text=True)
    assert "Import the 2 rows" in page and 'name="mode" value="all"' in page
    assert "The file is imported whole or not at all" in page
    job_id = job_id_of(start(officer, upload_id, mode="all"))
    make_user(Role.RESIDENT, email="bob@example.org")  # joins before the job runs
    before = count(test_import.Resident)
    assert jobs.run_job(job_id) == JobStatus.FAILED
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.message.startswith("1 row now has a problem")
    assert "nothing was saved" in job.message
    assert count(test_import.Resident) == before and resident("ada@example.org") is None


def test_skipping_the_rows_with_problems_is_recorded(officer):
    upload_id = uploaded_id(upload(officer, GOOD))
    job_id_of(start(officer, upload_id, mode="valid"))
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "panel_import_started"))
    assert event.detail["skip_invalid"] is True
