"""The survey results' tables as quantities and sums for ``panel.disclosure.protect``. PURE.

Every figure the results page prints about groups of respondents passes ``protect`` through
one of these shapes (DESIGN §6b):

- ``answers_disclosure``: a question's answers (``row``), how many answered (``BASE``) and did
  not (``NOT_ANSWERED``), out of all responses (``RESPONSES``, always printed). With ``by``, the
  same question broken down by a profile question, protected together with the one-way table
  (its row totals) and the crosstab's column bases (``column``); with ``who``, also linked to
  the "who answered" counts of that profile question (people in a group who skipped the
  question are the unknowns between the two).
- ``who_answered_disclosure``: respondents per answer to a profile question, the number who
  gave an answer (the base of the shares) and all responses.
- ``rates_disclosure``: invited, answered and not answered per group, with their totals.

``suppress_small_cells`` is the same rule for a plain table of counts whose row and column
totals (or, for a list, whose total) are printed.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from panel.disclosure import Disclosure, protect

__all__ = ["Disclosure", "Suppression", "answers_disclosure", "multiple_choice_disclosure",
           "rates_disclosure", "suppress_small_cells", "who_answered_disclosure"]

THRESHOLD = 10
PRIMARY = "primary"
SECONDARY = "secondary"
RESPONSES, BASE, NOT_ANSWERED = "responses", "base", "not_answered"
ANSWERED, MEMBERS = "answered", "members"
INVITED, SILENT = "invited", "silent"


def row(answer: Hashable) -> tuple:
    return ("row", answer)


def cell(answer: Hashable, group: Hashable) -> tuple:
    return ("cell", answer, group)


def column(group: Hashable) -> tuple:
    return ("column", group)


@dataclass(frozen=True)
class Suppression:
    """Why each cell of a table is hidden: ``"primary"``, ``"secondary"`` or ``""`` (shown)."""

    reasons: pd.DataFrame | pd.Series
    threshold: int

    @property
    def hidden(self) -> pd.DataFrame | pd.Series:
        return self.reasons != ""

    @property
    def cells(self) -> list[tuple]:
        """(row, column, reason) for a table, or (category, reason) for a list of counts."""
        stacked = self.reasons.stack() if isinstance(self.reasons, pd.DataFrame) else self.reasons
        return [(*(key if isinstance(key, tuple) else (key,)), reason)
                for key, reason in stacked.items() if reason]

    def apply(self, table: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
        """``table`` with its hidden cells blanked (NaN)."""
        return table.astype(float).mask(self.hidden)


def answers_disclosure(counts: pd.Series, not_answered: int, threshold: int, *,
                       by: pd.DataFrame | None = None,
                       who: Mapping[Hashable, int] | None = None,
                       who_hidden: Iterable[Hashable] = ()) -> Disclosure:
    """What may be printed of one question's answers (one answer each).

    ``counts``: people per answer. ``by``: the answers (rows) by the groups of a profile
    question (columns), counts. ``who``: people per group among all respondents, printed by
    "who answered" except ``who_hidden``.
    """
    values: dict = {BASE: int(counts.sum()), NOT_ANSWERED: int(not_answered)}
    values[RESPONSES] = values[BASE] + values[NOT_ANSWERED]
    values.update({row(answer): int(n) for answer, n in counts.items()})
    sums: list = [(RESPONSES, (BASE, NOT_ANSWERED)),
                  (BASE, tuple(row(a) for a in counts.index))]
    never_shown: list = []
    if by is not None:
        _add_breakdown(values, sums, never_shown, by, who)
    kept = [("who", g) for g in who_hidden if ("who", g) in values]
    known = [RESPONSES] + [key for key in values
                           if isinstance(key, tuple) and key[0] == "who" and key not in kept]
    return protect(values, sums, threshold, known=known, never_shown=never_shown,
                   not_groups=[BASE, NOT_ANSWERED, RESPONSES], kept_hidden=kept)


def _add_breakdown(values: dict, sums: list, never_shown: list, by: pd.DataFrame,
                   who: Mapping[Hashable, int] | None) -> None:
    for answer in by.index:
        for group in by.columns:
            values[cell(answer, group)] = int(by.loc[answer, group])
        sums.append((row(answer), tuple(cell(answer, g) for g in by.columns)))
    for group in by.columns:
        values[column(group)] = int(by[group].sum())
        sums.append((column(group), tuple(cell(a, group) for a in by.index)))
    sums.append((BASE, tuple(column(g) for g in by.columns)))
    if who is None:
        return
    skipped = []
    for group in dict.fromkeys([*by.columns, *who]):
        answered = values.get(column(group), 0)
        everyone = int(who.get(group, answered))
        values[("who", group)] = everyone
        values[("skipped", group)] = everyone - answered
        never_shown.append(("skipped", group))
        skipped.append(("skipped", group))
        parts = (("skipped", group),) if column(group) not in values else (
            column(group), ("skipped", group))
        sums.append((("who", group), parts))
    sums.append((NOT_ANSWERED, tuple(skipped)))


def multiple_choice_disclosure(chosen: pd.Series, base: int, not_answered: int,
                               threshold: int) -> Disclosure:
    """What may be printed of a multiple-choice question: each option's choosers out of the
    ``base`` who answered (those who did not choose it are printed nowhere)."""
    values: dict = {BASE: int(base), NOT_ANSWERED: int(not_answered),
                    RESPONSES: int(base) + int(not_answered)}
    sums: list = [(RESPONSES, (BASE, NOT_ANSWERED))]
    for answer, n in chosen.items():
        values[row(answer)], values[("no", answer)] = int(n), int(base) - int(n)
        sums.append((BASE, (row(answer), ("no", answer))))
    never_shown = [("no", answer) for answer in chosen.index]
    return protect(values, sums, threshold, known=[RESPONSES], never_shown=never_shown,
                   not_groups=[BASE, NOT_ANSWERED, RESPONSES])


def who_answered_disclosure(counts: Mapping[Hashable, int], answers: Iterable[Hashable],
                            threshold: int) -> Disclosure:
    """``counts``: respondents per row of one profile question (its answers, "Prefer not to
    say", no answer); ``answers``: the rows that are answers (the base of the shares,
    ``ANSWERED``). Everyone (``MEMBERS``) is printed."""
    answers = [a for a in answers if a in counts]
    values = {row(key): int(n) for key, n in counts.items()}
    values[ANSWERED] = sum(int(counts[a]) for a in answers)
    values[MEMBERS] = sum(int(n) for n in counts.values())
    others = [row(key) for key in counts if key not in answers]
    sums = [(ANSWERED, tuple(row(a) for a in answers)), (MEMBERS, (ANSWERED, *others))]
    return protect(values, sums, threshold, known=[MEMBERS], not_groups=[ANSWERED, MEMBERS])


def rates_disclosure(answered: pd.Series, silent: pd.Series, threshold: int, *,
                     who_hidden: Iterable[Hashable] | None = None) -> Disclosure:
    """Per group (``answered``' index): ``("answered", g)``, ``("silent", g)`` (invited, did
    not answer) and ``("invited", g)``; the totals ``ANSWERED``, ``SILENT`` and ``INVITED``
    (always printed).

    ``who_hidden``: when "who answered" prints the same profile question, the groups it hides.
    Those who answered an invitation are most often all the respondents, so a reader may take
    the two counts for one: a group "who answered" hides stays hidden here, and one it prints
    is printed here too when it is no small group (else the two tables could be subtracted)."""
    values: dict = {ANSWERED: int(answered.sum()), SILENT: int(silent.sum())}
    values[INVITED] = values[ANSWERED] + values[SILENT]
    sums: list = [(INVITED, (ANSWERED, SILENT)),
                  (ANSWERED, tuple(("answered", g) for g in answered.index)),
                  (SILENT, tuple(("silent", g) for g in answered.index))]
    for group in answered.index:
        values[("answered", group)] = int(answered[group])
        values[("silent", group)] = int(silent[group])
        values[("invited", group)] = int(answered[group]) + int(silent[group])
        sums.append((("invited", group), (("answered", group), ("silent", group))))
    kept, printed = [], []
    if who_hidden is not None:
        printed.append(ANSWERED)  # "who answered" prints how many responses in all
        hidden = set(who_hidden)
        for group in answered.index:
            n = values[("answered", group)]
            if group in hidden:
                kept.append(("answered", group))
            elif not 0 < n < threshold:
                printed.append(("answered", group))
    return protect(values, sums, threshold, known=[INVITED, *printed],
                   not_groups=[ANSWERED, SILENT], kept_hidden=kept)


def suppress_small_cells(counts: pd.DataFrame | pd.Series,
                         threshold: int = THRESHOLD) -> Suppression:
    """Which cells of a table of counts to hide, and why, when its totals are printed: each row
    and column total and the grand total for a table, the total for a list. Primary: cells of
    1 to ``threshold - 1``; secondary: whatever ``protect`` hides besides (totals that must be
    hidden too are not reported here: use the shapes above to print totals)."""
    frame = counts.to_frame() if isinstance(counts, pd.Series) else counts
    values: dict = {}
    sums: list = []
    for r in range(frame.shape[0]):
        for c in range(frame.shape[1]):
            values[("cell", r, c)] = int(frame.iat[r, c])
    rows = {("row", r): tuple(("cell", r, c) for c in range(frame.shape[1]))
            for r in range(frame.shape[0])}
    columns = {("column", c): tuple(("cell", r, c) for r in range(frame.shape[0]))
               for c in range(frame.shape[1])}
    values["total"] = int(frame.to_numpy().sum())
    for lines in (rows, columns):
        if len(lines) == 1:  # a list: its one line's total is the grand total
            sums.append(("total", next(iter(lines.values()))))
            continue
        for key, parts in lines.items():
            values[key] = sum(values[p] for p in parts)
            if len(parts) > 1:  # a line of one cell: its total would print the cell
                sums.append((key, parts))
        sums.append(("total", tuple(lines)))
    disclosure = protect(values, sums, threshold, known=["total"])
    reasons = pd.DataFrame(
        [[_reason(disclosure, values[("cell", r, c)], ("cell", r, c))
          for c in range(frame.shape[1])] for r in range(frame.shape[0])],
        index=frame.index, columns=frame.columns, dtype=object)
    if isinstance(counts, pd.Series):
        return Suppression(reasons.iloc[:, 0].rename(counts.name), threshold)
    return Suppression(reasons, threshold)


def cell_reasons(disclosure: Disclosure, counts: pd.DataFrame) -> Suppression:
    """The crosstab's cells hidden by ``disclosure`` (keys ``cell(answer, group)``), and why."""
    reasons = pd.DataFrame(
        [[_reason(disclosure, int(counts.loc[a, g]), cell(a, g)) for g in counts.columns]
         for a in counts.index], index=counts.index, columns=counts.columns, dtype=object)
    return Suppression(reasons, disclosure.threshold)


def _reason(disclosure: Disclosure, value: int, key: Hashable) -> str:
    if disclosure.shows(key):
        return ""
    return PRIMARY if 0 < value < disclosure.threshold else SECONDARY
