"""Outcomes at scale (goals from issue 13): the public engagement page with 50,000 survey
responses behind it, p95 < 100 ms; the public index with 500 engagements, p95 < 150 ms.
SQLite, this machine, the test client (no network), anonymous as the public is.

The page's figures are worked out once, when the response is published (``figures`` JSON on
the version), so the page must not read the responses: every SQL statement the page runs is
watched, and the number that touch the survey tables is printed (it must be 0). Publishing,
which does read them, is timed too.

Each page is timed twice: as the process is, then with the start-up heap frozen
(``gc.freeze()``): the p95 of a page that makes many objects (the index: 500 rows) is mostly
Python's full garbage collections walking every object the process has loaded.
"""

from __future__ import annotations

import gc
import os
import time
from datetime import date, timedelta

import numpy as np
from sqlalchemy import event, insert, select

from bench.demo_app import seeded_app
from bench.timing import measure, print_table
from core.extensions import db
from core.models import Role, User, utcnow
from outcomes import services
from outcomes.models import Outcome
from outcomes.progress import ActionStatus
from outcomes.services import ActionText, ResponseText, UpdateText
from panel.engagements import Engagement, SpectrumLevel
from surveys.models import Answer, Question, Response, Section, Survey

RESPONSES = 50_000
ENGAGEMENTS = 500
REPEAT = 200
SEED = 13


def big_engagement(officer: User, rng: np.random.Generator) -> tuple[int, float]:
    """An announced engagement, closed, with RESPONSES responses to 3 published questions,
    its response published with 6 actions and their updates; (id, seconds to publish)."""
    engagement = services.save_plan(
        officer, None, title="Future of our libraries (bench)", topic="Libraries",
        level=SpectrumLevel.CONSULT, starts_on=date(2026, 1, 5), ends_on=date(2026, 3, 1),
        ward_codes=[], why="How you use libraries.")
    services.announce(officer, engagement, utcnow() - timedelta(days=300))
    survey = Survey(engagement=engagement, title="Libraries survey")
    made = [Question(survey=survey, key=f"s{n}", kind="single", position=n,
                     text=f"Question {n}", options=[[f"o{k}", f"Option {k}"] for k in range(5)])
            for n in range(3)]
    survey.sections = [Section(title="All", questions=made)]
    db.session.add(survey)
    db.session.commit()
    now = utcnow()
    sexes = ["female", "male"]
    db.session.execute(insert(Response), [
        {"survey_id": survey.id, "submitted_at": now, "started_at": now,
         "profile": {"sex": sexes[rng.integers(2)]}, "mode": "online", "last_section": 0}
        for _ in range(RESPONSES)])
    ids = db.session.scalars(select(Response.id).where(Response.survey_id == survey.id)).all()
    for question in made:
        db.session.execute(insert(Answer), [
            {"response_id": r, "question_id": question.id, "value": f"o{rng.integers(5)}"}
            for r in ids])
    db.session.commit()
    services.save_draft(officer, engagement, ResponseText(
        summary="Most of you want Sunday opening.", decision="Cabinet agreed.",
        questions=tuple({"question_id": q.id, "weighted": False} for q in made)))
    started = time.perf_counter()
    services.publish_response(officer, engagement, utcnow())
    publishing = time.perf_counter() - started
    for n in range(6):
        action = services.add_action(officer, engagement, ActionText(
            title=f"Action {n}", owner="Libraries service", target_date=date(2027, 3, 1)))
        services.publish_action(officer, action, utcnow())
        services.publish_update(officer, services.draft_update(officer, action, UpdateText(
            status=ActionStatus.IN_PROGRESS, note="Under way.")), utcnow())
    return engagement.id, publishing


def many_engagements(rng: np.random.Generator) -> None:
    """ENGAGEMENTS announced engagements in every stage (plus the demo's)."""
    today, levels = utcnow().date(), list(SpectrumLevel)
    existing = db.session.scalar(select(db.func.count()).select_from(Engagement)) or 0
    rows = []
    for n in range(ENGAGEMENTS - existing):
        starts = today - timedelta(days=int(rng.integers(-60, 700)))
        rows.append({"title": f"Engagement {n}", "topic": f"Topic {n % 12}",
                     "level": levels[n % len(levels)], "why": "Why we ask. " * 10,
                     "starts_on": starts, "ends_on": starts + timedelta(days=60),
                     "ward_codes": [], "announced_at": utcnow() - timedelta(days=800),
                     "decision_maker": "", "decision_due": "", "can_change": "",
                     "cannot_change": "", "budget": "", "results_use": "",
                     "created_at": utcnow()})
    db.session.execute(insert(Engagement), rows)
    closed = db.session.scalars(select(Engagement.id).where(
        Engagement.ends_on < today, Engagement.id.not_in(select(Outcome.engagement_id)))).all()
    db.session.execute(insert(Outcome), [        # two in three closed ones have responded
        {"engagement_id": e, "created_at": utcnow(), "first_published_at": utcnow()}
        for n, e in enumerate(closed) if n % 3])
    db.session.commit()


def main() -> None:
    rng = np.random.default_rng(SEED)
    with seeded_app(residents=200) as (app, _):
        with app.app_context():
            officer = db.session.scalar(select(User).where(User.role == Role.OFFICER))
            started = time.perf_counter()
            engagement_id, publishing = big_engagement(officer, rng)
            seeding = time.perf_counter() - started
            many_engagements(rng)
            listed = db.session.scalar(select(db.func.count()).select_from(Engagement))
            statements: list[str] = []
            event.listen(db.engine, "before_cursor_execute",
                         lambda *args: statements.append(args[2]))
        client = app.test_client()
        page = f"/outcomes/{engagement_id}"
        assert client.get(page).status_code == 200 and client.get("/outcomes").status_code == 200
        statements.clear()
        client.get(page)
        touching = [s for s in statements if "survey_responses" in s or "survey_answers" in s]
        page_statements = len(statements)
        statements.clear()
        client.get("/outcomes")
        index_statements = len(statements)
        rows = []
        for heap in ("", ", startup heap frozen"):
            if heap:            # as a server worker can after start-up (gunicorn post_fork)
                gc.collect()
                gc.freeze()
            rows += [{"what": f"public engagement page, {RESPONSES:,} responses behind it"
                      + heap, "requests": REPEAT, **measure(lambda: client.get(page), REPEAT),
                      "goal p95": "< 100 ms"},
                     {"what": f"public index, {listed:,} engagements" + heap,
                      "requests": REPEAT,
                      **measure(lambda: client.get("/outcomes"), REPEAT),
                      "goal p95": "< 150 ms"}]
        gc.unfreeze()
        for row in rows:
            row["met"] = "yes" if row["p95_ms"] < float(str(row["goal p95"]).split()[1]) \
                else "NO"
    print(f"Seeded {RESPONSES:,} responses x 3 questions in {seeding:.0f} s; publishing the "
          f"response (figures worked out once) took {publishing * 1000:.0f} ms. The engagement "
          f"page ran {page_statements} SQL statements, {len(touching)} touching the survey "
          f"responses or answers; the index ran {index_statements}. Load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")
    print_table(rows)
