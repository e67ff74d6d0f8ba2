"""The load test's database: a fresh PostgreSQL database, migrated and seeded with a demo panel,
one open three-page survey and its invitations; the signed links go to a plan file for locust.

The survey has a mix of question kinds and display logic: page 2 ("Central library") shows
only to residents who chose Central or Padiham, so some residents see two pages and some three.
The plan file (JSON) holds the answer links (one kept aside to warm the server up) and each
question's key, kind and choices, which is all the locustfile needs to answer like a resident.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import insert, select

from core.extensions import db
from core.models import User
from panel import demo
from panel.models import Resident
from surveys import services
from surveys.answering import invitation_token
from surveys.models import Invitation, Survey
from surveys.services import QuestionInput
from wsgi import create_app

DATABASE = "civic_panel_load"
SEED = 2021


def postgres_problem(server: str) -> str | None:
    """Why the PostgreSQL server cannot be used (None when it can)."""
    try:
        with psycopg.connect(f"{server}/postgres", connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at {server} is not reachable ({str(error).strip().splitlines()[0]})"


def recreate_database(server: str) -> str:
    """DROP and CREATE the load test's own database; its SQLAlchemy URL."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        name = sql.Identifier(DATABASE)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return f"{server.replace('postgresql://', 'postgresql+psycopg://', 1)}/{DATABASE}"


def _survey(actor: User) -> Survey:
    survey = services.create_survey(
        actor, engagement_title="Future of our libraries", topic="Libraries", level="consult",
        why="We must save £400,000 from the library budget.", title="Libraries survey",
        audience="panel")
    first = survey.sections[0]
    services.update_section(actor, first, title="Your library", intro="", show_if=None)
    services.add_question(actor, first, QuestionInput(
        kind="single", text="Which library do you use most?", required=True,
        options=["Central", "Padiham", "Burnley Wood"], other=True))
    services.add_question(actor, first, QuestionInput(
        kind="rating", text="How would you rate your library?"))
    services.add_question(actor, first, QuestionInput(
        kind="agree", text="The library is easy to get to", required=True))
    central = services.add_section(actor, survey, "Central and Padiham libraries")
    services.update_section(actor, central, title=central.title, intro="",
                            show_if={"question": "q1", "in": ["central", "padiham"]})
    services.add_question(actor, central, QuestionInput(
        kind="matrix", text="How much do you agree?", required=True,
        statements=["It is open at times that suit me", "The staff are helpful",
                    "It has the books I want"]))
    services.add_question(actor, central, QuestionInput(
        kind="multiple", text="What do you use it for?", max_choices=3,
        options=["Borrowing books", "Computers", "Study space", "Events", "Meeting people"]))
    last = services.add_section(actor, survey, "About you and anything else")
    services.add_question(actor, last, QuestionInput(
        kind="number", text="How many times did you visit last year?", minimum=0,
        maximum=365))
    services.add_question(actor, last, QuestionInput(
        kind="ranking", text="Put these in order of importance",
        options=["Longer opening hours", "More books", "Quiet study space"]))
    services.add_question(actor, last, QuestionInput(
        kind="long_text", text="Is there anything else you would like to tell us?"))
    services.open_survey(actor, survey)
    return survey


def _question_plan(survey: Survey) -> list[dict[str, Any]]:
    return [{"key": q.key, "kind": q.kind, "required": q.required,
             "options": [value for value, _ in q.options],
             "statements": [value for value, _ in q.statements], "other": q.other,
             "max_choices": q.max_choices, "minimum": q.minimum, "maximum": q.maximum}
            for q in survey.questions]


def seed(url: str, secret_key: str, invitations: int, plan_file: Path) -> dict[str, int]:
    """Migrate and seed the database at ``url``; write the plan; counts of what was made."""
    app = create_app({"SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        summary = demo.seed_demo(seed=SEED, residents=invitations)
        officer = db.session.scalar(select(User).where(User.email == demo.demo_email("officer")))
        survey = _survey(officer)
        residents = db.session.scalars(select(Resident.id).order_by(Resident.id)
                                       .limit(invitations)).all()
        db.session.execute(insert(Invitation), [{"survey_id": survey.id, "resident_id": r}
                                                for r in residents])
        db.session.commit()
        made = db.session.scalars(select(Invitation).where(Invitation.survey_id == survey.id)
                                  .order_by(Invitation.id)).all()
        links = [f"/surveys/r/{invitation_token(i)}" for i in made]
        questions = _question_plan(survey)
        plan_file.write_text(json.dumps({"links": links[1:], "warm_up": links[0],
                                         "questions": questions}))
        db.session.remove()
        db.engine.dispose()
    return {"residents": summary.residents, "invitations": len(links),
            "questions": len(questions)}
