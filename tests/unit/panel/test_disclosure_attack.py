"""The attacker plays against every table of figures the survey results page shows (DESIGN §6b).

Random tables go through the same functions the page uses; the test reads back only what the
page prints (counts, percentages rounded as printed, bases, totals, zeros shown as 0) and tries
to recover every group the page hides (``tests.disclosure_attack``: the criterion is in its
docstring). Tables: a question's answers with its base (one-way), the same question broken
down by a profile question (crosstab, with its column bases, linked to the one-way table above
it), "who answered" (counts and shares of respondents, against targets) and response rates
by group.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from panel.representation import CATEGORY_COLUMNS
from surveys.analysis import crosstab, frequency_table, response_rates
from surveys.breakdowns import rate_rows
from surveys.respondents import who_answered
from surveys.results import _counted
from tests.disclosure_attack import Reading, total

ATTACK = settings(max_examples=60, deadline=None, database=None, derandomize=True)
THRESHOLDS = st.sampled_from([3, 5, 10])
# mostly small counts, where the leaks are, and some large ones
COUNT = st.one_of(st.integers(0, 4), st.integers(0, 40))


def shown_percent(value: float, decimals: int) -> float:
    return round(value, decimals)


# --- who answered -----------------------------------------------------------------------------

@st.composite
def who_answered_tables(draw):
    size = draw(st.integers(2, 5))
    counts = draw(st.lists(COUNT, min_size=size, max_size=size))
    prefer_not, no_answer = draw(COUNT), draw(COUNT)
    return counts, prefer_not, no_answer, draw(THRESHOLDS)


def who_answered_figures(counts, prefer_not, no_answer, threshold):
    keys = [f"c{i}" for i in range(len(counts))]
    categories = pd.DataFrame(
        [("d", "D", key, key.upper(), "", False) for key in keys]
        + [("d", "D", "pnts", "Prefer not to say", "", True)], columns=list(CATEGORY_COLUMNS))
    targets = pd.DataFrame([("d", key, 1 / len(keys)) for key in keys],
                           columns=["dimension", "category", "share"])
    values = [k for k, n in zip(keys, counts, strict=True) for _ in range(n)]
    values += ["pnts"] * prefer_not + [None] * no_answer
    profiles = pd.DataFrame({"d": pd.Series(values, dtype=object)})
    (table,) = who_answered(profiles, categories, targets, threshold)
    return table, keys


@ATTACK
@given(who_answered_tables())
def test_who_answered_gives_no_small_group_away(case):
    counts, prefer_not, no_answer, threshold = case
    members = sum(counts) + prefer_not + no_answer
    if not members:
        return
    table, keys = who_answered_figures(counts, prefer_not, no_answer, threshold)
    names = [*keys, "pnts", "no_answer"]
    reading = Reading(names, members)
    reading.count(total(names), members, public=True)  # "(29 responses in all)"
    printed = {r.row.category or "no_answer": r for r in table.rows}
    for name in names:
        row = printed.get(name)
        if row is None:  # a row the page leaves out has nobody in it
            reading.count(name, 0)
        elif not row.hidden:
            reading.count(name, row.row.count)
            if row.share is not None:
                share = row.share * 100
                if 0 < share < 0.05:
                    reading.below(name, total(keys), 0.001)
                else:
                    reading.percent(name, total(keys), shown_percent(share, 1), 1)
    secrets = [(name, name, n) for name, n in
               zip(names, [*counts, prefer_not, no_answer], strict=True)]
    assert reading.recovered(secrets, threshold) == []


# --- a question's answers, alone and by a profile question -------------------------------------

@st.composite
def question_tables(draw):
    rows, columns = draw(st.integers(2, 4)), draw(st.integers(1, 4))
    cells = draw(st.lists(st.lists(COUNT, min_size=columns, max_size=columns),
                          min_size=rows, max_size=rows))
    return cells, draw(st.integers(0, 5)), draw(THRESHOLDS)


def respondents(cells, not_answered):
    answers, groups = [], []
    for r, line in enumerate(cells):
        for g, n in enumerate(line):
            answers += [f"a{r}"] * n
            groups += [f"g{g}"] * n
    answers += [None] * not_answered
    groups += ["g0"] * not_answered
    return (pd.Series(answers, dtype=object, name="q"),
            pd.Series(groups, dtype=object, name="by"))


def read_one_way(reading, cells, not_answered, threshold, disclosure=None):
    """What the results page prints for the question alone (or, with the ``disclosure`` of its
    crosstab, above its crosstab); returns the secrets."""
    answers, _ = respondents(cells, not_answered)
    rows = [f"a{r}" for r in range(len(cells))]
    table = frequency_table(answers, categories=rows)
    result = _counted(None, "q", table, {row: row for row in rows}, threshold, table.base,
                      table.not_answered, disclosure)
    row_terms = {row: {f"x{r}_{g}": 1.0 for g in range(len(cells[0]))}
                 for r, row in enumerate(rows)}
    base = total(name for terms in row_terms.values() for name in terms)
    if result.base is not None:
        reading.count(base, result.base)                          # "30 answered"
    if result.not_answered is not None:
        reading.count("not_answered", result.not_answered)        # ", 2 did not"
    for shown in result.rows:
        if shown.count is not None:
            reading.count(row_terms[shown.label], shown.count)
        if shown.percent is not None:
            reading.percent(row_terms[shown.label], base, shown_percent(shown.percent, 0))
        assert shown.count is not None or shown.weighted_percent is None
    return [(row, row_terms[row], int(sum(cells[r]))) for r, row in enumerate(rows)]


def read_crosstab(reading, cells, not_answered, threshold):
    """What the page prints of the question by a profile question, and of the question above
    it; returns the secrets."""
    answers, groups = respondents(cells, not_answered)
    rows = [f"a{r}" for r in range(len(cells))]
    columns = [f"g{g}" for g in range(len(cells[0]))]
    table = crosstab(answers, groups, threshold=threshold, categories=rows,
                     by_categories=columns)
    secrets = read_one_way(reading, cells, not_answered, threshold, table.disclosure)
    for g, column in enumerate(columns):
        column_terms = {f"x{r}_{g}": 1.0 for r in range(len(rows))}
        base = int(table.bases["base"].get(column, 0))
        secrets.append((f"base {column}", column_terms, base))
        shown = table.disclosure.shows(("column", column))
        if base == 0 and shown:  # the page leaves out a group nobody is in
            reading.count(column_terms, 0)
            continue
        if shown:
            reading.count(column_terms, base)                    # "People answering"
        for r, row in enumerate(rows):
            value = table.column_percent.loc[row, column]
            if not pd.isna(value):
                reading.percent(f"x{r}_{g}", column_terms, shown_percent(value, 0))
    secrets += [(f"{row} in {column}", f"x{r}_{g}", cells[r][g])
                for r, row in enumerate(rows) for g, column in enumerate(columns)]
    return secrets


def question_reading(cells, not_answered):
    names = [f"x{r}_{g}" for r in range(len(cells)) for g in range(len(cells[0]))]
    names.append("not_answered")
    responses = sum(map(sum, cells)) + not_answered
    reading = Reading(names, responses)
    reading.count(total(names), responses, public=True)  # "32 responses sent"
    return reading


@ATTACK
@given(question_tables())
def test_a_question_alone_gives_no_small_group_away(case):
    cells, not_answered, threshold = case
    reading = question_reading(cells, not_answered)
    if not reading.grand_total:
        return
    secrets = read_one_way(reading, cells, not_answered, threshold)
    assert reading.recovered(secrets, threshold) == []


@ATTACK
@given(question_tables())
def test_a_question_by_a_profile_question_gives_no_small_group_away(case):
    cells, not_answered, threshold = case
    reading = question_reading(cells, not_answered)
    if not reading.grand_total:
        return
    secrets = read_crosstab(reading, cells, not_answered, threshold)
    assert reading.recovered(secrets, threshold) == []


# --- response rates ------------------------------------------------------------------------

@st.composite
def invitation_tables(draw):
    size = draw(st.integers(2, 4))  # a profile question has two answers or more
    answered = draw(st.lists(COUNT, min_size=size, max_size=size))
    silent = draw(st.lists(COUNT, min_size=size, max_size=size))
    return answered, silent, draw(THRESHOLDS)


@ATTACK
@given(invitation_tables())
def test_response_rates_give_no_small_group_away(case):
    answered, silent, threshold = case
    invited_total = sum(answered) + sum(silent)
    if not invited_total:
        return
    groups = [f"g{i}" for i in range(len(answered))]
    people = [(g, True) for g, n in zip(groups, answered, strict=True) for _ in range(n)]
    people += [(g, False) for g, n in zip(groups, silent, strict=True) for _ in range(n)]
    table = response_rates(pd.Series([g for g, _ in people], dtype=object),
                           pd.Series([a for _, a in people]), categories=groups)
    rates = rate_rows(table, {g: g for g in groups}, threshold)
    names = [f"{kind}{g}" for g in groups for kind in ("yes_", "no_")]
    reading = Reading(names, invited_total)
    reading.count(total(names), invited_total, public=True)
    all_yes = total(f"yes_{g}" for g in groups)
    for row in rates:
        g = row.label
        invited = {f"yes_{g}": 1.0, f"no_{g}": 1.0}
        for terms, value in ((invited, row.invited), (f"yes_{g}", row.responded)):
            if value is not None:
                reading.count(terms, value)
        if row.rate is not None:
            reading.percent(f"yes_{g}", invited, shown_percent(row.rate, 0))
        if row.share_of_invited is not None:
            reading.percent(invited, total(names), shown_percent(row.share_of_invited, 0))
        if row.share_of_respondents is not None:
            reading.percent(f"yes_{g}", all_yes, shown_percent(row.share_of_respondents, 0))
    secrets = [(f"{g} answered", f"yes_{g}", a) for g, a in zip(groups, answered, strict=True)]
    secrets += [(f"{g} did not", f"no_{g}", s) for g, s in zip(groups, silent, strict=True)]
    secrets += [(f"{g} invited", {f"yes_{g}": 1.0, f"no_{g}": 1.0}, a + s)
                for g, a, s in zip(groups, answered, silent, strict=True)]
    assert reading.recovered(secrets, threshold) == []


# --- "who answered" and a question broken down by the same profile question -------------------

@st.composite
def linked_tables(draw):
    rows, columns = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    cells = draw(st.lists(st.lists(COUNT, min_size=columns, max_size=columns),
                          min_size=rows, max_size=rows))
    skipped = draw(st.lists(st.integers(0, 3), min_size=columns, max_size=columns))
    return cells, skipped, draw(THRESHOLDS)


@ATTACK
@given(linked_tables())
def test_who_answered_and_a_breakdown_by_the_same_question_together_give_nothing_away(case):
    assert attack_linked(*case) == []


def test_the_people_who_skipped_a_question_do_not_link_the_two_tables():
    # "who answered" prints 20 and hides 15 and 2; the breakdown alone would print the 15 and
    # hide 12 and 2, and 20 - 12 = 8 people who skipped (all of them) pins the hidden 2 to 0-2
    assert attack_linked([[6, 15, 1], [6, 0, 1]], [8, 0, 0], 10) == []


def attack_linked(cells, skipped, threshold):
    rows = [f"a{r}" for r in range(len(cells))]
    columns = [f"c{g}" for g in range(len(cells[0]) - 1)] + ["pnts"]  # the last: prefer not
    answers, groups = [], []
    for g, column in enumerate(columns):
        for r, row in enumerate(rows):
            answers += [row] * cells[r][g]
        answers += [None] * skipped[g]
        groups += [column] * (sum(line[g] for line in cells) + skipped[g])
    responses = len(answers)
    if not responses:
        return []
    everyone = [sum(line[g] for line in cells) + skipped[g] for g in range(len(columns))]
    who, _ = who_answered_figures(everyone[:-1], everyone[-1], 0, threshold)
    hidden_groups = [r.row.category for r in who.rows if r.hidden]
    table = crosstab(pd.Series(answers, dtype=object), pd.Series(groups, dtype=object),
                     threshold=threshold, categories=rows, by_categories=columns,
                     who_hidden=hidden_groups)
    names = [f"x{r}_{g}" for r in range(len(rows)) for g in range(len(columns))]
    names += [f"s{g}" for g in range(len(columns))]
    reading = Reading([*names, "not_answered"], responses)
    reading.count(total(names), responses, public=True)
    skipped_all = total(f"s{g}" for g in range(len(columns)))
    reading.count({**skipped_all, "not_answered": -1.0}, 0)  # who skipped: the groups' total
    group_terms = {column: {**{f"x{r}_{g}": 1.0 for r in range(len(rows))}, f"s{g}": 1.0}
                   for g, column in enumerate(columns)}
    for shown in who.rows:
        key = shown.row.category
        if key in group_terms and not shown.hidden:
            reading.count(group_terms[key], shown.row.count)
    secrets = [(f"who {c}", group_terms[c], n) for c, n in zip(columns, everyone, strict=True)]
    # the question's own table and its breakdown, as the page prints them
    secrets += _read_breakdown(reading, table, cells, threshold, answers)
    return reading.recovered(secrets, threshold)


def _read_breakdown(reading, table, cells, threshold, answers):
    rows = [f"a{r}" for r in range(len(cells))]
    columns = [f"c{g}" for g in range(len(cells[0]) - 1)] + ["pnts"]  # the last: prefer not
    one_way = frequency_table(pd.Series(answers, dtype=object), categories=rows)
    result = _counted(None, "q", one_way, {row: row for row in rows}, threshold,
                      one_way.base, one_way.not_answered, table.disclosure)
    row_terms = {row: {f"x{r}_{g}": 1.0 for g in range(len(columns))}
                 for r, row in enumerate(rows)}
    base = total(n for terms in row_terms.values() for n in terms)
    if result.base is not None:
        reading.count(base, result.base)
    if result.not_answered is not None:
        reading.count("not_answered", result.not_answered)
    for shown in result.rows:
        if shown.count is not None:
            reading.count(row_terms[shown.label], shown.count)
    secrets = [(row, row_terms[row], int(one_way.table.loc[row, "count"])) for row in rows]
    for g, column in enumerate(columns):
        column_terms = {f"x{r}_{g}": 1.0 for r in range(len(rows))}
        n = int(table.bases["base"].get(column, 0))
        secrets.append((f"base {column}", column_terms, n))
        shown = table.disclosure.shows(("column", column))
        if n == 0 and shown:  # the page leaves out a group nobody is in
            reading.count(column_terms, 0)
            continue
        if shown:
            reading.count(column_terms, n)
        for r, row in enumerate(rows):
            value = table.column_percent.loc[row, column]
            if not pd.isna(value):
                reading.percent(f"x{r}_{g}", column_terms, shown_percent(value, 0))
            secrets.append((f"{row} in {column}", f"x{r}_{g}", cells[r][g]))
    return secrets



@ATTACK
@given(invitation_tables())
def test_response_rates_beside_who_answered_give_nothing_away(case):
    # every respondent was invited, so a reader takes "answered" per group for the counts of
    # "who answered" on the same profile question: the two are read together
    answered, silent, threshold = case
    if not sum(answered):
        return
    who, keys = who_answered_figures(answered[:-1], answered[-1], 0, threshold)
    keys = [*keys, "pnts"]  # the last group: prefer not to say
    linked = [r.row.category for r in who.rows if r.hidden]
    people = [(k, True) for k, n in zip(keys, answered, strict=True) for _ in range(n)]
    people += [(k, False) for k, n in zip(keys, silent, strict=True) for _ in range(n)]
    table = response_rates(pd.Series([k for k, _ in people], dtype=object),
                           pd.Series([a for _, a in people]), categories=keys)
    rates = {row.label: row for row in rate_rows(table, {k: k for k in keys}, threshold,
                                                  linked)}
    names = [f"{kind}{k}" for k in keys for kind in ("yes_", "no_")]
    reading = Reading(names, sum(answered) + sum(silent))
    reading.count(total(names), reading.grand_total, public=True)
    reading.count(total(f"yes_{k}" for k in keys), sum(answered),
                  public=True)  # "(26 responses in all)"
    for shown in who.rows:
        if shown.row.category in keys and not shown.hidden:
            reading.count(f"yes_{shown.row.category}", shown.row.count)
    for k, row in rates.items():
        invited = {f"yes_{k}": 1.0, f"no_{k}": 1.0}
        for terms, value in ((invited, row.invited), (f"yes_{k}", row.responded)):
            if value is not None:
                reading.count(terms, value)
    secrets = [(f"{k} answered", f"yes_{k}", a) for k, a in zip(keys, answered, strict=True)]
    secrets += [(f"{k} did not", f"no_{k}", s) for k, s in zip(keys, silent, strict=True)]
    assert reading.recovered(secrets, threshold) == []
