"""Routes of the quota package (its pages arrive with its issue)."""

from flask import Blueprint

bp = Blueprint("quota", __name__, url_prefix="/quota")
