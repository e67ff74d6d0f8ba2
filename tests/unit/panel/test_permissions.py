"""The e-panel's object-level rules (``panel.feature.PERMISSIONS``), one by one."""

from __future__ import annotations

import pytest

from core.models import Role, Upload, User
from panel.feature import PERMISSIONS
from panel.models import Category, Dimension, Resident, TargetSet

ROLES = (Role.RESIDENT, Role.ORGANISER, Role.OFFICER, Role.ADMIN)


def actor(role: Role, user_id: int = 1) -> User:
    return User(id=user_id, role=role, email=f"{role.value}@example.org")


def may(role: Role, obj: object, *, manage: bool = False, user_id: int = 1) -> bool:
    rules = PERMISSIONS[type(obj)]
    rule = (rules.manage or rules.view) if manage else rules.view
    return rule(actor(role, user_id), obj)


def allowed(obj: object, *, manage: bool = False, user_id: int = 1) -> set[Role]:
    return {role for role in ROLES if may(role, obj, manage=manage, user_id=user_id)}


def test_a_resident_is_seen_and_changed_by_officers_and_by_themselves_only():
    record = Resident(user_id=7)
    assert allowed(record) == allowed(record, manage=True) == {Role.OFFICER, Role.ADMIN}
    assert may(Role.RESIDENT, record, user_id=7) and may(Role.RESIDENT, record, user_id=7,
                                                         manage=True)
    assert not may(Role.ORGANISER, record, user_id=8)


def test_every_member_of_staff_sees_target_sets_and_officers_change_them():
    target_set = TargetSet(name="Census 2021")
    assert allowed(target_set) == {Role.ORGANISER, Role.OFFICER, Role.ADMIN}
    assert allowed(target_set, manage=True) == {Role.OFFICER, Role.ADMIN}


@pytest.mark.parametrize("obj", [Dimension(key="sex"), Category(key="female")])
def test_everyone_sees_profile_questions_and_admins_change_them(obj):
    assert allowed(obj) == set(ROLES)
    assert allowed(obj, manage=True) == {Role.ADMIN}


def test_an_uploaded_file_is_for_its_uploader_and_officers():
    upload = Upload(filename="panel.csv", uploaded_by_id=3)
    assert allowed(upload, user_id=9) == allowed(upload, manage=True, user_id=9) == {
        Role.OFFICER, Role.ADMIN}
    assert may(Role.ORGANISER, upload, user_id=3)
    assert not may(Role.RESIDENT, upload, user_id=9)
