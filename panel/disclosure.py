"""What may be shown of a table of counts to anyone but the officer who owns the data. PURE.

DESIGN §6b: every figure shown to others passes this one function, ``protect``, and no group
under the threshold can be worked out from the figures around it: base sizes, percentages,
zeros and totals.

A table is given as *quantities* (cells, bases, totals: each a whole number of people) and the
*sums* that tie them (``total = part + part + …``). ``protect`` decides which quantities may be
printed:

1. **Primary**: a group of 1 to ``threshold − 1`` people is hidden.
2. **Audit**: for each hidden small group, the smallest and largest value it could have, given
   every printed quantity and every sum (linear programmes, HiGHS). It is safe only if that
   range holds more than one value and reaches the threshold: then no reader can tell its size,
   nor even that it is a small group. A hidden 1 beside a printed total, or two hidden cells of
   1 and 2 whose sum a total gives away, fail. The ``known`` totals are printed whatever is
   hidden and may bound a group (one of 4 responses is at most 4): the range need only reach
   as far as they allow (``min(threshold, largest value given the known totals alone)``), and
   may be one value only if they alone pin it.
3. **Secondary**: while some small group fails, one more quantity is hidden and the audit goes
   on. It is taken from the sums that pin a hidden quantity alone (the group's own, or those of
   the hidden quantities beside it): preferably one that un-pins several such sums at once,
   then the smallest non-empty one (a zero only if nothing else is left). Failing that, the
   smallest that shares a sum with the group. Hiding more only widens every range, so a group
   found safe stays safe; at worst every quantity but the grand total is hidden, and then each
   range is 0 to the grand total.

A percentage may be printed only if its part and its whole may (``Disclosure.shows_all``); a
rounded percentage of a printed whole says no more than the part itself. Weighted shares and
intervals follow their unweighted count.

Quantities that are not groups of people (how many answered a question, how many did not) are
never primary and never audited, but they can be hidden as partners. ``known`` quantities are
printed whatever happens (the number of responses); ``kept_hidden`` are hidden already by
another table on the same page and stay hidden (and audited), so linked tables are protected
together. ``never_shown`` quantities are printed nowhere (people in a group who skipped a
question); they are unknowns of the sums.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

Key = Hashable
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Disclosure:
    """Which quantities of a table are hidden; the rest may be printed."""

    hidden: frozenset
    threshold: int

    def shows(self, key: Key) -> bool:
        return key not in self.hidden

    def shows_all(self, *keys: Key) -> bool:
        """True if every one of ``keys`` may be printed (a percentage: its part and whole)."""
        return all(key not in self.hidden for key in keys)


def protect(values: Mapping[Key, int], sums: Iterable[tuple[Key, Sequence[Key]]],
            threshold: int, *, known: Iterable[Key] = (), not_groups: Iterable[Key] = (),
            never_shown: Iterable[Key] = (), kept_hidden: Iterable[Key] = ()) -> Disclosure:
    """Which of ``values`` to hide so that no small group can be worked out (module docstring).

    ``values``: every quantity's true count. ``sums``: (total, parts) for each sum the reader
    knows holds. Every key in ``sums`` must be in ``values``.
    """
    if threshold < 1:
        raise ValueError("the threshold must be 1 or more")
    values = {key: int(value) for key, value in values.items()}
    sums = [(total, tuple(parts)) for total, parts in sums]
    known, not_groups = set(known), set(not_groups) | set(never_shown)
    kept_hidden = set(kept_hidden)
    if known & (kept_hidden | set(never_shown)):
        raise ValueError("a quantity cannot be both printed and hidden")
    groups = [key for key in values if key not in not_groups]
    hidden = set(never_shown) | kept_hidden | {
        key for key in groups if 0 < values[key] < threshold and key not in known}
    grand_total = max(values.values(), default=0)
    ceiling = Ranges(values, sums, set(values) - known, grand_total)
    neighbours = _neighbours(sums)
    safe: set[Key] = set()
    while True:
        small = [key for key in values if key in hidden and key in groups
                 and 0 < values[key] < threshold and key not in safe]
        ranges = Ranges(values, sums, hidden, grand_total)
        exposed = next((key for key in small if not _wide(
            key, ranges, ceiling, threshold, _alone_in_a_sum(key, sums, hidden))), None)
        safe.update(small if exposed is None else small[:small.index(exposed)])
        if exposed is None:
            return Disclosure(frozenset(hidden), threshold)
        partner = _partner(exposed, values, sums, neighbours, hidden, known)
        if partner is None:  # only printed-anyway figures are left: nothing more to hide
            return Disclosure(frozenset(hidden), threshold)
        hidden.add(partner)


def _neighbours(sums: list[tuple[Key, tuple[Key, ...]]]) -> dict[Key, list[Key]]:
    """Each quantity's companions in the sums it is part of, in the order given."""
    out: dict[Key, list[Key]] = {}
    for total, parts in sums:
        members = (total, *parts)
        for key in members:
            out.setdefault(key, []).extend(k for k in members if k != key)
    return out


