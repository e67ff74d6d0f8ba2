"""The impact measures, worked out from plain data. PURE: no Flask, no database; ``today``
comes in as an argument.

- Engagements by level over time: per quarter (of the day each opened, else was announced).
- Residents involved: unique residents who took part, per quarter and in all (a resident who
  took part in two quarters counts once in each, and once in the total).
- Actions: the share of published actions done or explained (not taken forward), and how many
  are overdue.
- Days from close to the published response, their median, and every engagement closed more
  than twelve weeks ago without one.
- Feedback: counts of each answer to "Did you feel listened to?" and "Has this happened?".

Each measure is a ``Table`` (caption, headers, rows of plain values): the page prints it beside
its chart and the CSV download writes it as it is, so the two can never disagree.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from outcomes.progress import ActionStatus, days_to_respond, is_overdue, response_overdue
from panel.engagements import SpectrumLevel

ANSWERS = (("yes", "Yes"), ("partly", "Partly"), ("no", "No"), ("not_sure", "Not sure"))


@dataclass(frozen=True)
class Table:
    key: str                       # stable: the CSV's file name
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def quarter_of(day: date) -> str:
    """``2026 Q4``: sorts as text in time order."""
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def percent(part: int, whole: int) -> float | None:
    return None if not whole else 100 * part / whole


# --- engagements by level -------------------------------------------------------------------

@dataclass(frozen=True)
class Dated:
    """An engagement as the level measure sees it: when it opened (or was announced)."""

    on: date | None
    level: SpectrumLevel


def engagements_by_level(engagements: Iterable[Dated]) -> Table:
    """One row per quarter with a count per level and the total; undated ones are left out."""
    counts: dict[str, Counter[SpectrumLevel]] = defaultdict(Counter)
    for engagement in engagements:
        if engagement.on is not None:
            counts[quarter_of(engagement.on)][engagement.level] += 1
    levels = list(SpectrumLevel)
    rows = tuple((period, *(counts[period][level] for level in levels),
                  sum(counts[period].values())) for period in sorted(counts))
    return Table("engagements-by-level", "Engagements by level, per quarter they opened",
                 ("Quarter", *(level.label for level in levels), "Total"), rows)


# --- residents involved ---------------------------------------------------------------------

@dataclass(frozen=True)
class Involved:
    periods: tuple[tuple[str, int], ...]     # (quarter, unique residents)
    total: int

    @property
    def table(self) -> Table:
        return Table("residents-involved", "Residents who took part, per quarter",
                     ("Quarter", "Residents who took part"),
                     (*self.periods, ("All quarters (each resident once)", self.total)))


def residents_involved(took_part: Iterable[tuple[int, date]]) -> Involved:
    """``took_part``: (resident id, the day they took part), one per response or attendance."""
    per_period: dict[str, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    for resident_id, day in took_part:
        per_period[quarter_of(day)].add(resident_id)
        everyone.add(resident_id)
    return Involved(tuple((p, len(per_period[p])) for p in sorted(per_period)), len(everyone))


# --- actions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionFigures:
    published: int
    done: int
    not_taken_forward: int
    overdue: int

    @property
    def settled(self) -> int:
        return self.done + self.not_taken_forward

    @property
    def settled_percent(self) -> float | None:
        return percent(self.settled, self.published)

    @property
    def table(self) -> Table:
        share = self.settled_percent
        return Table("actions", "Published actions done or explained",
                     ("Measure", "Number"),
                     (("Published actions", self.published), ("Done", self.done),
                      ("Not taken forward (explained)", self.not_taken_forward),
                      ("Done or explained, per cent",
                       "–" if share is None else f"{share:.0f}%"),
                      ("Overdue", self.overdue)))


def action_figures(actions: Iterable[tuple[ActionStatus, date | None]], today: date
                   ) -> ActionFigures:
    """``actions``: (status, target date) of every published action."""
    statuses = Counter[ActionStatus]()
    overdue = 0
    for status, target in actions:
        statuses[status] += 1
        overdue += is_overdue(status, target, today)
    return ActionFigures(sum(statuses.values()), statuses[ActionStatus.DONE],
                         statuses[ActionStatus.NOT_TAKEN_FORWARD], overdue)


# --- days to respond -------------------------------------------------------------------------

@dataclass(frozen=True)
class Closed:
    engagement_id: int
    title: str
    ends_on: date | None
    responded_on: date | None


@dataclass(frozen=True)
class ResponseTimes:
    rows: tuple[tuple[Closed, int | None, bool], ...]   # (engagement, days, overdue)
    median: float | None
    overdue: tuple[Closed, ...] = field(default=())

    @property
    def table(self) -> Table:
        return Table("days-to-respond", "Days from close to a published response",
                     ("Engagement", "Closed", "Response published", "Days", "Overdue"),
                     tuple((c.title, _iso(c.ends_on), _iso(c.responded_on),
                            "" if days is None else days, "Yes" if late else "No")
                           for c, days, late in self.rows))


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def response_times(engagements: Iterable[Closed], today: date) -> ResponseTimes:
    """Every engagement that has closed (by ``today``), in closing order; the median of the
    days of those with a published response; and those over twelve weeks without one."""
    closed = sorted((e for e in engagements if e.ends_on is not None and e.ends_on < today),
                    key=lambda e: (e.ends_on, e.engagement_id))
    rows = tuple((e, days_to_respond(e.ends_on, e.responded_on),
                  response_overdue(e.ends_on, e.responded_on, today)) for e in closed)
    days = [d for _, d, _ in rows if d is not None]
    return ResponseTimes(rows, statistics.median(days) if days else None,
                         tuple(e for e, _, late in rows if late))


# --- feedback --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answers:
    key: str
    caption: str
    rows: tuple[tuple[str, int, float | None], ...]    # (label, count, per cent)
    total: int

    @property
    def table(self) -> Table:
        return Table(self.key, self.caption, ("Answer", "Residents", "Per cent"),
                     (*((label, count, "–" if share is None else f"{share:.0f}%")
                        for label, count, share in self.rows), ("All answers", self.total, "")))


def answer_counts(key: str, caption: str, answers: Sequence[str]) -> Answers:
    """Counts of each known answer in the usual order; an unknown answer counts as itself."""
    counted = Counter(answers)
    known = dict(ANSWERS)
    labels = [*ANSWERS, *((a, a) for a in sorted(counted) if a not in known)]
    total = len(answers)
    return Answers(key, caption, tuple((label, counted[value], percent(counted[value], total))
                                       for value, label in labels), total)
