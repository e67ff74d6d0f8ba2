"""The impact measures' sums (pure): engagements by level per quarter, unique residents,
actions done or explained, days to respond with the twelve-week flag, feedback counts."""

from __future__ import annotations

from datetime import date

from outcomes import measures
from outcomes.measures import Closed, Dated
from outcomes.progress import ActionStatus
from panel.engagements import SpectrumLevel

TODAY = date(2026, 12, 7)


def test_quarters_sort_in_time_order():
    assert measures.quarter_of(date(2026, 1, 1)) == "2026 Q1"
    assert measures.quarter_of(date(2026, 12, 31)) == "2026 Q4"
    assert measures.quarter_of(date(2025, 11, 3)) < measures.quarter_of(date(2026, 2, 1))


def test_engagements_are_counted_by_level_per_quarter_leaving_undated_ones_out():
    table = measures.engagements_by_level([
        Dated(date(2026, 2, 1), SpectrumLevel.CONSULT), Dated(date(2026, 3, 31),
                                                               SpectrumLevel.CONSULT),
        Dated(date(2026, 4, 1), SpectrumLevel.EMPOWER), Dated(None, SpectrumLevel.INFORM)])
    assert table.headers == ("Quarter", "Inform", "Research", "Consult", "Involve",
                             "Collaborate", "Empower", "Total")
    assert table.rows == (("2026 Q1", 0, 0, 2, 0, 0, 0, 2), ("2026 Q2", 0, 0, 0, 0, 0, 1, 1))


def test_a_resident_counts_once_per_quarter_and_once_in_all():
    involved = measures.residents_involved([
        (1, date(2026, 1, 5)), (1, date(2026, 2, 5)), (2, date(2026, 2, 6)),
        (1, date(2026, 7, 1))])
    assert involved.periods == (("2026 Q1", 2), ("2026 Q3", 1))
    assert involved.total == 2
    assert involved.table.rows[-1] == ("All quarters (each resident once)", 2)


def test_the_share_of_actions_done_or_explained_and_the_overdue_ones():
    figures = measures.action_figures([
        (ActionStatus.DONE, None), (ActionStatus.NOT_TAKEN_FORWARD, date(2026, 1, 1)),
        (ActionStatus.PLANNED, date(2026, 12, 6)), (ActionStatus.IN_PROGRESS, TODAY)], TODAY)
    assert (figures.published, figures.done, figures.not_taken_forward) == (4, 1, 1)
    assert figures.settled_percent == 50
    assert figures.overdue == 1                  # planned, due yesterday; due today is not late
    assert ("Done or explained, per cent", "50%") in figures.table.rows


def test_no_actions_gives_no_share():
    figures = measures.action_figures([], TODAY)
    assert figures.settled_percent is None
    assert ("Done or explained, per cent", "–") in figures.table.rows


def test_days_to_respond_their_median_and_engagements_overdue_after_twelve_weeks():
    times = measures.response_times([
        Closed(1, "Libraries", date(2026, 10, 31), date(2026, 11, 20)),      # 20 days
        Closed(2, "Parks", date(2026, 6, 1), date(2026, 7, 1)),              # 30 days
        Closed(3, "Roads", date(2026, 9, 1), None),                          # 14 weeks: late
        Closed(4, "Bins", date(2026, 9, 14), None),                          # 12 weeks: not yet
        Closed(5, "Open", date(2027, 1, 31), None),                          # still open
        Closed(6, "Undated", None, None)], TODAY)
    assert [c.engagement_id for c, _, _ in times.rows] == [2, 3, 4, 1]
    assert times.median == 25
    assert [c.title for c in times.overdue] == ["Roads"]
    assert times.table.rows[1] == ("Roads", "2026-09-01", "", "", "Yes")


def test_no_response_yet_gives_no_median():
    assert measures.response_times([], TODAY).median is None


def test_feedback_answers_are_counted_in_order_with_shares():
    answers = measures.answer_counts("listened", "Listened", ["yes", "no", "yes", "odd"])
    assert answers.rows == (("Yes", 2, 50.0), ("Partly", 0, 0.0), ("No", 1, 25.0),
                            ("Not sure", 0, 0.0), ("odd", 1, 25.0))
    assert answers.table.rows[-1] == ("All answers", 4, "")
    assert measures.answer_counts("happened", "H", []).rows[0] == ("Yes", 0, None)
