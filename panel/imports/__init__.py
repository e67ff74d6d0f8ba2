"""Importing an existing panel from a CSV or XLSX file, one module per step:

- ``limits``: what a file may cost, checked before it is read (columns, size once unzipped).
- ``read``: the file as a ``Table`` of text cells with the spreadsheet's row numbers.
- ``mapping``: which column holds which field (suggested from the headings, then checked).
- ``values``: what the file's own answers mean ("M" is Male, "Asian or Asian British:
  Pakistani" is Pakistani): the answers that are not a question's own, with obvious guesses;
  the officer's choices are applied by ``validate``.
- ``validate``: every row checked against the questions, wards and accounts; nothing written.
- ``report``: the downloadable CSV of every problem.
- ``service``: the use cases, with the database: keep the upload, check it, start the import
  job (every row, or the valid rows skipping the others: the officer chooses), run it (in one
  transaction: everything it writes, or nothing), delete files nobody imported.
- ``views``: the officer's pages (blueprint ``imports``).

The first six are PURE (no Flask, no database). Scripts may use the steps by name from here:
``from panel import imports; imports.read_table(content, "panel.csv")``.
"""

from panel.imports.limits import MAX_COLUMNS, ImportFileError
from panel.imports.mapping import (
    CategoryRef,
    DimensionRef,
    Field,
    Reference,
    check_mapping,
    fields_for,
    suggest_mapping,
)
from panel.imports.read import (
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    Table,
    column_letter,
    read_table,
    table_to_csv,
)
from panel.imports.report import errors_csv

__all__ = [
    "MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_FILE_MB", "CategoryRef", "DimensionRef", "Field",
    "ImportFileError", "Reference", "Table", "check_mapping", "column_letter", "errors_csv",
    "fields_for", "read_table", "suggest_mapping", "table_to_csv",
]
