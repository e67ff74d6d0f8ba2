"""The wording a newcomer tripped over: "1 residents added", "…to see the quotas..", counts
without thousands separators, "As a member of the Civic Panel, we would like…", and links an
organiser is shown but may not open."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import render_template

from core.extensions import db
from core.jobs import runner as jobs
from core.models import Role
from panel.engagements import Engagement, SpectrumLevel
from quota import services as quota_services
from quota.models import SampleMode
from surveys.invitations import InvitationReport
from surveys.models import Survey
from tests.conftest import PROJECT_ROOT
from tests.integration.panel.test_import import (
    HEADER,
    job_id_of,
    start,
    upload,
    uploaded_id,
)
from tests.integration.panel.test_import import officer as officer  # noqa: F401 (fixtures)
from tests.integration.panel.test_import import schema as schema  # noqa: F401
from tests.integration.quota.test_samples import demo as demo  # noqa: F401
from tests.integration.quota.test_samples import officer as quota_officer
from tests.integration.quota.test_samples import spec

ONE_ROW = HEADER + "\nada@example.org,Ada,Lovelace,12 Colne Road,BB11 2DL,,1990,Female,,,yes,\n"


def test_one_imported_resident_is_one_resident(officer):  # noqa: F811
    job_id = job_id_of(start(officer, uploaded_id(upload(officer, ONE_ROW)), expected=1))
    jobs.run_pending_jobs()
    page = officer.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "1 resident added to the panel" in page
    assert "The import has finished: 1 resident added." in page
    assert "1 residents" not in page


def test_the_quota_builder_waits_with_one_full_stop(demo, login):  # noqa: F811
    page = login(Role.OFFICER).get("/quota/samples/new").get_data(as_text=True)
    assert "Enter the number of people to select to see the quotas.</p>" in page
    assert ".." not in re.sub(r"<[^>]+>", "", page).replace("...", "")


@pytest.mark.parametrize(("role", "linked"), [(Role.ORGANISER, False), (Role.OFFICER, True)])
def test_only_those_who_may_open_a_member_record_get_a_link_to_it(demo, login, role, linked):  # noqa: F811
    sample = quota_services.draw_sample(quota_officer(), spec(mode=SampleMode.FAIR, size=12))
    page = login(role).get(f"/quota/samples/{sample.id}").get_data(as_text=True)
    assert ("/panel/members/" in page) is linked


def test_no_template_opens_with_a_dangling_as_a_member():
    """"As a member of the Civic Panel, we…": the council is not the member."""
    dangling = re.compile(r"\bAs an? [^,.{]*(?:\{\{[^}]*\}\}[^,.]*)?, (?:we|our|the council)\b")
    found = [str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / "templates").rglob(
        "*.*") if dangling.search(path.read_text())]
    assert not found


def test_one_reminder_day_is_one_day(app, login):
    survey = Survey(engagement=Engagement(title="Parks", level=SpectrumLevel.CONSULT, why="x"),
                    title="Parks survey", reminder_days=[1])
    db.session.add(survey)
    db.session.commit()
    page = login(Role.OFFICER).get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "1 day after the invitation" in page and "1 days" not in page


def test_one_reminder_day_after_sending_invitations_is_one_day(app):
    details = SimpleNamespace(survey=SimpleNamespace(id=1, reminder_days=[1]),
                              report=InvitationReport(invited=1), sent_text="1 invitation sent")
    with app.test_request_context("/"):
        html = render_template("surveys/_invitations_result.html", job=None, details=details)
    assert "1 day after their invitation" in html and "1 days" not in html
