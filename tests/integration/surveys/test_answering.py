"""Residents answer from their personal link: pages, display logic, save and resume, check,
one submit however often it is pressed, and links that do not work (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import links
from core.extensions import db
from core.models import utcnow
from panel.engagements import Engagement, SpectrumLevel
from surveys import answering
from surveys.models import Invitation, Question, Response, Section, Survey
from tests.conftest import csrf_token_from
from tests.integration.at_once import at_once

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def invited(app, make_resident):
    """An open three-page survey; page 2 only for people who use Central library."""
    engagement = Engagement(title="Future of our libraries", level=SpectrumLevel.CONSULT,
                            why="We must save £400,000.")
    survey = Survey(engagement=engagement, title="Libraries survey",
                    results_due_on=utcnow().date() + timedelta(days=60))
    survey.sections = [
        Section(title="Your library", position=0, questions=[Question(
            survey=survey, key="q1", kind="single", required=True, position=0,
            text="Which library do you use most?",
            options=[["central", "Central"], ["padiham", "Padiham"]])]),
        Section(title="Central library", position=1,
                show_if={"question": "q1", "in": ["central"]},
                questions=[Question(survey=survey, key="q2", kind="agree", position=0,
                                    text="Central is open at times that suit me")]),
        Section(title="Anything else", position=2, questions=[Question(
            survey=survey, key="q3", kind="long_text", position=0, text="Anything else?")]),
    ]
    db.session.add(survey)
    db.session.flush()
    survey.open(utcnow())
    invitation = Invitation(survey=survey, resident=make_resident())
    db.session.add(invitation)
    db.session.commit()
    return invitation, answering.invitation_token(invitation)


def post(client, url: str, **data):
    token = CSRF.search(client.get(url).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token})


def test_a_resident_answers_every_page_checks_and_submits(client, invited):
    _, token = invited
    start = client.get(f"/surveys/r/{token}")
    assert start.status_code == 303 and start.location.endswith(f"/surveys/r/{token}/1")
    page = client.get(f"/surveys/r/{token}/1").get_data(as_text=True)
    assert "page 1 of 2" in page and "We must save £400,000." in page  # page 2 waits on q1
    moved = post(client, f"/surveys/r/{token}/1", q1="central", action="continue")
    assert moved.location.endswith(f"/surveys/r/{token}/2")
    assert "Central is open at times" in client.get(moved.location).get_data(as_text=True)
    post(client, f"/surveys/r/{token}/2", q2="agree", action="continue")
    done = post(client, f"/surveys/r/{token}/3", q3="Longer hours", action="continue")
    assert done.location.endswith(f"/surveys/r/{token}/check")
    check = client.get(done.location).get_data(as_text=True)
    assert "Central" in check and "Agree" in check and "Longer hours" in check
    sent = post(client, f"/surveys/r/{token}/check")
    assert sent.location.endswith("/thank-you")
    thanks = client.get(sent.location).get_data(as_text=True)
    assert "Your answers to Libraries survey have been sent" in thanks
    assert "We will listen to your views" in thanks and "publish the results by" in thanks
    response = db.session.scalar(select(Response))
    assert response.submitted and answering.stored_answers(response) == {
        "q1": "central", "q2": "agree", "q3": "Longer hours"}


def test_a_page_the_answers_hide_is_skipped_and_its_answers_dropped(client, invited):
    _, token = invited
    post(client, f"/surveys/r/{token}/1", q1="central", action="continue")
    post(client, f"/surveys/r/{token}/2", q2="disagree", action="continue")
    changed = post(client, f"/surveys/r/{token}/1", q1="padiham", action="continue")
    assert changed.location.endswith(f"/surveys/r/{token}/2")  # now "Anything else"
    page = client.get(changed.location).get_data(as_text=True)
    assert "page 2 of 2" in page and "Anything else?" in page
    response = db.session.scalar(select(Response))
    db.session.refresh(response)
    assert answering.stored_answers(response) == {"q1": "padiham"}


def test_a_missing_answer_is_explained_and_nothing_is_lost(client, invited):
    _, token = invited
    refused = post(client, f"/surveys/r/{token}/1", action="continue")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "There is a problem" in html and 'href="#q1"' in html
    assert "Select an answer to “Which library do you use most?”" in html


def test_save_and_come_back_later_resumes_with_the_answers_given(client, invited, app):
    _, token = invited
    post(client, f"/surveys/r/{token}/1", q1="central", action="continue")
    saved = post(client, f"/surveys/r/{token}/2", q2="strongly_agree", action="save")
    assert "Your answers are saved" in saved.get_data(as_text=True)
    later = app.test_client()  # another day, another browser: only the link
    resumed = later.get(f"/surveys/r/{token}")
    assert resumed.location.endswith(f"/surveys/r/{token}/2")
    page = later.get(resumed.location).get_data(as_text=True)
    assert re.search(r'value="strongly_agree"[^>]*checked|checked[^>]*value="strongly_agree"',
                     page)


def test_sending_twice_stores_one_response(client, invited, app):
    _, token = invited
    post(client, f"/surveys/r/{token}/1", q1="padiham", action="continue")
    other_tab = app.test_client()
    first_token = CSRF.search(client.get(f"/surveys/r/{token}/check").get_data(
        as_text=True)).group(1)
    second_token = CSRF.search(other_tab.get(f"/surveys/r/{token}/check").get_data(
        as_text=True)).group(1)
    assert client.post(f"/surveys/r/{token}/check",
                       data={"csrf_token": first_token}).status_code == 303
    again = other_tab.post(f"/surveys/r/{token}/check", data={"csrf_token": second_token})
    assert again.status_code == 303 and again.location.endswith("/thank-you")
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    late = client.get(f"/surveys/r/{token}/1")  # a submitted response is not reopened
    assert late.status_code == 303 and late.location.endswith("/thank-you")
    response = db.session.scalar(select(Response))
    db.session.refresh(response)
    assert answering.stored_answers(response) == {"q1": "padiham"}


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "nonsense"])
def test_a_mangled_link_says_it_does_not_work(client, invited, mangle):
    _, token = invited
    page = client.get(f"/surveys/r/{mangle(token)}")
    assert page.status_code == 404 and "This link does not work" in page.get_data(as_text=True)


def test_a_closed_survey_says_so(client, invited):
    invitation, token = invited
    invitation.survey.close(utcnow())
    db.session.commit()
    page = client.get(f"/surveys/r/{token}/1")
    assert page.status_code == 410 and "This survey has closed" in page.get_data(as_text=True)


def test_twenty_requests_sending_one_invitation_at_once_store_one_response(app, invited):
    """As if twenty tabs pressed "Send my answers" together: one response, sent once."""
    invitation, _ = invited
    invitation_id = invitation.id
    db.session.commit()
    outcomes = at_once(app, 20, lambda _: answering.submit(
        answering.response_for(db.session.get(Invitation, invitation_id))))
    assert sorted(outcomes, key=str) == [False] * 19 + [True], outcomes
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_opening_a_link_to_a_closed_survey_or_the_thank_you_page_makes_no_response(client,
                                                                                   invited):
    invitation, token = invited
    assert client.get(f"/surveys/r/{token}/thank-you").status_code == 200
    invitation.survey.close(utcnow())
    db.session.commit()
    assert client.get(f"/surveys/r/{token}/1").status_code == 410
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_token_without_an_id_is_a_link_that_does_not_work(app, client):
    token = links.make(links.SURVEY_INVITATION, {"invitation": "1"})  # signed, but not an id
    assert client.get(f"/surveys/r/{token}").status_code == 404
    assert answering.link_from(links.make(links.SURVEY_INVITATION, {})) is None


def test_pressing_continue_twice_at_once_saves_the_page_once(app, client, invited):
    """A double click (or two tabs) sends page 1 at the same moment: both requests find no
    answer yet, both save; the second must not hit the one-answer-per-question key."""
    invitation, token = invited
    response_id = answering.response_for(invitation).id
    db.session.commit()

    def prepare() -> tuple[Response, Section]:
        response = db.session.get(Response, response_id)
        answering.stored_answers(response)  # read before the others write
        return response, response.survey.sections[0]

    def save(prepared: tuple[Response, Section]) -> str:
        answering.save_page(*prepared, {"q1": "padiham"})
        return "saved"

    outcomes = at_once(app, 6, save, prepare)
    assert outcomes == ["saved"] * 6, outcomes
    response = db.session.get(Response, response_id)
    db.session.refresh(response)
    assert answering.stored_answers(response) == {"q1": "padiham"}
    again = post(client, f"/surveys/r/{token}/1", q1="central", action="continue")
    assert again.status_code == 303  # and the page still saves afterwards


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_withdrawn_residents_link_says_the_membership_has_ended_and_stores_nothing(
        client, invited, method):
    from panel import membership

    invitation, token = invited
    membership.withdraw(invitation.resident, "test")
    pages = ["1", "check", "about-you"] + ([""] if method == "get" else [])
    for url in (f"/surveys/r/{token}/{page}".rstrip("/") for page in pages):
        if method == "get":
            page = client.get(url)
        else:
            page = client.post(url, data={"q1": "central", "action": "continue",
                                          "csrf_token": csrf_token_from(client)})
        html = page.get_data(as_text=True)
        assert page.status_code == 410, (url, page.status_code)
        assert "Your membership of the panel has ended" in html
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_an_erased_residents_link_no_longer_works_and_stores_nothing(client, invited):
    from panel import membership

    invitation, token = invited
    membership.erase_resident(invitation.resident.user, invitation.resident)
    page = client.post(f"/surveys/r/{token}/1",
                       data={"q1": "central", "csrf_token": csrf_token_from(client)})
    assert page.status_code == 404
    assert "links in its emails stop working when a membership ends" in page.get_data(
        as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_paused_resident_may_still_answer_an_invitation_they_had(client, invited):
    from datetime import date

    from panel import membership

    invitation, token = invited
    membership.pause(invitation.resident, date.today() + timedelta(days=30))
    moved = post(client, f"/surveys/r/{token}/1", q1="padiham", action="continue")
    assert moved.status_code == 303
    assert answering.stored_answers(db.session.scalar(select(Response))) == {"q1": "padiham"}


def test_a_page_post_works_out_the_visible_pages_once_for_the_answers_as_saved(
        client, invited, monkeypatch):
    """Once for the page as asked (as a GET does), once after saving (which answers to keep
    and which page comes next, from the same reckoning): not again in the route."""
    _, token = invited
    url = f"/surveys/r/{token}/1"
    csrf = CSRF.search(client.get(url).get_data(as_text=True)).group(1)
    real, calls = answering.visible_sections, []

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(answering, "visible_sections", counting)
    moved = client.post(url, data={"q1": "central", "action": "continue", "csrf_token": csrf})
    assert moved.location.endswith(f"/surveys/r/{token}/2")
    assert len(calls) == 2


def test_save_and_next_names_the_next_page_shown_or_none_after_the_last(app, invited):
    invitation, _ = invited
    response = answering.response_for(invitation)
    first, second, third = invitation.survey.sections
    assert answering.save_and_next(response, first, {"q1": "central"}) == answering.Step(2)
    assert answering.save_and_next(response, second, {"q2": "agree"}) == answering.Step(3)
    assert answering.save_and_next(response, first, {"q1": "padiham"}) == answering.Step(2)
    assert answering.save_and_next(response, third, {"q3": "No"}) == answering.Step(None)
    assert answering.stored_answers(response) == {"q1": "padiham", "q3": "No"}


def test_a_page_shown_only_by_a_dropped_answer_does_not_come_next(app, make_resident):
    """Page 3 shows on a page 2 answer, page 2 on a page 1 answer: changing page 1 hides page
    2, drops its answer, and so hides page 3 too; nothing comes after page 1."""
    survey = Survey(engagement=Engagement(title="Parks", level=SpectrumLevel.CONSULT,
                                          why="Why"), title="Chained survey")
    yes_no = [["yes", "Yes"], ["no", "No"]]
    survey.sections = [
        Section(title=f"Page {n}", position=n - 1,
                show_if={"question": f"q{n - 1}", "in": ["yes"]} if n > 1 else None,
                questions=[Question(survey=survey, key=f"q{n}", kind="single", position=0,
                                    text=f"Question {n}?", options=yes_no)])
        for n in (1, 2, 3)]
    db.session.add(survey)
    db.session.flush()
    survey.open(utcnow())
    invitation = Invitation(survey=survey, resident=make_resident())
    db.session.add(invitation)
    db.session.commit()
    response = answering.response_for(invitation)
    first, second, _ = survey.sections
    assert answering.save_and_next(response, first, {"q1": "yes"}) == answering.Step(2)
    assert answering.save_and_next(response, second, {"q2": "yes"}) == answering.Step(3)
    assert answering.save_and_next(response, first, {"q1": "no"}) == answering.Step(None)
    assert answering.stored_answers(response) == {"q1": "no"}


def test_a_check_answers_post_that_finds_them_already_sent_says_so(client, invited,
                                                                   monkeypatch):
    """``submit`` says whether this request sent the answers; when another request won the
    race, the respondent is told nothing was changed (and the thank-you page still shows)."""
    _, token = invited
    post(client, f"/surveys/r/{token}/1", q1="padiham", action="continue")
    real = answering.submit

    def beaten_to_it(response):
        real(response)  # the other tab's request, a moment earlier
        return real(response)

    monkeypatch.setattr(answering, "submit", beaten_to_it)
    sent = post(client, f"/surveys/r/{token}/check")
    assert sent.location.endswith("/thank-you")
    thanks = client.get(sent.location).get_data(as_text=True)
    assert "Your answers had already been sent, so nothing was changed." in thanks
    assert "Your answers to Libraries survey have been sent" in thanks


def test_a_check_answers_post_that_sends_them_says_nothing_more(client, invited):
    _, token = invited
    post(client, f"/surveys/r/{token}/1", q1="padiham", action="continue")
    thanks = client.get(post(client, f"/surveys/r/{token}/check").location)
    assert "already been sent" not in thanks.get_data(as_text=True)
