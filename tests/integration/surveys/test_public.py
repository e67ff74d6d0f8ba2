"""A survey anyone may answer (an open consultation's public link): the start page, an
anonymous response with its own resumable link, the optional "About you" page whose answers
weight the results like a member's profile, and the limits (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, utcnow
from panel.demo import install_dimensions
from panel.reference_data import load_default_dimensions
from surveys import answering, results, services
from surveys.models import Audience, Invitation, Question, Response, Section
from tests.conftest import CSRF_RE


@pytest.fixture
def public_survey(app, make_user):
    install_dimensions(load_default_dimensions())
    survey = services.create_survey(
        make_user(Role.OFFICER), engagement_title="Future of our libraries", topic="Libraries",
        level="consult", why="We must save £400,000.", title="Libraries survey",
        audience="public")
    survey.sections[0].questions.append(Question(
        survey=survey, key="q1", kind="single", required=True, position=0,
        text="Which library do you use most?",
        options=[["central", "Central"], ["padiham", "Padiham"]]))
    survey.sections.append(Section(title="Anything else", position=1, questions=[Question(
        survey=survey, key="q2", kind="long_text", position=0, text="Anything else?")]))
    db.session.commit()
    return survey


def open_(survey):
    survey.open(utcnow())
    db.session.commit()


def post(client, url: str, **data):
    token = CSRF_RE.search(client.get(url).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token})


def test_a_public_survey_has_a_readable_unguessable_address(public_survey):
    slug = public_survey.public_slug
    assert slug.startswith("libraries-survey-") and len(slug) == len("libraries-survey-") + 6


def test_the_public_link_works_only_while_the_survey_is_open(client, public_survey):
    url = f"/surveys/p/{public_survey.public_slug}"
    assert client.get(url).status_code == 404  # a draft is nobody's business yet
    open_(public_survey)
    page = client.get(url).get_data(as_text=True)
    assert "We must save £400,000." in page and "Start now" in page
    assert "We do not ask for your name or email" in page
    public_survey.close(utcnow())
    db.session.commit()
    closed = client.get(url)
    assert closed.status_code == 410 and "This survey has closed" in closed.get_data(as_text=True)
    assert client.get("/surveys/p/no-such-survey").status_code == 404


def test_starting_needs_the_form_so_a_link_preview_makes_no_response(client, public_survey):
    open_(public_survey)
    url = f"/surveys/p/{public_survey.public_slug}"
    client.get(url)
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_anyone_answers_tells_us_about_themselves_and_it_weights_like_a_profile(
        client, public_survey):
    open_(public_survey)
    started = post(client, f"/surveys/p/{public_survey.public_slug}")
    assert started.status_code == 303 and "/surveys/r/" in started.location
    link = started.location
    response = db.session.scalar(select(Response))
    assert response.invitation_id is None and response.resident_id is None
    first = client.get(link)
    page_url = first.location
    page = client.get(page_url).get_data(as_text=True)
    assert "page 1 of 3" in page  # two pages of questions and "About you"
    assert post(client, page_url, q1="central", action="continue").status_code == 303
    after = post(client, page_url.replace("/1", "/2"), q2="More opening hours",
                 action="continue")
    assert after.location.endswith("/about-you")
    about = client.get(after.location).get_data(as_text=True)
    assert "About you" in about and "Which age group are you in?" in about
    assert about.count("Prefer not to say") >= 5 and "page 3 of 3" in about
    checked = post(client, after.location, about_sex="female", about_age_band="25_34",
                   action="continue")
    assert checked.location.endswith("/check")
    check = client.get(checked.location).get_data(as_text=True)
    assert "About you" in check and "25 to 34" in check and "Not answered" in check
    sent = post(client, checked.location)
    assert sent.status_code == 303
    thanks = client.get(sent.location).get_data(as_text=True)
    assert "Thank you" in thanks and "We will email you" not in thanks
    db.session.expire_all()
    response = db.session.scalar(select(Response))
    assert response.submitted and response.profile == {"sex": "female", "age_band": "25_34"}
    answers, profiles = results.frame(public_survey)
    assert list(profiles["sex"]) == ["female"] and answers["q1"].tolist() == ["central"]


def test_the_about_you_page_refuses_an_answer_it_did_not_offer(client, public_survey):
    open_(public_survey)
    link = post(client, f"/surveys/p/{public_survey.public_slug}").location
    token = link.rsplit("/", 1)[1]
    refused = post(client, f"/surveys/r/{token}/about-you", about_sex="martian",
                   action="continue")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "There is a problem" in page
    assert db.session.scalar(select(Response)).profile in ({}, None)


def test_saving_a_public_response_shows_the_link_to_come_back(client, public_survey):
    open_(public_survey)
    link = post(client, f"/surveys/p/{public_survey.public_slug}").location
    page_url = client.get(link).location
    saved = post(client, page_url, q1="padiham", action="save").get_data(as_text=True)
    assert "keep this link" in saved and link in saved
    assert "invitation email" not in saved
    assert client.get(link).location == page_url  # resumes where they left off
    assert 'value="padiham" checked' in client.get(page_url).get_data(as_text=True)


def test_a_members_response_cannot_be_opened_as_an_anonymous_one(app, public_survey,
                                                                 make_resident):
    open_(public_survey)
    invitation = Invitation(survey=public_survey, resident=make_resident())
    db.session.add(invitation)
    db.session.commit()
    response = answering.response_for(invitation)
    assert answering.link_from(answering.response_token(response)) is None
    link = answering.link_from(answering.invitation_token(invitation))
    assert (link.invitation, link.response) == (invitation, response)
    assert answering.link_from("not-a-token") is None


def test_starting_public_responses_is_rate_limited(app, client, public_survey):
    app.config["PUBLIC_SURVEY_RATE_LIMIT"] = "2 per hour"
    open_(public_survey)
    url = f"/surveys/p/{public_survey.public_slug}"
    assert [post(client, url).status_code for _ in range(3)] == [303, 303, 429]
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2


def test_a_survey_for_the_panel_has_no_public_link(client, make_user):
    survey = services.create_survey(
        make_user(Role.OFFICER), engagement_title="Parks", topic="Parks", level="consult",
        why="", title="Parks survey", audience=Audience.PANEL.value)
    assert survey.public_slug is None


def test_behind_a_proxy_each_resident_has_their_own_limit(app, public_survey):
    from core.config import TestConfig
    from wsgi import create_app

    open_(public_survey)
    proxied = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         PROXIES=1, PUBLIC_SURVEY_RATE_LIMIT="1 per hour")
    url = f"/surveys/p/{public_survey.public_slug}"

    def start(address: str) -> int:
        client = proxied.test_client()
        headers = {"X-Forwarded-For": address}
        token = CSRF_RE.search(client.get(url, headers=headers).get_data(as_text=True)).group(1)
        return client.post(url, data={"csrf_token": token}, headers=headers).status_code

    assert [start("203.0.113.1"), start("203.0.113.2"), start("203.0.113.1")] == [303, 303, 429]
    with proxied.app_context():
        db.engine.dispose()


def test_a_public_survey_made_without_an_address_gets_one_when_opened(app, public_survey,
                                                                      make_user):
    public_survey.public_slug = None  # as surveys made before public links were
    db.session.commit()
    services.open_survey(make_user(Role.OFFICER), public_survey)
    assert public_survey.public_slug.startswith("libraries-survey-")
