"""The auth blueprint, shared by the sign-in pages (views) and the password pages
(reset_views)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
