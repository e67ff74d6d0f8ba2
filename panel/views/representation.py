"""The representativeness dashboard: does the panel look like the borough, and who is missing?

Thin: read the filters, ask ``panel.representation_figures`` for the comparison, render the page
(or its result block for htmx) or a CSV.
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, request, url_for
from flask_login import current_user

from core.auth.sessions import role_required
from core.htmx import is_fragment_request, render_page
from core.models import Role, utcnow
from panel.representation import Flag
from panel.representation_figures import (
    STATUSES,
    THRESHOLDS,
    VERIFIED,
    Filters,
    build_comparison,
    csv_frame,
    record_export,
    target_set_choices,
)

bp = Blueprint("representation", __name__, url_prefix="/representation")


@bp.get("/")
@role_required(Role.OFFICER)
def dashboard() -> str:
    choices = target_set_choices()
    filters = Filters.from_args(request.args, choices)
    return render_page(
        "representation/dashboard.html", "representation_result",
        comparison=build_comparison(filters), filters=filters, target_sets=choices,
        statuses=STATUSES, verified_options=VERIFIED, thresholds=THRESHOLDS, flags=Flag,
        fragment=is_fragment_request(),
        csv_url=url_for(".download_csv", **filters.query_args()),
    )


@bp.get("/figures.csv")
@role_required(Role.OFFICER)
def download_csv() -> Response:
    filters = Filters.from_args(request.args, target_set_choices())
    comparison = build_comparison(filters)
    frame = csv_frame(comparison)
    record_export(current_user, filters)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    name = f"panel-representation-{utcnow().date().isoformat()}.csv"
    return Response(buffer.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
