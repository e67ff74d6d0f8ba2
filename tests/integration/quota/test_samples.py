"""Samples in the app: pool rules, draws stored and reproduced, replacements (SQLite and PG)."""

from __future__ import annotations

import re
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.jobs.runner import run_pending_jobs
from core.models import AuditEvent, JobStatus, Role, User, utcnow
from panel import membership
from panel.demo import seed_demo
from panel.models import Contact, Resident, ResidentStatus, TargetSet
from quota import pool, services
from quota.check import check_spec
from quota.models import MemberRole, Sample, SampleMode, SampleStatus
from quota.pool import SampleSpec, build_pool
from tests.conftest import csrf_token_from


@pytest.fixture
def demo(app):
    return seed_demo(seed=5, residents=400)


def spec(**changes) -> SampleSpec:
    target_set = db.session.scalar(select(TargetSet.id).where(TargetSet.is_default.is_(True)))
    values = dict(name="Libraries survey", mode=SampleMode.SURVEY, target_set_id=target_set,
                  dimensions=("age_band", "sex"), size=40, tolerance=1, seed=7)
    return SampleSpec(**{**values, **changes})


def officer() -> User:
    return db.session.scalar(select(User).where(User.role == Role.OFFICER).limit(1))


def achieved(sample: Sample) -> list[tuple[str, str, int, int, int]]:
    return [(c["dimension"], c["category"], c["min"], c["achieved"], c["max"])
            for c in sample.report["categories"]]


def test_a_survey_sample_is_drawn_stored_and_reproduces(demo):
    sample = services.draw_sample(officer(), spec())
    selected = sample.members_with(MemberRole.SELECTED)
    assert len(selected) == 40
    assert len(sample.members_with(MemberRole.RESERVE)) == 8
    assert all(low <= got <= high for _, _, low, got, high in achieved(sample))
    assert sample.report["quotas_met"] is True
    assert "HiGHS" in sample.software_version and sample.seed == 7
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "sample_drawn", AuditEvent.object_id == sample.id)) == 1
    assert services.reproduce(officer(), sample).same
    assert sample.reproduced_at is not None


def test_the_same_seed_gives_the_same_people_and_another_seed_does_not(demo):
    first = services.draw_sample(officer(), spec(not_in_open_sample=False))
    again = services.draw_sample(officer(), spec(not_in_open_sample=False))
    other = services.draw_sample(officer(), spec(not_in_open_sample=False, seed=8))
    assert first.report["selected"] == again.report["selected"]
    assert first.report["selected"] != other.report["selected"]


def test_a_fair_panel_records_everyones_chance(demo):
    sample = services.draw_sample(officer(), spec(mode=SampleMode.FAIR, size=20,
                                                  events_only=True))
    chances = sample.report["probabilities"]
    assert len(chances) == sample.pool_size
    assert sum(chances) == pytest.approx(20, abs=1e-6)
    assert sample.min_probability == pytest.approx(min(chances))
    assert sample.min_probability == pytest.approx(sample.probability_bound, abs=1e-6)
    assert all(m.probability is not None for m in sample.members_with(MemberRole.SELECTED))


def test_people_no_panel_can_include_are_counted_apart_from_the_smallest_chance(demo, login):
    # 12 places and no tolerance: the smaller ethnic groups get a maximum of 0
    sample = services.draw_sample(officer(), spec(mode=SampleMode.FAIR, size=12, tolerance=0,
                                                  dimensions=("age_band", "ethnic_group")))
    closed = {c["category"] for c in sample.report["categories"]
              if c["dimension"] == "ethnic_group" and c["max"] == 0 and c["in_pool"]}
    shut_out = sample.report["people_who_cannot_be_selected"]
    assert closed and shut_out >= sum(c["in_pool"] for c in sample.report["categories"]
                                      if c["dimension"] == "ethnic_group"
                                      and c["category"] in closed)
    chances = sample.report["probabilities"]
    assert sum(chance == 0 for chance in chances) == shut_out
    assert sample.min_probability == pytest.approx(min(c for c in chances if c > 0))
    assert sample.min_probability == pytest.approx(sample.probability_bound, abs=1e-6)
    page = login(Role.OFFICER).get(f"/quota/samples/{sample.id}").get_data(as_text=True)
    assert f"{shut_out:,} people in the pool cannot be in any panel" in page
    assert "could not be in any panel that meets these quotas" in page  # the methods note


def test_a_residents_data_download_lists_the_samples_they_were_drawn_in(demo):
    from panel.data_export import export_data

    sample = services.draw_sample(officer(), spec(mode=SampleMode.FAIR, size=20))
    chosen = sample.members_with(MemberRole.SELECTED)[0]
    reserve = sample.members_with(MemberRole.RESERVE)[0]
    rows = export_data(chosen.resident)["samples"]
    assert [(r["sample"], r["kind"], r["role"]) for r in rows] == [
        ("Libraries survey", "Fair panel", "Selected")]
    assert rows[0]["chance_of_selection"] == pytest.approx(chosen.probability)
    reserve_row = export_data(reserve.resident)["samples"][0]
    assert (reserve_row["role"], reserve_row["reserve_rank"]) == ("Reserve", 1)
    drawn = {m.resident_id for m in sample.members}
    bystander = db.session.scalar(select(Resident).where(Resident.id.not_in(drawn)).limit(1))
    assert export_data(bystander)["samples"] == []


