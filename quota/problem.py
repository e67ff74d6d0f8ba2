"""What a draw is asked for and what it gives back: plain dataclasses and the domain errors.

PURE: no Flask, no SQLAlchemy. Person ids are ``str`` or ``int`` (all of one kind in a pool);
every result lists them in a canonical order so that the row order of the input never matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

PersonId = str | int


class QuotaInputError(ValueError):
    """The inputs do not make sense (an unknown category, a minimum above its maximum...).

    ``problems`` holds one plain-English sentence per problem found.
    """

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class QuotaConflict:
    """One quota that has to change before a draw is possible, and the smallest change found.

    ``kind`` is "minimum" or "maximum" (which bound of the quota to change) or "size" (the panel
    cannot be filled at all; ``dimension`` and ``category`` are then ``None``).
    """

    dimension: str | None
    category: str | None
    kind: str
    current: int
    suggested: int
    message: str


class QuotaInfeasible(Exception):
    """No panel meets every quota. ``problems`` say which quotas conflict and how to fix them."""

    def __init__(self, problems: Sequence[QuotaConflict]):
        self.problems = tuple(problems)
        super().__init__("\n".join(p.message for p in self.problems))


@dataclass(frozen=True)
class Pool:
    """The people who can be drawn, by column: ``ids[i]`` has ``profiles[dim][i]`` per dimension.

    ``households`` (optional) gives each person's household key; when given, at most one person per
    household is selected.
    """

    ids: Sequence[PersonId]
    profiles: Mapping[str, Sequence[str]]
    households: Sequence[str] | None = None

    def __post_init__(self) -> None:
        problems = []
        n = len(self.ids)
        for dimension, column in self.profiles.items():
            if len(column) != n:
                problems.append(f"{dimension}: {len(column)} answers for {n} people.")
        if self.households is not None and len(self.households) != n:
            problems.append(f"{len(self.households)} household keys for {n} people.")
        if len(set(self.ids)) != n:
            problems.append("Some people appear more than once (ids must be unique).")
        if len({type(i) for i in self.ids}) > 1:
            problems.append("Ids must all be numbers or all be text.")
        if problems:
            raise QuotaInputError(problems)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, object]], dimensions: Sequence[str], *,
                     id_key: str = "id", household_key: str | None = None) -> Pool:
        """Build a pool from row dicts, e.g. ``[{"id": 7, "sex": "female", ...}, ...]``."""
        rows = list(records)
        return cls(
            ids=[row[id_key] for row in rows],  # type: ignore[misc]
            profiles={d: [str(row[d]) for row in rows] for d in dimensions},
            households=None if household_key is None else [str(r[household_key]) for r in rows],
        )

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Quota:
    """At least ``min`` and at most ``max`` selected people have ``category`` on ``dimension``.

    ``target`` is the ideal (unrounded) number when the quota was made from a population share.
    """

    dimension: str
    category: str
    min: int
    max: int
    target: float | None = None


@dataclass(frozen=True)
class CategoryTally:
    """Achieved against target for one category of one dimension."""

    dimension: str
    category: str
    min: int
    max: int
    target: float | None
    achieved: int
    pool: int

    @property
    def met(self) -> bool:
        return self.min <= self.achieved <= self.max


@dataclass(frozen=True)
class Lottery:
    """A fair panel's lottery: panels (counted per group of interchangeable people) and weights.

    ``groups[j]`` lists the ids of people the maths cannot tell apart; ``panels[i][j]`` is how many
    of them panel ``i`` takes, chosen uniformly at random within the group when it is drawn.
    ``minimum`` is the smallest selection probability of anyone in the pool who can be selected
    at all and ``upper_bound`` the linear-programming bound that no lottery can beat; equal
    (within 1e-6) means optimal. ``unselectable`` counts the people no panel meeting the quotas
    can include (a category with a maximum of 0, or a home someone kept already lives in).
    """

    groups: tuple[tuple[PersonId, ...], ...]
    panels: tuple[tuple[int, ...], ...]
    weights: tuple[float, ...]
    probabilities: Mapping[PersonId, float]
    minimum: float
    upper_bound: float
    unselectable: int = 0


@dataclass(frozen=True)
class Selection:
    """The outcome of a draw: who is selected, reserves best first, and how quotas came out."""

    selected: tuple[PersonId, ...]
    reserves: tuple[PersonId, ...]
    tallies: tuple[CategoryTally, ...]
    seed: int
    algorithm: str
    timings: Mapping[str, float] = field(default_factory=dict)
    lottery: Lottery | None = None

    @property
    def quotas_met(self) -> bool:
        return all(t.met for t in self.tallies)


@dataclass(frozen=True)
class Replacement:
    """Who should replace a selected person who dropped out, and why."""

    person: PersonId
    from_reserves: bool
    reason: str
