"""What the council did, in numbers: defaults per status, roll-up by weight, overdue flags, the
stage of an engagement and the twelve-week response flag."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from outcomes.progress import (
    ActionStatus,
    Part,
    Stage,
    check_action,
    days_to_respond,
    is_overdue,
    progress_of,
    response_overdue,
    rolled_up,
    stage_of,
)

TODAY = date(2026, 12, 7)
DAY = timedelta(days=1)


@pytest.mark.parametrize(("status", "given", "shown"), [
    (ActionStatus.PLANNED, None, 0),
    (ActionStatus.IN_PROGRESS, None, 50),
    (ActionStatus.IN_PROGRESS, 70, 70),
    (ActionStatus.IN_PROGRESS, 100, 99),     # 100 % is "done", a status of its own
    (ActionStatus.PLANNED, -5, 0),
    (ActionStatus.DONE, None, 100),
    (ActionStatus.DONE, 40, 100),
    (ActionStatus.NOT_TAKEN_FORWARD, 30, None),
])
def test_progress_follows_the_status_unless_the_officer_gives_a_fitting_figure(
        status: ActionStatus, given: int | None, shown: int | None) -> None:
    assert progress_of(status, given) == shown


def test_sub_actions_roll_up_by_weight() -> None:
    parts = [Part(3, ActionStatus.DONE, None), Part(1, ActionStatus.PLANNED, None)]
    assert rolled_up(parts) == 75
    assert rolled_up([Part(1, ActionStatus.IN_PROGRESS, 20),
                      Part(1, ActionStatus.IN_PROGRESS, 40)]) == 30


def test_actions_not_taken_forward_and_weightless_parts_leave_the_roll_up() -> None:
    parts = [Part(1, ActionStatus.DONE, None), Part(5, ActionStatus.NOT_TAKEN_FORWARD, None),
             Part(0, ActionStatus.PLANNED, None)]
    assert rolled_up(parts) == 100
    assert rolled_up([Part(2, ActionStatus.NOT_TAKEN_FORWARD, None)]) is None
    assert rolled_up([]) is None


def test_overdue_means_past_its_date_and_neither_done_nor_explained() -> None:
    assert is_overdue(ActionStatus.IN_PROGRESS, TODAY - DAY, TODAY)
    assert is_overdue(ActionStatus.PLANNED, TODAY - DAY, TODAY)
    assert not is_overdue(ActionStatus.PLANNED, TODAY, TODAY)          # due today: not yet
    assert not is_overdue(ActionStatus.DONE, TODAY - 90 * DAY, TODAY)
    assert not is_overdue(ActionStatus.NOT_TAKEN_FORWARD, TODAY - DAY, TODAY)
    assert not is_overdue(ActionStatus.PLANNED, None, TODAY)


@pytest.mark.parametrize(("starts", "ends", "responded", "stage"), [
    (TODAY + DAY, TODAY + 30 * DAY, None, Stage.UPCOMING),
    (TODAY, TODAY + 30 * DAY, None, Stage.OPEN),
    (None, None, None, Stage.OPEN),
    (TODAY - 30 * DAY, TODAY, None, Stage.OPEN),                 # the last day is still open
    (TODAY - 30 * DAY, TODAY - DAY, None, Stage.AWAITING_RESPONSE),
    (TODAY - 30 * DAY, TODAY - DAY, TODAY, Stage.RESPONDED),
])
def test_the_stage_of_an_engagement(starts: date | None, ends: date | None,
                                    responded: date | None, stage: Stage) -> None:
    assert stage_of(starts, ends, responded, TODAY) is stage


def test_days_to_respond_and_the_twelve_week_flag() -> None:
    assert days_to_respond(TODAY - 40 * DAY, TODAY) == 40
    assert days_to_respond(TODAY - 40 * DAY, None) is None
    assert days_to_respond(None, TODAY) is None
    assert not response_overdue(TODAY - 84 * DAY, None, TODAY)       # exactly twelve weeks
    assert response_overdue(TODAY - 85 * DAY, None, TODAY)
    assert not response_overdue(TODAY - 200 * DAY, TODAY - 100 * DAY, TODAY)
    assert not response_overdue(None, None, TODAY)


def test_an_action_needs_what_and_who_and_a_reason_when_not_taken_forward() -> None:
    fine = dict(title="Open the library on Sundays", owner="Libraries",
                status=ActionStatus.PLANNED, reason="", decision_link="")
    assert check_action(**fine) == {}
    assert set(check_action(**{**fine, "title": " ", "owner": ""})) == {"title", "owner"}
    refused = {**fine, "status": ActionStatus.NOT_TAKEN_FORWARD}
    assert set(check_action(**refused)) == {"reason", "decision_link"}
    explained = {**refused, "reason": "No budget this year",
                 "decision_link": "https://democracy.example.gov.uk/ieDecisionDetails?ID=1"}
    assert check_action(**explained) == {}
    assert "right format" in check_action(**{**explained, "decision_link": "javascript:1"})[
        "decision_link"]