def test_the_pool_leaves_out_who_the_rules_say(demo):
    everyone = build_pool(spec()).pool
    assert len(everyone) > 100
    paused, capped, unverified = (db.session.get(Resident, i) for i in everyone.ids[:3])
    paused.status = ResidentStatus.PAUSED
    paused.paused_until = utcnow() + timedelta(days=30)
    for _ in range(10):
        db.session.add(Contact(resident_id=capped.id, purpose="survey_invitation"))
    unverified.user.verified_at = None
    db.session.commit()
    pool = build_pool(spec()).pool
    assert not {paused.id, capped.id, unverified.id} & set(pool.ids)
    assert capped.id in build_pool(spec(under_contact_cap=False)).pool.ids


def test_members_of_an_open_sample_are_left_out_until_it_closes(demo):
    sample = services.draw_sample(officer(), spec())
    chosen = set(sample.report["selected"])
    assert not chosen & set(build_pool(spec()).pool.ids)
    services.close_sample(officer(), sample)
    assert sample.status == SampleStatus.CLOSED
    assert chosen <= set(build_pool(spec()).pool.ids)


def test_a_ward_filter_narrows_the_pool(demo):
    one_ward = build_pool(spec(dimensions=("sex", "ward"), wards=("E05005163",)))
    assert set(one_ward.pool.profiles["ward"]) == {"E05005163"}
    sample = services.draw_sample(officer(), spec(dimensions=("sex", "ward"),
                                                  wards=("E05005163",), size=6))
    assert [c["category"] for c in sample.report["categories"]
            if c["dimension"] == "ward"] == ["E05005163"]


def test_an_impossible_sample_is_explained_before_drawing(demo):
    check = check_spec(spec(size=5000))
    assert not check.feasible
    assert "pool" in check.general_conflicts[0].message
    tight = check_spec(spec(overrides=(("sex", "female", 39, 40),
                                                ("sex", "male", 10, 40))))
    assert not tight.feasible
    assert {c.category for c in tight.conflicts} <= {"female", "male"}
    assert "minimum" in tight.conflicts[0].message
    with pytest.raises(Exception, match="minimum"):
        services.draw_sample(officer(), spec(overrides=(("sex", "female", 39, 40),
                                                        ("sex", "male", 10, 40))))
    assert db.session.scalar(select(func.count()).select_from(Sample)) == 0


def test_a_drop_out_is_replaced_keeping_every_quota(demo):
    sample = services.draw_sample(officer(), spec())
    member = sample.members_with(MemberRole.SELECTED)[0]
    proposal = services.propose(sample, member)
    assert proposal.reason
    replacement = services.replace_member(officer(), sample, member, proposal.resident_id)
    assert member.role == MemberRole.DROPPED_OUT
    assert replacement.role == MemberRole.SELECTED and replacement.replaces is member
    selected = [m.resident_id for m in sample.members_with(MemberRole.SELECTED)]
    assert len(selected) == 40 and member.resident_id not in selected
    pool, quotas = services.stored_pool(sample)
    profile = {pid: {d: pool.profiles[d][i] for d in pool.profiles}
               for i, pid in enumerate(pool.ids)}
    for quota in quotas:
        count = sum(profile[p][quota.dimension] == quota.category for p in selected)
        assert quota.min <= count <= quota.max


def test_erasing_a_selected_resident_keeps_the_record_of_the_draw(demo):
    sample = services.draw_sample(officer(), spec())
    member = sample.members_with(MemberRole.SELECTED)[0]
    resident = db.session.get(Resident, member.resident_id)
    membership.erase_resident(resident.user, resident)
    db.session.expire_all()
    sample = db.session.get(Sample, sample.id)
    assert sum(m.resident_id is None for m in sample.members) == 1
    assert services.reproduce(officer(), sample).same


# --- pages ---------------------------------------------------------------------------------

def builder_form(**changes) -> dict[str, object]:
    target_set = db.session.scalar(select(TargetSet.id).where(TargetSet.is_default.is_(True)))
    form = {"name": "Climate jury", "mode": "fair", "target_set": str(target_set),
            "dimensions": ["age_band", "sex"], "size": "12", "tolerance": "1",
            "rules": ["under_contact_cap", "not_in_open_sample"], "seed": "3"}
    return {**form, **changes}


@pytest.mark.parametrize("path", ["/quota/samples", "/quota/samples/new"])
def test_residents_cannot_see_samples(demo, login, path):
    assert login(Role.RESIDENT).get(path).status_code == 403


