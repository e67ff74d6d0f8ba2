"""Attendance, access needs, payments and what happens after the event."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("event_attendance", __name__)
