"""The calendar file (.ics) for someone with a place at an event.

Times are stored naive UTC; people see them in Europe/London (GMT in winter, BST in summer).
The calendar file has one VEVENT per session, its times in Europe/London with the VTIMEZONE
that describes the clock changes, so every calendar shows the right wall-clock time on either
side of a change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.uk_time import to_uk
from events.models import Event

PRODID = "-//Civic Panel//Deliberative events//EN"


def session_uid(event: Event, session_id: int, domain: str) -> str:
    """Stable across downloads, so a calendar updates the session rather than adding one."""
    return f"event-{event.id}-session-{session_id}@{domain}"


def calendar_file(event: Event, *, domain: str, link: str = "") -> bytes:
    """The event's sessions as an iCalendar file (RFC 5545)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", event.title)
    stamp = datetime.now(UTC).replace(microsecond=0)
    total = len(event.sessions)
    for number, session in enumerate(event.sessions, start=1):
        entry = CalendarEvent()
        entry.add("uid", session_uid(event, session.id, domain))
        entry.add("dtstamp", stamp)
        title = event.title if total == 1 else f"{event.title} (session {number} of {total})"
        entry.add("summary", title)
        entry.add("dtstart", to_uk(session.starts_at))
        entry.add("dtend", to_uk(session.ends_at))
        place = ", ".join(p for p in (session.venue, session.address) if p)
        if place:
            entry.add("location", place)
        if session.online_url:
            entry.add("url", session.online_url)
            if not place:
                entry.add("location", "Online")
        details = [event.purpose.strip()] if event.purpose.strip() else []
        if session.online_url:
            details.append(f"Join online: {session.online_url}")
        access = [label for ok, label in ((session.step_free, "step-free access"),
                                          (session.hearing_loop, "a hearing loop")) if ok]
        if access:
            details.append("The venue has " + " and ".join(access) + ".")
        if link:
            details.append(f"Your place and the details: {link}")
        if details:
            entry.add("description", "\n\n".join(details))
        calendar.add_component(entry)
    if event.sessions:  # the clock changes from a year before the first session
        first = min(s.starts_at for s in event.sessions).year
        last = max(s.ends_at for s in event.sessions).year
        calendar.add_missing_timezones(first_date=date(first - 1, 1, 1),
                                       last_date=date(last + 2, 1, 1))
    return calendar.to_ical()
