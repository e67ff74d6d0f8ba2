"""Deliberative events, as the host sees them (the pages arrive with the events issue)."""

from __future__ import annotations

from core.features import Feature
from events import routes

FEATURE = Feature(name="events", blueprints=(routes.bp,))
