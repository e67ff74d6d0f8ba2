"""Every quota page that loads a sample, a member or a design asks core.permissions about that
object after its role check: a rule that says no is a 403 and nothing happens."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Job, Role, User
from core.permissions import Rules, can_manage, can_view
from quota import designs, services
from quota.models import MemberRole, Sample, SampleDesign, SampleMember, SampleStatus
from tests.conftest import csrf_token_from
from tests.integration.quota.test_samples import demo, spec  # noqa: F401


def allow(_actor, _obj) -> bool:
    return True


@pytest.fixture
def objects(demo, make_user):  # noqa: F811
    officer = make_user(Role.OFFICER)
    sample = services.draw_sample(officer, spec())
    design = designs.approve_design(officer, spec(seed=None, name="Ward walk design"))
    member = sample.members_with(MemberRole.SELECTED)[0]
    return {Sample: sample.id, SampleMember: member.id, SampleDesign: design.id}


CASES = [  # (method, path, model asked about, what is asked)
    ("get", "/quota/samples/{Sample}", Sample, "view"),
    ("get", "/quota/samples/{Sample}/methods.txt", Sample, "view"),
    ("get", "/quota/samples/{Sample}/members.csv", Sample, "view"),
    ("post", "/quota/samples/{Sample}/reproduce", Sample, "view"),
    ("post", "/quota/samples/{Sample}/close", Sample, "manage"),
    ("get", "/quota/samples/{Sample}/members/{SampleMember}/replace", SampleMember, "view"),
    ("post", "/quota/samples/{Sample}/members/{SampleMember}/replace", SampleMember, "manage"),
    ("get", "/quota/designs/{SampleDesign}", SampleDesign, "view"),
    ("post", "/quota/designs/{SampleDesign}/draw", SampleDesign, "view"),
    ("post", "/quota/designs/{SampleDesign}/withdraw", SampleDesign, "manage"),
]


def test_every_object_route_asks_the_rule_about_its_object(app, objects, login, monkeypatch):
    client = login(Role.OFFICER)
    token = csrf_token_from(client, "/quota/samples/new")
    declared = app.extensions["features"].permissions
    for method, template, model, action in CASES:
        asked: list[tuple[type, int]] = []

        def deny(_actor, obj, asked=asked) -> bool:
            asked.append((type(obj), obj.id))
            return False

        for each in (Sample, SampleMember, SampleDesign):
            monkeypatch.setitem(declared, each, Rules(view=allow, manage=allow))
        monkeypatch.setitem(declared, model, Rules(view=deny if action == "view" else allow,
                                                   manage=deny if action == "manage" else allow))
        path = template.format(**{m.__name__: i for m, i in objects.items()})
        response = (client.get(path) if method == "get"
                    else client.post(path, data={"csrf_token": token, "resident_id": "1"}))
        assert response.status_code == 403, (path, response.status_code)
        assert asked == [(model, objects[model])], path
    # and nothing was done: no sample closed, no member replaced, no design drawn or withdrawn
    assert db.session.get(Sample, objects[Sample]).status == SampleStatus.OPEN
    assert db.session.get(SampleMember, objects[SampleMember]).role == MemberRole.SELECTED
    assert db.session.get(SampleDesign, objects[SampleDesign]).withdrawn_at is None
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_the_sample_list_shows_only_what_the_rules_let_one_see(app, objects, login,
                                                               monkeypatch):
    client = login(Role.OFFICER)
    page = client.get("/quota/samples").get_data(as_text=True)
    assert "Libraries survey" in page and "Ward walk design" in page
    declared = app.extensions["features"].permissions
    monkeypatch.setitem(declared, Sample, Rules(view=lambda _actor, _obj: False))
    monkeypatch.setitem(declared, SampleDesign, Rules(view=lambda _actor, _obj: False))
    page = client.get("/quota/samples").get_data(as_text=True)
    assert "Libraries survey" not in page and "Ward walk design" not in page


@pytest.mark.parametrize(("role", "sees", "withdraws"), [
    (Role.OFFICER, True, True), (Role.ORGANISER, True, False), (Role.RESIDENT, False, False)])
def test_core_permissions_answers_with_the_quota_rules(objects, make_user, role, sees,
                                                       withdraws):
    actor: User = make_user(role)
    sample = db.session.get(Sample, objects[Sample])
    design = db.session.get(SampleDesign, objects[SampleDesign])
    member = db.session.get(SampleMember, objects[SampleMember])
    assert can_view(actor, sample) is can_manage(actor, sample) is sees
    assert can_view(actor, member) is can_manage(actor, member) is sees
    assert can_view(actor, design) is sees and can_manage(actor, design) is withdraws
