"""How sample pages name people: the name, a short reference and the ward, so that two members
called the same ("Jan Balogh") can be told apart. Never a special-category answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from core.extensions import db
from panel.models import Category, Dimension, ProfileAnswer, Resident
from quota.pool import WARD


@dataclass(frozen=True)
class Person:
    resident_id: int | None
    name: str
    reference: str = ""
    ward: str = ""

    def __str__(self) -> str:
        details = ", ".join(p for p in (self.reference, self.ward) if p)
        return f"{self.name} ({details})" if details else self.name


ERASED = Person(None, "Erased member")


def reference(resident_id: int) -> str:
    """A short reference for a member, e.g. "R-00123" (their resident id)."""
    return f"R-{resident_id:05d}"


def people(ids: Iterable[int | None]) -> dict[int, Person]:
    """resident id -> Person for the ``ids`` that still exist (an erased member is absent)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    names = db.session.execute(select(Resident.id, Resident.first_name, Resident.last_name)
                               .where(Resident.id.in_(wanted))).all()
    wards = dict(db.session.execute(
        select(ProfileAnswer.resident_id, Category.label)
        .join(Category, Category.id == ProfileAnswer.category_id)
        .join(Dimension, Dimension.id == ProfileAnswer.dimension_id)
        .where(Dimension.key == WARD, ProfileAnswer.resident_id.in_(wanted))).all())
    return {rid: Person(rid, f"{first} {last}".strip() or f"Member {rid}", reference(rid),
                        wards.get(rid, "Ward not known"))
            for rid, first, last in names}


def person(resident_id: int | None) -> Person:
    """One member as a sample page names them ("Erased member" if they have gone)."""
    if resident_id is None:
        return ERASED
    return people([resident_id]).get(resident_id, ERASED)
