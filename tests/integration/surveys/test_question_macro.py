"""The survey question macro: every question type, valid and with errors, parsed as real HTML.

Each case binds a form from ``form_class`` with what a resident's browser would post, validates
it and renders ``survey_question`` for it. The checks are those of GOV.UK Frontend question
pages: a legend or label with the question, inline errors next to the right question, nothing the
resident entered lost, unique ids, and no inline script or style (strict CSP, works without JS).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from werkzeug.datastructures import MultiDict

from surveys.question_types import QuestionSpec, form_class
from tests.conftest import PROJECT_ROOT
from tests.integration.surveys.html import (
    Node,
    controls,
    error_text_of,
    owner_of,
    parse,
    resubmitted,
)

SPECS = {spec.kind: spec for spec in (
    QuestionSpec("q1", "single", "How did you hear about the panel?", required=True,
                 options=(("letter", "A letter"), ("website", "Our website")), other=True),
    QuestionSpec("q2", "multiple", "How do you travel into town?", max_choices=2, other=True,
                 options=(("bus", "Bus"), ("car", "Car"), ("walk", "Walking"))),
    QuestionSpec("q3", "agree", "The town centre feels safe during the day", required=True),
    QuestionSpec("q4", "matrix", "How much do you agree with these statements?", required=True,
                 statements=(("clean", "Parks are clean"), ("safe", "Streets feel safe"))),
    QuestionSpec("q5", "rating", "How would you rate the council's bin collections?",
                 required=True),
    QuestionSpec("q6", "number", "How many people live in your home?", minimum=1, maximum=20,
                 hint="Include yourself."),
    QuestionSpec("q7", "short_text", "Which park do you visit most?", required=True),
    QuestionSpec("q8", "long_text", "What one thing would improve your area?", required=True,
                 hint="Tell us in your own words."),
    QuestionSpec("q9", "ranking", "Put these services in order of how much they matter to you",
                 required=True, options=(("bins", "Bin collections"), ("parks", "Parks"),
                                         ("roads", "Roads"))),
)}
OTHER_MISSING = "Say what your other answer is, or choose another answer"
TEMPLATE = ('{% from "surveys/_question.html" import survey_question, error_href, error_text %}'
            '{{ survey_question(form, spec) }}<p id="href">{{ error_href(form, spec) }}</p>'
            '<p id="text">{{ error_text(form, spec) }}</p>')
PAGE = ('{% from "surveys/_question.html" import survey_question %}'
        '{% for spec in specs %}{{ survey_question(form, spec) }}{% endfor %}')


# --- rendering --------------------------------------------------------------------------------

@dataclass
class Rendered:
    root: Node
    html: str
    valid: bool
    href: str
    text: str


def render(app, spec: QuestionSpec, data: list[tuple[str, str]]) -> Rendered:
    form = form_class([spec])(MultiDict(data))
    valid = form.validate()
    with app.test_request_context():
        html = app.jinja_env.from_string(TEMPLATE).render(form=form, spec=spec)
    root = parse(html)
    href, text = root.find(id="href"), root.find(id="text")
    for helper in (href, text):
        helper.parent.children.remove(helper)
    return Rendered(root, html, valid, href.raw_text, text.raw_text)


def assert_sound_markup(page: Rendered, spec: QuestionSpec) -> None:
    """Labels, legends, unique ids, resolvable references, no inline script or style."""
    root = page.root
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
    assert all(ids) and len(ids) == len(set(ids)), Counter(ids).most_common(3)
    assert not root.find_all("script") and not root.find_all("style")
    for node in root.iter():
        assert "style" not in node.attrs, f"<{node.tag} style=...>"
        assert not [a for a in node.attrs if a.startswith("on")], f"handler on <{node.tag}>"
        for ref in ("aria-describedby", "aria-labelledby", "data-aria-controls", "for"):
            for target in (node.attrs.get(ref) or "").split():
                assert target in ids, f'<{node.tag} {ref}="{target}"> refers to nothing'
    found = controls(root)
    assert found
    for node in found:
        assert node.attrs.get("id") and node.attrs.get("name"), node.attrs
        labels = root.find_all("label", for_=node.attrs["id"])
        assert len(labels) == 1 and labels[0].text, f"#{node.attrs['id']} has no label"
        if node.attrs.get("type") in ("radio", "checkbox") or spec.kind in ("matrix", "ranking"):
            fieldset = node.closest("fieldset")
            assert fieldset is not None and fieldset.find("legend").text, node.attrs["id"]
    # The question itself is the legend (choices) or the label (one input).
    if spec.kind in ("number", "short_text", "long_text"):
        assert root.find("label", for_=spec.key).text == spec.text
    else:
        outer = root.find("fieldset")
        assert outer.find("legend").text == spec.text
        assert all(outer in n.ancestors() for n in found if n.attrs["name"] != f"{spec.key}_other")
    # The id "#<key>" that wtforms_errors(form) links to is always on the page.
    assert spec.key in ids
    # A hint or error is announced with the question.
    for hint in root.find_all(cls="govuk-hint"):
        described = [n for n in root.iter() if hint.attrs["id"] in
                     (n.attrs.get("aria-describedby") or "").split()]
        assert described, f"hint #{hint.attrs['id']} is not referenced"


def assert_other_box(page: Rendered, spec: QuestionSpec) -> None:
    """The "Please say" box follows the options, and shows without JavaScript."""
    box = page.root.find("input", name=f"{spec.key}_other")
    assert box is not None and box.attrs["id"] == f"{spec.key}_other"
    assert page.root.find("label", for_=box.attrs["id"]).text == "Please say"
    assert not [a for a in (box, *box.ancestors()) if "hidden" in a.attrs]
    options = page.root.find_all("input", name=spec.key)
    assert options[-1].attrs["value"] == "other"
    order = [n for n in page.root.iter() if n in (*options, box)]
    assert order[-1] is box and order[-2] is options[-1]
    if spec.kind == "single":  # always shown (a reveal would put aria-expanded on a radio)
        assert box.closest(cls="govuk-radios__conditional") is None
        assert box.closest("fieldset") is options[-1].closest("fieldset")
        assert "data-aria-controls" not in options[-1].attrs
    reveal = box.closest(cls="govuk-checkboxes__conditional")
    if reveal is not None:  # GOV.UK conditional reveal, driven by the "Other" checkbox
        assert options[-1].attrs["data-aria-controls"] == reveal.attrs["id"]
        hidden = "govuk-checkboxes__conditional--hidden" in reveal.classes
        assert hidden == ("checked" not in options[-1].attrs)


# --- the cases ----------------------------------------------------------------------------------

VALID = {
    "single": [("q1", "other"), ("q1_other", "A friend told me")],
    "multiple": [("q2", "bus"), ("q2", "other"), ("q2_other", "Tram & train")],
    "agree": [("q3", "dont_know")],
    "matrix": [("q4-clean", "agree"), ("q4-safe", "strongly_disagree")],
    "rating": [("q5", "7")],
    "number": [("q6", "3")],
    "short_text": [("q7", "Towneley Park")],
    "long_text": [("q8", "More buses <b>after</b> 6pm\nand on Sundays")],
    "ranking": [("q9-bins", "2"), ("q9-roads", "1")],
}


@dataclass(frozen=True)
class Invalid:
    kind: str
    data: list[tuple[str, str]]
    errors: list[tuple[str, str]]  # (the legend or label it is next to, message), in page order
    href: str


INVALID = [
    Invalid("single", [], [(SPECS["single"].text,
                            "Select an answer to “How did you hear about the panel?”")], "#q1"),
    Invalid("single", [("q1", "other"), ("q1_other", "  ")],
            [("Please say", OTHER_MISSING)], "#q1_other"),
    Invalid("multiple", [("q2", "bus"), ("q2", "car"), ("q2", "other")],
            [(SPECS["multiple"].text, "Select no more than 2 answers"),
             ("Please say", OTHER_MISSING)], "#q2"),
    Invalid("multiple", [("q2", "walk"), ("q2_other", "x" * 201)],
            [("Please say", "Your answer must be 200 characters or fewer")], "#q2_other"),
    Invalid("agree", [], [(SPECS["agree"].text, "Select how much you agree that the town "
                                                "centre feels safe during the day")], "#q3"),
    Invalid("matrix", [("q4-clean", "neither")],
            [("Streets feel safe", "Select how much you agree that streets feel safe")],
            "#q4-safe"),
    Invalid("rating", [], [(SPECS["rating"].text, "Select a number between 0 and 10 for "
                                                  "“How would you rate the council's bin "
                                                  "collections?”")], "#q5"),
    Invalid("number", [("q6", "21")],
            [(SPECS["number"].text, "Enter a whole number from 1 to 20")], "#q6"),
    Invalid("number", [("q6", "three")],
            [(SPECS["number"].text, "Enter a whole number from 1 to 20")], "#q6"),
    Invalid("short_text", [("q7", "Queen's Park " * 20)],
            [(SPECS["short_text"].text, "Your answer must be 200 characters or fewer")], "#q7"),
    Invalid("long_text", [("q8", "")],
            [(SPECS["long_text"].text, "Enter an answer to “What one thing would improve your "
                                       "area?”")], "#q8"),
    Invalid("ranking", [("q9-bins", "1"), ("q9-parks", "1")],
            [(SPECS["ranking"].text, "Give each item a different number")], "#q9-bins"),
    Invalid("ranking", [("q9-parks", "2")],
            [(SPECS["ranking"].text, "Number the items you rank from 1 to 1, without gaps")],
            "#q9-bins"),
    Invalid("ranking", [], [(SPECS["ranking"].text, "Rank at least one item for “Put these "
                                                    "services in order of how much they matter "
                                                    "to you”")], "#q9-bins"),
]


def kept(data: list[tuple[str, str]]) -> Counter:
    """The posted data as it comes back: text boxes trimmed, blanks left out."""
    return Counter((k, v.strip()) for k, v in data if v.strip())


@pytest.mark.parametrize("kind", list(SPECS))
def test_valid_answers_are_shown_again_without_errors(app, kind):
    spec = SPECS[kind]
    page = render(app, spec, VALID[kind])
    assert page.valid
    assert_sound_markup(page, spec)
    assert not page.root.find_all(cls="govuk-error-message")
    assert "govuk-form-group--error" not in page.html
    assert page.href == "" and page.text == ""
    assert Counter(resubmitted(page.root)) == kept(VALID[kind])
    if spec.other:
        assert_other_box(page, spec)


@pytest.mark.parametrize("kind", list(SPECS))
def test_unanswered_questions_render_blank(app, kind):
    spec = SPECS[kind]
    form = form_class([spec])()
    with app.test_request_context():
        html = app.jinja_env.from_string(TEMPLATE).render(form=form, spec=spec)
    root = parse(html)
    assert not root.find_all(cls="govuk-error-message")
    assert resubmitted(root) == []


@pytest.mark.parametrize("case", INVALID, ids=lambda c: f"{c.kind}-{c.href}")
def test_errors_are_shown_next_to_their_question(app, case):
    spec = SPECS[case.kind]
    page = render(app, spec, case.data)
    assert not page.valid
    assert_sound_markup(page, spec)
    messages = page.root.find_all(cls="govuk-error-message")
    assert [(owner_of(m), error_text_of(m)) for m in messages] == case.errors
    for message in messages:
        assert message.tag == "p" and message.attrs["id"].endswith("-error")
        group = message.closest(cls="govuk-form-group")
        assert "govuk-form-group--error" in group.classes
        describing = [n for n in group.iter() if message.attrs["id"] in
                      (n.attrs.get("aria-describedby") or "").split()]
        assert describing and all(n.tag in ("fieldset", "input", "select", "textarea")
                                  for n in describing)
    # Nothing the resident entered is lost.
    assert Counter(resubmitted(page.root)) == kept(case.data)
    # The error summary's link lands on a control of this question, and says the same.
    assert page.href == case.href
    target = page.root.find(id=case.href[1:])
    assert target is not None and target in controls(page.root)
    assert page.text == case.errors[0][1]
    if spec.other:
        assert_other_box(page, spec)


def test_a_problem_in_the_other_box_shows_even_when_other_is_not_chosen(app):
    """The box is not hidden by conditional reveal while it has an error to fix."""
    page = render(app, SPECS["multiple"], [("q2", "walk"), ("q2_other", "x" * 201)])
    box = page.root.find("input", name="q2_other")
    assert box.closest(cls="govuk-checkboxes__conditional") is None
    assert "govuk-input--error" in box.classes


def test_a_page_of_every_type_has_unique_ids(app):
    specs = list(SPECS.values())
    data = [pair for kind in SPECS for pair in VALID[kind]]
    for posted in (data, []):
        form = form_class(specs)(MultiDict(posted))
        assert form.validate() is bool(posted)
        with app.test_request_context():
            html = app.jinja_env.from_string(PAGE).render(form=form, specs=specs)
        root = parse(html)
        ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
        assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
        legends_and_labels = {n.text for n in root.find_all() if n.tag in ("legend", "label")}
        assert {spec.text for spec in specs} <= legends_and_labels
        if not posted:
            assert len(root.find_all(cls="govuk-error-message")) == sum(
                1 + (spec.kind == "matrix") for spec in specs if spec.required)


def test_rating_is_inline_and_number_is_narrow(app):
    rating = render(app, SPECS["rating"], VALID["rating"]).root
    radios = rating.find(cls="govuk-radios")
    assert "govuk-radios--inline" in radios.classes
    assert [n.attrs["value"] for n in rating.find_all("input")] == [str(n) for n in range(11)]
    number = render(app, SPECS["number"], VALID["number"]).root.find("input")
    assert "govuk-input--width-5" in number.classes
    assert number.attrs["inputmode"] == "numeric" and number.attrs["type"] == "text"
    long_text = render(app, SPECS["long_text"], VALID["long_text"])
    assert "&lt;b&gt;after&lt;/b&gt;" in long_text.html  # what residents type is escaped


def test_matrix_is_a_fieldset_per_statement(app):
    root = render(app, SPECS["matrix"], VALID["matrix"]).root
    outer = root.find("fieldset")
    inner = outer.find_all("fieldset")
    assert [f.find("legend").text for f in inner] == ["Parks are clean", "Streets feel safe"]
    for fieldset, (key, _) in zip(inner, SPECS["matrix"].statements, strict=True):
        names = {n.attrs["name"] for n in fieldset.find_all("input")}
        assert names == {f"q4-{key}"}
        assert "govuk-radios--small" in fieldset.find(cls="govuk-radios").classes


def test_ranking_has_a_labelled_select_per_item(app):
    root = render(app, SPECS["ranking"], VALID["ranking"]).root
    selects = root.find_all("select")
    assert [root.find("label", for_=s.attrs["id"]).text for s in selects] == [
        "Bin collections", "Parks", "Roads"]
    assert [o.text for o in selects[0].find_all("option")] == ["Not ranked", "1", "2", "3"]


def test_conditional_reveal_is_only_hidden_when_govuk_javascript_runs():
    """Without JavaScript the page never gets this class, so the "Please say" box shows."""
    css = (PROJECT_ROOT / "static" / "css" / "council.css").read_text()
    rule = ".govuk-checkboxes__conditional--hidden{display:none}"
    assert f".govuk-frontend-supported {rule}" in css and css.count(rule) == 1
