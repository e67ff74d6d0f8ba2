"""The officers' preview: the survey page by page as a resident sees it; nothing is saved.

Each preview page is a GET form. The answers chosen so far travel in the query string (the
earlier pages' answers as hidden fields), so the preview honours display logic as the
answering pages do (``surveys.answering``), without a session or a database write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from surveys import answering
from surveys.models import Question, Section, Survey
from surveys.question_types import OTHER, TYPES, form_class


@dataclass(frozen=True)
class PreviewPage:
    number: int                      # the page's number in the builder (1, 2, ...)
    section: Section
    questions: list[Question]        # what a resident with these answers sees
    hidden: list[Question]           # on this page, but hidden by the answers so far
    previous: int | None             # the page before that a resident with them saw
    carried: list[tuple[str, str]] = field(default_factory=list)  # earlier answers, as fields


def answers_chosen(survey: Survey, args: Mapping[str, Any]) -> dict[str, Any]:
    """The answers in the query string, as stored answers look (a field that does not
    validate counts as unanswered), keeping only those a resident would have been shown."""
    specs = [q.spec() for q in survey.questions]
    form = form_class(specs)(formdata=MultiDict(args))
    form.validate()
    answers: dict[str, Any] = {}
    for spec in specs:
        if form[spec.key].errors:
            continue
        data = form[spec.key].data
        if spec.kind in ("single", "multiple"):
            data = {"choice": data,
                    "other": form[f"{spec.key}_other"].data if spec.other else None}
        value = TYPES[spec.kind].value(spec, data)
        if value is not None:
            answers[spec.key] = value
    shown = {q.key for s in answering.visible_sections(survey, answers)
             for q in answering.visible_questions(s, answers)}
    return {key: value for key, value in answers.items() if key in shown}


def is_skipped(section: Section, answers: Mapping[str, Any]) -> bool:
    """A resident with these answers would not see this page (a page with no questions yet
    is still previewed, so that officers can see it)."""
    questions = {q.key: q for q in section.survey.questions}
    if not answering.shows(section.show_if, answers, questions):
        return True
    return bool(section.questions) and not answering.visible_questions(section, answers,
                                                                         questions)


def next_number(survey: Survey, number: int, answers: Mapping[str, Any]) -> int | None:
    """The first page from ``number`` on that a resident with these answers sees."""
    return next((n for n, s in enumerate(survey.sections, start=1)
                 if n >= number and not is_skipped(s, answers)), None)


def page(survey: Survey, number: int, args: MultiDict) -> PreviewPage:
    section = survey.sections[number - 1]
    earlier = [q for s in survey.sections[:number - 1] for q in s.questions]
    answers = {k: v for k, v in answers_chosen(survey, args).items()
               if k in {q.key for q in earlier}}
    questions = {q.key: q for q in survey.questions}
    visible = answering.visible_questions(section, answers, questions)
    previous = next((n for n in range(number - 1, 0, -1)
                     if not is_skipped(survey.sections[n - 1], answers)), None)
    return PreviewPage(number=number, section=section, questions=visible,
                       hidden=[q for q in section.questions if q not in visible],
                       previous=previous, carried=carried(args, earlier))


def carried(args: MultiDict, questions: list[Question]) -> list[tuple[str, str]]:
    """The query-string fields that answer ``questions`` (to pass on to the next page)."""
    keys = {q.key for q in questions}
    return [(name, value) for name, value in args.items(multi=True)
            if _key_of(name) in keys]


def _key_of(name: str) -> str:
    """The question a field belongs to: ``q3``, ``q3_other`` and ``q3-item`` are all q3's."""
    base = name.split("-", 1)[0]
    return base.removesuffix(f"_{OTHER}")
