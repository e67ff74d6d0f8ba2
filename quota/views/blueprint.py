"""The quota blueprint, one for every quota page (``quota.*`` endpoints under ``/quota``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quota", __name__, url_prefix="/quota")
