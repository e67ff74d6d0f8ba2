"""Editing a question in place with htmx: the form replaces its list item, a save swaps the
list back (with the heading to focus), errors come back inside the fragment; without htmx
the same addresses are full pages and redirects (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from surveys.models import Answer, Question, Response, Survey
from tests.conftest import csrf_token_from
from tests.integration.surveys.test_builder import LIBRARY, add, create

HTMX = {"HX-Request": "true"}


@pytest.fixture
def officer(login):
    return login(Role.OFFICER)


@pytest.fixture
def library(officer) -> tuple[Survey, Question]:
    survey = create(officer)
    add(officer, survey, LIBRARY)
    return survey, db.session.scalar(select(Question))


def inline(question: Question, **fields: object) -> dict[str, object]:
    """The fields of the form edited in place (named with its prefix)."""
    return {f"edit-q{question.id}-{name}": value for name, value in fields.items()}


def test_edit_swaps_in_the_form_for_htmx_and_is_a_page_without(officer, library):
    survey, question = library
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    fragment = officer.get(url, headers=HTMX).get_data(as_text=True)
    assert fragment.startswith(f'<li class="govuk-!-margin-bottom-6" id="question-{question.id}">')
    assert f'hx-post="{url}"' in fragment and f'hx-target="#question-{question.id}"' in fragment
    assert "Edit Q1" in fragment and "data-cp-focus" in fragment
    assert f'name="edit-q{question.id}-text"' in fragment and "Briercliffe" in fragment
    assert f'name="edit-q{question.id}-csrf_token"' in fragment
    assert "<html" not in fragment
    page = officer.get(url).get_data(as_text=True)
    assert page.startswith("<!DOCTYPE html>") and 'name="text"' in page
    assert "hx-post" not in page.split('id="question-form"')[1]  # the no-JS page posts plainly
    editor = officer.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert f'href="{url}" hx-get="{url}" hx-target="#question-{question.id}"' in editor


def test_saving_in_place_swaps_the_list_back_with_the_heading_to_focus(officer, library):
    survey, question = library
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    token = csrf_token_from(officer, f"/surveys/{survey.id}")
    saved = officer.post(url, data=inline(question, **{**LIBRARY,
                                                       "text": "Which library do you visit?"}),
                         headers={**HTMX, "X-CSRFToken": token})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert saved.headers["HX-Retarget"] == "#survey-questions"
    assert saved.headers["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<section id="survey-questions"')
    heading = re.search(rf'<h4[^>]*id="question-{question.id}-heading"[^>]*>', html).group(0)
    assert "data-cp-focus" in heading and "Q1. Which library do you visit?" in html
    db.session.expire_all()
    assert db.session.get(Question, question.id).text == "Which library do you visit?"


def test_errors_come_back_inside_the_fragment(officer, library):
    survey, question = library
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    token = csrf_token_from(officer, f"/surveys/{survey.id}")
    refused = officer.post(url, data=inline(question, **{**LIBRARY, "text": "",
                                                         "options": "Only one"}),
                           headers={**HTMX, "X-CSRFToken": token})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert html.startswith(f'<li class="govuk-!-margin-bottom-6" id="question-{question.id}">')
    assert "There is a problem" in html
    assert f'href="#edit-q{question.id}-text">Enter the question' in html  # summary link
    assert 'class="govuk-error-message"' in html and "Enter at least two answers" in html
    assert "Only one" in html  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Question, question.id).text == LIBRARY["text"]


def test_an_htmx_post_without_the_csrf_token_is_refused(officer, library):
    survey, question = library
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    refused = officer.post(url, data=inline(question, **LIBRARY), headers=HTMX)
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Question, question.id).text == LIBRARY["text"]


def test_cancel_restores_the_item_or_goes_back_to_the_editor(officer, library):
    survey, question = library
    url = f"/surveys/{survey.id}/questions/{question.id}"
    item = officer.get(url, headers=HTMX).get_data(as_text=True)
    assert item.startswith(f'<li class="govuk-!-margin-bottom-6" id="question-{question.id}">')
    assert "Q1. Which library do you use most?" in item and "Move down" in item
    assert "data-cp-focus" in item
    plain = officer.get(url)
    assert plain.status_code == 303
    assert plain.location.endswith(f"/surveys/{survey.id}#question-{question.id}")


def test_after_answers_only_wording_changes_in_place_too(officer, library):
    survey, question = library
    db.session.add(Response(survey_id=survey.id, answers=[
        Answer(question_id=question.id, value="central")]))
    db.session.commit()
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    token = csrf_token_from(officer, f"/surveys/{survey.id}")
    form = officer.get(url, headers=HTMX).get_data(as_text=True)
    assert "People have already answered this survey" in form
    retyped = officer.post(url, data=inline(question, **{**LIBRARY, "kind": "multiple"}),
                           headers={**HTMX, "X-CSRFToken": token})
    assert retyped.status_code == 422
    assert "only the wording can change" in retyped.get_data(as_text=True)
    fixed = officer.post(url, data=inline(question, **{**LIBRARY, "text": "Which library?"}),
                         headers={**HTMX, "X-CSRFToken": token})
    assert fixed.status_code == 200 and "Q1. Which library?" in fixed.get_data(as_text=True)
    assert "Move up" not in fixed.get_data(as_text=True)  # still locked
