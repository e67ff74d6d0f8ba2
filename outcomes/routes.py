"""Routes of the outcomes package (its pages arrive with its issue)."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")
