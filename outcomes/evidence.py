"""The figures of a published response, worked out once when it is published and kept with the
version (JSON), so the public page never recomputes them and never changes under a reader.

Every figure comes from the surveys module's results, which pass its one suppression function:
a small group is hidden (``None``) together with whatever would let it be worked out. Who took
part by channel passes the same function. Only what the officer chose to publish is taken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from core.extensions import db
from panel.models import Dimension, TargetSet
from panel.representation import HOUSEHOLD_DIMENSIONS
from surveys.models import Invitation, Response, ResponseMode, Survey
from surveys.results import QuestionResult, results
from surveys.suppression import suppress_small_cells

WEIGHTABLE = ("single", "multiple", "agree", "rating")


def default_target_set() -> TargetSet | None:
    return db.session.scalar(select(TargetSet).where(TargetSet.is_default.is_(True)))


def channels(survey: Survey) -> dict[str, Any]:
    """Submitted responses by channel (online, paper, telephone), small counts hidden."""
    counted = Counter(db.session.scalars(select(Response.mode).where(
        Response.survey_id == survey.id, Response.submitted_at.is_not(None))).all())
    series = pd.Series({mode.label: counted.get(mode, 0) for mode in ResponseMode}, dtype=int)
    hidden = suppress_small_cells(series, survey.suppress_below).hidden
    return {"total": int(series.sum()),
            "rows": [{"label": label, "count": None if hidden[label] else int(count)}
                     for label, count in series.items() if count or hidden[label]]}


def _question(result: QuestionResult, weighted: bool) -> dict[str, Any]:
    return {
        "question_id": result.question.id, "heading": result.heading,
        "kind": result.question.kind, "weighted": weighted, "base": result.base,
        "suppressed": result.suppressed, "summary": result.summary,
        "rows": [{"label": row.label, "count": row.count,
                  "percent": None if row.count is None else row.percent,
                  "weighted_percent": None if row.count is None else row.weighted_percent,
                  "ci_low": None if row.count is None else row.ci_low,
                  "ci_high": None if row.count is None else row.ci_high}
                 for row in result.rows],
    }


def weighting_dimensions(target_set: TargetSet) -> tuple[str, ...]:
    """What public figures are weighted by: every dimension of the target set that describes
    residents (not households, such as tenure) and is not special-category data (those stay
    with officers)."""
    keys = {t.dimension.key: t.dimension.position for t in target_set.targets
            if not t.dimension.special_category and t.dimension.retired_at is None
            and t.dimension.key not in HOUSEHOLD_DIMENSIONS}
    return tuple(sorted(keys, key=lambda k: (keys[k], k)))


def snapshot(survey: Survey, chosen: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The figures for ``chosen`` ([{"question_id": 3, "weighted": true}, ...]) of
    ``survey``: weighted results against the default target set where asked for (and possible),
    who answered against the borough, responses by channel and the methods note."""
    wanted = {int(c["question_id"]): bool(c.get("weighted")) for c in chosen}
    target_set = default_target_set()
    weight_by = weighting_dimensions(target_set) if target_set is not None else ()
    plain = results(survey, compare_with=target_set)
    weighted = (results(survey, target_set=target_set, dimensions=weight_by)
                if target_set is not None and weight_by and any(wanted.values()) and plain.responses
                else None)
    usable = weighted is not None and weighted.weighting is not None \
        and not weighted.weighting.problems
    questions = []
    for source in (plain, weighted if usable else None):
        if source is None:
            continue
        for result in source.questions:
            asked = wanted.get(result.question.id)
            weigh = bool(asked) and usable and result.question.kind in WEIGHTABLE
            if asked is None or (source is weighted) != weigh:
                continue                  # when weighting fails, the plain figures are shown
            questions.append(_question(result, source is weighted))
    order = {qid: n for n, qid in enumerate(wanted)}
    questions.sort(key=lambda q: order[q["question_id"]])
    sample = survey.sample
    special = set(db.session.scalars(select(Dimension.key).where(
        Dimension.special_category.is_(True))).all())
    invited = db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.survey_id == survey.id)) or 0
    return {
        "survey": {"id": survey.id, "title": survey.title},
        "responses": plain.responses,
        "channels": channels(survey),
        "questions": questions,
        "who": [{"dimension": w.dimension.label, "population": w.dimension.population,
                 "rows": [{"label": r.label, "share": r.share,
                           "target": None if r.hidden else r.row.target_share}
                          for r in w.rows]}
                for w in plain.who if w.dimension.key not in special],
        "methods": {
            "sample": sample.name if sample is not None else None,
            "sample_size": sample.size if sample is not None else None,
            "seed": sample.seed if sample is not None else None,
            "invited": invited,
            "response_rate": (round(100 * plain.responses / invited, 1) if invited else None),
            "weighted_by": list(weight_by) if usable else [],
            "weighting_problems": (list(weighted.weighting.problems)
                                   if weighted is not None and weighted.weighting else []),
            "design_effect": (round(weighted.weighting.design_effect, 2) if usable else None),
            "target_set": target_set.name if target_set is not None else None,
            "threshold": survey.suppress_below,
        },
    }
