"""Spreadsheet safety for every file the service lets someone download (CSV, XLSX)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text a spreadsheet would run as a formula is quoted (CSV injection); None is blank."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def safe_value(value: object) -> object:
    """``safe_cell`` for text and None; numbers, dates and booleans are left as they are."""
    return safe_cell(value) if value is None or isinstance(value, str) else value
