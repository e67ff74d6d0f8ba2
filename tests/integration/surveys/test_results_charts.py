"""Bar charts beside the results tables: the right widths (per cent, or weighted per cent when
weighted), the 95% interval as a whisker, no bar for a hidden group, the table kept for the
numbers (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role, utcnow
from panel.demo import install_dimensions
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Dimension, ProfileAnswer, Target, TargetSet
from panel.reference_data import load_default_dimensions
from surveys import results
from surveys.models import Answer, Invitation, Question, Response, Section, Survey


@dataclass
class ChartRow:
    label: str = ""
    bar: list[str] | None = None        # the bar's classes
    interval: list[str] | None = None   # the whisker's classes
    hidden: str = ""                    # text drawn instead of a bar
    value: str = ""


@dataclass
class Chart:
    legend: str = ""
    rows: list[ChartRow] = field(default_factory=list)
    aria_hidden: bool = False


class ChartParser(HTMLParser):
    """The page's results charts (div.cp-chart--results), read as the browser would."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[Chart] = []
        self.depth = 0          # open divs inside the current chart
        self.reading = ""       # "legend", "label", "hidden" or "value"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "cp-chart--results" in classes:
            self.charts.append(Chart(aria_hidden=dict(attrs).get("aria-hidden") == "true"))
            self.depth = 1
            return
        if not self.depth:
            return
        chart = self.charts[-1]
        if tag == "div":
            self.depth += 1
            if "cp-chart__row" in classes:
                chart.rows.append(ChartRow())
        elif "cp-chart__legend" in classes:
            self.reading = "legend"
        elif "cp-chart__label" in classes:
            self.reading = "label"
        elif "cp-chart__hidden" in classes:
            self.reading = "hidden"
        elif "cp-chart__value" in classes:
            self.reading = "value"
        elif "cp-chart__bar" in classes:
            chart.rows[-1].bar = classes
        elif "cp-chart__interval" in classes:
            chart.rows[-1].interval = classes

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "div":
            self.depth -= 1
        if tag in ("p", "span") and self.reading != "legend" or tag == "p":
            self.reading = ""

    def handle_data(self, data: str) -> None:
        if not self.depth or not self.reading:
            return
        chart = self.charts[-1]
        if self.reading == "legend":
            chart.legend += data
        else:
            row = chart.rows[-1]
            setattr(row, self.reading, getattr(row, self.reading) + data.strip())


def charts(page: str) -> list[Chart]:
    parser = ChartParser()
    parser.feed(page)
    return parser.charts


def chart_rows(chart: Chart) -> dict[str, ChartRow]:
    return {row.label: row for row in chart.rows}


def width(classes: list[str] | None, prefix: str = "cp-w-") -> int:
    assert classes is not None
    (value,) = [c[len(prefix):] for c in classes if c.startswith(prefix)]
    return int(value)


@pytest.fixture
def answered(app):
    """30 responses: 20 women who use Central, 10 men who use Padiham; 3 use the computers."""
    install_dimensions(load_default_dimensions())
    sex = db.session.scalar(select(Dimension).where(Dimension.key == "sex"))
    category = {c.key: c for c in sex.categories}
    halves = TargetSet(name="Half and half", targets=[
        Target(dimension=sex, category=category["female"], share=0.5),
        Target(dimension=sex, category=category["male"], share=0.5)])
    survey = Survey(engagement=Engagement(title="Libraries", level=SpectrumLevel.CONSULT),
                    title="Libraries survey")
    questions = [
        Question(survey=survey, key="q1", kind="single", text="Which library do you use?",
                 options=[["central", "Central"], ["padiham", "Padiham"]], position=0),
        Question(survey=survey, key="q2", kind="multiple", text="What do you use it for?",
                 options=[["books", "Books"], ["pcs", "Computers"]], position=1),
        Question(survey=survey, key="q3", kind="long_text", text="Anything else?", position=2),
    ]
    survey.sections = [Section(title="Your library", questions=questions)]
    db.session.add_all([halves, survey])
    db.session.flush()
    for n in range(30):
        values = {"q1": "central" if n < 20 else "padiham",
                  "q2": {"choices": ["books", "pcs"] if n < 3 else ["books"], "other": ""}}
        db.session.add(Response(
            survey_id=survey.id, submitted_at=utcnow(),
            profile={"sex": "female" if n < 20 else "male"},
            answers=[Answer(question_id=q.id, value=values[q.key]) for q in questions
                     if q.key in values]))
    db.session.commit()
    return survey, halves


