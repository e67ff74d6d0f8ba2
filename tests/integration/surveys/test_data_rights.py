"""A resident's survey answers: in their download, in words; after erasure, their own words gone
and only anonymous choices left (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from core.extensions import db
from core.models import Role, utcnow
from panel.data_export import export_data
from panel.engagements import Engagement, SpectrumLevel
from panel.membership import erase_resident
from surveys.models import Answer, Question, Response, Section, Survey


@pytest.fixture
def answered(app, make_resident):
    resident = make_resident(email="zelda.quince@example.org", first_name="Zelda")
    survey = Survey(engagement=Engagement(title="Libraries", level=SpectrumLevel.CONSULT),
                    title="Libraries survey")
    library = Question(survey=survey, key="q1", kind="single", position=0, other=True,
                       text="Which library do you use?", options=[["central", "Central"]])
    hours = Question(survey=survey, key="q2", kind="agree", position=1,
                     text="The hours suit me")
    words = Question(survey=survey, key="q3", kind="long_text", position=2,
                     text="Anything else?")
    survey.sections = [Section(title="Your library", questions=[library, hours, words])]
    db.session.add(survey)
    db.session.flush()
    sent = Response(survey_id=survey.id, resident_id=resident.id, submitted_at=utcnow(),
                    answers=[Answer(question_id=library.id,
                                    value={"choice": "other", "other": "Zelda's mobile van"}),
                             Answer(question_id=hours.id, value="agree"),
                             Answer(question_id=words.id, value="I live at 9 Quince Lane")])
    unsent = Response(survey_id=survey.id, resident_id=resident.id,
                      answers=[Answer(question_id=hours.id, value="disagree")])
    db.session.add_all([sent, unsent])
    db.session.commit()
    return resident, sent


def test_the_download_lists_each_answer_in_words(answered):
    resident, _ = answered
    rows = export_data(resident)["survey_answers"]
    assert [(r["survey"], r["question"], r["answer"]) for r in rows] == [
        ("Libraries survey", "Which library do you use?", "Other: Zelda's mobile van"),
        ("Libraries survey", "The hours suit me", "Agree"),
        ("Libraries survey", "Anything else?", "I live at 9 Quince Lane"),
        ("Libraries survey", "The hours suit me", "Disagree"),
    ]
    assert rows[0]["sent_at"] is not None and rows[3]["sent_at"] is None


def test_erasure_leaves_anonymous_choices_and_none_of_their_words(answered, make_user):
    resident, sent = answered
    erase_resident(make_user(Role.ADMIN), resident)
    db.session.expire_all()
    kept = db.session.scalars(select(Response)).all()
    assert [r.id for r in kept] == [sent.id]  # the unsent answers are gone
    assert kept[0].resident_id is None
    assert sorted((a.question.key, str(a.value)) for a in kept[0].answers) == [
        ("q1", str({"choice": "other", "other": ""})), ("q2", "agree")]
    for table in inspect(db.engine).get_table_names():
        dump = repr(db.session.execute(text(f'SELECT * FROM "{table}"')).all())  # noqa: S608
        for needle in ("Quince", "Zelda"):
            assert needle not in dump, f"{needle} left in {table}"
