"""Reading what a registrant sends, without Flask or the database."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.uk_time import span
from events.models import NeedKind
from events.registration_forms import (
    Question,
    SessionChoice,
    household_key,
    read_answers,
    read_registrant,
)
from events.waves import suggested_size

SESSIONS = [SessionChoice(11, "first"), SessionChoice(12, "second")]
QUESTIONS = [Question("q5", "Parks?", (("Happy", "Happy"), ("Unhappy", "Unhappy")))]
PROFILE = [Question("sex", "Sex", (("female", "Female"), ("prefer_not_to_say", "Prefer not"))),
           Question("religion", "Religion", (("none", "None"), ("prefer_not_to_say", "P")),
                    special=True)]


def test_availability_needs_and_answers_are_read():
    answers, problems = read_answers(
        {"available": ["12", "12", "99"], "needs": ["childcare", "bsl", "nonsense"],
         "need-childcare": " 4 ", "q5": ["Happy"]}, SESSIONS, QUESTIONS)
    assert problems == {}
    assert answers.available == {12}
    assert answers.needs == [(NeedKind.CHILDCARE, "4"), (NeedKind.BSL, "")]
    assert answers.screening == {"q5": "Happy"}


@pytest.mark.parametrize(("form", "where", "message"), [
    ({"q5": ["Happy"]}, "available-11", "Tick at least one session"),
    ({"available": ["x"], "q5": ["Happy"]}, "available-11", "Tick at least one session"),
    ({"available": ["11"], "needs": ["interpreter"], "q5": ["Happy"]}, "need-interpreter",
     "Enter the language"),
    ({"available": ["11"], "q5": ["Angry"]}, "q5", "Select an answer"),
    ({"available": ["11"], "needs": ["other"], "need-other": ["a\x07b"], "q5": ["Happy"]},
     "need-other", "Remove the unusual character"),
])
def test_problems_name_the_control(form, where, message):
    _, problems = read_answers(form, SESSIONS, QUESTIONS)
    assert list(problems) == [where] and message in problems[where]


def test_an_assembly_needs_every_session():
    _, problems = read_answers({"available": ["11"]}, SESSIONS, [], all_sessions=True)
    assert "Tick every session" in problems["available-11"]
    _, problems = read_answers({"available": ["11", "12"]}, SESSIONS, [], all_sessions=True)
    assert problems == {}


def test_one_session_is_one_checkbox():
    _, problems = read_answers({}, SESSIONS[:1], [])
    assert problems == {"available": "Tick the session to say you can come"}


def test_special_category_answers_are_dropped_without_consent():
    form = {"name": ["Ada Lovelace"], "email": ["ada@example.org"], "postcode": ["bb111jt"],
            "sex": ["female"], "religion": ["none"]}
    person, problems = read_registrant(form, PROFILE)
    assert problems == {}
    assert person.profile == {"sex": "female"} and person.postcode == "BB11 1JT"
    person, _ = read_registrant({**form, "special_consent": ["yes"]}, PROFILE)
    assert person.profile == {"sex": "female", "religion": "none"} and person.special_consent


def test_every_profile_question_needs_an_answer_or_prefer_not_to_say():
    _, problems = read_registrant({"name": ["A"], "email": ["a@b.org"], "postcode": ["BB1 1AA"],
                                   "sex": ["prefer_not_to_say"]}, PROFILE)
    assert list(problems) == ["religion"]


def test_times_are_shown_in_uk_time_across_the_clock_change():
    assert span(datetime(2027, 3, 27, 10), datetime(2027, 3, 27, 13)) == \
        "Saturday 27 March 2027, 10am to 1pm"
    assert span(datetime(2027, 3, 28, 9, 30), datetime(2027, 3, 28, 12)) == \
        "Sunday 28 March 2027, 10:30am to 1pm"


def test_the_household_of_a_public_registrant():
    assert household_key("BB11 1JT", "Ada Lovelace") == "public:bb111jt:lovelace"


def test_the_wave_size_suggestion():
    assert suggested_size(12, 30) == 80
    assert suggested_size(1, 100) == 2
    assert suggested_size(5, 30, places=2) == 14
