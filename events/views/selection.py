"""Selection, confirmation and replacements."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("event_selection", __name__)
