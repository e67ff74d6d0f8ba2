"""The calendar file, without the database (UK times: tests/unit/core/test_uk_time.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from icalendar import Calendar

from events.calendar import calendar_file


def _session(sid, start, hours=3, **fields):
    return SimpleNamespace(id=sid, starts_at=start, ends_at=start + timedelta(hours=hours),
                           venue=fields.get("venue", "Town Hall"),
                           address=fields.get("address", "Manchester Road"),
                           online_url=fields.get("online_url", ""), step_free=True,
                           hearing_loop=False)


def test_one_event_per_session_with_the_time_zone():
    event = SimpleNamespace(id=3, title="Assembly", purpose="Decide the parks budget.",
                            sessions=[_session(1, datetime(2027, 3, 20, 10)),
                                      _session(2, datetime(2027, 4, 3, 9), venue="", address="",
                                               online_url="https://meet.example.org/a")])
    calendar = Calendar.from_ical(calendar_file(event, domain="panel.example.org",
                                                link="https://panel.example.org/x"))
    entries = calendar.walk("VEVENT")
    assert [str(e.get("uid")) for e in entries] == [
        "event-3-session-1@panel.example.org", "event-3-session-2@panel.example.org"]
    starts = [e.decoded("dtstart") for e in entries]
    assert [(s.hour, s.utcoffset()) for s in starts] == [(10, timedelta(0)),
                                                         (10, timedelta(hours=1))]
    assert str(entries[1].get("location")) == "Online"
    assert "step-free access" in str(entries[0].get("description"))
    assert "https://panel.example.org/x" in str(entries[0].get("description"))
    zones = calendar.walk("VTIMEZONE")
    assert len(zones) == 1 and zones[0].get("tzid") == "Europe/London"
