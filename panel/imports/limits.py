"""What an uploaded table may cost, checked before it is read. PURE: bytes in, plain-English
``ImportFileError``s out (``panel.imports.read`` calls these, then reads the file).

- ``count_csv_columns``: the heading row only, whatever follows it.
- ``inspect_xlsx``: an .xlsx is a zip. Its central directory says how big each part is once
  unzipped, and how many parts there are; then every part is inflated in bounded steps counting
  the bytes it really holds (a zip can state any size it likes), stopping at the limit. On the
  way, the first worksheet's cell references give the table's extent: its widest column and its
  last row with anything in them, so a sheet too wide, too long or mostly empty space (one cell
  at XFD1048576 would make the reader build a grid of 17 billion cells) is refused unread.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

MB = 1024 * 1024
MAX_COLUMNS = 200
MAX_ZIP_PARTS = 1_000  # a workbook has a few dozen
_INFLATE_STEP = 4 * MB  # bytes inflated at a time: memory stays bounded whatever the part
_SCAN_OVERLAP = 512  # a cell's tag split between two steps is seen whole in the next
# A cell that holds something (not "<c r="A1" s="3"/>", an empty formatted cell).
_CELL = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\sr=["']([A-Z]{1,3})([0-9]{1,7})["'][^>]*(?<!/)>""")
_SHEET = re.compile(rb"""<(?:\w+:)?sheet\b[^>]*?\s(?:\w+:)id=["']([^"']+)["']""")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb"""\s(\w+)=["']([^"']*)["']""")
NOT_A_WORKBOOK = ("We could not open the Excel file. Check that it opens in Excel, save it as an "
                  "Excel Workbook (.xlsx) and try again.")


class ImportFileError(ValueError):
    """The file cannot be read as a table; the message is plain English for the officer."""


def too_many_columns(columns: int) -> ImportFileError:
    return ImportFileError(
        f"This file has {columns:,} columns. The most a file can have is {MAX_COLUMNS}. Delete "
        "the columns the panel does not need (empty ones too), or copy the ones it needs into "
        "a new file, and try again.")


def count_csv_columns(text: str, delimiter: str) -> int:
    """How many cells the heading row has (only that row is parsed); 0 if it cannot be
    parsed, for the full reader to explain."""
    try:
        return len(next(csv.reader(io.StringIO(text), delimiter=delimiter), []))
    except csv.Error:
        return 0


@dataclass(frozen=True)
class SheetExtent:
    """The last row and the widest column (1 = A) with anything in them, in the first sheet."""

    rows: int
    columns: int


def inspect_xlsx(content: bytes, max_unzipped_bytes: int) -> SheetExtent:
    """Refuse a workbook that is too big once unzipped; the first sheet's extent otherwise."""
    try:
        return _inspect(content, max_unzipped_bytes)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, struct.error,
            zlib.error, EOFError, NotImplementedError) as error:
        raise ImportFileError(NOT_A_WORKBOOK) from error


def _inspect(content: bytes, max_unzipped_bytes: int) -> SheetExtent:
    archive = zipfile.ZipFile(io.BytesIO(content))
    parts = archive.infolist()
    if len(parts) > MAX_ZIP_PARTS:
        raise ImportFileError(NOT_A_WORKBOOK)
    declared = sum(part.file_size for part in parts)
    if declared > max_unzipped_bytes:
        raise ImportFileError(_too_big(f"{declared / MB:,.0f} MB", max_unzipped_bytes))
    sheet = _first_sheet(archive)
    budget = max_unzipped_bytes
    extent = SheetExtent(0, 0)
    for part in parts:
        # The first sheet; every part when we cannot tell which that is (the reader might).
        scan = _Extent() if sheet is None or part.filename == sheet else None
        budget -= _inflate(content, part, budget, scan)
        if budget < 0:
            raise ImportFileError(_too_big(f"more than {max_unzipped_bytes / MB:,.0f} MB",
                                           max_unzipped_bytes))
        if scan is not None:
            extent = SheetExtent(max(extent.rows, scan.rows), max(extent.columns, scan.columns))
    return extent


def _too_big(size: str, limit: int) -> str:
    return (f"This Excel file is {size} once opened. The most it can be is {limit / MB:,.0f} MB."
            " Delete what the panel does not need (other worksheets, pictures, formatting), or "
            "save the worksheet as CSV, and try again.")


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the workbook's first worksheet (the one we read), or None."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    first = _SHEET.search(archive.read("xl/workbook.xml"))
    if first is None:
        return None
    for tag in _RELATIONSHIP.findall(archive.read("xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get(b"Id") == first.group(1):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            return (target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target)))
    return None


class _Extent:
    """Running maximum of the cell references seen in a worksheet's XML."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self._tail = b""

    def feed(self, data: bytes) -> None:
        text = self._tail + data
        found = _CELL.findall(text)
        if found:
            letters, rows = zip(*found, strict=True)
            self.columns = max(self.columns, *(_column_number(c.decode()) for c in set(letters)))
            self.rows = max(self.rows, *(int(r) for r in set(rows)))
        self._tail = text[-_SCAN_OVERLAP:]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _inflate(content: bytes, part: zipfile.ZipInfo, budget: int, scan: _Extent | None) -> int:
    """The bytes ``part`` really holds once inflated, counted up to ``budget`` + 1 (then it
    stops): from the part's own data, whatever sizes the zip states."""
    start = part.header_offset
    if content[start:start + 4] != b"PK\x03\x04":
        raise ImportFileError(NOT_A_WORKBOOK)
    name_length, extra_length = struct.unpack("<HH", content[start + 26:start + 30])
    data = memoryview(content)[start + 30 + name_length + extra_length:]
    if part.compress_type == zipfile.ZIP_STORED:
        stored = data[:part.compress_size]
        if scan is not None:
            for at in range(0, len(stored), _INFLATE_STEP):
                scan.feed(bytes(stored[at:at + _INFLATE_STEP]))
        return len(stored)
    if part.compress_type != zipfile.ZIP_DEFLATED:
        raise ImportFileError(NOT_A_WORKBOOK)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    for at in range(0, len(data), _INFLATE_STEP):
        pending: bytes | memoryview = data[at:at + _INFLATE_STEP]
        while pending and not inflater.eof:
            out = inflater.decompress(pending, _INFLATE_STEP)
            size += len(out)
            if size > budget:
                return size
            if scan is not None:
                scan.feed(out)
            pending = inflater.unconsumed_tail
        if inflater.eof:
            break
    return size
