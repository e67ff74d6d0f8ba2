"""Putting reference data in the database: the profile questions and their answers (with the
council's wards as a derived question) and population target sets, from parsed specs and rows
(``panel.reference_data``). Used by the demo seed, target-set imports and tests. No commits.
"""

from __future__ import annotations

from sqlalchemy import select

from core.errors import DomainError
from core.extensions import db
from panel.models import Category, Dimension, Target, TargetSet
from panel.reference_data import (
    PREFER_NOT_TO_SAY,
    CategorySpec,
    DimensionSpec,
    TargetRow,
    Ward,
)


def ward_dimension(wards: list[Ward]) -> DimensionSpec:
    """The council's wards as a derived dimension (category key = ONS ward code)."""
    return DimensionSpec(
        key="ward", label="Ward", question="Which ward do you live in?",
        hint="We work this out from your postcode.",
        why="So we can hear from every part of the borough, not just some neighbourhoods.",
        source="derived", special_category=False,
        categories=(*(CategorySpec(w.code, w.name) for w in wards),
                    CategorySpec(PREFER_NOT_TO_SAY, "Prefer not to say", prefer_not_to_say=True)),
    )


DimensionIds = dict[str, tuple[int, dict[str, int]]]  # key -> (id, category key -> id)


def install_dimensions(specs: list[DimensionSpec]) -> DimensionIds:
    """Add the dimensions and categories that are not there yet (matched by key); no commit."""
    existing = {d.key: d for d in db.session.scalars(select(Dimension))}
    for position, spec in enumerate(specs):
        dimension = existing.get(spec.key)
        if dimension is None:
            dimension = Dimension(
                key=spec.key, label=spec.label, question=spec.question, hint=spec.hint,
                why=spec.why, source=spec.source, special_category=spec.special_category,
                position=position)
            db.session.add(dimension)
            existing[spec.key] = dimension
        have = {c.key for c in dimension.categories}
        for number, category in enumerate(spec.categories):
            if category.key not in have:
                dimension.categories.append(Category(
                    key=category.key, label=category.label, group_label=category.group_label,
                    prefer_not_to_say=category.prefer_not_to_say, position=number))
    db.session.flush()
    return {s.key: (existing[s.key].id, {c.key: c.id for c in existing[s.key].categories})
            for s in specs}


def install_target_set(name: str, source: str, rows: list[TargetRow], ids: DimensionIds,
                       is_default: bool = True) -> TargetSet:
    """A target set from parsed rows; unknown dimensions or categories are refused. No commit."""
    if db.session.scalar(select(TargetSet.id).where(TargetSet.name == name)) is not None:
        raise DomainError(f"There is already a target set called {name}")
    target_set = TargetSet(name=name, source=source, is_default=is_default)
    for row in rows:
        if row.dimension not in ids or row.category not in ids[row.dimension][1]:
            raise DomainError(f"{row.dimension} {row.category} is not a profile category")
        dimension_id, categories = ids[row.dimension]
        target_set.targets.append(Target(
            dimension_id=dimension_id, category_id=categories[row.category], share=row.share,
            count=row.count, note=row.note))
    db.session.add(target_set)
    db.session.flush()
    return target_set
