"""Who may see and act on samples, and who may use special-category questions in them.

Samples, their members and approved designs: officers and organisers (and admins) see them and
act on them (draw, reproduce, replace, close); only an officer withdraws a design. These are the
object-level rules ``quota.feature`` declares to ``core.permissions``.

Only officers (and admins) may set quotas on, or see answers to, special-category questions
(ethnicity, disability, religion, sexual orientation). An organiser's draw may use such quotas
only through a design an officer approved, and never shows them the answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.models import Role, User
from quota.models import Sample, SampleDesign, SampleMember
from quota.pool import SampleSpec, private_dimensions
from quota.problem import Quota

STAFF = (Role.OFFICER, Role.ORGANISER)


def may_see_sample(actor: User, _sample: Sample | SampleDesign) -> bool:
    """Officers and organisers see every sample and design; what an organiser sees of its
    special-category questions is decided by ``hidden_dimensions`` on each page."""
    return actor.has_role(*STAFF)


def may_see_member(actor: User, member: SampleMember) -> bool:
    """A sample's members are seen (and replaced) by whoever may see the sample."""
    return may_see_sample(actor, member.sample)


def may_withdraw_design(actor: User, _design: SampleDesign) -> bool:
    """An officer approved it; an officer withdraws it (organisers may only draw it)."""
    return actor.has_role(Role.OFFICER)


def sees_special_category(user: User | None) -> bool:
    """Officers and admins; never organisers (``None``: the command line, an officer's tool)."""
    return user is None or user.has_role(Role.OFFICER)


def special_category_refusal(labels: Iterable[str]) -> str:
    names = " or ".join(labels)
    return (f"Only an engagement officer can match on {names}: it is special-category data. "
            "Ask an officer to approve a sample design that uses it; you can then draw that "
            "design from the list of approved designs on the Samples page.")


def special_category_use(spec: SampleSpec, quotas: Iterable[Quota]) -> dict[str, Any]:
    """What a design asked of special-category questions, for the audit row ({} if nothing)."""
    private = private_dimensions(spec.dimensions)
    if not private:
        return {}
    return {"special_category_questions": list(private),
            "quotas": [[q.dimension, q.category, q.min, q.max] for q in quotas
                       if q.dimension in private]}


def design_spec(design: SampleDesign) -> SampleSpec:
    return SampleSpec.from_json({**design.spec, "seed": None, "name": design.name})


def hidden_dimensions(user: User | None, keys: Iterable[str]) -> frozenset[str]:
    """The special-category dimensions among ``keys`` that ``user`` must not see answers to."""
    if sees_special_category(user):
        return frozenset()
    return frozenset(private_dimensions(list(keys)))
