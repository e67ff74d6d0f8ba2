"""A registration moves only along the table of allowed transitions."""

from __future__ import annotations

import pytest

from events.models import (
    PLACE_HOLDERS,
    TRANSITIONS,
    Registration,
    RegistrationStatus,
    TransitionRefused,
)

S = RegistrationStatus


def test_every_status_has_its_row_and_a_label():
    assert set(TRANSITIONS) == set(S)
    assert all(status.label for status in S)


def test_the_journey_to_the_room_is_allowed():
    registration = Registration(status=S.INVITED)
    for step in (S.INTERESTED, S.SELECTED, S.CONFIRMED, S.ATTENDED):
        registration.move_to(step)
    assert registration.status == S.ATTENDED
    assert registration.responded_at and registration.selected_at and registration.confirmed_at


@pytest.mark.parametrize(("start", "to"), [(S.INVITED, S.CONFIRMED), (S.DECLINED, S.INTERESTED),
                                           (S.RESERVE, S.CONFIRMED), (S.WITHDRAWN, S.SELECTED),
                                           (S.CONFIRMED, S.CONFIRMED)])
def test_a_move_not_in_the_table_is_refused_in_plain_words(start, to):
    registration = Registration(status=start)
    with pytest.raises(TransitionRefused, match=f"is {start.label.lower()}, so it cannot be"):
        registration.move_to(to)
    assert registration.status == start


def test_ending_records_when():
    registration = Registration(status=S.SELECTED)
    registration.move_to(S.RELEASED)
    assert registration.ended_at is not None


def test_only_confirmed_attended_and_no_shows_hold_a_place():
    assert {S.CONFIRMED, S.ATTENDED, S.NO_SHOW} == PLACE_HOLDERS
    assert S.SELECTED.holds_place is False
