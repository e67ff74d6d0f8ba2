"""From a pool to groups of interchangeable people. PURE.

People with the same categories on every quota dimension are interchangeable: any panel stays
valid when one is swapped for another, so a draw only has to decide *how many* to take from each
such group and can then choose uniformly at random within it. With the one-per-household rule the
same holds for households with the same make-up (the sorted list of their members' profiles): a
group is then (household make-up, member profile), at most one person per household is taken, and
a household row caps the people taken from households of one make-up. Without the rule every
person is a household of one, so groups are simply profiles.

Everything is put in a canonical order first (people by id, groups by profile), so the same pool
in any row order gives the same instance and, with the same seed, the same draw.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from quota.polytope import Polytope
from quota.problem import CategoryTally, PersonId, Pool, Quota, QuotaInputError


@dataclass(frozen=True)
class Instance:
    ids: tuple[PersonId, ...]        # people in canonical order (sorted by id)
    dimensions: tuple[str, ...]
    quotas: tuple[Quota, ...]        # one per (dimension, category): the first rows of `polytope`
    codes: np.ndarray                # (people, dimensions): category index of each person
    row_of: np.ndarray               # (people, dimensions): quota row of each person's categories
    household: np.ndarray            # household index per person (own index without the rule)
    panel_size: int
    kept: np.ndarray                 # people who must stay in the panel
    kept_tally: np.ndarray           # kept people per quota
    group_of: np.ndarray             # group per person; -1 if kept or sharing a kept household
    capacity: np.ndarray             # people per group
    slots: tuple[np.ndarray, ...]    # per group: (households, members of that profile) -> person
    signature: np.ndarray            # household make-up per group (groups sharing one compete)
    polytope: Polytope               # the panels of the places left, counted per group

    @property
    def size(self) -> int:
        """Places left once the kept people are in."""
        return self.panel_size - len(self.kept)

    @property
    def has_households(self) -> bool:
        return bool(np.any(np.bincount(self.household) > 1))

    def quota_label(self, row: int) -> str:
        q = self.quotas[row]
        return f"{q.dimension} {q.category}"

    def tally(self, people: Iterable[int]) -> np.ndarray:
        """Selected people per quota (``people`` in canonical indices, kept people included)."""
        rows = self.row_of[np.asarray(list(people), dtype=int)].ravel()
        return np.bincount(rows, minlength=len(self.quotas))

    def tallies(self, people: Sequence[int]) -> tuple[CategoryTally, ...]:
        achieved = self.tally(people)
        in_pool = np.bincount(self.row_of.ravel(), minlength=len(self.quotas))
        return tuple(CategoryTally(q.dimension, q.category, q.min, q.max, q.target,
                                   int(achieved[r]), int(in_pool[r]))
                     for r, q in enumerate(self.quotas))

    def choose_people(self, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """People for a panel of ``counts`` per group, uniformly at random among valid choices.

        Households of one make-up are shuffled and dealt to that make-up's groups in turn; within
        a chosen household the member of the group's profile is picked at random.
        """
        chosen = [self.kept]
        if not len(self.signature):
            return np.sort(self.kept)
        bounds = np.flatnonzero(np.diff(self.signature)) + 1
        for groups in np.split(np.arange(len(self.signature)), bounds):
            order = rng.permutation(len(self.slots[groups[0]]))
            start = 0
            for g in groups:
                rows = order[start:start + counts[g]]
                start += counts[g]
                members = self.slots[g]
                chosen.append(members[rows, rng.integers(members.shape[1], size=len(rows))])
        return np.sort(np.concatenate(chosen).astype(int))


def canonical_quotas(quotas: Iterable[Quota]) -> tuple[Quota, ...]:
    quotas = sorted(quotas, key=lambda q: (q.dimension, q.category))
    problems = []
    seen = set()
    for q in quotas:
        key = (q.dimension, q.category)
        if key in seen:
            problems.append(f"{q.dimension} {q.category}: more than one quota.")
        seen.add(key)
        if q.min < 0:
            problems.append(f"{q.dimension} {q.category}: the minimum cannot be negative.")
        if q.min > q.max:
            problems.append(f"{q.dimension} {q.category}: the minimum ({q.min}) is more than "
                            f"the maximum ({q.max}).")
    if not quotas:
        problems.append("There are no quotas.")
    if problems:
        raise QuotaInputError(problems)
    return tuple(quotas)


def build_instance(pool: Pool, quotas: Iterable[Quota], size: int,
                   kept: Iterable[PersonId] = ()) -> Instance:
    quotas = canonical_quotas(quotas)
    dimensions = tuple(dict.fromkeys(q.dimension for q in quotas))
    order = sorted(range(len(pool)), key=pool.ids.__getitem__)
    ids = tuple(pool.ids[i] for i in order)
    codes, row_of = _codes(pool, order, quotas, dimensions)
    household = _households(pool, order)
    kept_idx = _kept(ids, household, kept, size)
    blocked = np.isin(household, household[kept_idx])
    kept_tally = np.bincount(row_of[kept_idx].ravel(), minlength=len(quotas))
    groups = _groups(np.flatnonzero(~blocked), codes, household)
    group_of = np.full(len(ids), -1)
    for g, members in enumerate(groups.slots):
        group_of[members.ravel()] = g
    polytope = _polytope(groups, row_of, quotas, kept_tally, size - len(kept_idx))
    return Instance(ids, dimensions, quotas, codes, row_of, household, size, kept_idx,
                    kept_tally, group_of, groups.capacity, groups.slots, groups.signature,
                    polytope)


def _codes(pool: Pool, order: list[int], quotas: tuple[Quota, ...],
           dimensions: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    problems = []
    codes = np.zeros((len(order), len(dimensions)), dtype=int)
    row_of = np.zeros_like(codes)
    first_row = 0
    for d, dimension in enumerate(dimensions):
        categories = [q.category for q in quotas if q.dimension == dimension]
        if dimension not in pool.profiles:
            problems.append(f"{dimension}: there is a quota for it but the pool has no such "
                            "column.")
            first_row += len(categories)
            continue
        column = pool.profiles[dimension]
        index = {c: i for i, c in enumerate(categories)}
        # each distinct answer once; answers without a quota get codes of their own below zero
        code_of = {v: index.get(str(v), -1 - k) for k, v in enumerate(dict.fromkeys(column))}
        code = np.fromiter(map(code_of.__getitem__, column), dtype=int, count=len(column))
        unknown = [v for v, c in code_of.items() if c < 0]
        for value in sorted(unknown, key=str):
            count = int(np.sum(code == code_of[value]))
            problems.append(f"{dimension}: {count} {'person has' if count == 1 else 'people have'}"
                            f" '{value}', which has no quota (add a row for it; minimum 0 and "
                            "maximum 0 leaves them out).")
        if not unknown:
            codes[:, d] = code[order]
            row_of[:, d] = first_row + codes[:, d]
        first_row += len(categories)
    if problems:
        raise QuotaInputError(problems)
    return codes, row_of


def _households(pool: Pool, order: list[int]) -> np.ndarray:
    if pool.households is None:
        return np.arange(len(order))
    keys = [pool.households[i] for i in order]
    index: dict[str, int] = {}
    return np.array([index.setdefault(k, len(index)) for k in keys], dtype=int)


def _kept(ids: tuple[PersonId, ...], household: np.ndarray, kept: Iterable[PersonId],
          size: int) -> np.ndarray:
    position = {pid: i for i, pid in enumerate(ids)}
    kept = list(kept)
    problems = [f"Kept person {pid} is not in the pool." for pid in kept if pid not in position]
    if len(set(kept)) != len(kept):
        problems.append("A kept person is listed twice.")
    if size < 1:
        problems.append("The panel size must be at least 1.")
    if len(set(kept)) > size:
        problems.append(f"{len(set(kept))} people are kept but the panel has {size} places.")
    if problems:
        raise QuotaInputError(problems)
    idx = np.array(sorted({position[pid] for pid in kept}), dtype=int)
    if len(set(household[idx])) < len(idx):
        raise QuotaInputError(["Two kept people share a household."])
    return idx


@dataclass(frozen=True)
class _Groups:
    profile: np.ndarray      # representative person per group (for its categories)
    capacity: np.ndarray
    limit: np.ndarray
    slots: tuple[np.ndarray, ...]
    signature: np.ndarray


def _groups(available: np.ndarray, codes: np.ndarray, household: np.ndarray) -> _Groups:
    """Group the available people by (household make-up, own profile), in canonical order."""
    type_of = profile_index(codes[available])
    homes = household[available]
    alone = np.bincount(homes)[homes] == 1
    tables: dict[tuple[int, ...], list[np.ndarray]] = {}
    singles = available[alone]
    single_type = type_of[alone]
    by_type = np.argsort(single_type, kind="stable")
    bounds = np.flatnonzero(np.diff(single_type[by_type])) + 1
    for people in np.split(singles[by_type], bounds) if len(singles) else []:
        tables[(int(type_of[np.searchsorted(available, people[0])]),)] = [people[:, None]]
    shared: dict[int, list[int]] = defaultdict(list)
    for person in available[~alone].tolist():
        shared[int(household[person])].append(person)
    type_of_person = dict(zip(available.tolist(), type_of.tolist(), strict=True))
    homes_by_signature: dict[tuple[int, ...], list[list[int]]] = defaultdict(list)
    for members in shared.values():
        homes_by_signature[tuple(sorted(type_of_person[p] for p in members))].append(members)
    for sig, homes_of in homes_by_signature.items():
        tables[sig] = [np.array([[p for p in members if type_of_person[p] == t]
                                 for members in homes_of], dtype=int) for t in sorted(set(sig))]
    profile, capacity, limit, slots, signature = [], [], [], [], []
    for s, sig in enumerate(sorted(tables)):
        # households by their first member, in the same order in every table of the make-up:
        # row k of each table is household k, so dealing rows never takes two from one home
        if len(sig) > 1:  # (people living alone are in id order already)
            first = np.min([table.min(axis=1) for table in tables[sig]], axis=0)
            order = np.argsort(first, kind="stable")
            tables[sig] = [table[order] for table in tables[sig]]
        for table in tables[sig]:
            profile.append(table[0, 0])
            capacity.append(table.size)
            limit.append(len(table))
            slots.append(table)
            signature.append(s)
    return _Groups(np.array(profile, dtype=int), np.array(capacity, dtype=int),
                   np.array(limit, dtype=float), tuple(slots), np.array(signature, dtype=int))


def profile_index(codes: np.ndarray) -> np.ndarray:
    """Index of each row's profile among the distinct profiles, sorted (canonical)."""
    if not len(codes):
        return np.zeros(0, dtype=int)
    radix = codes.max(axis=0) + 1
    if np.sum(np.log2(radix)) < 62:  # one integer per profile: much faster than unique rows
        keys = codes @ np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]])
        return np.unique(keys, return_inverse=True)[1].ravel()
    return np.unique(codes, axis=0, return_inverse=True)[1].ravel()


