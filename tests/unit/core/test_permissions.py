"""Object-level permissions (core.permissions): one place decides whether an actor may see or
act on an object; no rule means no."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import Forbidden

import core
from core.config import TestConfig
from core.features import Feature
from core.jobs.kinds import JobKind
from core.models import Job, Message, Role, User
from core.permissions import Rules, can_manage, can_view, require

OFFICERS = frozenset({Role.OFFICER})


@dataclass
class Thing:
    owner_id: int


class SpecialThing(Thing):
    pass


@dataclass
class Unruled:
    owner_id: int


def _nothing(_job, _progress) -> dict:  # noqa: ANN001
    return {}


def person(user_id: int, role: Role = Role.RESIDENT) -> User:
    return User(id=user_id, role=role, is_active_account=True)


THINGS = Feature(
    name="things",
    permissions={Thing: Rules(view=lambda actor, thing: thing.owner_id == actor.id
                              or actor.has_role(Role.OFFICER),
                              manage=lambda actor, thing: thing.owner_id == actor.id)},
    job_kinds=(
        JobKind("count-things", _nothing, roles=OFFICERS),
        JobKind("private-count", _nothing),  # no roles: its creator only
        JobKind("shared-count", _nothing, roles=OFFICERS,
                may_view=lambda actor, job: actor.role == Role.ORGANISER),
    ),
)


@pytest.fixture(autouse=True)
def app_context():  # noqa: ANN201
    app = core.create_app(TestConfig, features=[THINGS])
    with app.app_context():
        yield app


def test_an_object_with_no_rule_is_refused_to_everyone():
    admin = person(1, Role.ADMIN)
    thing = Unruled(owner_id=1)
    assert not can_view(admin, thing) and not can_manage(admin, thing)
    with pytest.raises(Forbidden):
        require(can_view(admin, thing))


def test_require_lets_an_allowed_actor_through():
    require(can_view(person(1), Thing(owner_id=1)))  # no exception


def test_someone_not_signed_in_is_refused_even_where_the_rule_would_allow():
    class Visitor(AnonymousUserMixin):
        id = 1
        role = Role.ADMIN

        def has_role(self, *_roles: Role) -> bool:
            return True

    for obj in (Thing(owner_id=1), Message(), Job(kind="count-things", created_by_id=1)):
        assert not can_view(Visitor(), obj)
        assert not can_manage(Visitor(), obj)
    assert not can_view(None, Thing(owner_id=1))
    with pytest.raises(Forbidden):
        require(can_view(None, Thing(owner_id=1)))


def test_the_rules_a_feature_declares_are_used():
    owner, other, officer = person(1), person(2), person(3, Role.OFFICER)
    thing = Thing(owner_id=1)
    assert can_view(owner, thing) and can_manage(owner, thing)
    assert can_view(officer, thing) and not can_manage(officer, thing)
    assert not can_view(other, thing) and not can_manage(other, thing)


def test_a_subclass_follows_the_rule_of_its_parent():
    assert can_view(person(1), SpecialThing(owner_id=1))
    assert not can_view(person(2), SpecialThing(owner_id=1))


def test_without_a_manage_rule_whoever_may_view_may_act():
    app = core.create_app(TestConfig, features=[Feature(
        name="notes", permissions={Unruled: Rules(view=lambda a, o: o.owner_id == a.id)})])
    with app.app_context():
        assert can_manage(person(1), Unruled(owner_id=1))
        assert not can_manage(person(2), Unruled(owner_id=1))


def test_a_job_is_visible_to_its_creator_and_to_the_roles_its_kind_names():
    job = Job(kind="count-things", created_by_id=5)
    assert can_view(person(5), job)                       # its creator (a resident)
    assert can_view(person(6, Role.OFFICER), job)         # a role the kind names
    assert can_view(person(7, Role.ADMIN), job)           # admins may do what staff may
    assert not can_view(person(8), job)                   # another resident
    assert not can_view(person(9, Role.ORGANISER), job)   # a staff role the kind does not name


def test_a_job_whose_kind_names_no_role_is_its_creators_alone():
    job = Job(kind="private-count", created_by_id=5)
    assert can_view(person(5), job)
    assert not can_view(person(6, Role.OFFICER), job)
    assert not can_view(person(7, Role.ADMIN), job)


def test_a_kinds_own_may_view_rule_replaces_the_default():
    job = Job(kind="shared-count", created_by_id=5)
    assert can_view(person(6, Role.ORGANISER), job)
    assert not can_view(person(5), job)                    # even its creator
    assert not can_view(person(7, Role.OFFICER), job)


def test_a_job_of_a_kind_no_feature_declares_is_refused():
    job = Job(kind="no-such-kind", created_by_id=5)
    assert not can_view(person(5), job)
    assert not can_view(person(7, Role.ADMIN), job)


def test_no_feature_may_redefine_who_sees_the_hosts_objects():
    def everyone(_actor: User, _obj: object) -> bool:
        return True

    for model in (Job, Message, User):
        with pytest.raises(ValueError, match="permission rule for"):
            core.create_app(TestConfig, features=[Feature(
                name="greedy", permissions={model: Rules(view=everyone)})])


def test_the_outbox_is_for_admins_and_an_account_for_its_owner_and_admins():
    message = Message()
    assert can_view(person(1, Role.ADMIN), message)
    assert not can_view(person(2, Role.OFFICER), message)
    account = person(3)
    assert can_view(account, account) and can_view(person(1, Role.ADMIN), account)
    assert not can_view(person(4, Role.OFFICER), account)
