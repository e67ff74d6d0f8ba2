"""The pure rules of attendance and access needs: which status the marks call for, what a
venue must provide and when to warn, counts by kind and status."""

from __future__ import annotations

from types import SimpleNamespace

from events.attendance import status_from
from events.models import Attendance, NeedKind, NeedStatus, RegistrationStatus
from events.needs import checklist, counts

A, S = Attendance, RegistrationStatus


def test_attended_any_session_is_attended():
    assert status_from([A.NO_SHOW, A.ATTENDED]) == S.ATTENDED
    assert status_from([None, A.ATTENDED]) == S.ATTENDED


def test_no_show_at_every_marked_session_is_a_no_show():
    assert status_from([A.NO_SHOW, None]) == S.NO_SHOW


def test_nothing_marked_changes_nothing():
    assert status_from([None, None]) is None
    assert status_from([]) is None


def test_the_checklist_warns_where_the_venue_lacks_what_is_needed():
    found = checklist(False, False, False, [(NeedKind.STEP_FREE, ""),
                                            (NeedKind.HEARING_LOOP, ""),
                                            (NeedKind.STEP_FREE, "")])
    assert [(c.what, c.people, bool(c.warning)) for c in found] == [
        ("Step-free access", 2, True), ("Hearing loop", 1, True)]
    ready = checklist(True, True, False, [(NeedKind.STEP_FREE, ""), (NeedKind.HEARING_LOOP, "")])
    assert not any(c.warning for c in ready)
    online = checklist(False, False, True, [(NeedKind.STEP_FREE, "")])
    assert not online[0].warning


def test_the_checklist_lists_languages_and_counts_the_rest():
    found = checklist(True, True, False, [
        (NeedKind.INTERPRETER, "polish"), (NeedKind.INTERPRETER, " Polish "),
        (NeedKind.INTERPRETER, "urdu"), (NeedKind.BSL, ""), (NeedKind.DIETARY, "halal"),
        (NeedKind.CHILDCARE, "2"), (NeedKind.OTHER, "x")])
    by_what = {c.what: c for c in found}
    assert by_what["Interpreters"].people == 3 and by_what["Interpreters"].detail == "Polish, Urdu"
    assert by_what["British Sign Language interpreter"].people == 1
    assert by_what["Dietary needs catered for"].people == 1
    assert by_what["Childcare places"].people == 1
    assert "halal" not in str(found)       # the checklist has counts, not who needs what
    assert checklist(False, False, False, []) == []


def test_counts_by_kind_and_status():
    needs = [SimpleNamespace(kind=NeedKind.TRAVEL, status=NeedStatus.BOOKED),
             SimpleNamespace(kind=NeedKind.TRAVEL, status=NeedStatus.REQUESTED),
             SimpleNamespace(kind=NeedKind.BSL, status=NeedStatus.CANNOT_PROVIDE)]
    found = counts(needs)
    assert [c.kind for c in found] == [NeedKind.TRAVEL, NeedKind.BSL]   # in the kinds' order
    assert found[0].by_status[NeedStatus.BOOKED] == 1 and found[0].total == 2
    assert found[1].by_status[NeedStatus.CANNOT_PROVIDE] == 1
