"""A registrant's personal link and the public registration link; residents' own events."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("event_links", __name__)
