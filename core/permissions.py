"""Object-level permissions, in one place: may this actor see, or act on, this object?

Each feature declares ``Rules`` for its models (``Feature.permissions``); the host declares its
own (jobs, messages, accounts). Every route that loads an object asks
``require(can_view(actor, obj))`` or ``require(can_manage(actor, obj))`` after its role check.
An object of a type with no rule is refused: a forgotten rule shows up as a 403, never a leak.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app

from core.models import Job, Message, Role, User

Rule = Callable[[Any, Any], bool]  # (actor, object) -> allowed


@dataclass(frozen=True)
class Rules:
    view: Rule
    manage: Rule | None = None  # None: whoever may view may also act


def _rules_for(obj: Any) -> Rules | None:
    declared = current_app.extensions["features"].permissions
    return next((declared[cls] for cls in type(obj).__mro__ if cls in declared), None)


def _signed_in(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def can_view(actor: Any, obj: Any) -> bool:
    rules = _rules_for(obj)
    return rules is not None and _signed_in(actor) and rules.view(actor, obj)


def can_manage(actor: Any, obj: Any) -> bool:
    rules = _rules_for(obj)
    if rules is None or not _signed_in(actor):
        return False
    return (rules.manage or rules.view)(actor, obj)


def require(allowed: bool) -> None:
    """Abort with 403 unless ``allowed``: ``require(can_view(current_user, sample))``."""
    if not allowed:
        abort(403)


# --- the host's own objects (declared by the host's feature, so no feature redefines them) ----

def _job(actor: User, job: Job) -> bool:
    """Whoever started a job may watch it; so may anyone holding a role its kind names."""
    kind = current_app.extensions["features"].job_kinds.get(job.kind)
    if kind is None:
        return False
    if kind.may_view is not None:
        return kind.may_view(actor, job)
    return job.created_by_id == actor.id or bool(kind.roles) and actor.has_role(*kind.roles)


HOST_RULES: dict[type, Rules] = {
    Job: Rules(view=_job),
    Message: Rules(view=lambda actor, _message: actor.has_role(Role.ADMIN)),
    User: Rules(view=lambda actor, user: actor.id == user.id or actor.has_role(Role.ADMIN)),
}