def test_the_builder_opens_for_officers(demo, login):
    page = login(Role.OFFICER).get("/quota/samples/new")
    assert page.status_code == 200
    assert "Draw a new sample" in page.get_data(as_text=True)


def test_the_live_check_shows_the_conflict_next_to_its_quota(demo, login):
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/quota/samples/new")
    html = client.post("/quota/samples/check", data={**builder_form(size="9000"),
                                                     "csrf_token": token},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert html.lstrip().startswith('<section id="quota-check"')
    assert "Cannot be drawn yet" in html and "make the panel smaller" in html
    fine = client.post("/quota/samples/check", data={**builder_form(), "csrf_token": token},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Can be drawn" in fine


def test_drawing_from_the_builder_runs_a_job_then_shows_the_sample(demo, login):
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/quota/samples/new")
    bad = client.post("/quota/samples/new", data={**builder_form(size="9000", action="draw"),
                                                  "csrf_token": token})
    assert bad.status_code == 422
    assert "There is a problem" in bad.get_data(as_text=True)
    response = client.post("/quota/samples/new", data={**builder_form(action="draw"),
                                                       "csrf_token": token})
    assert response.status_code == 303 and response.location.startswith("/jobs/")
    assert run_pending_jobs()
    done = client.get(response.location)
    assert done.status_code == 303 and "/quota/samples/" in done.location
    page = client.get(done.location).get_data(as_text=True)
    sample = db.session.scalar(select(Sample))
    assert sample.status == SampleStatus.OPEN and sample.mode == SampleMode.FAIR
    assert "Chances of selection" in page and "Methods note" in page
    assert f"seed {sample.seed}" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "sample_viewed")) == 1
    csv_text = client.get(f"/quota/samples/{sample.id}/members.csv").get_data(as_text=True)
    assert csv_text.count("\n") == 1 + len(sample.members)


def test_a_failed_draw_says_why(demo, login, app):
    client = login(Role.OFFICER)
    user = db.session.scalar(select(User).where(User.role == Role.OFFICER).order_by(
        User.id.desc()))
    job = services.start_draw(user, spec(size=100000))
    run_pending_jobs()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert db.session.get(type(job), job.id).status == JobStatus.FAILED
    assert "No sample was drawn" in page
    assert 'href="/quota/samples/new">Start again' in page


def test_the_old_draw_page_sends_to_the_one_job_page(demo, login):
    client = login(Role.OFFICER)
    job = services.start_draw(officer(), spec())
    old = client.get(f"/quota/jobs/{job.id}")
    assert old.status_code == 301 and old.location == f"/jobs/{job.id}"
    page = client.get(old.location).get_data(as_text=True)
    assert "Drawing the sample" in page and "Libraries survey" in page
    assert client.get(f"/quota/jobs/{job.id + 1000}").status_code == 404


def test_editing_a_quota_updates_only_the_messages_not_the_inputs(demo, login):
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/quota/samples/new")
    form = {**builder_form(mode="survey", dimensions=["sex"], size="10", tolerance="0"),
            "csrf_token": token}
    first = client.post("/quota/samples/check", data=form, headers={"HX-Request": "true"})
    basis = first.get_data(as_text=True).split('name="quota_basis" value="')[1].split('"')[0]
    edited = client.post("/quota/samples/check", headers={"HX-Request": "true"}, data={
        **form, "quota_basis": basis, "quota-min-sex-female": "9", "quota-max-sex-female": "10",
        "quota-min-sex-male": "5", "quota-max-sex-male": "5"})
    html = edited.get_data(as_text=True)
    assert edited.headers["HX-Retarget"] == "#quota-status"
    assert "Cannot be drawn yet" in html and 'hx-swap-oob="true"' in html
    assert "<input" not in html


def test_one_builder_request_builds_the_pool_once(demo, login, monkeypatch):
    """Each keystroke in the quota table is one request: one pool, however it was edited."""
    real, builds = pool.build_pool, []

    def counting(*args, **kwargs):
        builds.append(args)
        return real(*args, **kwargs)

    for name, module in list(sys.modules.items()):  # wherever the function was imported to
        if name.split(".")[0] == "quota" and getattr(module, "build_pool", None) is real:
            monkeypatch.setattr(module, "build_pool", counting)
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/quota/samples/new")
    form = {**builder_form(mode="survey", dimensions=["sex"], size="10", tolerance="0"),
            "csrf_token": token}
    first = client.post("/quota/samples/check", data=form).get_data(as_text=True)
    assert len(builds) == 1
    table = dict(re.findall(r'name="(quota-(?:min|max)-[^"]+)"[^>]*value="(\d+)"', first))
    basis = first.split('name="quota_basis" value="')[1].split('"')[0]
    assert table["quota-max-sex-female"] != "0"
    edited = client.post("/quota/samples/check", data={
        **form, **table, "quota_basis": basis, "quota-min-sex-female": "0",
        "quota-max-sex-female": "0"})
    assert len(builds) == 2
    assert "its maximum is set to 0" in edited.get_data(as_text=True)  # the edit was checked