def _polytope(groups: _Groups, row_of: np.ndarray, quotas: tuple[Quota, ...],
              kept_tally: np.ndarray, places: int) -> Polytope:
    q = len(quotas)
    shared = np.bincount(groups.signature) > 1
    household_row = np.cumsum(shared) - 1 + q + 1       # row of each shared make-up
    columns = []
    for g, person in enumerate(groups.profile):
        rows = list(row_of[person]) + [q]
        if shared[groups.signature[g]]:
            rows.append(household_row[groups.signature[g]])
        columns.append(rows)
    counts = np.array([len(c) for c in columns], dtype=int)
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(int)
    rows = np.concatenate(columns).astype(int) if columns else np.zeros(0, dtype=int)
    limits = np.array([groups.limit[np.flatnonzero(groups.signature == s)[0]]
                       for s in np.flatnonzero(shared)])
    row_lower = np.concatenate([[max(0, x.min - k) for x, k in zip(quotas, kept_tally,
                                                                   strict=True)],
                                [places], np.zeros(len(limits))]).astype(float)
    row_upper = np.concatenate([[x.max - k for x, k in zip(quotas, kept_tally, strict=True)],
                                [places], limits]).astype(float)
    return Polytope(groups.limit.astype(float), starts, rows, np.ones(len(rows)),
                    row_lower, row_upper)
