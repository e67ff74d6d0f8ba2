"""The impact measures page (SQLite and PostgreSQL): officers only; every figure in a table;
residents counted once; who took part compared with the default targets, small groups hidden;
actions done or explained; engagements closed over twelve weeks without a response flagged
with a link; feedback counts; each table as a CSV, formula-safe."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from outcomes import services
from outcomes.models import Feedback, FeedbackKind
from outcomes.progress import ActionStatus
from outcomes.services import ActionText, ResponseText, UpdateText
from panel.demo import install_dimensions
from panel.engagements import SpectrumLevel
from panel.models import Dimension, Target, TargetSet
from panel.reference_data import load_default_dimensions
from surveys.models import Response, Survey

pytestmark = pytest.mark.clock("2026-12-07 10:00")


@pytest.fixture
def data(make_user, make_resident):
    officer = make_user(Role.OFFICER)
    install_dimensions(load_default_dimensions())
    sex = db.session.scalar(select(Dimension).where(Dimension.key == "sex"))
    by_key = {c.key: c for c in sex.categories}
    db.session.add(TargetSet(name="Borough", is_default=True, targets=[
        Target(dimension=sex, category=by_key["female"], share=0.5),
        Target(dimension=sex, category=by_key["male"], share=0.5)]))

    def plan(title, level, starts, ends):
        return services.save_plan(officer, None, title=title, topic="T", level=level,
                                  starts_on=starts, ends_on=ends, ward_codes=[])

    libraries = plan("Future of our libraries", SpectrumLevel.CONSULT, date(2026, 9, 1),
                     date(2026, 10, 31))
    roads = plan("=Safer roads", SpectrumLevel.INVOLVE, date(2026, 6, 1), date(2026, 8, 31))
    plan("Parks", SpectrumLevel.CONSULT, date(2026, 11, 1), date(2027, 1, 31))
    survey = Survey(engagement=libraries, title="Libraries survey")
    db.session.add(survey)
    db.session.flush()
    residents = [make_resident(first_name=f"R{n}") for n in range(14)]
    for n, resident in enumerate(residents):      # 12 women, 2 men (a small group)
        db.session.add(Response(survey_id=survey.id, resident_id=resident.id,
                                submitted_at=datetime(2026, 10, 1 + n),
                                profile={"sex": "female" if n < 12 else "male"}))
    db.session.add(Response(survey_id=survey.id, resident_id=residents[0].id,
                            submitted_at=datetime(2026, 10, 20), profile={"sex": "female"}))
    db.session.add(Response(survey_id=survey.id, resident_id=residents[1].id,
                            submitted_at=None, profile={}))     # not submitted: not counted
    db.session.commit()
    services.save_draft(officer, libraries, ResponseText(summary="Sunday opening."))
    services.publish_response(officer, libraries, datetime(2026, 11, 20, 9, 0))
    done = services.add_action(officer, libraries, ActionText(title="Sundays", owner="L"))
    services.publish_action(officer, done, datetime(2026, 11, 20, 9, 0))
    services.publish_update(officer, services.draft_update(officer, done, UpdateText(
        status=ActionStatus.DONE, note="Done.")), datetime(2026, 11, 25))
    late = services.add_action(officer, libraries, ActionText(
        title="Padiham", owner="L", target_date=date(2026, 11, 30)))
    services.publish_action(officer, late, datetime(2026, 11, 20, 9, 0))
    services.add_action(officer, libraries, ActionText(title="Draft", owner="L"))
    for n, answer in enumerate(["yes", "yes", "no"]):
        db.session.add(Feedback(resident_id=residents[n].id, engagement_id=libraries.id,
                                kind=FeedbackKind.LISTENED, answer=answer))
    db.session.add(Feedback(resident_id=residents[0].id, engagement_id=libraries.id,
                            action_id=done.id, kind=FeedbackKind.HAPPENED, answer="partly"))
    db.session.commit()
    return libraries, roads


def test_only_officers_see_the_measures(client, login, data):
    assert client.get("/engagements/measures").status_code == 302
    resident = login(Role.RESIDENT)
    assert resident.get("/engagements/measures").status_code == 403
    assert resident.get("/engagements/measures/actions.csv").status_code == 403
    assert "Impact measures" not in resident.get("/").get_data(as_text=True)


def test_an_officer_sees_every_measure(login, data):
    libraries, roads = data
    officer = login(Role.OFFICER)
    page = officer.get("/engagements/measures")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/engagements/measures"' in html                      # in the menu
    assert "14 different residents took part" in html
    assert "50% of 2 published actions are done or explained" in html
    assert "1 is overdue" in html
    assert "Median: 20 days." in html
    assert f'href="/engagements/{roads.id}"' in html                   # over 12 weeks
    assert f'href="/engagements/{libraries.id}">' not in html.split("Days from close")[1] \
        .split("</ul>")[0]
    assert "Not shown (small group)" in html                            # the 2 men
    assert 'aria-hidden="true"' in html and "cp-chart__bar cp-w-100" in html


def csv_rows(officer, key):
    response = officer.get(f"/engagements/measures/{key}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_each_table_downloads_as_csv(login, data):
    officer = login(Role.OFFICER)
    assert csv_rows(officer, "engagements-by-level")[1:] == [
        ["2026 Q2", "0", "0", "0", "1", "0", "0", "1"],
        ["2026 Q3", "0", "0", "1", "0", "0", "0", "1"],
        ["2026 Q4", "0", "0", "1", "0", "0", "0", "1"]]
    assert csv_rows(officer, "residents-involved")[1:] == [
        ["2026 Q4", "14"], ["All quarters (each resident once)", "14"]]
    assert ["'=Safer roads", "2026-08-31", "", "", "Yes"] in csv_rows(officer, "days-to-respond")
    assert csv_rows(officer, "listened")[1:3] == [["Yes", "2", "67%"], ["Partly", "0", "0%"]]
    assert csv_rows(officer, "happened")[2] == ["Partly", "1", "100%"]
    assert officer.get("/engagements/measures/nothing.csv").status_code == 404