def _partner(key: Key, values: dict, sums: list, neighbours: dict, hidden: set,
             known: set) -> Key | None:
    """The next quantity to hide so that ``key`` is no longer worked out (module docstring)."""
    def free(pool):
        return [k for k in dict.fromkeys(pool) if k not in hidden and k not in known]

    near = {key, *(k for k in neighbours.get(key, []) if k in hidden)}
    lonely = [members for total, parts in sums
              for members in [(total, *parts)]
              if sum(k in hidden for k in members) == 1 and near & set(members)]
    if candidates := free(k for members in lonely for k in members):
        return min(candidates, key=lambda k: (-sum(k in m for m in lonely), values[k] == 0,
                                              values[k]))
    for pool in (neighbours.get(key, []), list(values)):
        if candidates := free(pool):
            return min(candidates, key=lambda k: (values[k] == 0, values[k]))
    return None


def _alone_in_a_sum(key: Key, sums: list, hidden: set) -> bool:
    """Pinned at a glance: the only hidden quantity of a sum (the sum gives it back)."""
    return any(key in members and sum(k in hidden for k in members) == 1
               for total, parts in sums for members in [(total, *parts)])


def _wide(key: Key, ranges: Ranges, ceiling: Ranges, threshold: int, alone: bool) -> bool:
    """Whether ``key``'s range is as wide as the threshold asks, or as the known totals let
    it be (``ceiling``: its range when nothing but them is printed)."""
    least, most = ceiling.of(key)
    if alone and least < most:  # pinned by a sum, though it need not be
        return False
    low, high = ranges.of(key)
    return (low < high or least == most) and high >= min(threshold, most)


class Ranges:
    """The smallest and largest value each hidden quantity can take, given the printed
    quantities (those not ``hidden``) and the sums, every quantity from 0 to ``upper``.

    One linear programme, solved twice per quantity asked about. The sums' matrix is that of a
    table with its margins (and of tables linked through them), whose vertices are whole
    numbers, so the linear bounds are the whole-number bounds (the property test checks them
    with integer programmes)."""

    def __init__(self, values: Mapping[Key, int], sums: list, hidden: set, upper: int):
        self.unknowns = [k for k in values if k in hidden]
        self.position = {k: i for i, k in enumerate(self.unknowns)}
        h = self.highs = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", 0)
        n = len(self.unknowns)
        h.addVars(n, np.zeros(n), np.full(n, float(upper)))
        for total, parts in sums:
            terms: dict[int, float] = {}
            constant = 0.0
            for k, sign in ((total, -1.0), *((p, 1.0) for p in parts)):
                if k in self.position:
                    terms[self.position[k]] = terms.get(self.position[k], 0.0) + sign
                else:
                    constant += sign * values[k]
            terms = {i: c for i, c in terms.items() if c}
            if terms:
                index = np.array(list(terms), dtype=np.int32)
                h.addRow(-constant, -constant, len(index), index,
                         np.array(list(terms.values())))
        self._last: int | None = None
        self._known: dict[Key, tuple[int, int]] = {}

    def of(self, key: Key) -> tuple[int, int]:
        if key not in self._known:
            self._known[key] = self._solve(key)
        return self._known[key]

    def _solve(self, key: Key) -> tuple[int, int]:
        h, i = self.highs, self.position[key]
        if self._last is not None:
            h.changeColCost(self._last, 0.0)
        h.changeColCost(i, 1.0)
        self._last = i
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeObjectiveSense(sense)
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                raise ValueError("the sums do not hold for these values")
            bounds.append(h.getInfo().objective_function_value)
        return math.ceil(bounds[0] - _TOLERANCE), math.floor(bounds[1] + _TOLERANCE)


def feasible_range(key: Key, values: Mapping[Key, int], sums: Iterable, hidden: set,
                   upper: int) -> tuple[int, int]:
    """The range of one hidden quantity (``Ranges``)."""
    sums = [(total, tuple(parts)) for total, parts in sums]
    return Ranges(values, sums, hidden, upper).of(key)
