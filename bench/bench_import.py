"""Importing 100,000 residents from a CSV (goal: under 60 s), on SQLite; on PostgreSQL too when
BENCH_POSTGRES_URL names a dedicated database (it is emptied first).

The file is the demo generator's people (seeded: the same file every run) written the way a
council's old panel spreadsheet looks: answers as labels, mixed case, ward names for people
whose postcode is not in the lookup table, and a few bad rows (duplicate emails, bad postcodes,
unknown answers, no consent), so every check does real work.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.timing import print_table
from core.accounts import create_user
from core.config import TestConfig
from core.extensions import db
from core.jobs import runner as jobs
from core.models import Job, JobStatus, Role, Upload, User
from panel import imports
from panel.demo.people import generate_people
from panel.demo.seed import _ethnic_detail, install_dimensions, ward_dimension
from panel.imports import service as import_service
from panel.models import PostcodeWard
from panel.reference_data import (
    load_burnley_wards,
    load_default_dimensions,
    load_default_targets,
    load_json,
)
from wsgi import create_app

ROWS = 100_000
SEED = 2021
PASSWORD = "bench officer password"  # noqa: S105 (a throwaway database)


def make_file(rows: int = ROWS, seed: int = SEED) -> tuple[bytes, dict[str, str]]:
    """The CSV, and the postcode → ward lookup covering about half the postcodes."""
    wards = load_burnley_wards()
    specs = [*load_default_dimensions(), ward_dimension(wards)]
    rng = np.random.default_rng(seed)
    people = generate_people(rng, rows, wards, _ethnic_detail(specs, load_default_targets()),
                             load_json("demo_names.json"), load_json("demo_places.json"))
    labels = {s.key: {c.key: c.label for c in s.categories} for s in specs}
    ward_names = labels["ward"]
    ward_of: dict[str, str] = {}
    for p in people:
        ward = p.answers.get("ward", "prefer_not_to_say")
        if ward != "prefer_not_to_say":
            ward_of.setdefault(p.postcode.replace(" ", ""), ward)
    lookup = {code: ward_of[code] for code in sorted(ward_of)[::2]}
    special = rng.random(rows) < 0.8
    records = []
    for i, p in enumerate(people):
        answer = p.answers.get
        records.append({
            "Email address": p.email.upper() if i % 7 == 0 else p.email,
            "First name": p.first_name, "Surname": p.last_name, "Address": p.address_line,
            "Postcode": p.postcode.lower() if i % 5 == 0 else p.postcode,
            "Ward": ward_names.get(answer("ward", ""), "")
            if i % 2 or p.postcode.replace(" ", "") not in lookup else "",
            "Year of birth": p.year_of_birth or "",
            **{heading: labels[k].get(answer(k, ""), "")
               for k, heading in (("sex", "Sex"), ("ethnic_group", "Ethnic group"),
                                     ("disability", "Disability"), ("tenure", "Tenure"),
                                     ("economic_activity", "Employment status"),
                                     ("religion", "Religion"),
                                     ("sexual_orientation", "Sexual orientation"))},
            "Consent to join": "Yes", "Special category consent": "Yes" if special[i] else "No",
        })
    frame = pd.DataFrame(records)
    bad = rng.choice(rows, size=rows // 100, replace=False)  # 1% of rows have a problem
    for n, row in enumerate(bad):
        column, value = [("Email address", records[(row + 1) % rows]["Email address"]),
                         ("Postcode", "NOT A POSTCODE"), ("Sex", "Unknown"),
                         ("Consent to join", "No")][n % 4]
        frame.loc[row, column] = value
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8"), lookup


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def run(url: str, content: bytes, lookup: dict[str, str], backend: str) -> list[dict]:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    figures = []

    def timed(what: str, rows: int, fn):  # noqa: ANN001, ANN202
        start = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - start
        figures.append({"database": backend, "step": what, "rows": rows, "seconds": seconds,
                        "rows_per_s": rows / seconds if seconds else 0.0})
        return value

    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        ids = install_dimensions([*load_default_dimensions(),
                                  ward_dimension(load_burnley_wards())])
        ward_ids = ids["ward"][1]
        db.session.execute(PostcodeWard.__table__.insert(), [
            {"postcode": code, "ward_id": ward_ids[ward]} for code, ward in lookup.items()])
        officer = create_user("officer@bench.example", PASSWORD, Role.OFFICER, "Bench Officer")
        db.session.commit()

        table = timed("read the CSV (pandas)", ROWS,
                      lambda: imports.read_table(content, "panel.csv"))
        fields = imports.fields_for(import_service.load_reference(accounts=False))
        mapping = imports.suggest_mapping(table.headers, fields)
        assert not imports.check_mapping(mapping, table.headers, fields), mapping
        upload, _ = timed("upload: read + store", ROWS,
                          lambda: import_service.store_upload(officer, "panel.csv", content))
        validation = timed("check every row (service)", ROWS,
                           lambda: import_service.check_rows(upload, mapping))
        valid = validation.valid_count
        upload_id, officer_id = upload.id, officer.id
        db.session.remove()

    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/sign-in", data={"email": "officer@bench.example", "password": PASSWORD,
                                  "csrf_token": token})
    query = "&".join(f"column_{i}={key}" for i, key in sorted(mapping.items()))
    page = timed("check page (HTTP, rendered)", ROWS,
                 lambda: client.get(f"/panel/import/{upload_id}/check?{query}"))
    assert page.status_code == 200, page.status_code

    with app.app_context():
        upload = db.session.get(Upload, upload_id)
        job = import_service.start_import(db.session.get(User, officer_id),
                                          upload, mapping, valid, "bench")
        job_id = job.id
        timed("import job: check again + write", valid, jobs.run_pending_jobs)
        job = db.session.get(Job, job_id)
        assert job.status == JobStatus.DONE, job.message
        assert job.result["imported"] == valid
        db.session.remove()
        db.engine.dispose()
    steps = ("upload: read + store", "check page (HTTP, rendered)",
             "import job: check again + write")
    seconds = sum(f["seconds"] for f in figures if f["step"] in steps)
    figures.append({"database": backend, "step": "TOTAL: upload, check page, import", "rows": ROWS,
                    "seconds": seconds, "rows_per_s": ROWS / seconds})
    print(f"{backend}: {validation.rows:,} rows, {valid:,} imported, "
          f"{validation.invalid_count:,} refused with {validation.error_count:,} problems, "
          f"{validation.withheld_answers:,} special-category answers not kept")
    return figures


def main() -> None:
    start = time.perf_counter()
    content, lookup = make_file()
    print(f"generated {ROWS:,} rows ({len(content) / 1024 / 1024:.1f} MB of CSV) in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        figures += run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", content, lookup, "SQLite")
    postgres = os.environ.get("BENCH_POSTGRES_URL")
    if postgres:
        _reset_postgres(postgres)
        figures += run(postgres, content, lookup, "PostgreSQL")
    print()
    print_table(figures)
    print("\nGoal: the import of 100,000 rows in under 60 s (upload + check + import job).")


if __name__ == "__main__":
    main()
