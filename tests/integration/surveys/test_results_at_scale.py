"""Results and exports read per question (each distinct answer decoded and counted once) give
exactly what reading and counting every answer on its own gave: the same numbers in the
results, the same export table, CSV bytes, SPSS data and spreadsheet cells. On random surveys
with all nine question types, "Other", Don't know, partly answered matrices, rankings,
answers stored as JSON null, responses not sent, and rows sent out of id order (SQLite and
PostgreSQL). Also: hostile text in the spreadsheet, and a new response shows at once."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import utcnow
from panel.demo import install_dimensions
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Dimension, Target, TargetSet
from panel.reference_data import load_default_dimensions
from surveys import answer_columns, exports, results
from surveys.models import Answer, Question, Response, Section, Survey
from surveys.question_types import AGREE_SCALE
from tests.integration.surveys import reference

SCALE = [key for key, _ in AGREE_SCALE]
TEXTS = ["Please open on Sundays", "more large-print books", "=HYPERLINK(\"x\")", "+44 1282",
         "<r>rich?</r>", "Café ☕, «quotes» & <tags>", "  spaces  ", "-", "7"]


def _questions(survey: Survey) -> list[Question]:
    options = [["a", "Alpha"], ["b", "Beta"], ["c", "Gamma"], ["d", "Never chosen"]]
    made = [
        Question(key="s1", kind="single", text="Single with other", options=options, other=True),
        Question(key="s2", kind="single", text="Single", options=options[:3]),
        Question(key="m1", kind="multiple", text="Multiple with other", options=options,
                 other=True),
        Question(key="m2", kind="multiple", text="Multiple", options=options[:2]),
        Question(key="a1", kind="agree", text="The parks are clean"),
        Question(key="x1", kind="matrix", text="How much do you agree?",
                 statements=[["staff", "Staff help"], ["clean", "It is clean"],
                             ["open", "It opens when I need it"]]),
        Question(key="r1", kind="rating", text="Rate the library"),
        Question(key="n1", kind="number", text="Visits", minimum=0, maximum=100),
        Question(key="t1", kind="short_text", text="Your area"),
        Question(key="t2", kind="long_text", text="Anything else?"),
        Question(key="k1", kind="ranking", text="Put these in order", options=options[:3]),
        Question(key="e1", kind="single", text="Nobody answered", options=options[:2]),
    ]
    for position, question in enumerate(made):
        question.survey, question.position = survey, position
    return made


def _value(question: Question, rng: np.random.Generator) -> object:
    keys = [key for key, _ in question.options]
    if question.kind == "single":
        if question.other and rng.random() < 0.15:
            return {"choice": "other", "other": str(rng.choice(TEXTS))}
        return str(rng.choice(keys[:3]))
    if question.kind == "multiple":
        chosen = [k for k in keys[:3] if rng.random() < 0.4]
        if question.other and rng.random() < 0.2:
            return {"choices": [*chosen, "other"], "other": str(rng.choice(TEXTS))}
        return {"choices": chosen, "other": ""}  # none chosen, now and then
    if question.kind == "agree":
        return str(rng.choice(SCALE))
    if question.kind == "matrix":
        return {key: str(rng.choice(SCALE)) for key, _ in question.statements
                if rng.random() < 0.7} or {"staff": "dont_know"}
    if question.kind == "rating":
        return int(rng.integers(11))
    if question.kind == "number":
        return int(rng.integers(101))
    if question.kind == "ranking":
        return [str(k) for k in rng.permutation(keys[:3])[:int(rng.integers(1, 4))]]
    return str(rng.choice(TEXTS))


@pytest.fixture(params=[3, 11])
def random_survey(app, request):
    """~150 sent responses (sent out of id order), a few unsent ones with answers too."""
    rng = np.random.default_rng(request.param)
    install_dimensions(load_default_dimensions())
    dimensions = {d.key: d for d in db.session.scalars(select(Dimension))}
    target_set = TargetSet(name="Targets", targets=[
        Target(dimension=dimensions[key], category=category, share=float(rng.random()) + 0.1)
        for key in ("sex", "age_band") for category in dimensions[key].categories
        if not category.prefer_not_to_say])
    survey = Survey(engagement=Engagement(title="Libraries", level=SpectrumLevel.CONSULT),
                    title="Random survey", suppress_below=int(rng.choice([3, 10])))
    survey.sections = [Section(title="All", questions=_questions(survey))]
    db.session.add_all([target_set, survey])
    db.session.flush()
    sexes = [c.key for c in dimensions["sex"].categories]
    ages = [c.key for c in dimensions["age_band"].categories]
    start = utcnow()
    for n in range(160):
        profile = {}
        if rng.random() < 0.95:
            profile["sex"] = str(rng.choice(sexes))
        if rng.random() < 0.9:
            profile["age_band"] = str(rng.choice(ages))
        answers = []
        for question in survey.questions:
            if question.key == "e1" or rng.random() < 0.12:
                continue
            value = None if rng.random() < 0.03 else _value(question, rng)  # JSON null
            answers.append(Answer(question_id=question.id, value=value))
        sent = None if n % 23 == 5 else start - timedelta(minutes=int(rng.integers(0, 500)))
        db.session.add(Response(survey_id=survey.id, submitted_at=sent, profile=profile,
                                mode=str(rng.choice(["online", "paper", "phone"])),
                                answers=answers))
    db.session.commit()
    return survey, target_set


@pytest.mark.parametrize("options", [
    {}, {"weighted": True}, {"by": "age_band"}, {"weighted": True, "by": "sex"},
    {"search": "BOOKS"}, {"weighted": True, "search": "zzz"}])
def test_the_results_are_exactly_those_counted_answer_by_answer(random_survey, options):
    survey, target_set = random_survey
    chosen = {"target_set": target_set, "dimensions": ["sex", "age_band"]} \
        if options.get("weighted") else {}
    chosen.update({k: v for k, v in options.items() if k != "weighted"})
    fast, slow = results.results(survey, **chosen), reference.results(survey, **chosen)
    assert replace(fast, compared_with=None, who=[]) == slow  # who answered is new
    assert bool(fast.who) == bool(options.get("weighted"))
    assert [q.heading for q in fast.questions][:3] == ["Single with other", "Single",
                                                       "Multiple with other"]
    if options.get("weighted"):
        assert fast.weighting.problems == [] and fast.weighting.design_effect > 1


def test_the_frame_is_the_one_read_answer_by_answer(random_survey):
    survey, _ = random_survey
    (answers, profiles), (old_answers, old_profiles) = results.frame(survey), \
        reference.frame(survey)
    pd.testing.assert_frame_equal(answers, old_answers)
    pd.testing.assert_frame_equal(profiles, old_profiles)
    assert "e1" not in answers and len(answers) == 160 - 7  # 7 responses were not sent


def test_the_export_table_and_files_are_the_same(random_survey, tmp_path):
    survey, _ = random_survey
    fast, slow = exports.export(survey), reference.export(survey)
    pd.testing.assert_frame_equal(fast.codes, slow.codes)
    assert (fast.labels, fast.value_labels) == (slow.labels, slow.value_labels)
    assert exports.csv_bytes(survey) == reference.csv_bytes(survey)
    (data, meta), (old_data, old_meta) = (_sav(tmp_path / "fast.sav", exports.sav_bytes(survey)),
                                          _sav(tmp_path / "slow.sav", reference.sav_bytes(survey)))
    pd.testing.assert_frame_equal(data, old_data)
    assert meta == old_meta
    assert _cells(exports.xlsx_bytes(survey)) == _cells(reference.xlsx_bytes(survey))


def test_the_spreadsheet_has_bold_headings_text_as_text_and_numbers_as_numbers(
        random_survey):
    survey, _ = random_survey
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(survey)))
    assert book.sheetnames == ["Responses", "Methods"]
    sheet = book["Responses"]
    heading = [c.value for c in sheet[1]]
    assert heading[:3] == ["Response number", "Sent (UTC)", "How answered"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.cell(2, 1).value == 1 and sheet.cell(2, 1).data_type == "n"
    rating = heading.index("Rate the library") + 1
    assert {type(sheet.cell(r, rating).value) for r in range(2, sheet.max_row + 1)} <= {
        int, float, type(None)}
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert book["Methods"]["A1"].value == "Methods"


def test_hostile_written_answers_stay_text_in_the_spreadsheet(app):
    """XlsxWriter would write text shaped "<r>…</r>" as raw XML: it must not add a formula
    cell or break the file; control characters are escaped as Excel does (_xHHHH_)."""
    survey = Survey(engagement=Engagement(title="Parks", level=SpectrumLevel.RESEARCH),
                    title="Parks survey")
    question = Question(survey=survey, key="q1", kind="long_text", text="Anything else?")
    survey.sections = [Section(title="Parks", questions=[question])]
    db.session.add(survey)
    db.session.flush()
    evil = ('<r><t>a</t></r></is></c><c r="Z2" t="str"><f>HYPERLINK("http://evil.example")'
            '</f></c><c><is><r><t>b</t></r>')
    texts = [evil, "tab\tand\x0bvertical tab, _x0041_ literally", "=1+1"]
    for n, text in enumerate(texts):
        db.session.add(Response(survey_id=survey.id, submitted_at=utcnow() + timedelta(
            seconds=n), answers=[Answer(question_id=question.id, value=text)]))
    db.session.commit()
    sheet = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(survey)))["Responses"]
    column = [c.value for c in sheet[1]].index("Anything else?") + 1
    written = [_unescape(sheet.cell(row, column).value) for row in range(2, 5)]
    assert written == [evil, texts[1], "'=1+1"]
    assert sheet.max_column == column  # no cell was added
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_a_response_sent_after_the_last_look_shows_at_once(random_survey):
    survey, _ = random_survey
    before = results.results(survey)
    question = next(q for q in survey.questions if q.key == "s2")
    db.session.add(Response(survey_id=survey.id, submitted_at=utcnow(),
                            answers=[Answer(question_id=question.id, value="c")]))
    db.session.commit()
    after = results.results(survey)
    assert after.responses == before.responses + 1
    counts = [{row.label: row.count for row in view.questions[1].rows}
              for view in (before, after)]
    if counts[0]["Gamma"] is not None and counts[1]["Gamma"] is not None:
        assert counts[1]["Gamma"] == counts[0]["Gamma"] + 1


def test_answers_of_other_surveys_and_unsent_responses_are_left_out(random_survey):
    survey, _ = random_survey
    other = Survey(engagement=survey.engagement, title="Another survey")
    other.sections = [Section(title="All", questions=_questions(other))]
    db.session.add(other)
    db.session.flush()
    db.session.add(Response(survey_id=other.id, submitted_at=utcnow(), answers=[
        Answer(question_id=q.id, value=_value(q, np.random.default_rng(1)))
        for q in other.questions]))
    db.session.commit()
    read = answer_columns.read(survey)
    sent = db.session.scalars(select(Response.id).where(
        Response.survey_id == survey.id, Response.submitted_at.is_not(None))
        .order_by(Response.id)).all()
    assert read.ids.tolist() == sent
    stored = {(a.response_id, a.question.key): a.value for a in db.session.scalars(
        select(Answer).join(Answer.response).where(Response.survey_id == survey.id,
                                                   Response.submitted_at.is_not(None)))}
    assert "e1" not in read.columns and len(read.columns) == len(survey.questions) - 1
    for key, column in read.columns.items():
        for response, code in zip(sent, column.codes.tolist(), strict=True):
            assert (column.values[code] if code >= 0 else None) == stored.get((response, key))


def test_a_survey_nobody_has_sent_has_empty_results_and_exports(app):
    survey = Survey(engagement=Engagement(title="Parks", level=SpectrumLevel.RESEARCH),
                    title="Empty survey")
    question = Question(survey=survey, key="q1", kind="single", text="Which?",
                        options=[["a", "A"]])
    survey.sections = [Section(title="Parks", questions=[question])]
    db.session.add(survey)
    db.session.flush()
    db.session.add(Response(survey_id=survey.id, answers=[Answer(question_id=question.id,
                                                                 value="a")]))  # not sent
    db.session.commit()
    assert results.results(survey) == reference.results(survey)
    assert results.results(survey).responses == 0
    pd.testing.assert_frame_equal(exports.export(survey).codes, reference.export(survey).codes)
    assert exports.csv_bytes(survey) == reference.csv_bytes(survey)
    assert _cells(exports.xlsx_bytes(survey)) == _cells(reference.xlsx_bytes(survey))


def _cells(content: bytes) -> dict[str, list[list[object]]]:
    """Every sheet's cell values; an empty string cell is a blank cell."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: [[None if c.value == "" else c.value for c in row]
                          for row in sheet.iter_rows()] for sheet in book}


def _sav(path, content: bytes):
    path.write_bytes(content)
    frame, meta = pyreadstat.read_sav(str(path))
    return frame, (meta.column_names_to_labels, meta.variable_value_labels,
                   meta.variable_measure, meta.readstat_variable_types, meta.file_label,
                   meta.notes)


def _unescape(text: str) -> str:
    """Excel's _xHHHH_ escapes, as Excel reads them (openpyxl leaves them as they are)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)
