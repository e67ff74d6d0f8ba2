"""The impact measures page for officers (``/engagements/measures``): charts with tables, and
every table as a CSV download. Thin: the sums are in ``outcomes.measures``, the reading in
``outcomes.measure_queries``. Figures only, no resident's details: nothing to audit."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort

from core.auth.sessions import role_required
from core.htmx import render_page
from core.models import Role, utcnow
from core.spreadsheet import safe_cell
from outcomes import measure_queries as queries
from outcomes import measures
from outcomes.models import FeedbackKind
from panel.models import TargetSet
from surveys.respondents import WhoAnswered

bp = Blueprint("measures", __name__, url_prefix="/engagements/measures")


@dataclass(frozen=True)
class Figures:
    levels: measures.Table
    involved: measures.Involved
    target_set: TargetSet | None
    who: list[WhoAnswered]
    actions: measures.ActionFigures
    times: measures.ResponseTimes
    listened: measures.Answers
    happened: measures.Answers

    @property
    def tables(self) -> list[measures.Table]:
        return [self.levels, self.involved.table, self.actions.table, self.times.table,
                self.listened.table, self.happened.table]


def _figures() -> Figures:
    today = utcnow().date()
    took_part = queries.took_part()
    target_set = queries.default_target_set()
    return Figures(
        measures.engagements_by_level(queries.dated_engagements()),
        queries.involved(took_part), target_set, queries.representation(took_part, target_set),
        queries.action_figures(today), queries.response_times(today),
        measures.answer_counts("listened", "“Did you feel listened to?”",
                               queries.feedback(FeedbackKind.LISTENED)),
        measures.answer_counts("happened", "“Has this happened?”",
                               queries.feedback(FeedbackKind.HAPPENED)))


@bp.get("")
@role_required(Role.OFFICER)
def show() -> Any:
    return render_page("outcomes/measures.html", figures=_figures(),
                       threshold=queries.SMALL_GROUP)


@bp.get("/<key>.csv")
@role_required(Role.OFFICER)
def download(key: str) -> Response:
    table = next((t for t in _figures().tables if t.key == key), None) or abort(404)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in table.headers])
    writer.writerows([safe_cell(cell) for cell in row] for row in table.rows)
    name = f"impact-{table.key}-{utcnow().date().isoformat()}.csv"
    return Response(buffer.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
