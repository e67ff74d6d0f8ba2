"""Display logic in the builder: which earlier questions a question or page can depend on, the
rule in words, and the changes that would break a rule (checked before anything is changed).

A rule is ``{"question": key, "in": [values]}`` (see ``surveys.answering.shows``). It may refer
only to a choice question on an EARLIER PAGE: residents answer a page at a time, and a page's
questions are chosen from the answers already saved, so a rule on a question on the same page
could never show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from surveys.models import Question, Section, Survey
from surveys.question_spec import QuestionSpec
from surveys.question_types import TYPES

CONDITION_KINDS = ("single", "multiple", "agree", "rating", "ranking")


def number_of(question: Question) -> int:
    """The question's number in the survey as officers see it: Q1, Q2, ... in page order."""
    return next(n for n, q in enumerate(question.survey.questions, start=1) if q is question)


def name_of(question: Question) -> str:
    return f"Q{number_of(question)} “{question.text}”"


def candidates(survey: Survey, section: Section) -> list[Question]:
    """The questions a question on ``section`` can depend on: choices on earlier pages."""
    return [q for s in survey.sections if s.position < section.position for q in s.questions
            if q.kind in CONDITION_KINDS]


def labels(question: Question | QuestionSpec) -> dict[str, str]:
    spec = question.spec() if isinstance(question, Question) else question
    return dict(TYPES[spec.kind].categories(spec))


def describe(rule: dict[str, Any] | None, survey: Survey) -> str:
    """A rule in words: Shown only if Q2 “Do you drive?” is answered “Yes” or “Sometimes”."""
    if not rule:
        return ""
    source = next((q for q in survey.questions if q.key == rule.get("question")), None)
    if source is None:
        return "Shown only if an earlier answer matches (the question it depended on is gone)."
    words = labels(source)
    answers = " or ".join(f"“{words.get(value, value)}”" for value in rule.get("in", []))
    return f"Shown only if {name_of(source)} is answered {answers}."


def rule_problem(rule: dict[str, Any] | None, survey: Survey, section: Section,
                 subject: str = "question") -> str | None:
    """Why a question on ``section`` (or, ``subject="page"``, the page) cannot have this
    rule (None: it can)."""
    if not rule:
        return None
    source = next((q for q in candidates(survey, section) if q.key == rule.get("question")), None)
    if source is None:
        return (f"A {subject} can depend only on a choice question on an earlier page. Choose "
                f"an earlier question, or move this {subject} later in the survey.")
    if not rule.get("in") or not set(rule["in"]) <= set(labels(source)):
        return f"Choose at least one answer to {name_of(source)} that shows this {subject}."
    return None


def dependents(question: Question) -> list[Question | Section]:
    """The questions and pages whose rule refers to ``question``."""
    return [item for item in _rules(question.survey)
            if item.show_if and item.show_if.get("question") == question.key]


def describe_items(items: Iterable[Question | Section]) -> str:
    names = [name_of(i) if isinstance(i, Question) else f"page {i.position + 1} “{i.title}”"
             for i in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def delete_problem(question: Question) -> str | None:
    depending = dependents(question)
    if not depending:
        return None
    return (f"This question cannot be deleted yet: {describe_items(depending)} "
            f"{'is' if len(depending) == 1 else 'are'} shown only for some answers to it. "
            "Change their display logic first.")


def move_problem(question: Question, target: Section) -> str | None:
    """Why ``question`` cannot move to the page ``target`` (None: it can)."""
    survey = question.survey
    if question.show_if:
        source = next((q for q in survey.questions if q.key == question.show_if["question"]),
                      None)
        if source is not None and source.section.position >= target.position:
            return (f"This question cannot move to page {target.position + 1}: it is shown only "
                    f"for some answers to {name_of(source)}, which must be on an earlier page. "
                    "Change its display logic first.")
    later = [item for item in dependents(question)
             if _position(item) <= target.position]
    if later:
        return (f"This question cannot move to page {target.position + 1}: "
                f"{describe_items(later)} {'is' if len(later) == 1 else 'are'} shown only for "
                "some answers to it, so it must stay on an earlier page. Change their display "
                "logic first.")
    return None


def change_problem(question: Question, new: QuestionSpec) -> str | None:
    """Why ``question`` cannot become ``new``: rules that depend on it would lose answers."""
    offered = set(labels(new)) if new.kind in CONDITION_KINDS else set()
    broken = [item for item in dependents(question) if not set(item.show_if["in"]) <= offered]
    if not broken:
        return None
    names = describe_items(broken)
    return (f"{names[0].upper()}{names[1:]} {'is' if len(broken) == 1 else 'are'} shown "
            "only for some answers to this question. Keep the question's type and those "
            "answers, or change their display logic first.")


def _rules(survey: Survey) -> Sequence[Question | Section]:
    return [*survey.sections, *survey.questions]


def _position(item: Question | Section) -> int:
    return item.section.position if isinstance(item, Question) else item.position
