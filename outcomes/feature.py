"""Outcomes ("We asked, you said, we did"), as the host sees them: the public pages and feed,
and the officer's pages for planning an engagement and publishing its response and actions."""

from __future__ import annotations

from core.features import Feature
from outcomes.views import public

FEATURE = Feature(name="outcomes", blueprints=(public.bp,))
