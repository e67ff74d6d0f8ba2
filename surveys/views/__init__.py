"""The surveys pages, one module per area: ``build`` (the list, a new survey, the editor, the
preview), ``run`` (settings, opening and closing, invitations, results, keyed-in responses,
downloads), ``respond`` (residents answering from their link) and ``public`` (a survey anyone
may answer). ``build`` and ``run`` share the ``surveys`` blueprint and the loader in ``_load``;
``respond`` and ``public`` are blueprints nested in it (``surveys.respond.*``,
``surveys.public.*``). ``bp`` is the one blueprint the feature declares."""

from __future__ import annotations

from surveys.views import build, public, respond, run
from surveys.views._load import bp

bp.register_blueprint(respond.bp)  # residents' pages: /surveys/r/<token>/...
bp.register_blueprint(public.bp)  # a survey anyone may answer: /surveys/p/<slug>

__all__ = ["bp", "build", "public", "respond", "run"]
