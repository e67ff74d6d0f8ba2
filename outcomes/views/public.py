"""The public "We asked, you said, we did" pages: no sign-in, no JavaScript needed, printable.

``/outcomes`` lists announced engagements (filter by topic, ward, level, stage; search);
``/outcomes/<id>`` is one engagement's stable page; ``/outcomes/<id>/versions/<n>`` an earlier
published response; ``/outcomes/feed.atom`` the feed of published responses and updates. Only
``outcomes.public`` decides what is visible: a draft is never shown, whatever the URL.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, request, url_for

from core.htmx import render_page
from core.models import utcnow
from outcomes import public
from outcomes.progress import Stage
from panel.engagements import SpectrumLevel

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")


def _filters() -> public.Filters:
    def arg(name: str, limit: int = 80) -> str:
        return request.args.get(name, "").strip()[:limit]
    return public.Filters(topic=arg("topic"), ward=arg("ward", 12), level=arg("level", 20),
                          stage=arg("stage", 20), search=arg("q", 100))


@bp.get("")
def index() -> Any:
    now = utcnow()
    filters = _filters()
    found = public.listed(filters, now)
    return render_page("outcomes/index.html", "results", found=found, filters=filters,
                       topics=public.topics(now), wards=public.wards(),
                       levels=list(SpectrumLevel), stages=list(Stage))


@bp.get("/<int:engagement_id>")
def show(engagement_id: int) -> Any:
    now = utcnow()
    engagement = public.engagement_or_none(engagement_id, now) or abort(404)
    return render_page("outcomes/show.html", page=public.page(engagement, now),
                       wards=dict(public.wards()), preview=False)


@bp.get("/<int:engagement_id>/versions/<int:number>")
def show_version(engagement_id: int, number: int) -> Any:
    now = utcnow()
    engagement = public.engagement_or_none(engagement_id, now) or abort(404)
    version = public.version_or_none(engagement, number) or abort(404)
    return render_page("outcomes/version.html", engagement=engagement, version=version)


@bp.get("/feed.atom")
def feed() -> Response:
    now = utcnow()
    generator = FeedGenerator()
    generator.id(url_for("outcomes.index", _external=True))
    generator.title("You said, we did: responses and updates")
    generator.subtitle("What residents said, what the council decided and what it did.")
    generator.link(href=url_for("outcomes.index", _external=True), rel="alternate")
    generator.link(href=url_for("outcomes.feed", _external=True), rel="self")
    generator.language("en-GB")
    entries = public.feed_entries(now)
    generator.updated((entries[0].published if entries else now).replace(tzinfo=UTC))
    for entry in reversed(entries):             # feedgen puts the last added first
        item = generator.add_entry()
        link = url_for("outcomes.show", engagement_id=entry.engagement_id, _external=True)
        item.id(f"{link}#{entry.id}")
        item.title(entry.title)
        item.link(href=link)
        item.summary(entry.summary or entry.title)
        item.published(entry.published.replace(tzinfo=UTC))
        item.updated(entry.published.replace(tzinfo=UTC))
    return Response(generator.atom_str(pretty=True), mimetype="application/atom+xml")
