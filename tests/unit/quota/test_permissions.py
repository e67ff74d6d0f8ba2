"""The object-level rules quota declares (core.permissions asks them): officers and organisers
see and act on samples, their members and approved designs; only an officer withdraws a design;
residents see none of them."""

from __future__ import annotations

import pytest

from core.models import Role, User
from quota.feature import FEATURE
from quota.models import Sample, SampleDesign, SampleMember

RULES = FEATURE.permissions


def may(action: str, role: Role, obj: object) -> bool:
    rules = RULES[type(obj)]
    rule = rules.view if action == "view" else (rules.manage or rules.view)
    return rule(User(role=role), obj)


def test_every_quota_object_a_route_loads_has_a_rule():
    assert set(RULES) == {Sample, SampleDesign, SampleMember}


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.OFFICER, True), (Role.ORGANISER, True), (Role.ADMIN, True), (Role.RESIDENT, False)])
def test_staff_see_and_act_on_samples_and_their_members(role, allowed):
    sample = Sample()
    member = SampleMember(sample=sample)
    for action in ("view", "manage"):
        assert may(action, role, sample) is allowed
        assert may(action, role, member) is allowed
    assert may("view", role, SampleDesign()) is allowed


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.OFFICER, True), (Role.ADMIN, True), (Role.ORGANISER, False), (Role.RESIDENT, False)])
def test_only_an_officer_withdraws_a_design(role, allowed):
    assert may("manage", role, SampleDesign()) is allowed


def test_a_member_is_seen_by_whoever_may_see_its_sample(monkeypatch):
    from quota import access

    asked = []
    monkeypatch.setattr(access, "may_see_sample",
                        lambda actor, sample: asked.append(sample) or False)
    sample = Sample()
    assert access.may_see_member(User(role=Role.OFFICER), SampleMember(sample=sample)) is False
    assert asked == [sample]
