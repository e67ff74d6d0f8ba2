"""Times as people in the UK read them. Moments are stored as naive UTC
(``core.models.utcnow``); everything shown, typed or put in a calendar is UK wall-clock time,
which moves an hour at each clock change. GOV.UK style: "Saturday 20 March 2027", "10am",
"2:30pm", "midday", "10am to 1pm".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def to_uk(moment: datetime) -> datetime:
    """A stored naive UTC moment as an aware UK time."""
    return moment.replace(tzinfo=UTC).astimezone(UK)


def from_uk(day: date, at: time) -> datetime:
    """A UK wall-clock date and time as the naive UTC moment to store."""
    return datetime.combine(day, at, tzinfo=UK).astimezone(UTC).replace(tzinfo=None)


def clock(moment: datetime | None) -> str:
    """ "10am", "2:30pm", "midday", "midnight" (UK time)."""
    if moment is None:
        return ""
    local = to_uk(moment)
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def day(moment: datetime | None) -> str:
    """ "Saturday 20 March 2027" (the UK date of the moment)."""
    if moment is None:
        return ""
    return to_uk(moment).strftime("%A %-d %B %Y")


def when(moment: datetime | None) -> str:
    """ "Saturday 20 March 2027 at 10am"."""
    if moment is None:
        return ""
    return f"{day(moment)} at {clock(moment)}"


def span(starts: datetime, ends: datetime) -> str:
    """ "Saturday 20 March 2027, 10am to 1pm" (the end's date too when it is another day)."""
    same_day = to_uk(starts).date() == to_uk(ends).date()
    return (f"{day(starts)}, {clock(starts)} to {clock(ends)}" if same_day
            else f"{when(starts)} to {when(ends)}")
