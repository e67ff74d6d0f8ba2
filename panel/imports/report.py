"""The downloadable error report of an import's check. PURE."""

from __future__ import annotations

import csv
import io

from core.spreadsheet import safe_cell
from panel.imports.validate import Validation


def errors_csv(validation: Validation) -> str:
    """Every problem, one line each: the row as numbered in the spreadsheet, the column's
    heading, the value and what is wrong."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Row", "Column", "Value", "Problem"])
    errors = validation.errors
    writer.writerows(zip(errors["row"].astype(int), errors["column"].map(safe_cell),
                         errors["value"].map(safe_cell), errors["message"], strict=True))
    return "\ufeff" + out.getvalue()  # Excel reads UTF-8 with a byte order mark

