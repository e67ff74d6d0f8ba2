"""Question-level display logic in the builder: show a question only for some answers to a
choice question on an earlier page; the changes that would break a rule are refused; the
preview and the residents' pages honour it (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from surveys import answering, services
from surveys.models import Answer, Invitation, Question, Response, Survey
from tests.conftest import csrf_token_from
from tests.integration.surveys.test_builder import HOURS, LIBRARY, add, create, keys

DETAIL = {"kind": "agree", "text": "Central is open at times that suit me",
          "show_if_question": "q1", "when_q1": ["central", "other"]}
ALWAYS = {"kind": "long_text", "text": "Anything else?"}


@pytest.fixture
def officer(login):
    return login(Role.OFFICER)


def two_pages(client) -> Survey:
    """Page 1: q1 (which library); page 2: q2 only for Central or Other, and q3 for everyone."""
    survey = create(client)
    assert add(client, survey, LIBRARY).status_code == 303
    client.post(f"/surveys/{survey.id}/sections",
                data={"section_title": "Your visits",
                      "csrf_token": csrf_token_from(client, f"/surveys/{survey.id}")})
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    saved = add(client, survey, DETAIL, section=survey.sections[1])
    assert saved.status_code == 303, saved.get_data(as_text=True)[:3000]
    add(client, survey, ALWAYS, section=survey.sections[1])
    db.session.expire_all()
    return db.session.get(Survey, survey.id)


def question(key: str) -> Question:
    return db.session.scalar(select(Question).where(Question.key == key))


def test_a_question_is_shown_only_for_some_answers_to_an_earlier_page(officer):
    survey = two_pages(officer)
    assert question("q2").show_if == {"question": "q1", "in": ["central", "other"]}
    editor = officer.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert ("Shown only if Q1 “Which library do you use most?” is answered “Central” or "
            "“Other (please say)”.") in editor
    form = officer.get(f"/surveys/{survey.id}/questions/{question('q2').id}/edit")
    html = form.get_data(as_text=True)
    assert "Who sees this question?" in html
    assert "Only people who gave certain answers to Q1 “Which library do you use most?”" in html
    assert 'value="central" checked' in html and 'value="padiham" checked' not in html
    first_page = officer.get(f"/surveys/{survey.id}/questions/{question('q1').id}/edit")
    assert "there is no choice question on an earlier page" in first_page.get_data(as_text=True)


def test_choosing_everyone_again_removes_the_rule_and_other_ticks_are_ignored(officer):
    survey = two_pages(officer)
    url = f"/surveys/{survey.id}/questions/{question('q2').id}/edit"
    saved = officer.post(url, data={**DETAIL, "show_if_question": "",
                                    "csrf_token": csrf_token_from(officer, url)})
    assert saved.status_code == 303
    db.session.expire_all()
    assert question("q2").show_if is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"when_q1": []},
     "Select at least one answer to Q1 “Which library do you use most?” that shows this "
     "question"),
    ({"show_if_question": "q3"}, "Select who sees this question"),  # not an earlier page
])
def test_a_rule_that_does_not_make_sense_is_explained(officer, changes, message):
    survey = two_pages(officer)
    url = f"/surveys/{survey.id}/questions/{question('q2').id}/edit"
    refused = officer.post(url, data={**DETAIL, **changes,
                                      "csrf_token": csrf_token_from(officer, url)})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "There is a problem" in html and message in html
    db.session.expire_all()
    assert question("q2").show_if == {"question": "q1", "in": ["central", "other"]}


def test_the_service_refuses_a_rule_on_the_same_page(officer, app):
    survey = two_pages(officer)
    with pytest.raises(services.SurveyError, match="only on a choice question on an earlier"):
        services.add_question(survey.created_by, survey.sections[1], services.QuestionInput(
            kind="short_text", text="Why?", show_if={"question": "q2", "in": ["agree"]}))


def test_moves_and_deletions_that_would_break_a_rule_are_refused(officer):
    survey = two_pages(officer)
    token = csrf_token_from(officer, f"/surveys/{survey.id}")
    q1, q2 = question("q1"), question("q2")
    up = officer.post(f"/surveys/{survey.id}/questions/{q2.id}/up", data={"csrf_token": token},
                      headers={"HX-Request": "true"})
    assert up.status_code == 422
    assert ("This question cannot move to page 1: it is shown only for some answers to Q1 "
            "“Which library do you use most?”") in up.get_data(as_text=True)
    down = officer.post(f"/surveys/{survey.id}/questions/{q1.id}/down",
                        data={"csrf_token": token}, follow_redirects=True)
    assert ("This question cannot move to page 2: Q2 “Central is open at times that suit me” "
            "is shown only for some answers to it") in down.get_data(as_text=True)
    gone = officer.post(f"/surveys/{survey.id}/questions/{q1.id}/delete",
                        data={"csrf_token": token})
    assert gone.status_code == 422
    assert "This question cannot be deleted yet: Q2" in gone.get_data(as_text=True)
    assert keys(survey) == [["q1"], ["q2", "q3"]]
    officer.post(f"/surveys/{survey.id}/questions/{q2.id}/down", data={"csrf_token": token})
    assert keys(survey) == [["q1"], ["q3", "q2"]]  # within its page: fine
    officer.post(f"/surveys/{survey.id}/questions/{q2.id}/duplicate",
                 data={"csrf_token": token})
    assert question("q4").show_if == question("q2").show_if  # the copy keeps the rule


@pytest.mark.parametrize(("changes", "allowed"), [
    ({"options": "Central\nPadiham Library\nBriercliffe"}, True),   # not in the rule
    ({"options": "Central Library\nPadiham\nBriercliffe"}, False),  # "central" would go
    ({"other": ""}, False),
    ({"kind": "short_text"}, False),
])
def test_changing_the_answers_a_rule_uses_is_refused(officer, changes, allowed):
    survey = two_pages(officer)
    url = f"/surveys/{survey.id}/questions/{question('q1').id}/edit"
    response = officer.post(url, data={**LIBRARY, **changes,
                                       "csrf_token": csrf_token_from(officer, url)})
    assert response.status_code == (303 if allowed else 422)
    if not allowed:
        assert ("Q2 “Central is open at times that suit me” is shown only for some answers to "
                "this question") in response.get_data(as_text=True)


def test_once_answered_the_rule_stays_but_wording_can_be_fixed(officer):
    survey = two_pages(officer)
    db.session.add(Response(survey_id=survey.id, answers=[
        Answer(question_id=question("q1").id, value="central")]))
    db.session.commit()
    url = f"/surveys/{survey.id}/questions/{question('q2').id}/edit"
    token = csrf_token_from(officer, url)
    widened = officer.post(url, data={**DETAIL, "when_q1": ["central", "padiham"],
                                      "csrf_token": token})
    assert widened.status_code == 422
    assert "who sees the question" in widened.get_data(as_text=True)
    fixed = officer.post(url, data={**DETAIL, "text": "Central opens at times that suit me",
                                    "csrf_token": token})
    assert fixed.status_code == 303
    db.session.expire_all()
    assert question("q2").text == "Central opens at times that suit me"
    assert question("q2").show_if == {"question": "q1", "in": ["central", "other"]}


@pytest.mark.parametrize(("library", "sees_it"), [("central", True), ("padiham", False)])
def test_a_resident_sees_the_question_only_when_the_earlier_answer_matches(
        officer, app, make_resident, library, sees_it):
    survey = two_pages(officer)
    officer.post(f"/surveys/{survey.id}/open",
                 data={"csrf_token": csrf_token_from(officer, f"/surveys/{survey.id}")})
    invitation = Invitation(survey_id=survey.id, resident=make_resident())
    db.session.add(invitation)
    db.session.commit()
    token = answering.invitation_token(invitation)
    resident = app.test_client()
    url = f"/surveys/r/{token}/1"
    moved = resident.post(url, data={"q1": library, "action": "continue",
                                     "csrf_token": csrf_token_from(resident, url)})
    assert moved.status_code == 303 and moved.location.endswith(f"/surveys/r/{token}/2")
    second = resident.get(moved.location).get_data(as_text=True)
    assert "Anything else?" in second
    assert ("Central is open at times that suit me" in second) is sees_it


@pytest.mark.parametrize(("library", "sees_it"), [("central", True), ("padiham", False)])
def test_the_preview_honours_the_rule(officer, library, sees_it):
    survey = two_pages(officer)
    first = officer.get(f"/surveys/{survey.id}/preview").get_data(as_text=True)
    assert "Which library do you use most?" in first
    second = officer.get(f"/surveys/{survey.id}/preview?q1={library}&page=2")
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and "Anything else?" in html
    assert ('name="q2"' in html) is sees_it  # the question itself, not just its name
    assert ("With the answers you chose, residents would not see" in html) is not sees_it
    assert '<input type="hidden" name="q1" value="' + library + '">' in html  # carried on
    end = officer.get(f"/surveys/{survey.id}/preview?q1={library}&page=3")
    assert "End of the survey" in end.get_data(as_text=True)


def test_the_preview_skips_a_page_the_answers_hide(officer):
    survey = two_pages(officer)
    add(officer, survey, HOURS)  # page 1 now: q1 and q4
    section = survey.sections[1]
    url = f"/surveys/{survey.id}/sections/{section.id}/edit"
    officer.post(url, data={"section_title": "Your visits", "when_q1": "central",
                            "csrf_token": csrf_token_from(officer, url)})
    skipped = officer.get(f"/surveys/{survey.id}/preview?q1=padiham&q4=agree&page=2")
    assert skipped.status_code == 200
    assert "End of the survey" in skipped.get_data(as_text=True)
    shown = officer.get(f"/surveys/{survey.id}/preview?q1=central&page=2")
    page = shown.get_data(as_text=True)
    assert "Only some residents see this page. Shown only if Q1" in page
    assert "Central is open at times that suit me" in page


def test_a_page_cannot_depend_on_a_question_on_itself_or_a_later_page(officer, make_user):
    survey = two_pages(officer)
    first, second = survey.sections
    with pytest.raises(services.SurveyError, match="earlier page"):
        services.update_section(make_user(Role.OFFICER), first, title=first.title, intro="",
                                show_if={"question": "q1", "in": ["central"]})
    with pytest.raises(services.SurveyError, match="at least one answer"):
        services.update_section(make_user(Role.OFFICER), second, title=second.title,
                                intro="", show_if={"question": "q1", "in": ["nowhere"]})
    db.session.rollback()
    assert db.session.get(Survey, survey.id).sections[0].show_if is None
    services.update_section(make_user(Role.OFFICER), second, title=second.title, intro="",
                            show_if={"question": "q1", "in": ["padiham"]})
    assert db.session.get(Survey, survey.id).sections[1].show_if == {
        "question": "q1", "in": ["padiham"]}
