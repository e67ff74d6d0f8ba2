"""Routes of the surveys package (its pages arrive with its issue)."""

from flask import Blueprint

from surveys import models  # noqa: F401  (the tables, for the app and its migrations)

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
