"""Open data (``/outcomes/data/...``): the published responses and actions as JSON and CSV, for
anyone, no sign-in. The schema is ``docs/open-data.md``; only ``outcomes.opendata_queries``
decides what goes in (what the public pages show, never a draft)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, url_for

from core.htmx import render_page
from core.models import utcnow
from outcomes import opendata, opendata_queries

bp = Blueprint("outcomes_data", __name__, url_prefix="/outcomes/data")

DATASETS = {"engagements": opendata_queries.engagements, "actions": opendata_queries.actions}


def _url(engagement_id: int) -> str:
    return url_for("outcomes.show", engagement_id=engagement_id, _external=True)


@bp.get("/<name>.<fmt>")
def download(name: str, fmt: str) -> Response:
    if name not in DATASETS or fmt not in ("json", "csv"):
        abort(404)
    now = utcnow()
    dataset = DATASETS[name](now, _url)
    if fmt == "json":
        return Response(opendata.to_json(dataset, now), mimetype="application/json")
    return Response(opendata.to_csv(dataset).encode("utf-8-sig"),
                    mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.get("")
def about() -> Any:
    """The files and their schema, from the same field lists the files are written with."""
    return render_page("outcomes/data.html", engagement_fields=opendata.ENGAGEMENT_FIELDS,
                       action_fields=opendata.ACTION_FIELDS,
                       schema_version=opendata.SCHEMA_VERSION)
