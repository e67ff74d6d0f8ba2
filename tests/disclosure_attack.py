"""The attacker of the suppression rules (DESIGN §6b): read only what a page shows, and try to
work out every group it hides.

A ``Reading`` holds what the reader learns, as facts about the table's true counts (the
unknowns, one per cell of the table behind the page, shown or not, including cells the page
never prints, such as "did not answer" per group):

- a count, base or total shown as a number: an exact sum of unknowns;
- a percentage shown rounded: the interval its rounding allows, ``part / whole`` within
  ``[shown - half a unit, shown + half a unit]`` (linear: ``part - high * whole <= 0`` and
  ``part - low * whole >= 0``), so 96.2% of an unknown base with 25 shown pins the base to 26;
- a zero shown as 0 is an exact count like any other;
- every count is a whole number, 0 or more, and at most the grand total.

**When is a hidden group recovered?** For each group the page does not show exactly whose true
size is 1 to threshold − 1 (a small group, be it a cell, a base or a total), the attacker finds
the smallest and the largest whole value consistent with everything shown (integer programmes,
HiGHS). The group is protected only if

1. the range holds more than one value (it is not pinned), and
2. the range reaches the threshold (``high >= threshold``): the figures around it never prove
   that the group is small. A hidden 1 whose range is 0 to 4 is recovered: the reader knows it
   is a small group, if not which size.

Totals the page always prints (responses, members, invitations: ``count(..., public=True)``)
can bound a group whatever is hidden: one of 4 responses is at most 4. So both conditions are
asked only as far as hiding every other figure could meet them: the range must reach
``min(threshold, the group's largest value given the public totals alone)``, and must hold more
than one value unless the public totals alone pin it.
The attacker does not use the suppression rules themselves (which cells are secondary), as the
usual disclosure audit does not (a linear-programming attack on the published table).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

Terms = dict[str, float]


@dataclass
class Reading:
    names: list[str]
    grand_total: int
    exact: list[tuple[Terms, float]] = field(default_factory=list)
    ratios: list[tuple[Terms, Terms, float, float]] = field(default_factory=list)
    public: list[tuple[Terms, float]] = field(default_factory=list)

    def count(self, terms: Terms | str, value: float, *, public: bool = False) -> None:
        """A number shown exactly: the sum of ``terms`` is ``value``; ``public``: a total the
        page prints whatever it hides."""
        self.exact.append((_terms(terms), float(value)))
        if public:
            self.public.append((_terms(terms), float(value)))

    def percent(self, part: Terms | str, whole: Terms | str, shown: float,
                decimals: int = 0) -> None:
        """``part / whole * 100`` shown rounded to ``decimals`` places as ``shown``."""
        half = 0.5 * 10 ** -decimals
        self.ratios.append((_terms(part), _terms(whole), max(shown - half, 0) / 100,
                            (shown + half) / 100))

    def below(self, part: Terms | str, whole: Terms | str, share: float) -> None:
        """``part / whole`` shown as "less than ``share``" (e.g. "<0.1%")."""
        self.ratios.append((_terms(part), _terms(whole), 0.0, share))

    def feasible_range(self, terms: Terms | str, *, public_only: bool = False
                       ) -> tuple[int, int]:
        terms = _terms(terms)
        return (round(self._optimum(terms, highspy.ObjSense.kMinimize, public_only)),
                round(self._optimum(terms, highspy.ObjSense.kMaximize, public_only)))

    def recovered(self, secrets: list[tuple[str, Terms | str, int]], threshold: int
                  ) -> list[tuple[str, int, tuple[int, int]]]:
        """The small groups among ``secrets`` (label, terms, true size) that the shown figures
        give away: (label, size, range)."""
        out = []
        for label, terms, size in secrets:
            if not 0 < size < threshold:
                continue
            low, high = self.feasible_range(terms)
            least, most = self.feasible_range(terms, public_only=True)
            if (low >= high and least < most) or high < min(threshold, most):
                out.append((label, size, (low, high)))
        return out

    def _optimum(self, terms: Terms, sense, public_only: bool = False) -> float:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", 0)
        n = len(self.names)
        position = {name: i for i, name in enumerate(self.names)}
        cost = np.zeros(n)
        for name, c in terms.items():
            cost[position[name]] += c
        h.addVars(n, np.zeros(n), np.full(n, float(self.grand_total)))
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        rows = [(t, v, v) for t, v in (self.public if public_only else self.exact)]
        for part, whole, low, high in ([] if public_only else self.ratios):
            rows.append((_combine(part, whole, -high), -highspy.kHighsInf, 0.0))
            rows.append((_combine(part, whole, -low), 0.0, highspy.kHighsInf))
        for terms_, lower, upper in rows:
            index = np.array([position[k] for k in terms_], dtype=np.int32)
            values = np.array(list(terms_.values()), dtype=float)
            h.addRow(lower, upper, len(index), index, values)
        h.changeObjectiveSense(sense)
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise AssertionError(f"the shown figures are inconsistent ({status})")
        return h.getInfo().objective_function_value


def _terms(terms: Terms | str) -> Terms:
    return {terms: 1.0} if isinstance(terms, str) else dict(terms)


def _combine(part: Terms, whole: Terms, factor: float) -> Terms:
    out = dict(part)
    for name, c in whole.items():
        out[name] = out.get(name, 0.0) + factor * c
    return out


def total(names) -> Terms:
    return {name: 1.0 for name in names}
