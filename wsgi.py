"""The product: the host (``core``) with its features, in the order they register.

``gunicorn wsgi:app`` serves it (set SECRET_KEY and DATABASE_URL); ``flask`` commands use it
(FLASK_APP=wsgi.py); tests call ``create_app(...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

import core
from core.config import Config
from events.feature import FEATURE as EVENTS
from outcomes.feature import FEATURE as OUTCOMES
from panel.feature import FEATURE as PANEL
from quota.feature import FEATURE as QUOTA
from surveys.feature import FEATURE as SURVEYS

FEATURES = (PANEL, QUOTA, SURVEYS, EVENTS, OUTCOMES)


def create_app(config: type[Config] | Mapping[str, Any] | None = None,
               **overrides: Any) -> Flask:
    return core.create_app(config, features=FEATURES, **overrides)


def __getattr__(name: str) -> Any:
    """``wsgi.app``, made on first use (so importing ``create_app`` needs no SECRET_KEY)."""
    if name == "app":
        globals()["app"] = app = create_app()
        return app
    raise AttributeError(name)
