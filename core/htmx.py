"""htmx helpers: a route renders the whole page, or one named block of it for an htmx call."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx_request() -> bool:
    return request.headers.get("HX-Request") == "true"


def is_fragment_request() -> bool:
    """An htmx call that wants a fragment: not boosted navigation, not a history restore."""
    return (
        is_htmx_request()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(template: str, block: str | None = None, **context: Any) -> str:
    """The whole page, or just ``block`` of the same template when htmx asks for a fragment."""
    if block and is_fragment_request():
        return render_block(template, block, **context)
    return render_template(template, **context)


def add_vary_header(response: Response) -> Response:
    """Pages that answer htmx differently must not be cached as one."""
    response.vary.add("HX-Request")
    return response
