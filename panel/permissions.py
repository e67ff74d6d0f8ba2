"""Object-level rules, in one place. Routes call these after loading an object."""

from __future__ import annotations

from flask import abort

from panel.models import Resident, Role, User


def can_view_resident(actor: User, resident: Resident) -> bool:
    """Officers and admins see panel members; a resident sees only their own record."""
    if actor.has_role(Role.OFFICER):
        return True
    return resident.user_id == actor.id


def can_manage_panel(actor: User) -> bool:
    return actor.has_role(Role.OFFICER)


def require(allowed: bool) -> None:
    """Abort with 403 unless ``allowed``: ``require(can_view_resident(user, resident))``."""
    if not allowed:
        abort(403)
