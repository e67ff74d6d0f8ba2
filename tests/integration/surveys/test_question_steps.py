"""The question form shows the chosen type's fields only: without JavaScript in two steps (the
type, then the form, with "Change" back to the type keeping what was typed); with htmx, the
type's fields are swapped in place (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from surveys.models import Answer, Question, Response
from tests.conftest import csrf_token_from
from tests.integration.surveys.test_builder import LIBRARY, add, create
from tests.integration.surveys.test_invitations import open_survey

HTMX = {"HX-Request": "true"}
TYPE_FIELDS = {"options": 'name="options"', "statements": 'name="statements"',
               "other": 'name="other"', "max_choices": 'name="max_choices"',
               "minimum": 'name="minimum"', "maximum": 'name="maximum"'}


@pytest.fixture
def officer(login):
    return login(Role.OFFICER)


def shown(page: str) -> set[str]:
    """The type's own fields a page shows as controls (hidden ones do not count)."""
    controls = re.findall(r"<(?:input|textarea)(?![^>]*type=\"hidden\")[^>]*>", page)
    return {name for name, attr in TYPE_FIELDS.items() if any(attr in c for c in controls)}


def new_url(survey) -> str:
    return f"/surveys/{survey.id}/sections/{survey.sections[0].id}/questions/new"


def test_step_one_asks_the_type_alone_each_with_a_description(officer):
    survey = create(officer)
    response = officer.get(new_url(survey))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "What type of question is it?" in page and ">Continue</button>" in page
    assert "Any number of answers from a list you write" in page  # multiple choice's line
    assert 'name="text"' not in page and shown(page) == set()
    assert 'name="kind" type="radio" value="number"' in page


