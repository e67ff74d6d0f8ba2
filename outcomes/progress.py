"""What the council did, in numbers: action statuses, progress roll-up, overdue flags and the
stage an engagement is at. PURE: no Flask, no database; dates come in as arguments.

- A status carries a default progress (as Decidim's statuses do); an officer may set another.
- An action with sub-actions shows their progress rolled up by weight; actions "not taken
  forward" leave the roll-up (they will never progress) but are counted as explained.
- An action is overdue when its target date has passed and it is neither done nor explained.
- An engagement closed for more than twelve weeks without a published response is flagged.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

RESPONSE_DUE_AFTER = timedelta(weeks=12)


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_TAKEN_FORWARD = "not_taken_forward"

    @property
    def label(self) -> str:
        return {"planned": "Planned", "in_progress": "In progress", "done": "Done",
                "not_taken_forward": "Not taken forward"}[self.value]

    @property
    def default_progress(self) -> int | None:
        """Progress shown when the officer gives none (None: progress does not apply)."""
        return {"planned": 0, "in_progress": 50, "done": 100,
                "not_taken_forward": None}[self.value]

    @property
    def settled(self) -> bool:
        """Done, or explained: nothing more is owed to residents on this action."""
        return self in (ActionStatus.DONE, ActionStatus.NOT_TAKEN_FORWARD)


def progress_of(status: ActionStatus, progress: int | None) -> int | None:
    """The progress to show: the officer's figure where it fits the status, else the default.
    Done is always 100; not taken forward has none; planned and in progress keep 0-99."""
    if status in (ActionStatus.DONE, ActionStatus.NOT_TAKEN_FORWARD):
        return status.default_progress
    if progress is None:
        return status.default_progress
    return max(0, min(99, int(progress)))


@dataclass(frozen=True)
class Part:
    """One sub-action as the roll-up sees it."""

    weight: int
    status: ActionStatus
    progress: int | None


def rolled_up(parts: Iterable[Part]) -> int | None:
    """The weighted progress of sub-actions, rounded to a whole per cent (None when no part can
    progress). Zero or negative weights count as nothing."""
    total = weighted = 0
    for part in parts:
        shown = progress_of(part.status, part.progress)
        if shown is None or part.weight <= 0:
            continue
        total += part.weight
        weighted += part.weight * shown
    if not total:
        return None
    return round(weighted / total)


def is_overdue(status: ActionStatus, target_date: date | None, today: date) -> bool:
    return target_date is not None and not status.settled and today > target_date


class Stage(enum.StrEnum):
    """Where an engagement is, as the public index sorts it."""

    UPCOMING = "upcoming"
    OPEN = "open"
    AWAITING_RESPONSE = "awaiting_response"
    RESPONDED = "responded"

    @property
    def label(self) -> str:
        return {"upcoming": "Opening soon", "open": "Open now",
                "awaiting_response": "Closed, response to follow",
                "responded": "Response published"}[self.value]


def stage_of(starts_on: date | None, ends_on: date | None, responded_on: date | None,
             today: date) -> Stage:
    if responded_on is not None:
        return Stage.RESPONDED
    if starts_on is not None and today < starts_on:
        return Stage.UPCOMING
    if ends_on is not None and today > ends_on:
        return Stage.AWAITING_RESPONSE
    return Stage.OPEN


def days_to_respond(ends_on: date | None, responded_on: date | None) -> int | None:
    """Days from the close to the published response (None until both exist)."""
    if ends_on is None or responded_on is None:
        return None
    return max(0, (responded_on - ends_on).days)


def response_overdue(ends_on: date | None, responded_on: date | None, today: date) -> bool:
    """Closed more than twelve weeks ago and still no published response."""
    return responded_on is None and ends_on is not None and today - ends_on > RESPONSE_DUE_AFTER


def check_action(*, title: str, owner: str, status: ActionStatus, reason: str,
                 decision_link: str) -> dict[str, str]:
    """Field name -> the plain-English problem, for an action about to be published."""
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = "Enter what the council will do"
    if not owner.strip():
        problems["owner"] = "Enter the service that owns this action"
    if status == ActionStatus.NOT_TAKEN_FORWARD:
        if not reason.strip():
            problems["reason"] = "Enter why this was not taken forward"
        if not decision_link.strip():
            problems["decision_link"] = ("Enter a link to the council decision that explains "
                                         "why this was not taken forward")
    if decision_link.strip() and not decision_link.strip().startswith(("https://", "http://")):
        problems["decision_link"] = ("Enter the link to the council decision in the right "
                                     "format, like https://democracy.example.gov.uk/…")
    return problems
