"""The outcomes demo (part of `flask demo seed`): engagements in every state, true to the rules:
figures weighted from a real demo survey, actions at every status with dated timelines, one not
taken forward with its reason, a corrected response whose first version stays readable."""

from __future__ import annotations

import feedparser
import pytest
from sqlalchemy import select

from core.extensions import db
from outcomes.demo import seed_outcomes
from outcomes.models import Action, Outcome
from outcomes.progress import ActionStatus
from panel.demo import seed_demo
from panel.engagements import Engagement

pytestmark = pytest.mark.clock("2026-12-07 10:00")


@pytest.fixture
def demo(app):
    seed_demo(seed=5, residents=900)
    return seed_outcomes(5)


def test_every_stage_is_there_and_public(client, demo):
    assert "4 engagements" in demo
    index = client.get("/outcomes").get_data(as_text=True)
    for stage in ("Open now", "Closed, response to follow", "Response published"):
        assert stage in index
    assert db.session.query(Engagement).filter(Engagement.announced_at.is_(None)).count() == 0


def test_the_libraries_response_is_weighted_and_its_actions_cover_every_status(client, demo):
    libraries = db.session.scalar(select(Engagement).where(
        Engagement.title == "Future of our libraries"))
    figures = db.session.scalar(select(Outcome).where(
        Outcome.engagement_id == libraries.id)).published.figures["surveys"][0]
    assert figures["methods"]["weighted_by"] and not figures["methods"]["weighting_problems"]
    assert [q["weighted"] for q in figures["questions"]] == [True, True, False]
    statuses = {a.status for a in db.session.scalars(select(Action))}
    assert statuses == set(ActionStatus)
    refused = db.session.scalar(select(Action).where(
        Action.status == ActionStatus.NOT_TAKEN_FORWARD))
    assert refused.reason and refused.decision_link.startswith("https://")
    page = client.get(f"/outcomes/{libraries.id}").get_data(as_text=True)
    assert "Overdue" in page and "(from its parts)" in page and "Weighted per cent" in page


def test_the_corrected_response_keeps_its_first_version(client, demo):
    waste = db.session.scalar(select(Engagement).where(
        Engagement.title == "Household waste and recycling"))
    page = client.get(f"/outcomes/{waste.id}").get_data(as_text=True)
    assert "Added what happens for flats with shared bins." in page
    assert client.get(f"/outcomes/{waste.id}/versions/1").status_code == 200
    feed = feedparser.parse(client.get("/outcomes/feed.atom").get_data())
    assert not feed.bozo and len(feed.entries) >= 10
