"""The outcomes part of ``flask demo seed``: engagements in every state, so a newcomer sees the
whole loop at once.

- **Future of our libraries** (closed seven weeks ago): a survey answered by a few hundred demo
  residents, a response published with weighted charts, actions at every status (one done with
  a dated timeline, one in progress, one overdue, one not taken forward with its reason, one
  with weighted sub-actions).
- **Household waste and recycling** (closed three months ago): a response published, then
  corrected (version 2 with its note; version 1 still readable), actions planned and done.
- **Safer roads near schools** (closed last week): awaiting a response.
- **Parks for everyone** (open now): its plan on the public page from day one.

Same seed, same data; dates are relative to the day of seeding. Uses the services officers
use, so every rule holds (the figures are worked out when published, as always).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select

from core.extensions import db
from core.models import Role, User, utcnow
from outcomes import loop, services
from outcomes.models import Feedback, FeedbackKind, Outcome
from outcomes.progress import ActionStatus
from outcomes.services import ActionText, ResponseText, UpdateText
from panel.demo import DEMO_RESIDENT, demo_email
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Category, Dimension, ProfileAnswer, Resident, ResidentStatus
from surveys.models import Answer, Question, Response, ResponseMode, Section, Survey, SurveyState

DAY = timedelta(days=1)
DECISIONS = "https://democracy.burnley.example/ieDecisionDetails.aspx?ID="


def _officer() -> User:
    officer = db.session.scalar(select(User).where(User.role == Role.OFFICER).order_by(User.id))
    if officer is None:
        raise LookupError("The demo's officer account is missing: seed the e-panel first.")
    return officer


def _profiles(rng: np.random.Generator, count: int) -> dict[int, dict[str, str]]:
    """``count`` active demo residents, each with their profile (category keys)."""
    ids = db.session.scalars(select(Resident.id).where(
        Resident.status == ResidentStatus.ACTIVE).order_by(Resident.id)).all()
    chosen = sorted(rng.choice(ids, size=min(count, len(ids)), replace=False).tolist())
    profiles: dict[int, dict[str, str]] = {rid: {} for rid in chosen}
    for rid, dimension, category in db.session.execute(
            select(ProfileAnswer.resident_id, Dimension.key, Category.key)
            .join(Dimension, Dimension.id == ProfileAnswer.dimension_id)
            .join(Category, Category.id == ProfileAnswer.category_id)
            .where(ProfileAnswer.resident_id.in_(chosen))):
        profiles[rid][dimension] = category
    return profiles


Chooser = Callable[[np.random.Generator, dict[str, str]], dict[str, object]]


def _survey(engagement: Engagement, title: str, questions: list[Question],
            state: SurveyState, opened: datetime, closed: datetime | None) -> Survey:
    survey = Survey(engagement=engagement, title=title, created_by=_officer(),
                    sections=[Section(title="Your views", position=0, questions=questions)])
    for question in questions:
        question.survey = survey
    survey.state, survey.opened_at, survey.closed_at = state, opened, closed
    db.session.add(survey)
    db.session.flush()
    return survey


def _answer(survey: Survey, rng: np.random.Generator, count: int, choose: Chooser,
            first: datetime, last: datetime) -> int:
    by_key = {q.key: q for q in survey.questions}
    span = max((last - first).total_seconds(), 1.0)
    profiles = _profiles(rng, count)
    for rid, profile in profiles.items():
        when = first + timedelta(seconds=float(rng.uniform(0, span)))
        paper = rng.random() < 0.08
        db.session.add(Response(
            survey_id=survey.id, resident_id=rid, profile=profile, started_at=when,
            submitted_at=when, mode=ResponseMode.PAPER if paper else ResponseMode.ONLINE,
            answers=[Answer(question_id=by_key[key].id, value=value)
                     for key, value in choose(rng, profile).items()]))
    db.session.commit()
    return len(profiles)


def _pick(rng: np.random.Generator, options: list[str], weights: list[float]) -> str:
    p = np.asarray(weights, dtype=float)
    return options[int(rng.choice(len(options), p=p / p.sum()))]


def _older(profile: dict[str, str]) -> bool:
    return profile.get("age_band", "") in {"65_74", "75_plus"}


def _libraries_answers(rng: np.random.Generator, profile: dict[str, str]) -> dict[str, object]:
    older, woman = _older(profile), profile.get("sex") == "female"
    use = _pick(rng, ["central", "padiham", "briercliffe", "none"],
                [5, 2, 1, 2 if older else 4])
    sunday = _pick(rng, ["yes", "no", "not_sure"], [7 if not older else 4, 2, 1])
    wants = [key for key, chance in (("books", 0.7 if woman else 0.5), ("computers", 0.35),
                                     ("study", 0.2 if older else 0.45), ("events", 0.3))
             if rng.random() < chance]
    return {"q1": use, "q2": sunday, "q3": {"choices": wants or ["books"], "other": ""}}


def _waste_answers(rng: np.random.Generator, profile: dict[str, str]) -> dict[str, object]:
    older = _older(profile)
    return {"q1": _pick(rng, ["weekly", "fortnightly", "not_sure"], [4 if older else 6, 3, 1]),
            "q2": _pick(rng, ["yes", "no"], [8, 2 if older else 1])}


def _choice(survey_key: str, text: str, options: list[tuple[str, str]], position: int,
            kind: str = "single") -> Question:
    return Question(key=survey_key, kind=kind, text=text, position=position,
                    options=[[value, label] for value, label in options])


def _libraries(rng: np.random.Generator, officer: User, today: datetime) -> int:
    engagement = services.save_plan(
        officer, None, title="Future of our libraries", topic="Libraries",
        level=SpectrumLevel.CONSULT,
        why="The council must decide how its four libraries open from April, within a budget "
            "that is not growing. We asked how you use them and what matters most.",
        starts_on=(today - 100 * DAY).date(), ends_on=(today - 50 * DAY).date(),
        decision_maker="The Cabinet", decision_due="Cabinet meeting, " +
        (today - 20 * DAY).strftime("%-d %B %Y"),
        can_change="Opening hours at each library, and which services each offers.",
        cannot_change="The libraries budget (£1.9 million a year). Central Library stays open.",
        budget="£1.9 million a year", results_use="Your views go to the Cabinet with the "
        "officers' options. We will publish what was decided, and why, here.")
    services.announce(officer, engagement, today - 101 * DAY)
    questions = [
        _choice("q1", "Which library do you use most?", [
            ("central", "Central Library"), ("padiham", "Padiham Library"),
            ("briercliffe", "Briercliffe Library"), ("none", "I do not use a library")], 0),
        _choice("q2", "Should Central Library open on Sundays?", [
            ("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")], 1),
        _choice("q3", "What do you use libraries for?", [
            ("books", "Borrowing books"), ("computers", "Computers and wifi"),
            ("study", "A quiet place to study or work"), ("events", "Events and groups")],
            2, kind="multiple"),
    ]
    survey = _survey(engagement, "Libraries survey", questions, SurveyState.CLOSED,
                     today - 100 * DAY, today - 50 * DAY)
    answered = _answer(survey, rng, 420, _libraries_answers, today - 100 * DAY,
                       today - 51 * DAY)
    services.save_draft(officer, engagement, ResponseText(
        summary="Most of you want Central Library open on Sundays: nearly two in three of "
                "those who answered, once the answers are weighted to match the borough. "
                "People under 35 use libraries mainly to study and for the computers; older "
                "residents mainly to borrow books.\n\nMany of you told us the Briercliffe "
                "building is hard to reach without a car.",
        decision="The Cabinet agreed to open Central Library on Sundays from 10am to 4pm, to "
                 "extend Padiham's evening hours, and to refit the children's areas. It did not "
                 "agree to close Briercliffe Library.",
        decision_link=f"{DECISIONS}4021",
        questions=({"question_id": questions[1].id, "weighted": True},
                   {"question_id": questions[0].id, "weighted": True},
                   {"question_id": questions[2].id, "weighted": False})))
    services.publish_response(officer, engagement, today - 30 * DAY)

    def action(title: str, owner: str, due: int | None, parent: object = None,
               weight: int = 1, description: str = "") -> object:
        made = services.add_action(officer, engagement, ActionText(
            title=title, owner=owner, description=description, weight=weight,
            target_date=(today + due * DAY).date() if due is not None else None), parent)
        services.publish_action(officer, made, today - 30 * DAY)
        return made

    def update(made: object, days_ago: int, status: ActionStatus, note: str = "",
               progress: int | None = None, **more: str) -> None:
        drafted = services.draft_update(officer, made, UpdateText(
            status=status, note=note, progress=progress, **more))
        services.publish_update(officer, drafted, today - days_ago * DAY)

    sunday = action("Open Central Library on Sundays", "Libraries service", -5)
    update(sunday, 21, ActionStatus.IN_PROGRESS, "Sunday staff recruited.", 40)
    update(sunday, 7, ActionStatus.DONE, "Central Library now opens 10am to 4pm on Sundays.")
    padiham = action("Extend Padiham Library's evening hours", "Libraries service", 60)
    update(padiham, 10, ActionStatus.IN_PROGRESS, "Tuesday late opening started; Thursday "
           "follows in the new year.", 60)
    wifi = action("Replace the public computers at Central Library", "Digital services", -10)
    update(wifi, 25, ActionStatus.IN_PROGRESS, "Order placed; delivery delayed.", 30)
    briercliffe = action("Close Briercliffe Library", "Libraries service", None)
    update(briercliffe, 20, ActionStatus.NOT_TAKEN_FORWARD,
           reason="Residents told us the building is the only one within walking distance for "
                  "many older people. The Cabinet kept it open and will share it with the "
                  "community centre instead.", decision_link=f"{DECISIONS}4021")
    refit = action("Refit the children's areas", "Property services", 120,
                   description="Two parts: the roof over Central's children's library first, "
                               "then new furniture in all four.")
    roof = action("Repair the roof over Central's children's library", "Property services", 30,
                  parent=refit, weight=3)
    action("New children's furniture in all four libraries", "Libraries service", 120,
           parent=refit, weight=1)
    update(roof, 3, ActionStatus.DONE, "Roof repaired.")
    return answered


def _waste(rng: np.random.Generator, officer: User, today: datetime) -> int:
    engagement = services.save_plan(
        officer, None, title="Household waste and recycling", topic="Waste",
        level=SpectrumLevel.INVOLVE,
        why="Bin collections change next year. We asked how often you need each bin emptied.",
        starts_on=(today - 160 * DAY).date(), ends_on=(today - 95 * DAY).date(),
        decision_maker="Executive Member for Environment",
        decision_due="Executive decision, " + (today - 70 * DAY).strftime("%B %Y"),
        cannot_change="Food waste collections become weekly by law.",
        results_use="Your views shape the collection pattern the council chooses.")
    services.announce(officer, engagement, today - 161 * DAY)
    questions = [
        _choice("q1", "How often should general waste be collected?", [
            ("weekly", "Every week"), ("fortnightly", "Every two weeks"),
            ("not_sure", "Not sure")], 0),
        _choice("q2", "Would you use a weekly food waste caddy?", [("yes", "Yes"),
                                                                   ("no", "No")], 1),
    ]
    survey = _survey(engagement, "Bins survey", questions, SurveyState.CLOSED,
                     today - 160 * DAY, today - 95 * DAY)
    answered = _answer(survey, rng, 300, _waste_answers, today - 160 * DAY, today - 96 * DAY)
    chosen = ({"question_id": questions[0].id, "weighted": True},
              {"question_id": questions[1].id, "weighted": True})
    services.save_draft(officer, engagement, ResponseText(
        summary="Most of you prefer weekly general waste collections, and eight in ten would "
                "use a food waste caddy.", decision="General waste stays weekly; food waste "
                "caddies start in April.", questions=chosen))
    services.publish_response(officer, engagement, today - 80 * DAY)
    services.save_draft(officer, engagement, ResponseText(
        summary="Most of you prefer weekly general waste collections, and eight in ten would "
                "use a food waste caddy. Flats with shared bins will get larger caddies.",
        decision="General waste stays weekly; food waste caddies start in April.",
        change_note="Added what happens for flats with shared bins.", questions=chosen))
    services.publish_response(officer, engagement, today - 60 * DAY)
    caddies = services.add_action(officer, engagement, ActionText(
        title="Deliver a food waste caddy to every home", owner="Waste services",
        target_date=(today + 110 * DAY).date()))
    services.publish_action(officer, caddies, today - 60 * DAY)
    leaflet = services.add_action(officer, engagement, ActionText(
        title="Send every household the new collection calendar", owner="Communications"))
    services.publish_action(officer, leaflet, today - 60 * DAY)
    done = services.draft_update(officer, leaflet, UpdateText(
        status=ActionStatus.DONE, note="Calendars posted to 41,000 homes."))
    services.publish_update(officer, done, today - 14 * DAY)
    return answered


def _roads(rng: np.random.Generator, officer: User, today: datetime) -> int:
    engagement = services.save_plan(
        officer, None, title="Safer roads near schools", topic="Transport",
        level=SpectrumLevel.CONSULT,
        why="We are choosing which schools get 20 mph zones and crossing patrols first.",
        starts_on=(today - 45 * DAY).date(), ends_on=(today - 6 * DAY).date(),
        decision_maker="Highways committee", decision_due="Highways committee, " +
        (today + 40 * DAY).strftime("%B %Y"),
        cannot_change="The government grant pays for six zones this year.",
        results_use="The committee sees a summary of your views with each school's "
                    "accident figures.")
    services.announce(officer, engagement, today - 46 * DAY)
    questions = [_choice("q1", "Do you feel safe walking to school with children?", [
        ("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")], 0)]
    survey = _survey(engagement, "School roads survey", questions, SurveyState.CLOSED,
                     today - 45 * DAY, today - 6 * DAY)
    return _answer(survey, rng, 150, lambda r, p: {"q1": _pick(r, ["yes", "no", "not_sure"],
                                                                [3, 5, 1])},
                   today - 45 * DAY, today - 7 * DAY)


def _parks(officer: User, today: datetime) -> None:
    engagement = services.save_plan(
        officer, None, title="Parks for everyone", topic="Parks", level=SpectrumLevel.INVOLVE,
        why="Help us decide how to spend £250,000 on play areas, paths and toilets in the "
            "borough's parks.",
        starts_on=(today - 10 * DAY).date(), ends_on=(today + 35 * DAY).date(),
        decision_maker="Head of Green Spaces", decision_due="By the end of " +
        (today + 70 * DAY).strftime("%B %Y"),
        can_change="Which parks are improved first, and what is built.",
        cannot_change="The £250,000 budget, and that Towneley Park's listed gardens stay as "
                      "they are.", budget="£250,000",
        results_use="Residents at a workshop will turn the survey's priorities into a plan.")
    services.announce(officer, engagement, today - 11 * DAY)


def seed_outcomes(seed: int) -> str:
    """Add the outcomes demo (the e-panel's demo residents must exist)."""
    rng = np.random.default_rng([seed, 13])
    officer = _officer()
    today = utcnow().replace(hour=10, minute=0, second=0, microsecond=0)
    with loop.quiet():                    # the demo's history is in the past: nobody is emailed
        answered = _libraries(rng, officer, today) + _waste(rng, officer, today) + \
            _roads(rng, officer, today)
        _parks(officer, today)
    answered += _closing_the_loop(np.random.default_rng([seed, 13, 2]), today)
    return (f"  4 engagements (open, awaiting a response, two responses published) with "
            f"{answered:,} survey responses")


# --- closing the loop ------------------------------------------------------------------------

FEEDBACK_FROM = 40           # demo participants who answered "Did you feel listened to?"


def _closing_the_loop(rng: np.random.Generator, today: datetime) -> int:
    """The demo resident took part in the libraries survey (so their "What happened to my
    views" page shows it, with an action done to answer "Has this happened?" about), and a few
    participants have answered already, so the officer's counts show. Returns the responses
    added (0 or 1)."""
    libraries = db.session.scalar(select(Engagement).where(
        Engagement.title == "Future of our libraries"))
    user = db.session.scalar(select(User).where(User.email == demo_email(DEMO_RESIDENT)))
    if libraries is None:
        return 0
    survey = db.session.scalar(select(Survey).where(Survey.engagement_id == libraries.id))
    added = 0
    resident = user.resident if user is not None else None
    if survey is not None and resident is not None and db.session.scalar(
            select(Response.id).where(Response.survey_id == survey.id,
                                      Response.resident_id == resident.id)) is None:
        by_key = {q.key: q for q in survey.questions}
        when = today - 60 * DAY
        db.session.add(Response(
            survey_id=survey.id, resident_id=resident.id, started_at=when, submitted_at=when,
            answers=[Answer(question_id=by_key[key].id, value=value)
                     for key, value in _libraries_answers(rng, {}).items()]))
        added = 1
    outcome = db.session.scalar(select(Outcome).where(Outcome.engagement_id == libraries.id))
    done = [a for a in (outcome.actions if outcome else []) if a.status == ActionStatus.DONE]
    others = db.session.scalars(
        select(Response.resident_id).where(Response.survey_id == survey.id,
                                           Response.resident_id.is_not(None),
                                           Response.resident_id != (resident.id if resident
                                                                    else None))
        .order_by(Response.resident_id).limit(FEEDBACK_FROM)).all() if survey else []
    for n, rid in enumerate(others):
        when = today - int(rng.integers(1, 25)) * DAY
        db.session.add(Feedback(resident_id=rid, engagement_id=libraries.id,
                                kind=FeedbackKind.LISTENED, answered_at=when,
                                answer=_pick(rng, ["yes", "partly", "no"], [5, 3, 2])))
        if n % 2 == 0:
            for action in done:
                db.session.add(Feedback(
                    resident_id=rid, engagement_id=libraries.id, action_id=action.id,
                    kind=FeedbackKind.HAPPENED, answered_at=when,
                    answer=_pick(rng, ["yes", "partly", "no", "not_sure"], [6, 2, 1, 1])))
    db.session.commit()
    return added