def test_each_counted_question_has_a_chart_of_its_per_cents_with_the_interval(answered, login):
    survey, _ = answered
    page = login(Role.OFFICER).get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    found = charts(page)
    assert len(found) == 2  # the written-answer question has none
    library = found[0]
    assert library.aria_hidden and "Bars show the per cent of those who answered" in library.legend
    assert "95% confidence interval" in library.legend
    rows = chart_rows(library)
    assert list(rows) == ["Central", "Padiham"]
    assert (width(rows["Central"].bar), width(rows["Padiham"].bar)) == (67, 33)
    assert (rows["Central"].value, rows["Padiham"].value) == ("67%", "33%")
    expected = {row.label: row for row in results.results(survey).questions[0].rows}
    for label, row in rows.items():
        low, high = round(expected[label].ci_low), round(expected[label].ci_high)
        assert width(row.interval, "cp-x-") == low and width(row.interval) == high - low
    assert width(rows["Central"].interval, "cp-x-") < 67 < sum(
        (width(rows["Central"].interval, "cp-x-"), width(rows["Central"].interval)))


def test_weighted_results_draw_the_weighted_per_cent(answered, login):
    survey, halves = answered
    page = login(Role.OFFICER).get(f"/surveys/{survey.id}/results?target_set={halves.id}"
                                   "&dimensions=sex").get_data(as_text=True)
    library = charts(page)[0]
    assert "Bars show the weighted per cent of those who answered" in library.legend
    rows = chart_rows(library)
    assert (width(rows["Central"].bar), width(rows["Padiham"].bar)) == (50, 50)
    assert rows["Central"].value == "50%"


def test_a_hidden_group_is_drawn_as_text_not_a_bar(answered, login):
    survey, _ = answered
    page = login(Role.OFFICER).get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    uses = chart_rows(charts(page)[1])
    assert width(uses["Books"].bar) == 100 and uses["Books"].hidden == ""
    computers = uses["Computers"]  # 3 people, under the survey's threshold of 10
    assert computers.bar is None and computers.interval is None
    assert computers.hidden == "hidden (small group)" and computers.value == "–"
    assert "Not shown (small group)" in page  # and the table says so in words


def test_no_chart_when_every_group_is_hidden(answered, login):
    survey, _ = answered
    survey.suppress_below = 40  # more than everyone who answered
    db.session.commit()
    page = login(Role.OFFICER).get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert charts(page) == [] and "Not shown (small group)" in page


def test_the_table_beside_the_chart_is_named_by_the_question(answered, login):
    survey, _ = answered
    page = login(Role.OFFICER).get(f"/surveys/{survey.id}/results?by=sex").get_data(
        as_text=True)
    assert ('<caption class="govuk-table__caption govuk-table__caption--s" id="result-1-caption">'
            '<span class="govuk-visually-hidden">Which library do you use?: </span>30 answered'
            ) in page
    assert 'role="region" aria-labelledby="result-1-caption" tabindex="0"' in page
    assert 'aria-labelledby="result-1-by-caption"' in page  # the breakdown table too
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">67%</td>' in page
    assert "style=" not in page


def test_response_rates_by_group_are_charted(answered, login, make_resident):
    survey, _ = answered
    sex = db.session.scalar(select(Dimension).where(Dimension.key == "sex"))
    category = {c.key: c for c in sex.categories}
    for n, (key, sent) in enumerate([("female", True), ("female", False), ("female", False),
                                     ("female", False), ("male", False)]):
        resident = make_resident(email=f"invited{n}@example.org")
        resident.answers.append(ProfileAnswer(dimension_id=sex.id, category_id=category[key].id))
        invitation = Invitation(survey=survey, resident=resident)
        db.session.add(invitation)
        db.session.flush()
        if sent:
            db.session.add(Response(survey_id=survey.id, invitation_id=invitation.id,
                                    submitted_at=utcnow()))
    survey.suppress_below = 1  # hide nothing: 5 invited would all be small groups
    db.session.commit()
    officer = login(Role.OFFICER)
    page = officer.get(f"/surveys/{survey.id}/results?by=sex").get_data(as_text=True)
    rates = charts(page)[0]
    assert "response rate" in rates.legend
    rows = chart_rows(rates)
    assert (width(rows["Female"].bar), rows["Female"].value) == (25, "25%")
    assert (width(rows["Male"].bar), rows["Male"].value) == (0, "0%")
    assert rows["Female"].interval is None
    survey.suppress_below = 10
    db.session.commit()
    page = officer.get(f"/surveys/{survey.id}/results?by=sex").get_data(as_text=True)
    rows = chart_rows(charts(page)[0])
    assert rows["Female"].hidden == rows["Male"].hidden == "hidden (small group)"


def test_widths_are_whole_numbers_clamped_to_the_axis(app):
    width_of = app.jinja_env.get_template("surveys/_charts.html").module.width
    assert [str(width_of(v)) for v in (-3.2, 0, 33.3, 66.7, 99.6, 100, 104.9)] == [
        "0", "0", "33", "67", "100", "100", "100"]