def test_continue_shows_only_the_chosen_types_fields(officer):
    survey = create(officer)
    url = new_url(survey)
    token = csrf_token_from(officer, url)
    response = officer.post(url, data={"csrf_token": token, "kind": "multiple",
                                       "choose_type": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" not in page
    assert shown(page) == {"options", "other", "max_choices"}
    assert '<input type="hidden" name="kind" value="multiple">' in page
    assert "Multiple choice" in page and 'name="change_type"' in page
    assert 'name="text"' in page and "Save the question" in page
    number = officer.post(url, data={"csrf_token": token, "kind": "number",
                                     "choose_type": "1"}).get_data(as_text=True)
    assert shown(number) == {"minimum", "maximum"}
    rating = officer.get(url + "?kind=rating").get_data(as_text=True)  # straight to step 2
    assert shown(rating) == set() and 'name="text"' in rating


def test_continue_without_a_type_says_what_to_do(officer):
    survey = create(officer)
    url = new_url(survey)
    response = officer.post(url, data={"csrf_token": csrf_token_from(officer, url),
                                       "choose_type": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and page.count("Select the type of question") == 2
    assert 'name="text"' not in page


def test_change_goes_back_to_the_type_keeping_what_was_typed(officer):
    survey = create(officer)
    url = new_url(survey)
    token = csrf_token_from(officer, url)
    typed = {"csrf_token": token, "kind": "single", "text": "How do you travel to the library?",
             "hint": "Think of your usual visit", "options": "Bus\nWalk", "other": "y",
             "required": "y"}
    step_one = officer.post(url, data={**typed, "change_type": "1"})
    page = step_one.get_data(as_text=True)
    assert step_one.status_code == 200 and "What type of question is it?" in page
    assert '<input type="hidden" name="text" value="How do you travel to the library?">' in page
    assert 'value="single" checked' in page  # the type chosen before is still chosen
    carried = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page))
    assert carried["options"] == "Bus\nWalk" and carried["hint"] == "Think of your usual visit"
    step_two = officer.post(url, data={**carried, "kind": "multiple", "choose_type": "1"})
    page = step_two.get_data(as_text=True)
    assert "How do you travel to the library?</textarea>" in page
    assert "Bus\nWalk</textarea>" in page and shown(page) == {"options", "other", "max_choices"}
    saved = officer.post(url, data={**carried, "kind": "multiple", "max_choices": "2"})
    assert saved.status_code == 303
    question = db.session.scalar(select(Question))
    assert (question.kind, question.text, question.max_choices) == (
        "multiple", "How do you travel to the library?", 2)
    assert [label for _, label in question.options] == ["Bus", "Walk"]


def test_bad_input_is_explained_beside_the_field_and_nothing_is_lost(officer):
    survey = create(officer)
    response = add(officer, survey, {**LIBRARY, "options": "Central"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    assert 'href="#options"' in page and 'id="options-error"' in page
    assert "Which library do you use most?</textarea>" in page
    assert shown(page) == {"options", "other"}


def test_editing_shows_the_questions_own_type_fields_and_change_until_answered(officer):
    survey = create(officer)
    add(officer, survey, {"kind": "number", "text": "How many times a month?", "minimum": "0",
                          "maximum": "31"})
    question = db.session.scalar(select(Question))
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    page = officer.get(url).get_data(as_text=True)
    assert shown(page) == {"minimum", "maximum"} and 'name="change_type"' in page
    inline = officer.get(url, headers=HTMX).get_data(as_text=True)
    assert f'name="edit-q{question.id}-minimum"' in inline
    assert f"/questions/type?prefix=edit-q{question.id}&amp;kind=number" in inline
    db.session.add(Response(survey_id=survey.id, answers=[
        Answer(question_id=question.id, value=3)]))
    db.session.commit()
    locked = officer.get(url).get_data(as_text=True)
    assert "Number" in locked and 'name="change_type"' not in locked
    assert shown(locked) == {"minimum", "maximum"}


def test_htmx_swaps_in_the_chosen_types_fields_keeping_their_text(officer):
    survey = create(officer)
    base = f"/surveys/{survey.id}/questions"
    response = officer.get(f"{base}/fields", query_string={
        "kind": "ranking", "options": "Books\nComputers", "other": "y"}, headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert shown(fragment) == {"options"} and "Books\nComputers</textarea>" in fragment
    assert 'id="question-type-status" hx-swap-oob="innerHTML"' in fragment
    assert "Question type changed to Ranking: its settings are shown below." in fragment
    inline = officer.get(f"{base}/fields", query_string={
        "prefix": "edit-q7", "edit-q7-kind": "matrix"}, headers=HTMX).get_data(as_text=True)
    assert 'name="edit-q7-statements"' in inline and 'id="edit-q7-question-type-status"' \
        in inline
    radios = officer.get(f"{base}/type", query_string={"kind": "single"},
                         headers=HTMX).get_data(as_text=True)
    assert 'value="single" checked' in radios and "data-cp-focus" in radios
    assert f'hx-get="{base}/fields?prefix="' in radios
    assert officer.get(f"{base}/fields?kind=single").status_code == 404  # htmx only
    assert officer.get(f"{base}/fields?prefix=x%22", headers=HTMX).status_code == 404


def test_the_htmx_pieces_are_for_officers(login):
    survey = open_survey()
    resident = login(Role.RESIDENT)
    assert resident.get(f"/surveys/{survey.id}/questions/fields?kind=single",
                        headers=HTMX).status_code == 403


def test_enter_in_a_text_box_saves_rather_than_changes_the_type(officer):
    """A browser submits with a form's first button when Enter is pressed in a text box."""
    survey = create(officer)
    page = officer.get(new_url(survey) + "?kind=number").get_data(as_text=True)
    form = page.split('<form method="post"')[1]
    first = re.search(r"<button[^>]*>", form).group(0)
    assert 'name="save"' in first and 'tabindex="-1"' in first and "aria-hidden" in first


def test_an_unknown_type_asks_for_the_type_again_in_place_too(officer):
    survey = create(officer)
    add(officer, survey, LIBRARY)
    question = db.session.scalar(select(Question))
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    p = f"edit-q{question.id}-"
    response = officer.post(url, headers=HTMX, data={
        f"{p}kind": "poem", f"{p}text": "Which library?", f"{p}options": "A\nB",
        f"{p}csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}"),
        "csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in page
    assert f'name="{p}kind" type="radio"' in page and "Which library?</textarea>" in page
    full = officer.post(url, data={"kind": "poem", "text": "Which library?",
                                   "csrf_token": csrf_token_from(officer, url)})
    assert full.status_code == 422
    assert "What type of question is it?" in full.get_data(as_text=True)
