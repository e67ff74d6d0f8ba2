"""Organisers never set quotas on, nor see, special-category answers; they draw designs an
officer approved (recorded and audited)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.jobs.runner import run_pending_jobs
from core.models import AuditEvent, Role
from quota import services
from quota.models import MemberRole, Sample, SampleDesign, SampleMode
from tests.conftest import PASSWORD, csrf_token_from
from tests.integration.quota.test_samples import builder_form, demo, spec  # noqa: F401

ETHNIC_LABELS = ("English, Welsh, Scottish", "Gypsy or Irish Traveller", "Pakistani",
                 "Caribbean")


@pytest.fixture
def login(app, make_user):
    """``login(role)``: a new client of its own, signed in as a new user with that role
    (several roles can be signed in at once)."""
    def do(role: Role):
        client = app.test_client()
        user = make_user(role)
        token = csrf_token_from(client)
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                                 "csrf_token": token})
        assert response.status_code == 302
        return client

    return do


def post_builder(client, **changes):
    token = csrf_token_from(client, "/quota/samples/new")
    return client.post("/quota/samples/new", data={**builder_form(**changes),
                                                   "csrf_token": token})


def approve(client, **changes):
    form = dict(mode="survey", dimensions=["age_band", "ethnic_group"], size="40",
                tolerance="1", action="approve", name="Libraries survey")
    return post_builder(client, **{**form, **changes})


def test_the_organisers_builder_does_not_offer_special_category_questions(demo, login):  # noqa: F811
    organiser = login(Role.ORGANISER).get("/quota/samples/new").get_data(as_text=True)
    assert 'value="sex"' in organiser
    assert 'value="ethnic_group"' not in organiser and "Sexual orientation" not in organiser
    officer = login(Role.OFFICER).get("/quota/samples/new").get_data(as_text=True)
    assert 'value="ethnic_group"' in officer and "Sexual orientation" in officer


@pytest.mark.parametrize("changes", [
    {"dimensions": ["sex", "sexual_orientation"]},
    {"dimensions": ["sex"], "quota-min-sexual_orientation-gay_lesbian": "5"},
])
def test_an_organiser_naming_a_special_category_question_is_refused_plainly(
        demo, login, changes):  # noqa: F811
    client = login(Role.ORGANISER)
    response = post_builder(client, **changes, action="draw")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Only an engagement officer can match on Sexual orientation" in html
    assert "approved" in html
    assert db.session.scalar(select(func.count()).select_from(Sample)) == 0


def test_the_service_refuses_an_organisers_own_draw_on_special_category(demo, make_user):  # noqa: F811
    organiser = make_user(Role.ORGANISER)
    with pytest.raises(services.SampleError, match="Only an engagement officer"):
        services.draw_sample(organiser, spec(dimensions=("age_band", "ethnic_group")))
    assert services.draw_sample(organiser, spec(dimensions=("age_band", "sex"))).id


def test_an_officer_approves_a_design_and_an_organiser_draws_it_blind(demo, login):  # noqa: F811
    officer = login(Role.OFFICER)
    response = approve(officer)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    design = db.session.scalar(select(SampleDesign))
    assert design.approved_by.role == Role.OFFICER and design.approved_at is not None
    assert response.location.endswith(f"/quota/designs/{design.id}")
    frozen = {(d, c) for d, c, _, _ in design.spec["overrides"]}
    assert ("ethnic_group", "white_british") in frozen  # every quota is frozen as approved
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "sample_design_approved"))
    assert event.object_id == design.id
    assert event.detail["special_category_questions"] == ["ethnic_group"]
    assert any(q[0] == "ethnic_group" for q in event.detail["quotas"])

    organiser = login(Role.ORGANISER)
    listing = organiser.get("/quota/samples").get_data(as_text=True)
    assert f"/quota/designs/{design.id}" in listing
    page = organiser.get(f"/quota/designs/{design.id}").get_data(as_text=True)
    assert "Ethnic group" in page and "approved by" in page.lower()
    assert not any(label in page for label in ETHNIC_LABELS)
    token = csrf_token_from(organiser, f"/quota/designs/{design.id}")
    drawn = organiser.post(f"/quota/designs/{design.id}/draw", data={"csrf_token": token})
    assert drawn.status_code == 303 and drawn.location.startswith("/jobs/")
    assert run_pending_jobs()
    sample = db.session.scalar(select(Sample))
    assert sample.design_id == design.id and sample.report["quotas_met"]
    assert sample.created_by.role == Role.ORGANISER

    shown = organiser.get(f"/quota/samples/{sample.id}").get_data(as_text=True)
    assert "Ethnic group" in shown and "approved by an officer" in shown
    assert not any(label in shown for label in ETHNIC_LABELS)
    assert "16 to 24" in shown
    methods = organiser.get(f"/quota/samples/{sample.id}/methods.txt").get_data(as_text=True)
    assert not any(label in methods for label in ETHNIC_LABELS)
    csv_text = organiser.get(f"/quota/samples/{sample.id}/members.csv").get_data(as_text=True)
    assert not any(label in csv_text for label in ETHNIC_LABELS)
    member = sample.members_with(MemberRole.SELECTED)[0]
    replace = organiser.get(f"/quota/samples/{sample.id}/members/{member.id}/replace")
    assert replace.status_code == 200
    assert not re.search(r"ethnic_group|white_|asian_|black_|mixed_",
                         replace.get_data(as_text=True))

    again = organiser.post(f"/quota/designs/{design.id}/draw", data={"csrf_token": token})
    assert again.status_code == 303 and run_pending_jobs()
    assert db.session.scalar(select(func.count()).select_from(Sample)) == 2

    seen = officer.get(f"/quota/samples/{sample.id}").get_data(as_text=True)
    assert "English, Welsh, Scottish" in seen  # officers see the tallies


def test_organisers_cannot_approve_and_withdrawn_designs_cannot_be_drawn(demo, login):  # noqa: F811
    organiser = login(Role.ORGANISER)
    assert approve(organiser, dimensions=["age_band", "sex"]).status_code == 403
    officer = login(Role.OFFICER)
    approve(officer)
    design = db.session.scalar(select(SampleDesign))
    token = csrf_token_from(officer, f"/quota/designs/{design.id}")
    assert officer.post(f"/quota/designs/{design.id}/withdraw",
                        data={"csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert db.session.get(SampleDesign, design.id).withdrawn_at is not None
    organiser = login(Role.ORGANISER)
    token = csrf_token_from(organiser, "/quota/samples")
    refused = organiser.post(f"/quota/designs/{design.id}/draw", data={"csrf_token": token},
                             follow_redirects=True)
    assert "withdrawn" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Sample)) == 0


def test_an_officers_fair_panel_hides_each_chance_from_organisers(demo, login, make_user):  # noqa: F811
    officer = make_user(Role.OFFICER)
    sample = services.draw_sample(officer, spec(mode=SampleMode.FAIR, size=20,
                                                dimensions=("age_band", "disability")))
    organiser = login(Role.ORGANISER)
    rows = organiser.get(f"/quota/samples/{sample.id}/members.csv").get_data(
        as_text=True).splitlines()
    assert "probability" not in rows[0]
    page = organiser.get(f"/quota/samples/{sample.id}").get_data(as_text=True)
    assert "Chances of selection" not in page and "Not disabled" not in page


def test_a_failed_draw_of_a_design_does_not_count_special_category_answers(
        demo, login, make_user):  # noqa: F811
    from quota import designs

    design = designs.approve_design(make_user(Role.OFFICER),
                                    spec(dimensions=("age_band", "ethnic_group"), seed=None))
    design.spec = {**design.spec, "overrides": [
        [d, c, 39 if c == "white_irish" else low, 40 if c == "white_irish" else high]
        for d, c, low, high in design.spec["overrides"]]}
    db.session.commit()
    job = designs.draw_design(make_user(Role.ORGANISER), design)
    run_pending_jobs()
    organiser = login(Role.ORGANISER)
    page = organiser.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "No sample was drawn" in page and "Ask an engagement officer" in page
    assert "white_irish" not in page and "Irish" not in page
