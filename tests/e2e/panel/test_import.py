"""An officer imports a panel file with some bad rows, by keyboard: upload, columns, the file's
own answers, problems, the error report, "Import the valid rows", and the progress bar polling
until it is done; a file with M and F for sex, mapped on the values page."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from core.extensions import db
from core.jobs import runner as jobs
from core.models import Role, User
from panel.demo import install_dimensions, ward_dimension
from panel.models import Category, Dimension, PostcodeWard, ProfileAnswer, Resident
from panel.reference_data import load_burnley_wards, load_default_dimensions
from tests.e2e.conftest import assert_accessible, sign_in, tab_to, watch_console

HEADER = ("Email address,First name,Surname,Address line 1,Postcode,Ward,Year of birth,Sex,"
          "Religion,Agreed to join,Special category consent,Notes")


def panel_file(prefix: str) -> bytes:
    return "\n".join([
        HEADER,
        f"{prefix}-ada@example.org,Ada,Lovelace,12 Colne Road,BB11 2DL,,1990,Female,Muslim,yes,"
        "yes,keen",
        f"{prefix}-bob@example.org,Bob,Smith,1 High Street,BB10 1AA,Bank Hall,1950,Male,,yes,,",
        f"{prefix}-cat@example.org,Cat,Jones,3 Mill Lane,BB11 2DL,,,,,no,,",
        f"{prefix}-bad-email,Dan,Brown,4 Road,XX1,,1980,,,yes,,",
        f"{prefix}-bob@example.org,Robert,Smith,1 High Street,BB10 1AA,Bank Hall,1950,,,yes,,",
        f"{prefix}-eve@example.org,Eve,Green,5 Road,BB12 0AA,Narnia,1980,Purple,,yes,,",
        f"{prefix}-fay@example.org,Fay,Brontë,6 Road,BB11 2DL,,1975,Female,,Yes,,",
    ]).encode("cp1252")


def ensure_schema(live_server) -> None:
    """The profile questions and wards, and BB11 2DL in Trinity (idempotent)."""
    with live_server.app.app_context():
        install_dimensions([*load_default_dimensions(), ward_dimension(load_burnley_wards())])
        if db.session.get(PostcodeWard, "BB112DL") is None:
            trinity = db.session.scalar(select(Category).join(Dimension).where(
                Dimension.key == "ward", Category.label == "Trinity (Burnley)"))
            db.session.add(PostcodeWard(postcode="BB112DL", ward_id=trinity.id))
        db.session.commit()


def imported(live_server, prefix: str) -> set[str]:
    with live_server.app.app_context():
        return set(db.session.scalars(select(User.email).join(Resident).where(
            User.email.like(f"{prefix}-%"))))


def run_jobs(live_server) -> None:
    with live_server.app.app_context():
        jobs.run_pending_jobs()
        db.session.remove()


def test_officer_imports_the_valid_rows_by_keyboard(page: Page, live_server) -> None:
    ensure_schema(live_server)
    live_server.create_user(Role.OFFICER, "import.officer@burnley.example")
    errors = watch_console(page)
    sign_in(page, "import.officer@burnley.example")

    tab_to(page, "Import")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import residents from a file")
    assert_accessible(page)

    # No file chosen: the error summary takes focus.
    tab_to(page, "Upload and continue")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a CSV or Excel file")
    assert_accessible(page)

    page.locator("input[type=file]").set_input_files(files=[{
        "name": "old panel.csv", "mimeType": "text/csv", "buffer": panel_file("kb")}])
    tab_to(page, "Upload and continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("What is in each column?")
    expect(page.get_by_text("We read 7 rows and 12 columns as Windows-1252 text")).to_be_visible()
    expect(page.get_by_label("Agreed to join")).to_have_value("membership_consent")
    expect(page.get_by_label("Notes")).to_have_value("")
    assert_accessible(page)

    # Leave out the consent column: it is required, and the page says so beside it.
    consent = page.get_by_label("Agreed to join")
    consent.focus()
    consent.select_option("")
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose the column that says each person agreed to join")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Agreed to join").select_option("membership_consent")
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    # Purple (sex) and Narnia (ward) are nobody's answers: left unchosen, they are problems.
    expect(page.get_by_role("heading", level=1)).to_have_text("What do these answers mean?")
    expect(page.get_by_label("‘Purple’")).to_have_value("")
    expect(page.get_by_label("‘Narnia’")).to_have_value("")
    assert_accessible(page)
    tab_to(page, "Check the rows")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the rows before you import them")
    expect(page.get_by_text("5 rows have problems. Rows with problems cannot be imported")
           ).to_be_visible()
    problems = page.get_by_role("table", name=re.compile("Every problem"))
    expect(problems).to_contain_text("This person has not agreed to join the panel")
    expect(problems).to_contain_text("This is not a ward in the borough")
    expect(page.get_by_role("table", name="Duplicate email addresses")).to_contain_text(
        "kb-bob@example.org")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Download all \d+ problems")).click()
    report = download_info.value
    assert report.suggested_filename == "old-panel-problems.csv"
    text = Path(report.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Row,Column,Value,Problem") and "\n4,Agreed to join,no," in text

    # The officer chooses what to import: nothing chosen yet is an error.
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose whether to import the valid rows or nothing")
    assert_accessible(page)
    tab_to(page, "valid")  # the first radio: "Import the 2 valid rows and skip the 5 ..."
    page.keyboard.press("Space")
    expect(page.get_by_label("Import the 2 valid rows and skip the 5 with problems")
           ).to_be_checked()
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import residents")
    expect(page.get_by_role("status")).to_have_text("Waiting to start…")  # the one job page
    expect(page.locator("progress")).to_be_visible()
    assert_accessible(page)

    run_jobs(live_server)  # the worker (`flask jobs run`); the page is polling meanwhile
    expect(page.get_by_role("status")).to_have_text(
        "The import has finished: 2 residents added.", timeout=10_000)
    expect(page.get_by_text("Import complete")).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
    assert_accessible(page)
    assert imported(live_server, "kb") == {"kb-ada@example.org", "kb-fay@example.org"}
    assert errors == []


def test_importing_works_with_javascript_off(browser, live_server) -> None:
    ensure_schema(live_server)
    live_server.create_user(Role.OFFICER, "nojs.import@burnley.example")
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "nojs.import@burnley.example")
    page.get_by_role("link", name="Import").click()
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "panel.csv", "mimeType": "text/csv", "buffer": panel_file("nojs")}])
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Check the rows").click()
    page.get_by_label("Import the 2 valid rows and skip the 5 with problems").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Refresh this page")).to_be_visible()
    run_jobs(live_server)
    page.get_by_role("link", name="Refresh this page").click()
    expect(page.get_by_text("Import complete")).to_be_visible()
    assert imported(live_server, "nojs") == {"nojs-ada@example.org", "nojs-fay@example.org"}
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resident).join(User).where(
            User.email.like("nojs-%"))) == 2
    context.close()


def test_sex_as_m_and_f_is_mapped_on_the_values_page_and_imported(page: Page,
                                                                   live_server) -> None:
    ensure_schema(live_server)
    live_server.create_user(Role.OFFICER, "values.import@burnley.example")
    errors = watch_console(page)
    sign_in(page, "values.import@burnley.example")
    page.goto(f"{live_server.url}/panel/import")
    content = "\n".join([
        "Email address,First name,Surname,Address line 1,Postcode,Sex,Ethnicity,Agreed to join",
        "mf-ada@example.org,Ada,Lovelace,12 Colne Road,BB11 2DL,F,"
        "Asian or Asian British: Pakistani,yes",
        "mf-bob@example.org,Bob,Smith,1 High Street,BB11 2DL,M,,yes",
        "mf-cy@example.org,Cy,Jones,3 Mill Lane,BB11 2DL,U,,yes",
    ]).encode()
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "coded.csv", "mimeType": "text/csv", "buffer": content}])
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What do these answers mean?")
    expect(page.get_by_label("‘F’")).to_have_value("female")  # guessed
    expect(page.get_by_label("‘M’")).to_have_value("male")
    expect(page.get_by_label("‘Asian or Asian British: Pakistani’")).to_have_value(
        "asian_pakistani")
    expect(page.get_by_label("‘U’")).to_have_value("")  # not obvious
    assert_accessible(page)
    page.get_by_label("‘U’").select_option(label="Leave blank (not answered)")
    page.get_by_role("button", name="Check the rows").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the rows before you import them")
    expect(page.get_by_text("The file is imported whole or not at all")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import the 3 rows").click()
    run_jobs(live_server)
    expect(page.get_by_text("Import complete")).to_be_visible(timeout=10_000)
    assert imported(live_server, "mf") == {"mf-ada@example.org", "mf-bob@example.org",
                                           "mf-cy@example.org"}
    with live_server.app.app_context():
        sexes = dict(db.session.execute(
            select(User.email, Category.key).join(Resident, Resident.user_id == User.id)
            .join(ProfileAnswer, ProfileAnswer.resident_id == Resident.id)
            .join(Category, Category.id == ProfileAnswer.category_id).join(Dimension)
            .where(Dimension.key == "sex", User.email.like("mf-%"))).all())
    assert sexes == {"mf-ada@example.org": "female", "mf-bob@example.org": "male"}
    assert errors == []
