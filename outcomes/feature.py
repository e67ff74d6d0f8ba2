"""Outcomes ("We asked, you said, we did"), as the host sees them (the pages arrive with the
outcomes issue)."""

from __future__ import annotations

from core.features import Feature
from outcomes import models as _models  # noqa: F401 (the tables belong to this feature)
from outcomes import routes

FEATURE = Feature(name="outcomes", blueprints=(routes.bp,))
