"""The public "We asked, you said, we did" pages (SQLite and PostgreSQL): the index and its
filters, one engagement's page, earlier versions, the Atom feed read by a real feed client, and
drafts that no guessed URL can reach."""

from __future__ import annotations

from datetime import UTC, date, datetime

import feedparser
import pytest

from core.extensions import db
from core.models import Role
from outcomes import public, services
from outcomes.progress import ActionStatus
from outcomes.services import ActionText, ResponseText, UpdateText
from panel.engagements import Engagement, SpectrumLevel

pytestmark = pytest.mark.clock("2026-12-07 10:00")

PUBLISHED = datetime(2026, 11, 20, 9, 30)
UPDATED = datetime(2026, 12, 1, 14, 0)


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER)


@pytest.fixture
def engagements(officer):
    """Libraries: closed, response published, one action done, one draft action; Parks: open;
    Roads: closed, awaiting a response; Secret: never announced."""
    def plan(title, topic, starts, ends, wards=(), announce=True, **fields):
        engagement = services.save_plan(officer, None, title=title, topic=topic,
                                        level=SpectrumLevel.CONSULT, starts_on=starts,
                                        ends_on=ends, ward_codes=list(wards), **fields)
        if announce:
            services.announce(officer, engagement, datetime(2026, 9, 1))
        return engagement

    libraries = plan("Future of our libraries", "Libraries", date(2026, 9, 1),
                     date(2026, 10, 31), why="We want to know how you use libraries.",
                     decision_maker="Cabinet", cannot_change="The budget is fixed.")
    parks = plan("Parks for everyone", "Parks", date(2026, 11, 1), date(2027, 1, 31),
                 wards=["E05005151"])
    roads = plan("Safer roads", "Transport", date(2026, 8, 1), date(2026, 9, 30))
    secret = plan("Secret plan", "Libraries", None, None, announce=False)
    services.save_draft(officer, libraries, ResponseText(
        summary="Most of you want Sunday opening.", decision="Cabinet agreed Sunday opening.",
        decision_link="https://democracy.example.gov.uk/1"))
    services.publish_response(officer, libraries, PUBLISHED)
    done = services.add_action(officer, libraries, ActionText(
        title="Open Central library on Sundays", owner="Libraries service",
        target_date=date(2027, 3, 1)))
    services.publish_action(officer, done, PUBLISHED)
    update = services.draft_update(officer, done, UpdateText(
        status=ActionStatus.DONE, note="Central now opens 10am to 4pm on Sundays."))
    services.publish_update(officer, update, UPDATED)
    late = services.add_action(officer, libraries, ActionText(
        title="Extend Padiham's hours", owner="Libraries service",
        target_date=date(2026, 11, 30)))
    services.publish_action(officer, late, PUBLISHED)
    services.add_action(officer, libraries, ActionText(title="Close Briercliffe library",
                                                       owner="Libraries service"))
    services.save_draft(officer, roads, ResponseText(summary="Draft words nobody may read"))
    return libraries, parks, roads, secret


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_index_groups_engagements_by_stage_and_filters_them(client, engagements):
    page = text(client.get("/outcomes"))
    for title in ("Future of our libraries", "Parks for everyone", "Safer roads"):
        assert title in page
    assert "Secret plan" not in page
    assert page.index("Open now") < page.index("Parks for everyone")
    assert "Closed, response to follow" in page and "Response published" in page
    assert "Parks for everyone" not in text(client.get("/outcomes?topic=Libraries"))
    only_open = text(client.get("/outcomes?stage=open"))
    assert "Parks for everyone" in only_open and "Safer roads" not in only_open
    searched = text(client.get("/outcomes?q=roads"))
    assert "Safer roads" in searched and "Future of our libraries" not in searched
    in_ward = text(client.get("/outcomes?ward=E05005151"))   # borough-wide ones stay in
    assert "Parks for everyone" in in_ward and "Safer roads" in in_ward
    assert "Parks for everyone" not in text(client.get("/outcomes?ward=E05009999"))

    fragment = text(client.get("/outcomes?stage=open", headers={"HX-Request": "true"}))
    assert "<html" not in fragment and "Parks for everyone" in fragment


def test_an_engagement_page_says_what_was_asked_said_and_done(client, engagements):
    libraries, *_ = engagements
    page = text(client.get(f"/outcomes/{libraries.id}"))
    for expected in ("We asked", "How you use libraries", "The budget is fixed.", "Cabinet",
                     "Most of you want Sunday opening.", "Cabinet agreed Sunday opening.",
                     "Open Central library on Sundays", "Libraries service", "Done",
                     "Central now opens 10am to 4pm on Sundays.", "1 December 2026",
                     "Overdue", 'property="og:title"'):
        assert expected.lower() in page.lower(), expected
    assert page.count("Overdue") == 1                  # Padiham's hours, past 30 November
    assert "Close Briercliffe library" not in page     # a draft action


