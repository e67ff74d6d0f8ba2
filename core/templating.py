"""What every template can use: branding, the features' navigation by role, the pages features
declare (``page_url("home")``), the htmx configuration, and the ``number`` and ``plural``
filters for counts shown to people ("3,790"; "1 resident", "2 residents")."""

from __future__ import annotations

import json
import operator
from decimal import Decimal
from typing import Any

from flask import Flask, has_request_context, request, url_for
from flask_login import current_user

from core import uk_time
from core.features import declared_page_url, page_url, registry

# htmx 2 under a strict CSP: no eval, no script tags, no injected indicator style; 422 (invalid
# form) is swapped like a success so the re-rendered form with its errors replaces the old one;
# the back button restores history as a full page load; swapped content settles at once.
HTMX_CONFIG = {
    "includeIndicatorStyles": False,
    "allowEval": False,
    "allowScriptTags": False,
    "selfRequestsOnly": True,
    "historyCacheSize": 0,
    # Settle at once: we use no CSS transitions, and a delayed settle would move focus
    # (autofocus) after a keyboard user has already moved on.
    "defaultSettleDelay": 0,
    "refreshOnHistoryMiss": True,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422", "swap": True},
        {"code": "[45]..", "swap": False, "error": True},
    ],
}


def number(value: Any) -> str:
    """A count or amount shown to people, with thousands separators: 3790 -> "3,790". Never
    for an id, a year or an input's value (which must stay as typed)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        try:
            value = operator.index(value)  # numpy integers
        except TypeError:
            return str(value)
    return f"{value:,}"


def plural(count: Any, singular: str, many: str | None = None) -> str:
    """The count and the word that goes with it: ``plural(1, "resident")`` -> "1 resident",
    ``plural(3790, "resident")`` -> "3,790 residents", ``plural(2, "person", "people")``."""
    word = singular if count == 1 else (many or f"{singular}s")
    return f"{number(count)} {word}"


def navigation_for(user: Any) -> list[dict[str, Any]]:
    items = []
    for item in registry().nav:
        if item.visible_to(user):
            href = url_for(item.endpoint)
            items.append({"text": item.text, "href": href, "active": request.path == href})
    return items


def init_app(app: Flask) -> None:
    htmx_config = json.dumps(HTMX_CONFIG, separators=(",", ":"))
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.filters.update(uk_day=uk_time.day, uk_clock=uk_time.clock,
                                 uk_when=uk_time.when, uk_span=uk_time.span)

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "council_name": app.config["COUNCIL_NAME"],
            "service_name": app.config["SERVICE_NAME"],
            "htmx_config": htmx_config,
            "navigation": navigation_for(current_user) if has_request_context() else [],
            "page_url": page_url,
            "declared_page_url": declared_page_url,
        }
