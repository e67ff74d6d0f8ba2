"""Unusual characters, text sent as a file part and ids too big for the database: a plain
message, never a 500, and nothing stored (SQLite and PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from core.extensions import db
from core.input_guard import has_unusual_character
from core.models import Role, User
from tests.integration.panel.test_account import join_data
from tests.integration.panel.test_account import schema as schema  # noqa: F401 (a fixture)


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\x7fb", "two\nlines", "a\tb"])
def test_a_control_character_in_a_text_field_is_named_next_to_it(schema, client, value):
    response = client.post("/join", data=join_data(client, first_name=value))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Remove the unusual character from first name" in html
    assert 'href="#first_name"' in html  # in the error summary too
    assert users() == 0


def test_a_text_area_keeps_its_line_breaks_and_tabs():
    assert not has_unusual_character("first line\r\n\tsecond line", multiline=True)
    assert has_unusual_character("first line\x00", multiline=True)
    assert has_unusual_character("one\nline")


def test_a_control_character_in_a_query_string_gets_a_plain_400(app, login):
    officer = login(Role.OFFICER)
    response = officer.get("/panel/members?q=a%00b")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The web address has an unusual character" in html and "‘q’" in html


def test_a_text_field_sent_as_a_file_part_is_a_missing_field(schema, client):
    data = MultiDict(join_data(client))
    data.pop("first_name")
    data.add("first_name", FileStorage(io.BytesIO(b"Ada"), "name.txt", "first_name"))
    boundary, body = encode_multipart(data)
    response = client.post("/join", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422
    assert "Enter your first name" in response.get_data(as_text=True)
    assert users() == 0


@pytest.mark.parametrize("path", [f"/surveys/{2**63}", f"/panel/members/{10**40}"])
def test_an_id_too_big_for_the_database_is_not_found(app, login, path):
    assert login(Role.OFFICER).get(path).status_code == 404


@pytest.mark.parametrize("url", ["/account/profile/sex", "/account/profile"])
def test_a_profile_answer_of_a_space_is_not_an_answer_and_keeps_the_saved_one(schema, client,
                                                                             url):
    from tests.conftest import csrf_token_from
    from tests.integration.panel.test_account import answers_of, join

    join(client)
    token = csrf_token_from(client, "/account/profile")
    client.post("/account/profile", data={"csrf_token": token, "sex": "female"})
    response = client.post(url, data={"csrf_token": token, "sex": " "})
    assert response.status_code == 422
    assert "Select one of the options for sex" in response.get_data(as_text=True)
    assert answers_of("ada@example.org")["sex"] == "female"


def test_a_control_character_in_the_path_is_not_found(app, client):
    assert client.get("/surveys/p/a%00b").status_code == 404
