"""The officer's outcome pages (SQLite and PostgreSQL): planning with similar engagements shown
first, announcing, a response drafted, previewed and published, actions and dated updates, bulk
changes; bad input gets a message beside the field and loses nothing; only officers get in."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from outcomes.models import Action, ActionUpdate, Outcome
from outcomes.progress import ActionStatus
from panel.engagements import Engagement, SpectrumLevel
from tests.conftest import csrf_token_from

pytestmark = pytest.mark.clock("2026-12-07 10:00")

PLAN = {"title": "Future of our libraries", "topic": "Libraries", "level": "consult",
        "why": "We are deciding opening hours.", "decision_maker": "Cabinet",
        "decision_due": "Cabinet, 12 March 2027", "cannot_change": "The budget is fixed.",
        "starts_on": ["1", "12", "2026"], "ends_on": ["31", "1", "2027"]}


def post(client, url, form_url=None, **fields):
    token = csrf_token_from(client, form_url or url)
    return client.post(url, data={**fields, "csrf_token": token})


@pytest.fixture
def officer(login):
    return login(Role.OFFICER)


def planned(officer) -> Engagement:
    response = post(officer, "/engagements/new", **PLAN)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(Engagement).order_by(Engagement.id.desc()))


def test_only_officers_reach_the_pages(client, login, app):
    engagement = Engagement(title="E", level=SpectrumLevel.CONSULT)
    db.session.add(engagement)
    db.session.commit()
    assert client.get("/engagements").status_code == 302              # to sign in
    resident = login(Role.RESIDENT)
    for url in ("/engagements", "/engagements/new", f"/engagements/{engagement.id}",
                f"/engagements/{engagement.id}/response"):
        assert resident.get(url).status_code == 403, url


def test_an_officer_plans_and_announces_an_engagement(officer):
    engagement = planned(officer)
    assert (engagement.decision_maker, engagement.ends_on) == ("Cabinet", date(2027, 1, 31))
    assert engagement.announced_at is None
    assert officer.get(f"/outcomes/{engagement.id}").status_code == 404
    response = post(officer, f"/engagements/{engagement.id}/announce",
                    f"/engagements/{engagement.id}")
    assert response.status_code == 303
    public = officer.get(f"/outcomes/{engagement.id}").get_data(as_text=True)
    assert "The budget is fixed." in public and "Cabinet, 12 March 2027" in public


def test_similar_engagements_are_shown_before_another_is_created(officer):
    planned(officer)
    again = post(officer, "/engagements/new", **{**PLAN, "title": "Libraries again"})
    page = again.get_data(as_text=True)
    assert again.status_code == 422
    assert "Future of our libraries" in page and "tick the box" in page
    assert db.session.query(Engagement).count() == 1
    assert 'value="Libraries again"' in page                          # nothing typed is lost
    anyway = post(officer, "/engagements/new", **{**PLAN, "title": "Libraries again",
                                                  "go_ahead": "y"})
    assert anyway.status_code == 303 and db.session.query(Engagement).count() == 2
    fragment = officer.get("/engagements/similar?topic=libraries",
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Libraries again" in fragment and "<html" not in fragment


def test_bad_plan_input_gets_messages_beside_the_fields(officer):
    response = post(officer, "/engagements/new", **{
        **PLAN, "title": "", "ends_on": ["31", "2", "2027"], "level": "shout"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter what the engagement is called" in page
    assert "The closing date must be a real date" in page
    assert "There is a problem" in page and "We are deciding opening hours." in page


def test_a_response_is_drafted_previewed_and_published(officer):
    engagement = planned(officer)
    base = f"/engagements/{engagement.id}"
    refused = post(officer, f"{base}/response/publish", base)
    assert refused.status_code == 422 and "There is no draft to publish" in \
        refused.get_data(as_text=True)
    saved = post(officer, f"{base}/response", summary="", decision="Sunday opening agreed",
                 save="Save the draft")
    assert saved.status_code == 303
    empty = post(officer, f"{base}/response/publish", base)
    page = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Enter a summary of what residents said" in page
    assert "Sunday opening agreed" in page                            # the draft is kept
    post(officer, f"{base}/response", summary="Most of you want Sunday opening.",
         decision="Sunday opening agreed", preview="Save and preview")
    preview = officer.get(f"{base}/preview").get_data(as_text=True)
    assert "Most of you want Sunday opening." in preview and "Preview" in preview
    assert "Most of you want" not in officer.get(f"/outcomes/{engagement.id}").get_data(
        as_text=True)                                                 # not announced
    assert post(officer, f"{base}/response/publish", base).status_code == 303
    db.session.expire_all()
    outcome = db.session.scalar(select(Outcome))
    assert outcome.published.summary == "Most of you want Sunday opening."
    assert db.session.get(Engagement, engagement.id).announced_at is not None
    public = officer.get(f"/outcomes/{engagement.id}").get_data(as_text=True)
    assert "Most of you want Sunday opening." in public


def test_actions_need_an_owner_and_updates_need_a_reason_to_refuse(officer):
    engagement = planned(officer)
    base = f"/engagements/{engagement.id}"
    missing = post(officer, f"{base}/actions/new", title="Open on Sundays", owner="",
                   weight="1")
    assert missing.status_code == 422
    assert "Enter the service that owns this action" in missing.get_data(as_text=True)
    assert 'value="Open on Sundays"' in missing.get_data(as_text=True)
    assert post(officer, f"{base}/actions/new", title="Open on Sundays",
                owner="Libraries").status_code == 303          # no weight: it stands alone
    action = db.session.scalar(select(Action))
    assert action.published_at is None
    assert post(officer, f"{base}/actions/{action.id}/publish", base).status_code == 303
    url = f"{base}/actions/{action.id}/update"
    refused = post(officer, url, status="not_taken_forward", note="", publish="Publish")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Enter why this was not taken forward" in page
    assert "Enter a link to the council decision" in page
    assert db.session.query(ActionUpdate).count() == 1                # only "Action added"
    assert post(officer, url, status="in_progress", progress="40", note="Staff hired",
                publish="Publish").status_code == 303
    db.session.expire_all()
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 40)
    assert post(officer, url, status="done", note="Open now", save="Save").status_code == 303
    draft = db.session.scalar(select(ActionUpdate).where(ActionUpdate.published_at.is_(None)))
    assert "Open now" not in officer.get(f"/outcomes/{engagement.id}").get_data(as_text=True)
    assert post(officer, f"{base}/updates/{draft.id}/publish", base).status_code == 303
    db.session.expire_all()
    assert action.status == ActionStatus.DONE


def test_bulk_status_changes_every_chosen_action(officer):
    engagement = planned(officer)
    base = f"/engagements/{engagement.id}"
    for title in ("One", "Two"):
        post(officer, f"{base}/actions/new", title=title, owner="Libraries", weight="1")
    for action in db.session.scalars(select(Action)).all():
        post(officer, f"{base}/actions/{action.id}/publish", base)
    ids = [str(a.id) for a in db.session.scalars(select(Action))]
    token = csrf_token_from(officer, base)
    refused = officer.post(f"{base}/actions/status", data={
        "actions": ids, "status": "not_taken_forward", "csrf_token": token})
    assert refused.status_code == 422
    assert "Enter why this was not taken forward" in refused.get_data(as_text=True)
    done = officer.post(f"{base}/actions/status", data={
        "actions": ids, "status": "done", "note": "All finished", "csrf_token": token})
    assert done.status_code == 303
    db.session.expire_all()
    assert {a.status for a in db.session.scalars(select(Action))} == {ActionStatus.DONE}


def test_an_action_of_another_engagement_is_not_found(officer):
    first, second = planned(officer), None
    second = post(officer, "/engagements/new", **{**PLAN, "title": "Other", "topic": "Roads"})
    other = db.session.scalar(select(Engagement).where(Engagement.title == "Other"))
    post(officer, f"/engagements/{first.id}/actions/new", title="Mine", owner="X", weight="1")
    action = db.session.scalar(select(Action))
    assert second.status_code == 303
    assert officer.get(f"/engagements/{other.id}/actions/{action.id}/update").status_code == 404
