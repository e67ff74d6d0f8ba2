"""The officer's use cases for "You said, we did" (SQLite and PostgreSQL): a plan, a versioned
response whose figures are kept when published (small groups hidden, special-category data left
out), actions whose public state changes only by dated updates, and the rules a response and an
action must meet before the public sees them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role, utcnow
from outcomes import services
from outcomes.models import ActionUpdate, Outcome
from outcomes.progress import ActionStatus
from outcomes.services import (
    ActionProblems,
    ActionText,
    OutcomeError,
    ResponseText,
    UpdateText,
)
from panel.demo import install_dimensions
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Dimension, Target, TargetSet
from panel.reference_data import load_default_dimensions
from surveys.models import Answer, Question, Response, ResponseMode, Section, Survey

NOW = datetime(2026, 12, 7, 10, 0)
TODAY = NOW.date()


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER)


@pytest.fixture
def consulted(app):
    """A closed consultation: 30 answers (20 women for Central, 10 men for Padiham), 3 of them
    on paper; the default targets are half women, half men; everyone gave an ethnic group."""
    install_dimensions(load_default_dimensions())
    sex = db.session.scalar(select(Dimension).where(Dimension.key == "sex"))
    ethnic = db.session.scalar(select(Dimension).where(Dimension.key == "ethnic_group"))
    by_key = {c.key: c for c in sex.categories}
    db.session.add(TargetSet(name="Borough", is_default=True, targets=[
        Target(dimension=sex, category=by_key["female"], share=0.5),
        Target(dimension=sex, category=by_key["male"], share=0.5),
        Target(dimension=ethnic, category=ethnic.categories[0], share=1.0)]))
    engagement = Engagement(title="Future of our libraries", topic="Libraries",
                            level=SpectrumLevel.CONSULT, starts_on=date(2026, 9, 1),
                            ends_on=date(2026, 10, 31))
    survey = Survey(engagement=engagement, title="Libraries survey")
    library = Question(survey=survey, key="q1", kind="single", text="Which library do you use?",
                       options=[["central", "Central"], ["padiham", "Padiham"]], position=0)
    hours = Question(survey=survey, key="q2", kind="single", text="Open on Sundays?",
                     options=[["yes", "Yes"], ["no", "No"]], position=1)
    survey.sections = [Section(title="Your library", questions=[library, hours])]
    db.session.add(survey)
    db.session.flush()
    for n in range(30):
        woman = n < 20
        db.session.add(Response(
            survey_id=survey.id, submitted_at=utcnow(),
            mode=ResponseMode.PAPER if n in (0, 1, 2) else ResponseMode.ONLINE,
            profile={"sex": "female" if woman else "male",
                     "ethnic_group": ethnic.categories[0].key},
            answers=[Answer(question_id=library.id, value="central" if woman else "padiham"),
                     Answer(question_id=hours.id, value="yes" if n < 28 else "no")]))
    db.session.commit()
    return engagement, survey


def test_a_plan_is_saved_and_checked(officer, app):
    engagement = services.save_plan(
        officer, None, title="Parks for everyone", topic="Parks", level=SpectrumLevel.INVOLVE,
        decision_maker="Cabinet", decision_due="Cabinet, 12 March 2027",
        cannot_change="The budget is fixed at £200,000.", ward_codes=["E05005151"])
    assert engagement.id and engagement.announced_at is None
    with pytest.raises(OutcomeError) as problem:
        services.save_plan(officer, engagement, starts_on=date(2027, 2, 1),
                           ends_on=date(2027, 1, 1))
    assert problem.value.field == "ends_on"
    services.announce(officer, engagement, NOW)
    assert engagement.announced_at == NOW
    assert {e.action for e in db.session.scalars(select(AuditEvent))} >= {
        "engagement_planned", "engagement_announced"}


def test_similar_engagements_share_a_topic_or_a_ward(officer, app):
    parks = services.save_plan(officer, None, title="Parks", topic="Parks",
                               level=SpectrumLevel.CONSULT, ward_codes=["W1"],
                               ends_on=date(2026, 11, 1))
    services.save_plan(officer, None, title="Old parks", topic="Parks",
                       level=SpectrumLevel.CONSULT, ends_on=date(2025, 1, 1))   # long ago
    bins = services.save_plan(officer, None, title="Bins in W2", topic="Waste",
                              level=SpectrumLevel.CONSULT, ward_codes=["W2"])
    found = services.similar_engagements("parks", ["W3"], TODAY)
    assert [e.title for e in found] == ["Parks"]
    assert [e.title for e in services.similar_engagements("Roads", ["W2"], TODAY)] == [
        "Bins in W2"]
    assert services.similar_engagements("Parks", [], TODAY, exclude=parks.id) == []
    assert bins not in services.similar_engagements("Anything", [], TODAY)


def test_publishing_needs_a_summary_and_keeps_the_figures(officer, consulted):
    engagement, survey = consulted
    library, hours = survey.questions
    services.save_draft(officer, engagement, ResponseText(summary=" ", questions=(
        {"question_id": library.id, "weighted": True}, {"question_id": 99999})))
    with pytest.raises(OutcomeError) as problem:
        services.publish_response(officer, engagement, NOW)
    assert problem.value.field == "summary"
    outcome = db.session.scalar(select(Outcome))
    assert outcome.published is None and outcome.draft.questions == [
        {"question_id": library.id, "weighted": True}]          # an unknown question is dropped

    services.save_draft(officer, engagement, ResponseText(
        summary="Most of you want Sunday opening.", questions=(
            {"question_id": library.id, "weighted": True},
            {"question_id": hours.id, "weighted": False})))
    version = services.publish_response(officer, engagement, NOW)
    assert version.number == 1 and version.published_at == NOW
    figures = version.figures["surveys"][0]
    assert figures["responses"] == 30
    assert figures["channels"]["rows"] == [{"label": "Online", "count": 27},
                                           {"label": "Paper form", "count": 3}] or \
        all(row["count"] is None for row in figures["channels"]["rows"])
    weighted, plain = figures["questions"]
    assert weighted["weighted"] and weighted["heading"] == "Which library do you use?"
    central = next(r for r in weighted["rows"] if r["label"] == "Central")
    assert round(central["weighted_percent"]) == 50                     # raked to half/half
    assert figures["methods"]["weighted_by"] == ["sex"]   # special-category data is not used
    no = next(r for r in plain["rows"] if r["label"] == "No")
    assert no["count"] is None and no["percent"] is None                 # 2 people: hidden
    assert [w["dimension"] for w in figures["who"]] == ["Sex"]           # ethnicity left out


def test_a_published_response_is_never_rewritten(officer, consulted):
    engagement, _ = consulted
    services.save_draft(officer, engagement, ResponseText(summary="First."))
    first = services.publish_response(officer, engagement, NOW)
    services.save_draft(officer, engagement, ResponseText(summary="Second."))
    outcome = first.outcome
    assert outcome.published.summary == "First."          # the public still sees the first
    with pytest.raises(OutcomeError) as problem:
        services.publish_response(officer, engagement, NOW)
    assert problem.value.field == "change_note"
    services.save_draft(officer, engagement, ResponseText(summary="Second.",
                                                          change_note="Added the costs."))
    second = services.publish_response(officer, engagement, NOW)
    assert (first.summary, second.summary, second.number) == ("First.", "Second.", 2)
    assert outcome.first_published_at == NOW


def test_an_action_needs_an_owner_and_goes_public_only_when_published(officer, consulted):
    engagement, _ = consulted
    with pytest.raises(ActionProblems) as problems:
        services.add_action(officer, engagement, ActionText(title="Sunday opening", owner=""))
    assert set(problems.value.problems) == {"owner"}
    action = services.add_action(officer, engagement, ActionText(
        title="Open Central library on Sundays", owner="Libraries",
        target_date=date(2027, 4, 1)))
    assert action.published_at is None
    services.publish_action(officer, action, NOW)
    assert action.published_at == NOW and [u.note for u in action.updates] == ["Action added."]


def test_updates_change_the_public_state_only_when_published(officer, consulted):
    engagement, _ = consulted
    action = services.add_action(officer, engagement, ActionText(title="Sunday opening",
                                                                 owner="Libraries"))
    services.publish_action(officer, action, NOW)
    update = services.draft_update(officer, action, UpdateText(
        status=ActionStatus.IN_PROGRESS, progress=30, note="Staff recruited."))
    assert action.status == ActionStatus.PLANNED                # a draft changes nothing
    later = datetime(2027, 1, 10, 9, 0)
    services.publish_update(officer, update, later)
    services.publish_update(officer, update, datetime(2027, 2, 1))   # a double click
    assert (action.status, action.progress, update.published_at) == (
        ActionStatus.IN_PROGRESS, 30, later)

    refused = services.draft_update(officer, action, UpdateText(
        status=ActionStatus.NOT_TAKEN_FORWARD))
    with pytest.raises(ActionProblems) as problems:
        services.publish_update(officer, refused, later)
    assert set(problems.value.problems) == {"reason", "decision_link"}
    assert action.status == ActionStatus.IN_PROGRESS


def test_bulk_status_is_all_or_nothing_and_dates_each_update(officer, consulted):
    engagement, _ = consulted
    first, second, draft = (services.add_action(
        officer, engagement, ActionText(title=f"Action {n}", owner="Libraries"))
        for n in range(3))
    for action in (first, second):
        services.publish_action(officer, action, NOW)
    with pytest.raises(OutcomeError):
        services.bulk_status(officer, [first, draft], UpdateText(status=ActionStatus.DONE), NOW)
    assert first.status == ActionStatus.PLANNED
    services.bulk_status(officer, [first, second], UpdateText(status=ActionStatus.DONE,
                                                              note="Finished."), NOW)
    assert {first.status, second.status} == {ActionStatus.DONE}
    assert db.session.query(ActionUpdate).filter(ActionUpdate.note == "Finished.").count() == 2


def test_sub_actions_roll_up_into_their_parent(officer, consulted):
    engagement, _ = consulted
    parent = services.add_action(officer, engagement, ActionText(title="Refit", owner="Estates"))
    heavy = services.add_action(officer, engagement,
                                ActionText(title="Roof", owner="Estates", weight=3), parent)
    light = services.add_action(officer, engagement,
                                ActionText(title="Paint", owner="Estates"), parent)
    for action in (parent, heavy, light):
        services.publish_action(officer, action, NOW)
    services.bulk_status(officer, [heavy], UpdateText(status=ActionStatus.DONE), NOW)
    assert services.shown_progress(parent) == 75
    assert services.shown_progress(light) == 0
