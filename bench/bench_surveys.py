"""Survey results at scale: 50,000 responses to 20 questions (goal: the weighted results page
under 2 s; the XLSX export under 15 s). SQLite, this machine; wall and CPU seconds shown.

The survey has 20 questions of the counted kinds and text (8 single choice, 4 agree scale,
3 ratings, 2 multiple choice, 1 number, 2 written); each response has a sex and an age band
in its profile snapshot, and the results are raked to a target set on both.

Nothing is cached between requests: every page and download reads all the answers again. The
first request of the process (templates not yet compiled) is shown on its own; each figure
after it is the median of ``REPEAT`` requests, with the slowest too. A second table splits
the work into phases (reading the answers, counting, rendering; building the export table,
writing the file), timed in the app outside any request.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import numpy as np
from sqlalchemy import insert, select

from bench.demo_app import seeded_app, signed_in_client
from bench.timing import print_table
from core.extensions import db
from core.models import utcnow
from panel.engagements import Engagement, SpectrumLevel
from panel.models import TargetSet
from surveys import answer_columns, exports, results
from surveys.models import Answer, Question, Response, Section, Survey

RESPONSES = 50_000
SEED = 7
AGREE = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]


def questions(survey: Survey) -> list[Question]:
    made = []
    for n in range(8):
        made.append(Question(survey=survey, key=f"s{n}", kind="single", position=len(made),
                             text=f"Single choice {n}", other=n == 0,
                             options=[[f"o{k}", f"Option {k}"] for k in range(5)]))
    for n in range(4):
        made.append(Question(survey=survey, key=f"a{n}", kind="agree", position=len(made),
                             text=f"Statement {n}"))
    for n in range(3):
        made.append(Question(survey=survey, key=f"r{n}", kind="rating", position=len(made),
                             text=f"Rating {n}"))
    for n in range(2):
        made.append(Question(survey=survey, key=f"m{n}", kind="multiple", position=len(made),
                             text=f"Multiple choice {n}",
                             options=[[f"o{k}", f"Option {k}"] for k in range(6)]))
    made.append(Question(survey=survey, key="n0", kind="number", position=len(made),
                         text="A number", minimum=0, maximum=100))
    for n in range(2):
        made.append(Question(survey=survey, key=f"t{n}", kind="long_text", position=len(made),
                             text=f"Written {n}"))
    return made


def value(question: Question, rng: np.random.Generator) -> object:
    if question.kind == "single":
        return f"o{rng.integers(5)}"
    if question.kind == "agree":
        return AGREE[rng.integers(6)]
    if question.kind == "rating":
        return int(rng.integers(11))
    if question.kind == "multiple":
        return {"choices": [f"o{k}" for k in range(6) if rng.random() < 0.3] or ["o0"],
                "other": ""}
    if question.kind == "number":
        return int(rng.integers(101))
    return f"Comment {rng.integers(1000)} about the library"


def seed(rng: np.random.Generator) -> Survey:
    survey = Survey(engagement=Engagement(title="Libraries", level=SpectrumLevel.CONSULT),
                    title="Big survey")
    survey.sections = [Section(title="All", questions=[])]
    survey.sections[0].questions = questions(survey)
    db.session.add(survey)
    db.session.commit()
    now = utcnow()
    sexes, ages = ["female", "male"], ["16_24", "25_34", "35_44", "45_54", "55_64", "65_74"]
    db.session.execute(insert(Response), [
        {"survey_id": survey.id, "submitted_at": now, "started_at": now,
         "profile": {"sex": sexes[rng.integers(2)], "age_band": ages[rng.integers(6)]},
         "mode": "online", "last_section": 0} for _ in range(RESPONSES)])
    ids = db.session.scalars(select(Response.id).where(Response.survey_id == survey.id)).all()
    for question in survey.questions:
        db.session.execute(insert(Answer), [
            {"response_id": r, "question_id": question.id, "value": value(question, rng)}
            for r in ids])
    db.session.commit()
    return survey


REPEAT = 3


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def _row(label: str, goal: str, samples: list[tuple[float, float]]) -> dict[str, object]:
    walls = sorted(wall for wall, _ in samples)
    wall, cpu = statistics.median(walls), statistics.median(c for _, c in samples)
    limit = float(goal.split()[1]) if goal else None
    return {"what": label, "wall s": f"{wall:.2f}", "slowest s": f"{walls[-1]:.2f}",
            "cpu s": f"{cpu:.2f}", "goal": goal or "–",
            "goal met": "–" if limit is None else ("yes" if wall < limit else "NO")}


def _ok(response) -> None:
    assert response.status_code == 200, response.status_code


def phases(survey_id: int, set_id: int) -> list[dict[str, object]]:
    """Where the time goes, each phase alone (median of REPEAT)."""
    survey = db.session.get(Survey, survey_id)
    target_set = db.session.get(TargetSet, set_id)
    raked = {"target_set": target_set, "dimensions": ["sex", "age_band"]}
    steps = [
        ("read the answers (answer_columns.read)", lambda: answer_columns.read(survey)),
        ("results, unweighted (read and count)", lambda: results.results(survey)),
        ("results, raked on sex and age", lambda: results.results(survey, **raked)),
        ("results, raked, by age band", lambda: results.results(survey, **raked,
                                                               by="age_band")),
        ("export table (exports.export)", lambda: exports.export(survey)),
        ("XLSX file from the export table", None),
    ]
    rows = []
    for label, fn in steps:
        if fn is None:
            frame = exports.spreadsheet(exports.export(survey))
            fn = lambda frame=frame: exports.workbook({"Responses": frame})  # noqa: E731
        samples = [timed(fn) for _ in range(REPEAT)]
        rows.append({k: v for k, v in _row(label, "", samples).items()
                     if k not in ("goal", "goal met")})
    return rows


def main() -> None:
    with seeded_app(residents=200) as (app, _):
        with app.app_context():
            started = time.perf_counter()
            survey = seed(np.random.default_rng(SEED))
            seeding = time.perf_counter() - started
            target_set = db.session.scalar(select(TargetSet).where(TargetSet.is_default))
            survey_id, set_id = survey.id, target_set.id
        client = signed_in_client(app)
        url = (f"/surveys/{survey_id}/results?target_set={set_id}&dimensions=sex"
               "&dimensions=age_band")
        first = timed(lambda: _ok(client.get(url)))
        rows = [_row("first request of the process: raked", "< 2 s", [first])]
        for label, goal, fn in (
            ("results page, unweighted", "< 2 s",
             lambda: client.get(f"/surveys/{survey_id}/results")),
            ("results page, raked on sex and age", "< 2 s", lambda: client.get(url)),
            ("results page, raked, by age band", "< 2 s",
             lambda: client.get(url + "&by=age_band")),
            ("XLSX export", "< 15 s",
             lambda: client.get(f"/surveys/{survey_id}/responses.xlsx")),
            ("CSV export", "", lambda: client.get(f"/surveys/{survey_id}/responses.csv")),
            ("SPSS .sav export", "", lambda: client.get(f"/surveys/{survey_id}/responses.sav")),
        ):
            rows.append(_row(label, goal, [timed(lambda fn=fn: _ok(fn()))
                                           for _ in range(REPEAT)]))
        with app.app_context():
            size = len(exports.xlsx_bytes(db.session.get(Survey, survey_id)))
            parts = phases(survey_id, set_id)
    print(f"{RESPONSES:,} responses x 20 questions (seeded in {seeding:.0f} s); "
          f"XLSX {size / 1e6:.1f} MB; median of {REPEAT}, nothing cached; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print_table(rows)
    print("\nPhases (in the app, outside a request):")
    print_table(parts)
