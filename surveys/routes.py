"""Routes of the surveys package (its pages arrive with its issue)."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
