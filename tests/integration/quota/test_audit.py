"""Every filter, quota, search or export that uses a special-category question is in the audit
log with what was asked."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role
from quota import services
from tests.conftest import csrf_token_from
from tests.integration.quota.test_samples import builder_form, demo, officer, spec  # noqa: F401


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_a_member_search_by_sexual_orientation_is_audited_with_what_was_asked(demo, login):  # noqa: F811
    client = login(Role.OFFICER)
    assert client.get("/panel/members?d.sex=female").status_code == 200
    assert events("members_searched") == []  # no special-category question: not logged
    page = client.get("/panel/members?d.sexual_orientation=gay_lesbian&d.sex=female&q=smith")
    assert page.status_code == 200
    [event] = events("members_searched")
    assert event.detail == {"special_category_filters": {"sexual_orientation": "gay_lesbian"},
                            "other_filters": {"sex": "female"}, "search": "smith"}
    assert event.actor_id is not None


def test_a_builder_check_on_ethnicity_is_audited_with_the_quotas(demo, login):  # noqa: F811
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/quota/samples/new")
    client.post("/quota/samples/check", data={**builder_form(), "csrf_token": token},
                headers={"HX-Request": "true"})
    assert events("sample_design_checked") == []
    client.post("/quota/samples/check", headers={"HX-Request": "true"}, data={
        **builder_form(dimensions=["age_band", "ethnic_group"], size="40"),
        "csrf_token": token})
    [event] = events("sample_design_checked")
    assert event.detail["special_category_questions"] == ["ethnic_group"]
    assert any(q[:2] == ["ethnic_group", "white_british"] for q in event.detail["quotas"])


def test_drawing_viewing_and_exporting_a_sample_on_disability_are_audited(demo, login):  # noqa: F811
    sample = services.draw_sample(officer(), spec(dimensions=("age_band", "disability")))
    [drawn] = events("sample_drawn")
    assert drawn.detail["special_category_questions"] == ["disability"]
    assert {q[1] for q in drawn.detail["quotas"]} >= {"disabled", "not_disabled"}
    client = login(Role.OFFICER)
    client.get(f"/quota/samples/{sample.id}")
    client.get(f"/quota/samples/{sample.id}/members.csv")
    assert events("sample_viewed")[0].detail["special_category_questions"] == ["disability"]
    assert events("sample_exported")[0].detail["special_category_questions"] == ["disability"]
