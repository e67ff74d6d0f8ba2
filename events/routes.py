"""Routes of the events package (its pages arrive with its issue)."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/events")
