"""The question-type registry: plain-English validation; values, counts and exports agree."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from surveys.question_types import (
    AGREE_SCALE,
    LONG_TEXT,
    TYPES,
    QuestionSpec,
    answers_from,
    form_class,
    form_data,
)

LIBRARY = QuestionSpec("q1", "single", "Which library do you use most?",
                       options=(("central", "Central"), ("padiham", "Padiham")), other=True)
USES = QuestionSpec("q2", "multiple", "What do you use the library for?", required=True,
                    options=(("books", "Books"), ("pcs", "Computers"), ("events", "Events")),
                    max_choices=2)
HOURS = QuestionSpec("q3", "agree", "The library is open at times that suit me")
STATEMENTS = QuestionSpec("q4", "matrix", "How much do you agree?",
                          statements=(("staff", "Staff are helpful"), ("clean", "It is clean")))
RECOMMEND = QuestionSpec("q5", "rating", "How likely are you to recommend it?")
VISITS = QuestionSpec("q6", "number", "How many times did you visit last month?", minimum=0,
                      maximum=100)
AREA = QuestionSpec("q7", "short_text", "Your postcode area")
ELSE = QuestionSpec("q8", "long_text", "Anything else?")
PRIORITIES = QuestionSpec("q9", "ranking", "Put these in order",
                          options=(("hours", "Longer hours"), ("books", "More books"),
                                   ("cafe", "A cafe")))
ALL = (LIBRARY, USES, HOURS, STATEMENTS, RECOMMEND, VISITS, AREA, ELSE, PRIORITIES)


def submit(pairs, specs=ALL):
    form = form_class(specs)(MultiDict(pairs))
    return form, form.validate()


def test_every_type_is_registered_once_with_a_label():
    assert set(TYPES) == {"single", "multiple", "agree", "matrix", "rating", "number",
                          "short_text", "long_text", "ranking"}
    assert all(t.label for t in TYPES.values())


def test_an_empty_page_asks_only_for_the_required_question():
    form, valid = submit([])
    assert not valid
    assert form.errors == {"q2": ["Select at least one answer to “What do you use the library "
                                  "for?”"]}


def test_bad_answers_get_plain_english_messages_next_to_their_question():
    form, valid = submit([("q1", "other"), ("q2", "books"), ("q2", "pcs"), ("q2", "events"),
                          ("q6", "200"), ("q9-hours", "1"), ("q9-books", "1")])
    assert not valid
    assert form.errors["q1"] == ["Say what your other answer is, or choose another answer"]
    assert form.errors["q2"] == ["Select no more than 2 answers"]
    assert form.errors["q6"] == ["Enter a whole number from 0 to 100"]
    assert "Give each item a different number" in str(form.errors["q9"])


@pytest.mark.parametrize(("ranks", "message"), [
    ([("q9-hours", "2")], "Number the items you rank from 1 to 1, without gaps"),
    ([("q9-hours", "1"), ("q9-cafe", "3")], "from 1 to 2, without gaps"),
])
def test_ranks_must_run_from_one_without_gaps(ranks, message):
    form, valid = submit([("q2", "books"), *ranks])
    assert not valid and message in str(form.errors["q9"])


def test_a_required_ranking_needs_at_least_one_rank():
    required = QuestionSpec("r", "ranking", "Put these in order", required=True,
                            options=PRIORITIES.options)
    form, valid = submit([], specs=[required])
    assert not valid and "Rank at least one item" in str(form.errors["r"])


def test_text_is_trimmed_and_limited():
    form, valid = submit([("q2", "books"), ("q8", "x" * (LONG_TEXT + 1))])
    assert not valid and form.errors["q8"] == ["Your answer must be 5,000 characters or fewer"]
    form, valid = submit([("q2", "books"), ("q7", "  BB11  ")])
    assert valid and answers_from(form, ALL)["q7"] == "BB11"


def test_a_valid_page_gives_the_values_stored():
    form, valid = submit([
        ("q1", "other"), ("q1_other", " Briercliffe "), ("q2", "books"), ("q3", "dont_know"),
        ("q4-staff", "agree"), ("q5", "0"), ("q6", "3"), ("q9-hours", "2"), ("q9-cafe", "1")])
    assert valid, form.errors
    assert answers_from(form, ALL) == {
        "q1": {"choice": "other", "other": "Briercliffe"},
        "q2": {"choices": ["books"], "other": ""},
        "q3": "dont_know", "q4": {"staff": "agree"}, "q5": 0, "q6": 3, "q7": None,
        "q8": None, "q9": ["cafe", "hours"]}


def test_unanswered_optional_questions_store_nothing():
    form, valid = submit([("q2", "pcs")])
    assert valid
    answers = answers_from(form, ALL)
    assert [k for k, v in answers.items() if v is not None] == ["q2"]


@pytest.mark.parametrize(("spec", "value", "counted"), [
    (LIBRARY, "central", ["central"]),
    (LIBRARY, {"choice": "other", "other": "Briercliffe"}, ["other"]),
    (USES, {"choices": ["books", "pcs"], "other": ""}, ["books", "pcs"]),
    (HOURS, "agree", ["agree"]),
    (STATEMENTS, {"staff": "agree", "clean": "disagree"}, ["staff:agree", "clean:disagree"]),
    (RECOMMEND, 7, ["7"]),
    (PRIORITIES, ["cafe", "hours"], ["cafe"]),
    (LIBRARY, None, []),
])
def test_each_answer_counts_in_the_categories_a_summary_shows(spec, value, counted):
    kind = TYPES[spec.kind]
    assert kind.counted(spec, value) == counted
    categories = {c for c, _ in kind.categories(spec)}
    assert all(c.split(":")[-1] in categories for c in counted)


def test_exports_have_one_labelled_column_per_value_and_cells_to_match():
    rows = {spec.key: (TYPES[spec.kind].columns(spec), TYPES[spec.kind].cells(spec, value))
            for spec, value in [
                (LIBRARY, {"choice": "other", "other": "Briercliffe"}),
                (USES, {"choices": ["books", "events"], "other": ""}),
                (HOURS, "dont_know"), (STATEMENTS, {"clean": "strongly_agree"}),
                (VISITS, 3), (PRIORITIES, ["cafe", "hours"])]}
    for columns, cells in rows.values():
        assert len(columns) == len(cells)
        assert all(c.name.replace("_", "").isalnum() and c.name[0].isalpha() for c in columns)
    columns, cells = rows["q1"]
    assert [c.name for c in columns] == ["q1", "q1_other"] and cells == [3, "Briercliffe"]
    assert columns[0].value_labels == {1: "Central", 2: "Padiham", 3: "Other (please say)"}
    assert rows["q2"][1] == [1, 0, 1]
    assert rows["q3"][1] == [9] and rows["q3"][0][0].value_labels[9] == "Don't know"
    assert rows["q4"][1] == [None, 1]
    assert [c.name for c in rows["q6"][0]] == ["q6"] and rows["q6"][1] == [3]
    assert rows["q9"][1] == [2, None, 1]  # hours 2nd, books unranked, cafe 1st


def test_an_unanswered_question_exports_blank_cells():
    for spec in ALL:
        kind = TYPES[spec.kind]
        cells = kind.cells(spec, None)
        assert len(cells) == len(kind.columns(spec))
        assert all(cell is None for cell in cells), spec.kind


def test_the_agree_scale_codes_dont_know_apart():
    codes = TYPES["agree"].columns(HOURS)[0].value_labels
    assert list(codes) == [1, 2, 3, 4, 5, 9]
    assert [codes[k] for k in codes] == [label for _, label in AGREE_SCALE]


def test_spaces_alone_do_not_answer_a_required_text_question():
    required = QuestionSpec("t", "short_text", "Your postcode area", required=True)
    form, valid = submit([("t", "   ")], specs=[required])
    assert not valid and form.errors == {"t": ["Enter an answer to “Your postcode area”"]}


def test_a_number_that_is_not_a_number_gets_the_plain_english_message():
    form, valid = submit([("q2", "books"), ("q6", "three")])
    assert not valid and form.errors["q6"] == ["Enter a whole number from 0 to 100"]


def test_stored_answers_fill_the_form_again_unchanged():
    pairs = [("q1", "other"), ("q1_other", "Briercliffe"), ("q2", "books"), ("q2", "events"),
             ("q3", "agree"), ("q4-staff", "disagree"), ("q5", "8"), ("q6", "12"),
             ("q7", "BB11"), ("q8", "Longer hours, please"), ("q9-books", "1"),
             ("q9-hours", "2")]
    form, valid = submit(pairs)
    assert valid, form.errors
    stored = answers_from(form, ALL)
    again = form_class(ALL)(formdata=None, data=form_data(ALL, stored))
    assert answers_from(again, ALL) == stored


def test_an_empty_number_box_is_no_answer_not_a_bad_number():
    form, valid = submit([("q2", "books"), ("q6", "")])
    assert valid, form.errors
    required = QuestionSpec("n", "number", "How many?", required=True)
    form, valid = submit([("n", "  ")], specs=[required])
    assert not valid and form.errors == {"n": ["Enter a number for “How many?”"]}


@pytest.mark.parametrize("place", ["a\x00b", "x", " ", "9" * 40])
def test_a_rank_that_is_not_a_place_is_refused_plainly(place):
    form, valid = submit([("q2", "books"), ("q9-hours", place), ("q9-books", "1")])
    assert not valid
    assert form.errors["q9"]["hours"] == ["Select one of the options for longer hours"]


def test_a_rating_of_only_spaces_is_unanswered():
    form, valid = submit([("q2", "books"), ("q5", " ")])
    assert TYPES["rating"].value(RECOMMEND, form.q5.data) is None


@pytest.mark.parametrize("number", ["9" * 40, "-" + "9" * 40, str(2**31)])
def test_a_number_too_big_to_store_gets_the_plain_message(number):
    numbers = QuestionSpec("q6", "number", "How many?")
    form, valid = submit([("q6", number)], specs=(numbers,))
    assert not valid and form.errors["q6"] == ["Enter a whole number"]
