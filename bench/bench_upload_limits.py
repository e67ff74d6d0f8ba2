"""Uploads that cost too much (issue 11, item 6): the three files from the issue, made here
the same size, through the real pages of a signed-in officer on SQLite.

1. An .xlsx of about 300 KB that unzips to about 21 MB (junk that compresses well): reading it.
2. A CSV of about 169 KB with 20,000 columns: the upload and the column page.
3. 100,000 junk rows with 5 problems each: the upload and the check page.
4. An .xlsx that unzips to about 150 MB (over the limit): how soon it is refused, when its zip
   says so and when it lies (states 1 KB a part: the real bytes are counted up to the limit).

Each is timed once without and once with ``tracemalloc`` (peak Python memory, MB).
"""

from __future__ import annotations

import io
import os
import re
import struct
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

from bench.timing import print_table
from core.accounts import create_user
from core.config import TestConfig
from core.extensions import db
from core.models import Role
from panel import imports
from panel.demo import install_dimensions, ward_dimension
from panel.reference_data import load_burnley_wards, load_default_dimensions
from wsgi import create_app

PASSWORD = "bench officer password"  # noqa: S105 (a throwaway database)
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override'
        ' PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas'
        '.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org'
        '/officeDocument/2006/relationships"><sheets><sheet name="Panel" sheetId="1" r:id="rId1"'
        '/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        '"worksheets/sheet1.xml"/></Relationships>'),
}


def junk_xlsx(unzipped_bytes: int, columns: int = 10) -> bytes:
    """A one-sheet workbook of rows of the same long junk text, its sheet about
    ``unzipped_bytes`` of XML: 10 columns of 200 characters make 21 MB from about 300 KB."""
    text = ("junk " * 40).strip()

    def rows() -> str:
        size, number, parts = 0, 0, []
        while size < unzipped_bytes:
            number += 1
            cells = "".join(f'<c r="{imports.column_letter(i)}{number}" t="inlineStr"><is><t>'
                            f"{text}</t></is></c>" for i in range(columns))
            row = f'<row r="{number}">{cells}</row>'
            parts.append(row)
            size += len(row)
        return "".join(parts)

    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://'
             'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f"{rows()}</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def lying_about_sizes(content: bytes, declared: int = 1024) -> bytes:
    """The same zip stating ``declared`` bytes for every part once unzipped."""
    data = bytearray(content)
    for info in zipfile.ZipFile(io.BytesIO(content)).infolist():
        struct.pack_into("<I", data, info.header_offset + 22, declared)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        struct.pack_into("<I", data, position + 24, declared)
        position += 4
    return bytes(data)


def wide_csv(columns: int = 20_000) -> bytes:
    """A heading row of ``columns`` short headings and one row of ones."""
    return (",".join(f"h{i}" for i in range(columns)) + "\n"
            + ",".join("1" for _ in range(columns)) + "\n").encode()


def junk_rows_csv(rows: int = 100_000) -> bytes:
    """Rows with 5 problems each: an email address in the wrong format, no first name, no last
    name, no address and a postcode that is not one."""
    header = "Email address,First name,Last name,Address line 1,Postcode,Agreed to join\n"
    return (header + "".join(f"junk{n},,,,junk,yes\n" for n in range(rows))).encode()


def _measure(what: str, fn: Callable[[], str]) -> dict[str, object]:
    start = time.perf_counter()
    outcome = fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    figure = {"case": what, "seconds": seconds, "peak_MB": peak / 1024 / 1024,
              "outcome": outcome}
    print(f"{what}: {seconds:.2f} s, {figure['peak_MB']:.0f} MB: {outcome}", flush=True)
    return figure


def _signed_in(app):  # noqa: ANN001, ANN202
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/sign-in").get_data(as_text=True)).group(1)
    client.post("/sign-in", data={"email": "officer@bench.example", "password": PASSWORD,
                                  "csrf_token": token})
    return client


def _upload(client, content: bytes, filename: str):  # noqa: ANN001, ANN202
    html = client.get("/panel/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return client.post("/panel/import", data={
        "csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data")


def _message(html: str) -> str:
    found = re.search(r'govuk-error-message">\s*<span[^>]*>Error:</span>\s*([^<]{0,90})', html)
    return found.group(1).strip() if found else ""


def main() -> None:
    figures: list[dict[str, object]] = []
    xlsx_21 = junk_xlsx(21 * 1024 * 1024)
    xlsx_150 = junk_xlsx(150 * 1024 * 1024) if os.environ.get("BENCH_OVER_THE_LIMIT", "1") == "1" \
        else b""
    wide, junk = wide_csv(), junk_rows_csv()
    print(f"files: xlsx {len(xlsx_21) / 1024:,.0f} KB (21 MB unzipped), xlsx "
          f"{len(xlsx_150) / 1024:,.0f} KB (150 MB unzipped), wide CSV {len(wide) / 1024:,.0f} "
          f"KB, junk CSV {len(junk) / 1024 / 1024:,.1f} MB", flush=True)

    def read(content: bytes) -> Callable[[], str]:
        def go() -> str:
            try:
                table = imports.read_table(content, "panel.xlsx")
            except imports.ImportFileError as error:
                return f"refused: {str(error)[:70]}"
            return f"read {table.row_count:,} rows"
        return go

    figures.append(_measure("xlsx 21 MB unzipped: read", read(xlsx_21)))
    if xlsx_150:
        figures.append(_measure("xlsx 150 MB unzipped: read", read(xlsx_150)))
        figures.append(_measure("xlsx 150 MB, its zip lying: read",
                                read(lying_about_sizes(xlsx_150))))

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(tmp) / 'b.db'}",
                         SIGN_IN_RATE_LIMIT="100000 per minute")
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            install_dimensions([*load_default_dimensions(), ward_dimension(load_burnley_wards())])
            create_user("officer@bench.example", PASSWORD, Role.OFFICER, "Bench Officer")
            db.session.commit()
            db.session.remove()
        client = _signed_in(app)

        def wide_columns_page() -> str:
            response = _upload(client, wide, "wide.csv")
            if response.status_code != 303:
                return f"upload {response.status_code}: {_message(response.get_data(True))}"
            page = client.get(response.headers["Location"])
            return (f"column page {page.status_code}, "
                    f"{len(page.get_data()) / 1024 / 1024:.1f} MB of HTML")

        figures.append(_measure("csv 20,000 columns: upload + column page", wide_columns_page))

        def junk_check_page() -> str:
            response = _upload(client, junk, "junk.csv")
            if response.status_code != 303:
                return f"upload {response.status_code}: {_message(response.get_data(True))}"
            upload_id = re.search(r"/panel/import/(\d+)/", response.headers["Location"]).group(1)
            query = "&".join(f"column_{i}={key}" for i, key in enumerate([
                "email", "first_name", "last_name", "address_line", "postcode",
                "membership_consent"]))
            page = client.get(f"/panel/import/{upload_id}/check?{query}")
            html = page.get_data(as_text=True)
            shown = html.count('<td class="govuk-table__cell govuk-table__cell--numeric">')
            return (f"check page {page.status_code}, {len(html) / 1024 / 1024:.1f} MB of HTML, "
                    f"{shown:,} problem rows shown")

        figures.append(_measure("csv 100,000 junk rows: upload + check page", junk_check_page))
        with app.app_context():
            db.engine.dispose()
    print()
    print_table(figures)


if __name__ == "__main__":
    main()
