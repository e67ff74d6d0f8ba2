"""The dashboard's figures (pure): counts by status, shares of the selected and of those who
attended beside the borough's, and the suppression applied for anyone but an officer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from events.dashboard import Question, build, question_table, status_counts
from events.models import RegistrationStatus

S = RegistrationStatus
SEX = Question("sex", "Sex", (("female", "Female"), ("male", "Male"),
                              ("not_known", "Not known")), {"female": 0.51, "male": 0.49})


def people(*groups: tuple[str, RegistrationStatus, int]) -> list[tuple[S, str]]:
    return [(status, category) for category, status, n in groups for _ in range(n)]


def test_every_status_is_counted_in_order_with_zeros():
    counts = dict(status_counts({S.INVITED: 40, S.CONFIRMED: 3}))
    assert list(counts)[:4] == [S.INVITED, S.INTERESTED, S.SELECTED, S.CONFIRMED]
    assert counts[S.INVITED] == 40 and counts[S.CONFIRMED] == 3 and counts[S.NO_SHOW] == 0
    assert len(counts) == 10


def test_selected_counts_everyone_offered_a_place_and_attended_those_who_came():
    table = question_table(SEX, people(("female", S.ATTENDED, 12), ("female", S.NO_SHOW, 3),
                                       ("male", S.CONFIRMED, 10), ("male", S.ATTENDED, 15),
                                       ("male", S.DECLINED, 4), ("female", S.RESERVE, 9)),
                           threshold=None)
    female, male = table.rows[:2]
    assert (table.selected_total, table.attended_total) == (40, 27)
    assert (female.selected.count, female.selected.percent) == (15, 37.5)
    assert (female.attended.count, female.attended.percent) == (12, 44.4)
    assert (male.selected.count, male.attended.count) == (25, 15)
    assert (female.borough, male.borough) == (51.0, 49.0)
    assert not table.suppressed
    assert [r.label for r in table.rows] == ["Female", "Male"]  # empty "Not known" left out


def test_a_small_group_is_hidden_from_organisers_with_whatever_would_give_it_away():
    groups = people(("female", S.ATTENDED, 20), ("male", S.ATTENDED, 3))
    officer = question_table(SEX, groups, threshold=None)
    organiser = question_table(SEX, groups, threshold=10)
    assert officer.rows[1].selected.count == 3
    female, male = organiser.rows[:2]
    assert male.selected.hidden and male.attended.hidden
    # 23 selected in all is printed, so the 20 women would give the 3 men away.
    assert female.selected.hidden and female.attended.hidden
    assert organiser.suppressed


def test_large_groups_are_shown_to_organisers():
    table = question_table(SEX, people(("female", S.ATTENDED, 20), ("male", S.CONFIRMED, 15),
                                       ("male", S.ATTENDED, 15)), threshold=10)
    assert not table.suppressed
    assert [r.selected.count for r in table.rows] == [20, 30]


def test_an_answer_outside_the_questions_list_still_counts():
    table = question_table(Question("q7", "Attitude", (("Happy", "Happy"),), {}),
                           people(("Worried", S.SELECTED, 2)), threshold=None)
    assert [(r.label, r.selected.count) for r in table.rows] == [("Worried", 2)]


def test_build_suppresses_only_when_asked():
    groups = [(S.ATTENDED, {"sex": "female"})] * 20 + [(S.ATTENDED, {"sex": "male"})] * 2
    statuses = {S.ATTENDED: 22}
    seen = build(statuses, 30, 22, [SEX], groups, suppress=False)
    hidden = build(statuses, 30, 22, [SEX], groups, suppress=True)
    assert seen.threshold is None and not seen.tables[0].suppressed
    assert hidden.threshold == 10 and hidden.tables[0].suppressed
    assert seen.total == 22 and (seen.capacity, seen.places_taken) == (30, 22)


def test_the_threshold_is_the_surveys_modules():
    from events import dashboard
    from surveys import suppression

    assert dashboard.THRESHOLD == suppression.THRESHOLD


def _compositions(total: int, parts: int):
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _possible(printed: dict, groups: list[str]):
    """Every table (attended, not attended per group) a reader could believe, given what is
    printed: the three totals and the shown per-group figures."""
    for attended in _compositions(printed["answered"], len(groups)):
        for silent in _compositions(printed["silent"], len(groups)):
            table = dict(zip(groups, zip(attended, silent, strict=True), strict=True))
            if all(printed.get(("answered", g), a) == a
                   and printed.get(("invited", g), a + n) == a + n
                   for g, (a, n) in table.items()):
                yield table


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=2, max_size=3))
def test_no_hidden_small_group_can_be_worked_out_from_what_is_printed(cells):
    """Brute force: from the printed figures, a reader lists every table they could have come
    from; each small group hidden must take more than one value across them."""
    import pandas as pd

    from events.dashboard import room_disclosure

    groups = [f"g{i}" for i in range(len(cells))]
    attended = pd.Series([a for a, _ in cells], index=groups, dtype="int64")
    silent = pd.Series([n for _, n in cells], index=groups, dtype="int64")
    disclosure = room_disclosure(attended, silent, threshold=3)
    printed = {"answered": int(attended.sum()), "silent": int(silent.sum())}
    for g, (a, n) in zip(groups, cells, strict=True):
        if disclosure.shows(("answered", g)):
            printed[("answered", g)] = a
        if disclosure.shows(("invited", g)):
            printed[("invited", g)] = a + n
    worlds = list(_possible(printed, groups))
    assert worlds  # the true table is one of them
    for g, (a, n) in zip(groups, cells, strict=True):
        for kind, value, seen in (("answered", a, lambda t, g=g: t[g][0]),
                                  ("invited", a + n, lambda t, g=g: sum(t[g]))):
            if 0 < value < 3:
                assert not disclosure.shows((kind, g)), (kind, g, cells)
                assert len({seen(t) for t in worlds}) > 1, (kind, g, cells)