def test_drafts_are_never_public_whatever_the_url(client, engagements, officer):
    libraries, parks, roads, secret = engagements
    assert client.get(f"/outcomes/{secret.id}").status_code == 404
    assert "Draft words nobody may read" not in text(client.get(f"/outcomes/{roads.id}"))
    assert client.get(f"/outcomes/{roads.id}/versions/1").status_code == 404
    services.save_draft(officer, libraries, ResponseText(summary="A second draft",
                                                         change_note="Costs added"))
    assert "A second draft" not in text(client.get(f"/outcomes/{libraries.id}"))
    assert client.get(f"/outcomes/{libraries.id}/versions/2").status_code == 404
    assert client.get(f"/outcomes/{libraries.id}/versions/1").status_code == 200
    feed = text(client.get("/outcomes/feed.atom"))
    assert "A second draft" not in feed and "Draft words" not in feed
    assert "Close Briercliffe" not in feed


def test_a_new_version_keeps_the_old_one_readable(client, engagements, officer):
    libraries, *_ = engagements
    services.save_draft(officer, libraries, ResponseText(summary="Now with the costs.",
                                                         change_note="Costs added"))
    services.publish_response(officer, libraries, UPDATED)
    page = text(client.get(f"/outcomes/{libraries.id}"))
    assert "Now with the costs." in page and "Costs added" in page
    assert "Most of you want Sunday opening." not in page
    old = text(client.get(f"/outcomes/{libraries.id}/versions/1"))
    assert "Most of you want Sunday opening." in old and "earlier version" in old


def test_the_feed_parses_with_dates_and_links(client, engagements):
    libraries, *_ = engagements
    response = client.get("/outcomes/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title.startswith("You said, we did")
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Future of our libraries: Open Central library on Sundays (done)"
    assert "Future of our libraries: our response" in titles
    newest = feed.entries[0]
    assert datetime(*newest.published_parsed[:6], tzinfo=UTC) == UPDATED.replace(tzinfo=UTC)
    assert newest.link == f"http://localhost/outcomes/{libraries.id}"
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


def test_unknown_and_hostile_filters_are_ignored_not_errors(client, engagements):
    for query in ("level=nonsense", "stage=closed", "q=%25%25%25", "ward=" + "x" * 500,
                  "topic=<script>"):
        assert client.get(f"/outcomes?{query}").status_code == 200
    assert client.get("/outcomes/999999").status_code == 404


def test_engagements_are_public_only_once_announced(client, officer, app):
    engagement = services.save_plan(officer, None, title="Not yet", topic="",
                                    level=SpectrumLevel.INFORM)
    assert client.get(f"/outcomes/{engagement.id}").status_code == 404
    services.announce(officer, engagement, datetime(2026, 12, 1))
    assert client.get(f"/outcomes/{engagement.id}").status_code == 200
    assert db.session.get(Engagement, engagement.id).announced_at == datetime(2026, 12, 1)


def test_an_engagement_made_with_a_survey_goes_public_when_it_opens_and_closes_with_it(
        client, officer):
    from surveys import services as surveys
    from surveys.models import Question

    survey = surveys.create_survey(officer, engagement_title="Bus shelters", topic="Transport",
                                   level="consult", why="Where should new shelters go?",
                                   title="Shelters survey", audience="panel")
    survey.sections[0].questions.append(Question(survey=survey, key="q1", kind="rating",
                                                 position=0, text="How useful?"))
    db.session.commit()
    engagement = survey.engagement
    assert client.get(f"/outcomes/{engagement.id}").status_code == 404     # a draft survey
    surveys.open_survey(officer, survey)
    page = client.get(f"/outcomes/{engagement.id}").get_data(as_text=True)
    assert "Open now" in page and "Where should new shelters go?" in page
    surveys.close_survey(officer, survey)
    assert engagement.ends_on == date(2026, 12, 7)
    planned = services.save_plan(officer, None, title="Set dates", topic="",
                                 level=SpectrumLevel.CONSULT, ends_on=date(2027, 5, 1))
    kept = surveys.create_survey(officer, engagement_title="x", topic="", level="consult",
                                 why="", title="Kept", audience="panel")
    kept.engagement = planned
    kept.sections[0].questions.append(Question(survey=kept, key="q1", kind="rating",
                                               position=0, text="?"))
    db.session.commit()
    surveys.open_survey(officer, kept)
    surveys.close_survey(officer, kept)
    assert planned.ends_on == date(2027, 5, 1)                    # the officer's date stays


def test_the_ward_filter_lists_places_not_prefer_not_to_say(client, app):
    from panel.demo import install_dimensions, ward_dimension
    from panel.reference_data import load_burnley_wards

    install_dimensions([ward_dimension(load_burnley_wards())])
    db.session.commit()
    wards = dict(public.wards())
    assert len(wards) == 15 and "Prefer not to say" not in wards.values()
    assert "Trinity (Burnley)" in text(client.get("/outcomes"))
