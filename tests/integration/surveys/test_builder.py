"""Officers build surveys: create, add and edit questions, reorder, duplicate, delete, preview,
open; once answered only wording changes, and each fix is logged (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Role
from surveys.models import Answer, Question, Response, Section, Survey, SurveyState
from tests.conftest import csrf_token_from

NEW = {"engagement_title": "Future of our libraries", "topic": "Libraries", "level": "consult",
       "why": "We must save £400,000 and want to hear how you use the libraries.",
       "title": "Libraries survey", "audience": "panel"}
LIBRARY = {"kind": "single", "text": "Which library do you use most?",
           "options": "Central\nPadiham\nBriercliffe", "other": "y", "required": "y",
           "max_choices": "", "minimum": "", "maximum": ""}  # as a browser sends empty boxes
HOURS = {"kind": "agree", "text": "The library is open at times that suit me"}


@pytest.fixture
def officer(login):
    return login(Role.OFFICER)


def create(client, **changes) -> Survey:
    token = csrf_token_from(client, "/surveys/new")
    response = client.post("/surveys/new", data={**NEW, **changes, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(Survey).order_by(Survey.id.desc()))


def add(client, survey: Survey, fields: dict, section: Section | None = None):
    section = section or survey.sections[0]
    url = f"/surveys/{survey.id}/sections/{section.id}/questions/new"
    return client.post(url, data={**fields, "csrf_token": csrf_token_from(client, url)})


def keys(survey: Survey) -> list[list[str]]:
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    return [[q.key for q in section.questions] for section in survey.sections]


def actions(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == name))


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ORGANISER])
def test_only_officers_build_surveys(login, role):
    client = login(role)
    assert client.get("/surveys").status_code == 403
    assert client.get("/surveys/new").status_code == 403


def test_a_new_survey_belongs_to_an_engagement_and_opens_its_editor(officer):
    survey = create(officer)
    assert survey.engagement.title == "Future of our libraries"
    assert survey.engagement.level.value == "consult" and survey.state == SurveyState.DRAFT
    assert [s.title for s in survey.sections] == ["Your views"]
    page = officer.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Libraries survey" in page and "We will listen to your views" in page
    assert "Libraries survey" in officer.get("/surveys").get_data(as_text=True)
    assert actions("survey_created") == 1


def test_a_new_survey_with_gaps_says_what_is_missing_and_keeps_what_was_typed(officer):
    token = csrf_token_from(officer, "/surveys/new")
    response = officer.post("/surveys/new", data={"title": "Parks survey",
                                                  "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and "Enter what the engagement is called" in html
    assert "Select how much residents" in html and 'value="Parks survey"' in html
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_questions_are_added_with_stable_keys_and_option_values(officer):
    survey = create(officer)
    assert add(officer, survey, LIBRARY).status_code == 303
    assert add(officer, survey, HOURS).status_code == 303
    question = db.session.scalar(select(Question).where(Question.key == "q1"))
    assert question.options == [["central", "Central"], ["padiham", "Padiham"],
                                ["briercliffe", "Briercliffe"]]
    assert question.other and question.required
    assert keys(survey) == [["q1", "q2"]]
    page = officer.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Which library do you use most?" in page and "Central, Padiham, Briercliffe" in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": "single", "text": "Pick one", "options": "Only one"},
     "Enter at least two answers, one per line"),
    ({"kind": "multiple", "text": "Pick some", "options": "A\nB", "max_choices": "3"},
     "This is more than the number of answers"),
    ({"kind": "matrix", "text": "How much do you agree?"}, "Enter at least one statement"),
    ({"kind": "number", "text": "How many?", "minimum": "10", "maximum": "5"},
     "The largest number must be at least the smallest"),
    ({"kind": "ranking", "text": "Order these", "options": "A\na"},
     "Each answer must be different"),
    ({"kind": "single", "text": ""}, "Enter the question"),
])
def test_a_question_that_does_not_make_sense_is_explained(officer, fields, message):
    survey = create(officer)
    response = add(officer, survey, fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert keys(survey) == [[]]


def test_questions_move_between_pages_duplicate_and_delete(officer):
    survey = create(officer)
    add(officer, survey, LIBRARY)
    add(officer, survey, HOURS)
    url = f"/surveys/{survey.id}/sections"
    officer.post(url, data={"section_title": "About your visit",
                            "csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}")})
    token = csrf_token_from(officer, f"/surveys/{survey.id}")
    first, second = db.session.scalars(select(Question).order_by(Question.key)).all()
    officer.post(f"/surveys/{survey.id}/questions/{second.id}/down", data={"csrf_token": token})
    assert keys(survey) == [["q1"], ["q2"]]
    officer.post(f"/surveys/{survey.id}/questions/{first.id}/down", data={"csrf_token": token})
    assert keys(survey) == [[], ["q1", "q2"]]  # to the top of the next page
    officer.post(f"/surveys/{survey.id}/questions/{first.id}/up", data={"csrf_token": token})
    assert keys(survey) == [["q1"], ["q2"]]  # to the bottom of the page before
    officer.post(f"/surveys/{survey.id}/questions/{second.id}/up", data={"csrf_token": token})
    officer.post(f"/surveys/{survey.id}/questions/{first.id}/up", data={"csrf_token": token})
    assert keys(survey) == [["q1", "q2"], []]  # already first: nothing moves
    fragment = officer.post(f"/surveys/{survey.id}/questions/{first.id}/duplicate",
                            data={"csrf_token": token}, headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="survey-questions"')
    assert "Which library do you use most? (copy)" in html
    assert keys(survey) == [["q1", "q3", "q2"], []]
    copy = db.session.scalar(select(Question).where(Question.key == "q3"))
    confirm = officer.get(f"/surveys/{survey.id}/questions/{copy.id}/delete")
    assert "Delete “Which library do you use most? (copy)”?" in confirm.get_data(as_text=True)
    officer.post(f"/surveys/{survey.id}/questions/{copy.id}/delete",
                 data={"csrf_token": token})
    assert keys(survey) == [["q1", "q2"], []]
    add(officer, survey, HOURS)
    # keys stay unique; a deleted one may come back, since nothing refers to it (answers
    # stop deletions)
    assert keys(survey) == [["q1", "q2", "q3"], []]


def test_an_officer_edits_a_question_on_its_own_page(officer):
    survey = create(officer)
    add(officer, survey, LIBRARY)
    question = db.session.scalar(select(Question))
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    page = officer.get(url).get_data(as_text=True)
    assert "Which library do you use most?" in page and "Briercliffe" in page
    response = officer.post(url, data={**LIBRARY, "options": "Central\nPadiham",
                                       "csrf_token": csrf_token_from(officer, url)})
    assert response.status_code == 303
    db.session.expire_all()
    assert [label for _, label in db.session.get(Question, question.id).options] == [
        "Central", "Padiham"]


def answer_once(survey: Survey) -> None:
    question = db.session.scalar(select(Question).where(Question.survey_id == survey.id))
    db.session.add(Response(survey_id=survey.id, answers=[
        Answer(question_id=question.id, value="central")]))
    db.session.commit()


def test_once_answered_only_wording_changes_and_each_fix_is_logged(officer):
    survey = create(officer)
    add(officer, survey, LIBRARY)
    answer_once(survey)
    refused = add(officer, survey, HOURS)
    assert refused.status_code == 422
    assert "People have already answered this survey" in refused.get_data(as_text=True)
    question = db.session.scalar(select(Question))
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    token = csrf_token_from(officer, url)
    retyped = officer.post(url, data={**LIBRARY, "kind": "multiple", "csrf_token": token})
    assert retyped.status_code == 422 and "only the wording can change" in \
        retyped.get_data(as_text=True)
    fixed = officer.post(url, data={**LIBRARY, "text": "Which library do you use the most?",
                                    "options": "Central Library\nPadiham\nBriercliffe",
                                    "csrf_token": token})
    assert fixed.status_code == 303
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.options[0] == ["central", "Central Library"]  # the stored value stays
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "survey_wording_fixed"))
    assert event.detail["before"]["text"] == "Which library do you use most?"
    assert event.detail["after"]["options"][0] == "Central Library"
    editor = officer.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "can no longer be added, moved or removed" in editor and "Move up" not in editor
    gone = officer.post(f"/surveys/{survey.id}/questions/{question.id}/delete",
                        data={"csrf_token": token})
    assert gone.status_code == 422 and "There is a problem" in gone.get_data(as_text=True)
    moved = officer.post(f"/surveys/{survey.id}/questions/{question.id}/duplicate",
                         data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert moved.status_code == 422
    assert "People have already answered" in moved.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Question)) == 1


def test_a_survey_opens_only_with_a_question_then_closes_and_publishes(officer):
    survey = create(officer)
    token = csrf_token_from(officer, f"/surveys/{survey.id}")
    page = officer.post(f"/surveys/{survey.id}/open", data={"csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)
    assert "Add at least one question before opening the survey." in page
    add(officer, survey, LIBRARY)
    for action, state in [("open", "open"), ("close", "closed"), ("publish", "published")]:
        officer.post(f"/surveys/{survey.id}/{action}", data={"csrf_token": token})
        db.session.expire_all()
        assert db.session.get(Survey, survey.id).state.value == state
    assert actions("survey_opened") == actions("survey_closed") == 1


def test_the_preview_shows_each_page_as_a_resident_sees_it(officer):
    survey = create(officer)
    add(officer, survey, LIBRARY)
    officer.post(f"/surveys/{survey.id}/sections",
                 data={"section_title": "Opening hours",
                       "csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}")})
    db.session.expire_all()
    add(officer, db.session.get(Survey, survey.id), HOURS,
        section=db.session.get(Survey, survey.id).sections[1])
    first = officer.get(f"/surveys/{survey.id}/preview").get_data(as_text=True)
    assert "page 1 of 2" in first and "Which library do you use most?" in first
    assert "We must save £400,000" in first and "Nothing you choose here is saved" in first
    second = officer.get(f"/surveys/{survey.id}/preview?page=2").get_data(as_text=True)
    assert "The library is open at times that suit me" in second and "Strongly agree" in second
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_page_can_be_shown_only_to_people_who_gave_an_answer(officer):
    survey = create(officer)
    add(officer, survey, LIBRARY)
    officer.post(f"/surveys/{survey.id}/sections",
                 data={"section_title": "Central library",
                       "csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}")})
    db.session.expire_all()
    second = db.session.get(Survey, survey.id).sections[1]
    url = f"/surveys/{survey.id}/sections/{second.id}/edit"
    page = officer.get(url).get_data(as_text=True)
    assert "Show this page only if “Which library do you use most?” is answered" in page
    saved = officer.post(url, data={"section_title": "Central library", "when_q1": "central",
                                    "csrf_token": csrf_token_from(officer, url)})
    assert saved.status_code == 303
    db.session.expire_all()
    assert db.session.get(Section, second.id).show_if == {"question": "q1", "in": ["central"]}
    editor = officer.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Shown only if Q1 “Which library do you use most?” is answered “Central”." in editor
    first = db.session.get(Survey, survey.id).sections[0]
    plain = officer.get(f"/surveys/{survey.id}/sections/{first.id}/edit").get_data(as_text=True)
    assert "This page is always shown" in plain  # nothing earlier to depend on


def test_a_page_depends_on_one_question_only(officer):
    survey = create(officer)
    add(officer, survey, LIBRARY)
    add(officer, survey, HOURS)
    officer.post(f"/surveys/{survey.id}/sections",
                 data={"section_title": "More",
                       "csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}")})
    db.session.expire_all()
    second = db.session.get(Survey, survey.id).sections[1]
    url = f"/surveys/{survey.id}/sections/{second.id}/edit"
    refused = officer.post(url, data={"section_title": "More", "when_q1": "central",
                                      "when_q2": "agree",
                                      "csrf_token": csrf_token_from(officer, url)})
    assert refused.status_code == 422
    assert "Choose answers to one question only" in refused.get_data(as_text=True)


def test_an_officer_keys_in_a_paper_response_marked_and_audited(officer):
    survey = create(officer)
    add(officer, survey, LIBRARY)
    add(officer, survey, HOURS)
    url = f"/surveys/{survey.id}/responses/new"
    token = csrf_token_from(officer, f"/surveys/{survey.id}")
    officer.post(f"/surveys/{survey.id}/open", data={"csrf_token": token})
    missing = officer.post(url, data={"q1": "central", "csrf_token": csrf_token_from(officer,
                                                                                     url)})
    assert missing.status_code == 422
    assert "Select how the response was given" in missing.get_data(as_text=True)
    saved = officer.post(url, data={"mode": "paper", "q2": "agree",  # q1 left blank on paper
                                    "csrf_token": csrf_token_from(officer, url)})
    assert saved.status_code == 303
    response = db.session.scalar(select(Response))
    assert response.mode.value == "paper" and response.entered_by_id is not None
    assert response.submitted and [a.value for a in response.answers] == ["agree"]
    assert actions("survey_response_entered") == 1
    assert "Paper form response saved." in officer.get(saved.location).get_data(as_text=True)
