"""The organiser's dashboard figures: registrations by status, and who attended against who
was selected against the borough, per quota question. PURE (no database, no Flask).

"Selected" is everyone offered a place who still has or had it (selected, confirmed, attended,
no-show); "attended" those marked as attending. Figures for anyone but an officer pass the one
suppression function (``panel.disclosure.protect``, in the shape of
``surveys.suppression.rates_disclosure``: attended and selected-but-not-attended per group,
with their totals), so no group under the threshold can be worked out from the figures around
it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from events.models import RegistrationStatus
from panel.disclosure import Disclosure, protect

S = RegistrationStatus
# The smallest group shown to anyone but an officer: the surveys module's (a test checks).
THRESHOLD = 10
# The totals' keys, as in ``surveys.suppression``: attended, selected-not-attended, selected.
ANSWERED, SILENT, INVITED = "answered", "silent", "invited"
SELECTED = frozenset({S.SELECTED, S.CONFIRMED, S.ATTENDED, S.NO_SHOW})
SHOWN_STATUSES = (S.INVITED, S.INTERESTED, S.SELECTED, S.CONFIRMED, S.DECLINED, S.RESERVE,
                  S.ATTENDED, S.NO_SHOW, S.WITHDRAWN, S.RELEASED)


@dataclass(frozen=True)
class Figure:
    """A count and its share of the column (``None``: hidden by suppression)."""

    count: int | None
    percent: float | None

    @property
    def hidden(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class GroupRow:
    label: str
    borough: float | None      # per cent of the borough (or the question's quota share)
    selected: Figure
    attended: Figure


@dataclass(frozen=True)
class QuestionTable:
    key: str
    label: str
    rows: tuple[GroupRow, ...]
    selected_total: int
    attended_total: int
    suppressed: bool           # some figure hidden


@dataclass(frozen=True)
class Dashboard:
    counts: tuple[tuple[RegistrationStatus, int], ...]
    capacity: int
    places_taken: int
    tables: tuple[QuestionTable, ...]
    threshold: int | None      # None: figures shown as they are (an officer)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class Question:
    """A quota question as the dashboard shows it: its categories in order (key, label) and
    the borough's share of each (0 to 1; missing: no target)."""

    key: str
    label: str
    categories: tuple[tuple[str, str], ...]
    shares: Mapping[str, float]


def status_counts(statuses: Mapping[RegistrationStatus, int]) -> tuple[tuple[S, int], ...]:
    return tuple((status, int(statuses.get(status, 0))) for status in SHOWN_STATUSES)


def question_table(question: Question, people: Sequence[tuple[RegistrationStatus, str]], *,
                   threshold: int | None) -> QuestionTable:
    """One quota question: ``people`` is (status, category) for each registration selected
    (``SELECTED``; others are ignored). ``threshold`` None: no suppression (an officer)."""
    selected: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    for status, category in people:
        if status not in SELECTED:
            continue
        selected[category] += 1
        if status == S.ATTENDED:
            attended[category] += 1
    order = list(question.categories)
    known = {key for key, _ in order}
    order += [(key, key) for key in sorted(selected) if key not in known]
    keys = [key for key, _ in order]
    chosen = pd.Series({k: attended[k] for k in keys}, dtype="int64")
    silent = pd.Series({k: selected[k] - attended[k] for k in keys}, dtype="int64")
    shows = _shows(chosen, silent, threshold)
    total_selected, total_attended = sum(selected.values()), sum(attended.values())
    rows = []
    for key, label in order:
        if not selected[key] and key not in question.shares and key not in known:
            continue
        share = question.shares.get(key)
        rows.append(GroupRow(
            label=label,
            borough=round(share * 100, 1) if share is not None else None,
            selected=_figure(selected[key], total_selected,
                             shows(("invited", key)), shows(INVITED)),
            attended=_figure(attended[key], total_attended,
                             shows(("answered", key)), shows(ANSWERED))))
    rows = [row for row in rows if not _empty(row)]
    return QuestionTable(question.key, question.label, tuple(rows), total_selected,
                         total_attended,
                         suppressed=any(r.selected.hidden or r.attended.hidden for r in rows))


def _shows(attended: pd.Series, silent: pd.Series, threshold: int | None):  # noqa: ANN202
    if threshold is None or attended.empty:
        return lambda _key: True
    hidden = hidden_figures(threshold, tuple((g, int(attended[g]), int(silent[g]))
                                      for g in attended.index))
    return lambda key: key not in hidden


@lru_cache(maxsize=512)
def hidden_figures(threshold: int, groups: tuple[tuple[str, int, int], ...]) -> frozenset:
    """The same counts always hide the same figures: the dashboard polls every 15 s and its
    counts change only when someone's status does, so the linear programmes run once."""
    keys = [g for g, _, _ in groups]
    attended = pd.Series([a for _, a, _ in groups], index=keys, dtype="int64")
    silent = pd.Series([n for _, _, n in groups], index=keys, dtype="int64")
    return room_disclosure(attended, silent, threshold).hidden


def room_disclosure(attended: pd.Series, silent: pd.Series, threshold: int) -> Disclosure:
    """What may be printed of one quota question's room: per group ``("answered", g)``
    (attended), ``("silent", g)`` (selected, did not attend; printed nowhere but a group of
    people all the same) and ``("invited", g)`` (selected), with their totals. The shape of
    ``surveys.suppression.rates_disclosure``, except that all three totals are printed
    whatever is hidden: the page's counts by status give them away."""
    values: dict = {ANSWERED: int(attended.sum()), SILENT: int(silent.sum())}
    values[INVITED] = values[ANSWERED] + values[SILENT]
    sums: list = [(INVITED, (ANSWERED, SILENT)),
                  (ANSWERED, tuple(("answered", g) for g in attended.index)),
                  (SILENT, tuple(("silent", g) for g in attended.index))]
    for group in attended.index:
        values[("answered", group)] = int(attended[group])
        values[("silent", group)] = int(silent[group])
        values[("invited", group)] = int(attended[group]) + int(silent[group])
        sums.append((("invited", group), (("answered", group), ("silent", group))))
    return protect(values, sums, threshold, known=[INVITED, ANSWERED, SILENT],
                   not_groups=[ANSWERED, SILENT, INVITED])


def _figure(count: int, total: int, shown: bool, total_shown: bool) -> Figure:
    if not shown:
        return Figure(None, None)
    percent = round(100 * count / total, 1) if total and total_shown else None
    return Figure(count, percent)


def _empty(row: GroupRow) -> bool:
    return row.borough is None and row.selected.count == 0 and row.attended.count == 0


def build(statuses: Mapping[RegistrationStatus, int], capacity: int, places_taken: int,
          questions: Iterable[Question], profiles: Iterable[tuple[RegistrationStatus,
                                                                    Mapping[str, str]]], *,
          suppress: bool, threshold: int = THRESHOLD) -> Dashboard:
    """The whole dashboard. ``profiles``: (status, dimension -> category) per selected
    registration; ``suppress``: the viewer is not an officer."""
    people = list(profiles)
    limit = threshold if suppress else None
    tables = tuple(
        question_table(q, [(status, profile.get(q.key, "")) for status, profile in people],
                       threshold=limit)
        for q in questions)
    return Dashboard(status_counts(statuses), capacity, places_taken, tables, limit)
