"""Population target sets: import from CSV (check, preview, save), default, rename, delete.
SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from core.extensions import db
from core.models import AuditEvent, Role, Upload, utcnow
from panel import target_sets
from panel.demo import install_dimensions, install_target_set, ward_dimension
from panel.models import Category, Dimension, Target, TargetSet
from panel.reference_data import (
    DATA_DIR,
    DEFAULT_TARGET_SET_NAME,
    DEFAULT_TARGET_SET_SOURCE,
    TargetFileError,
    load_burnley_wards,
    load_default_dimensions,
    load_default_targets,
)
from tests.conftest import PASSWORD, csrf_token_from

SEX_COUNTS = "dimension,category,count,note\nSex,Female,600,Test\nsex,male,400,Test\n"


@pytest.fixture
def schema(app):
    """The default profile questions and wards, with the shipped Census targets as default."""
    ids = install_dimensions([*load_default_dimensions(), ward_dimension(load_burnley_wards())])
    install_target_set(DEFAULT_TARGET_SET_NAME, DEFAULT_TARGET_SET_SOURCE,
                       load_default_targets(), ids)
    db.session.commit()
    return app


def upload(client, text: str | bytes, name: str = "Test set", filename: str = "targets.csv",
           **extra):
    content = text.encode() if isinstance(text, str) else text
    # Encoded here, in memory: the test client's own encoder leaves a temporary file open for
    # bodies over 500 KB (a ResourceWarning, an error under our pytest settings).
    boundary, body = encode_multipart({
        "csrf_token": csrf_token_from(client, "/targets/import"), "name": name,
        "source": "Made up for a test", **extra,
        "file": FileStorage(io.BytesIO(content), filename, content_type="text/csv")})
    return client.post("/targets/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def save(client, response):
    """Follow the redirect to the preview and press Save target set."""
    preview = client.get(response.headers["Location"])
    page = preview.get_data(as_text=True)
    action = re.search(r'action="(/targets/import/\d+/save)"', page).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    return preview, client.post(action, data=fields)


def sets() -> dict[str, TargetSet]:
    db.session.expire_all()
    return {s.name: s for s in db.session.scalars(select(TargetSet))}


def nothing_written() -> bool:
    db.session.expire_all()
    return (set(sets()) == {DEFAULT_TARGET_SET_NAME}
            and db.session.scalar(select(func.count()).select_from(Upload)) == 0)


# --- the list and a set ------------------------------------------------------------------------

def test_officer_sees_the_sets_with_the_default_first(schema, login):
    client = login(Role.OFFICER)
    page = client.get("/targets").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Population targets</h1>" in page
    assert DEFAULT_TARGET_SET_NAME in page and "Default" in page
    default = sets()[DEFAULT_TARGET_SET_NAME]
    detail = client.get(f"/targets/{default.id}").get_data(as_text=True)
    assert "Pakistani" in detail and "10.7%" in detail  # 10,102 of 94,652


@pytest.mark.parametrize("role,status", [
    (Role.RESIDENT, 403), (Role.ORGANISER, 403), (Role.OFFICER, 200), (Role.ADMIN, 200)])
def test_only_officers_and_admins_manage_targets(schema, login, role, status):
    client = login(role)
    assert client.get("/targets/import").status_code == status
    assert client.get(f"/targets/{sets()[DEFAULT_TARGET_SET_NAME].id}/edit").status_code == status


def test_unknown_target_set_is_not_found(schema, login):
    assert login(Role.OFFICER).get("/targets/999999").status_code == 404


# --- importing ---------------------------------------------------------------------------------

def test_import_by_labels_with_counts_previews_then_saves(schema, login):
    client = login(Role.OFFICER)
    response = upload(client, SEX_COUNTS + "Age,16 to 24,300,\nage_band,25_34,700,\n")
    assert response.status_code == 302
    assert nothing_written() is False  # only the upload is kept until Save
    assert set(sets()) == {DEFAULT_TARGET_SET_NAME}
    preview, saved = save(client, response)
    page = preview.get_data(as_text=True)
    assert "Check the targets before you save them" in page
    assert "Shares worked out from the counts (total 1,000)." in page
    assert "60.0%" in page and "No target for 35 to 44" in page
    assert saved.status_code == 302
    new = sets()["Test set"]
    assert saved.headers["Location"] == f"/targets/{new.id}"
    shares = {(t.dimension.key, t.category.key): t.share for t in new.targets}
    assert shares == {("sex", "female"): 0.6, ("sex", "male"): 0.4,
                      ("age_band", "16_24"): 0.3, ("age_band", "25_34"): 0.7}
    assert new.source == "Made up for a test" and not new.is_default
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "target_set_imported"))
    assert event.object_id == new.id and event.detail["targets"] == 4


def test_the_shipped_census_file_imports_through_the_page(schema, login):
    client = login(Role.OFFICER)
    content = (DATA_DIR / "burnley_targets.csv").read_bytes()
    response = upload(client, content, name="Census again", make_default="y")
    _, saved = save(client, response)
    assert saved.status_code == 302
    new = sets()["Census again"]
    assert len(new.targets) == 65 and new.is_default
    assert not sets()[DEFAULT_TARGET_SET_NAME].is_default  # only ever one default


def test_shares_close_to_one_are_scaled_and_the_rule_is_stated(schema, login):
    client = login(Role.OFFICER)
    response = upload(client, "dimension,category,share\nsex,female,0.505\nsex,male,0.49\n")
    preview, _ = save(client, response)
    assert "The shares added up to 0.9950, so each was divided by 0.9950" in preview.get_data(
        as_text=True)
    shares = [t.share for t in sets()["Test set"].targets]
    assert sum(shares) == pytest.approx(1)


@pytest.mark.parametrize("text,messages", [
    ("dimension,category,share\nsex,female,0.5\nsex,male,0.3\n",
     ["The shares for sex add up to 0.800, not 1"]),
    ("dimension,category,share\nsex,female,50\nsex,male,50\n",
     ["Rows 2 and 3: the share must be a number from 0 to 1"]),
    ("dimension,category,count\nsex,Woman,10\nsex,male,10\nethnicity,white,5\n",
     ["Row 2: &#39;Woman&#39; is not an answer to Sex. The answers are: Female; Male; "
      "Prefer not to say", "Row 4: there is no profile question called &#39;ethnicity&#39;"]),
    ("dimension,share\nsex,0.5\n", ["needs the columns dimension, category"]),
    ("dimension;category;share\nsex;female;1\n", ["separated by semicolons"]),
    ("dimension,category,count\n", ["The file has no targets"]),
])
def test_bad_files_are_refused_naming_every_problem(schema, login, text, messages):
    response = upload(login(Role.OFFICER), text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and page.startswith("<!DOCTYPE html>")
    assert "<title>Error: " in page
    for message in messages:
        assert message in page
    assert nothing_written()


def test_unknown_category_message_offers_the_known_categories(schema, login):
    response = upload(login(Role.OFFICER), "dimension,category,count\nethnic_group,Asian,5\n")
    page = response.get_data(as_text=True)
    assert "Row 2: &#39;Asian&#39; is not an answer to Ethnic group. The answers are: " in page
    assert "Pakistani; Bangladeshi; Chinese" in page
    assert "asian_pakistani" in page  # the reference list below the form shows the keys


@pytest.mark.parametrize("content,message", [
    ("dimension,category,count\nsex,Femme de ménage,1\n".encode("latin-1"), "not saved as UTF-8"),
    (b"PK\x03\x04 an xlsx workbook", "Excel workbook"),
    (b"", "The file is empty"),
    (b"   \n", "The file is empty"),
    (b"dimension,category,count\n" + b"x" * 1_100_000, "The file is 1.1 MB"),
    (b"dimension,category,count\nsex,female\x00,1\n", "not a CSV text file"),
])
def test_unreadable_files_get_a_plain_message(schema, login, content, message):
    response = upload(login(Role.OFFICER), content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert nothing_written()


def test_no_file_chosen(schema, login):
    response = upload(login(Role.OFFICER), b"", filename="")
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Select a CSV file") == 2  # summary + field


def test_a_file_of_fifty_megabytes_is_refused_without_a_500(schema, login):
    response = upload(login(Role.OFFICER), b"a" * 50_000_000)
    assert response.status_code == 422
    assert "The file is 50.0 MB" in response.get_data(as_text=True)


def test_utf16_and_a_byte_order_mark_are_read(schema, login):
    client = login(Role.OFFICER)
    assert upload(client, SEX_COUNTS.encode("utf-16")).status_code == 302
    assert upload(client, "\ufeff" + SEX_COUNTS, name="Other").status_code == 302


def test_name_is_required_and_unique(schema, login):
    client = login(Role.OFFICER)
    response = upload(client, SEX_COUNTS, name="")
    assert response.status_code == 422
    assert "Enter a name for the target set" in response.get_data(as_text=True)
    response = upload(client, SEX_COUNTS, name=DEFAULT_TARGET_SET_NAME)
    assert "There is already a target set called" in response.get_data(as_text=True)
    assert nothing_written()


def test_retired_answers_cannot_have_targets(schema, login):
    roma = db.session.scalar(select(Category).where(Category.key == "white_roma"))
    roma.retired_at = utcnow()
    db.session.commit()
    response = upload(login(Role.OFFICER), "dimension,category,count\nethnic_group,Roma,5\n")
    assert "&#39;Roma&#39; is a retired answer to Ethnic group" in response.get_data(as_text=True)


def test_save_checks_again_when_the_questions_changed(schema, login):
    client = login(Role.OFFICER)
    response = upload(client, SEX_COUNTS)
    sex = db.session.scalar(select(Dimension).where(Dimension.key == "sex"))
    sex.retired_at = utcnow()
    db.session.commit()
    page = client.get(response.headers["Location"])
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Rows 2 and 3: the profile question Sex is retired" in text
    assert nothing_written()


def test_a_name_taken_while_previewing_is_caught_on_save(schema, login):
    client = login(Role.OFFICER)
    response = upload(client, SEX_COUNTS, name="Taken")
    add_set("Taken")
    _, saved = save(client, response)
    assert saved.status_code == 422
    text = saved.get_data(as_text=True)
    assert "There is already a target set called Taken" in text
    assert "Select the file again" in text and 'value="Taken"' in text
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0


def test_only_the_uploader_sees_a_preview(schema, login, app, make_user):
    response = upload(login(Role.OFFICER), SEX_COUNTS)
    other, user = app.test_client(), make_user(Role.OFFICER)  # a second officer
    token = csrf_token_from(other)
    other.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    token = csrf_token_from(other, "/targets")
    preview = other.get(response.headers["Location"])
    assert preview.status_code == 302 and preview.headers["Location"] == "/targets/import"
    upload_id = int(re.search(r"/targets/import/(\d+)", response.headers["Location"]).group(1))
    saved = other.post(f"/targets/import/{upload_id}/save",
                       data={"csrf_token": token, "name": "Stolen"})
    assert saved.status_code == 302 and "Stolen" not in sets()


def test_cancelling_an_import_keeps_nothing(schema, login):
    client = login(Role.OFFICER)
    response = upload(client, SEX_COUNTS)
    upload_id = re.search(r"/targets/import/(\d+)", response.headers["Location"]).group(1)
    token = csrf_token_from(client, "/targets")
    cancelled = client.post(f"/targets/import/{upload_id}/cancel", data={"csrf_token": token})
    assert cancelled.status_code == 302
    assert nothing_written()
    again = client.post(f"/targets/import/{upload_id}/save",
                        data={"csrf_token": token, "name": "Late"})
    assert again.status_code == 302 and "Late" not in sets()


def test_the_first_set_becomes_the_default(app, login):
    install_dimensions(load_default_dimensions())
    db.session.commit()
    client = login(Role.OFFICER)
    _, saved = save(client, upload(client, SEX_COUNTS))
    assert saved.status_code == 302 and sets()["Test set"].is_default


# --- default, rename, delete -------------------------------------------------------------------

def add_set(name: str) -> TargetSet:
    ids = {d.key: (d.id, {c.key: c.id for c in d.categories})
           for d in db.session.scalars(select(Dimension))}
    rows = target_sets.read_target_file(SEX_COUNTS.encode()).rows
    target_set = install_target_set(name, "", rows, ids, is_default=False)
    db.session.commit()
    return target_set


def test_making_a_set_the_default_leaves_exactly_one(schema, login):
    other = add_set("Other")
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/targets")
    response = client.post(f"/targets/{other.id}/default", data={"csrf_token": token})
    assert response.status_code == 302
    assert [s.name for s in sets().values() if s.is_default] == ["Other"]
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "target_set_made_default")).object_id == other.id


def test_renaming_a_set(schema, login):
    other = add_set("Other")
    client = login(Role.OFFICER)
    token = csrf_token_from(client, f"/targets/{other.id}/edit")
    taken = client.post(f"/targets/{other.id}/edit", data={
        "csrf_token": token, "name": DEFAULT_TARGET_SET_NAME, "source": ""})
    assert taken.status_code == 422
    assert "There is already a target set called" in taken.get_data(as_text=True)
    renamed = client.post(f"/targets/{other.id}/edit", data={
        "csrf_token": token, "name": "  Census 2011 –  residents ", "source": "ONS"})
    assert renamed.status_code == 302
    assert sets()["Census 2011 – residents"].source == "ONS"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "target_set_renamed"))
    assert event.detail == {"before": "Other", "after": "Census 2011 – residents"}


def test_deleting_a_set_and_its_targets(schema, login):
    other_id = add_set("Other").id
    client = login(Role.OFFICER)
    default = sets()[DEFAULT_TARGET_SET_NAME]
    token = csrf_token_from(client, f"/targets/{default.id}/delete")
    refused = client.post(f"/targets/{default.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "Make another set the default" in refused.get_data(as_text=True)
    deleted = client.post(f"/targets/{other_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 302 and set(sets()) == {DEFAULT_TARGET_SET_NAME}
    assert db.session.scalar(select(func.count()).select_from(Target).where(
        Target.target_set_id == other_id)) == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "target_set_deleted"))


# --- the reader on its own -----------------------------------------------------------------------

def test_every_problem_is_listed_and_repeated_ones_are_merged(schema):
    rows = "".join(f"religion_x,c{i},1\n" for i in range(7))
    with pytest.raises(TargetFileError) as caught:
        target_sets.read_target_file(
            f"dimension,category,count\n{rows}sex,female,x\nsex,male,1\n".encode())
    problems = caught.value.problems
    assert problems[0].startswith("Rows 2, 3, 4 and 4 more: there is no profile question")
    assert problems[1].startswith("Row 9: the count must be a whole number")
