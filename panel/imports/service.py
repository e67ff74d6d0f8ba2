"""Importing an existing panel from a file: the use cases behind the import pages and job.

1. ``store_upload``: the officer's file, read once and kept as UTF-8 CSV in an ``Upload``.
2. ``check_rows``: every row validated against the database's questions, wards, postcode
   lookup and existing accounts (``panel.imports.validate`` does the checking; nothing is
   written).
3. ``start_import``: a ``panel_import`` job for every row, or the valid rows only.
4. ``run_import`` (the job): checks every row again with the officer's choices, then writes
   the rows - users, residents, consents, profile answers - in bulk, in ONE transaction with
   the audit record, the job's result and the deletion of the upload. If anything fails, or
   a row of a file to be imported whole now has a problem, nothing is written.
5. ``purge_stale_uploads`` (daily, ``flask imports purge-uploads``): files nobody imported are
   deleted after a day (they hold residents' personal data).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.jobs import runner as jobs
from core.models import Job, JobStatus, Role, Upload, User, utcnow
from core.templating import plural
from panel.imports.mapping import (
    CategoryRef,
    DimensionRef,
    Reference,
    check_mapping,
    fields_for,
)
from panel.imports.read import Table, read_csv, read_table, table_to_csv
from panel.imports.validate import Validation, validate
from panel.imports.values import ValueChoices, parse_value_choices
from panel.models import (
    Category,
    Dimension,
    PostcodeWard,
    ProfileAnswer,
    Resident,
    ResidentStatus,
)

JOB_KIND = "panel_import"
SOURCE = "import"
BATCH_ROWS = 5_000
KEEP_UPLOADS = timedelta(days=1)  # files nobody went on to import are deleted after this



# --- the file -----------------------------------------------------------------------------

def store_upload(actor: User, filename: str, content: bytes) -> tuple[Upload, Table]:
    """Read the file (``ImportFileError`` if it cannot be read) and keep it for the next
    steps as UTF-8 CSV with the same row numbers. Old unused uploads are deleted."""
    table = read_table(content, filename)
    _delete_stale_uploads(None)
    upload = Upload(filename=filename[-255:], content=table_to_csv(table),
                    uploaded_by_id=actor.id)
    db.session.add(upload)
    db.session.flush()
    audit.record(actor, "panel_import_uploaded", "upload", upload.id, rows=table.row_count)
    db.session.commit()
    return upload, table


def load_table(upload: Upload) -> Table:
    return read_csv(upload.content, delimiter=",")


def cancel_upload(actor: User, upload: Upload) -> None:
    """The officer decided not to import the file: delete it."""
    if active_job(upload.id) is not None:
        raise DomainError("This file is being imported, so it cannot be deleted now.")
    audit.record(actor, "panel_import_cancelled", "upload", upload.id)
    db.session.delete(upload)
    db.session.commit()


def purge_stale_uploads(actor: User | None = None, older_than: timedelta = KEEP_UPLOADS) -> int:
    """Delete the uploads nobody imported within ``older_than`` (a day), except those a queued
    or running import still needs; audited; commits. Returns how many were deleted."""
    deleted = _delete_stale_uploads(actor, older_than)
    db.session.commit()
    return deleted


def _delete_stale_uploads(actor: User | None, older_than: timedelta = KEEP_UPLOADS) -> int:
    """``purge_stale_uploads`` in the caller's transaction (uploading a file purges too)."""
    busy = {job.params.get("upload_id") for job in _import_jobs(
        JobStatus.QUEUED, JobStatus.RUNNING)}
    stale = [upload_id for upload_id in db.session.scalars(
        select(Upload.id).where(Upload.uploaded_at <= utcnow() - older_than)
        .order_by(Upload.id)) if upload_id not in busy]
    if stale:
        db.session.execute(delete(Upload).where(Upload.id.in_(stale)))
        audit.record(actor, "panel_import_uploads_purged", "upload", None,
                     uploads=len(stale), upload_ids=stale)
    return len(stale)


# --- checking -----------------------------------------------------------------------------

def load_reference(this_year: int | None = None, accounts: bool = True) -> Reference:
    """The profile questions, wards, postcode lookup and (unless ``accounts`` is False) the
    email addresses that already have an account: what the rows are checked against."""
    dimensions = list(db.session.scalars(
        select(Dimension).where(Dimension.retired_at.is_(None))
        .options(selectinload(Dimension.categories)).order_by(Dimension.position)))
    by_key = {d.key: d for d in dimensions}
    if "ward" not in by_key or "age_band" not in by_key:
        raise DomainError("The panel's profile questions are not set up yet (there is no ward "
                          "or age question). Ask an administrator to set them up first.")

    def categories(dimension: Dimension) -> tuple[CategoryRef, ...]:
        return tuple(CategoryRef(c.key, c.label, c.group_label, c.prefer_not_to_say)
                     for c in dimension.categories if c.retired_at is None)

    ward_keys = dict(db.session.execute(
        select(Category.id, Category.key).where(Category.dimension_id == by_key["ward"].id)).all())
    lookup = {code: ward_keys[ward_id] for code, ward_id in db.session.execute(
        select(PostcodeWard.postcode, PostcodeWard.ward_id))}
    return Reference(
        dimensions=tuple(DimensionRef(d.key, d.label, d.special_category, categories(d))
                         for d in dimensions if d.key != "ward"),
        wards=tuple(c for c in categories(by_key["ward"])),
        postcode_wards=lookup,
        existing_emails=frozenset(db.session.scalars(select(User.email))) if accounts
        else frozenset(),
        this_year=this_year or utcnow().year,
    )


def parse_mapping(values: Mapping[Any, Any], columns: int) -> dict[int, str]:
    """``{"0": "email", ...}`` (as stored in a job or sent by a form) -> ``{0: "email"}``."""
    mapping = {}
    for key, value in values.items():
        index = int(key)
        if 0 <= index < columns and value:
            mapping[index] = str(value)
    return mapping


def check_rows(upload: Upload, mapping: Mapping[int, str],
               choices: ValueChoices | None = None) -> Validation:
    """Validate every row of the upload (nothing is written)."""
    return validate(load_table(upload), mapping, load_reference(), choices=choices)


# --- importing ------------------------------------------------------------------------------

def _import_jobs(*statuses: JobStatus) -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.kind == JOB_KIND,
                                                     Job.status.in_(statuses))))


def active_job(upload_id: int) -> Job | None:
    return next((job for job in _import_jobs(JobStatus.QUEUED, JobStatus.RUNNING)
                 if job.params.get("upload_id") == upload_id), None)


def start_import(actor: User, upload: Upload, mapping: Mapping[int, str], expected: int,
                 privacy_notice_version: str, values: Mapping[str, str] | None = None,
                 skip_invalid: bool = True) -> Job:
    """The officer chose to import: queue the job (or return the one already queued for this
    file). ``values``: the value choices as sent (``value_<column>_<n>``: category key);
    ``skip_invalid``: import the valid rows and skip the others (else every row or none)."""
    running = active_job(upload.id)
    if running is not None:
        return running
    table = load_table(upload)
    fields = fields_for(load_reference(accounts=False))
    problems = check_mapping(mapping, table.headers, fields)
    if problems:
        raise DomainError(problems[0].message)
    job = jobs.enqueue(JOB_KIND, actor, {
        "upload_id": upload.id, "filename": upload.filename,
        "mapping": {str(k): v for k, v in mapping.items()}, "expected": expected,
        "values": {str(k): str(v) for k, v in (values or {}).items() if v},
        "skip_invalid": skip_invalid, "privacy_notice_version": privacy_notice_version,
    }, total=2 * table.row_count, message="Waiting to start")
    db.session.flush()
    audit.record(actor, "panel_import_started", "job", job.id, upload_id=upload.id,
                 rows=table.row_count, expected=expected, skip_invalid=skip_invalid)
    db.session.commit()
    return job


def recent_imports(limit: int = 10) -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.kind == JOB_KIND)
                                   .order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)))


def job_details(job: Job) -> dict[str, Any]:
    """What the job page's result needs: whether the file is still here to try again, and the
    column choices to check it with."""
    upload_id = job.params.get("upload_id")
    return {"upload_kept": upload_id is not None and db.session.get(Upload, upload_id) is not None,
            "query": {**{f"column_{k}": v for k, v in job.params.get("mapping", {}).items()},
                      **job.params.get("values", {})}}


def run_import(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """Check every row again (the panel may have changed since the officer looked), then
    write the valid rows. No commit here: the job runner commits the lot, or nothing."""
    params = job.params
    upload = db.session.get(Upload, params["upload_id"])
    if upload is None:
        raise jobs.JobFailed("The file is no longer here (files are deleted after a day). "
                             "Upload it again.")
    table = load_table(upload)
    rows = table.row_count
    progress(0, total=2 * rows, message="Checking the rows")
    try:
        reference = load_reference()
    except DomainError as error:
        raise jobs.JobFailed(str(error)) from error
    mapping = parse_mapping(params["mapping"], len(table.headers))
    choices = parse_value_choices(params.get("values", {}), table, mapping, reference)
    validation = validate(table, mapping, reference, progress=progress, choices=choices)
    valid = validation.valid
    bad = validation.invalid_count
    if bad and not params.get("skip_invalid", True):
        raise jobs.JobFailed(
            f"{bad:,} {'row now has a problem' if bad == 1 else 'rows now have problems'} (the "
            "panel changed after you checked the file, for example someone joined with one of "
            "its email addresses). The file was to be imported whole, so nothing was saved. "
            "Check the file again to see why.")
    if valid.empty:
        raise jobs.JobFailed("None of the rows can be imported now. Check the file again to "
                             "see why. Nothing was saved.")
    total = rows + len(valid)
    progress(rows, total=total, message=f"Saving {plural(len(valid), 'resident')}")
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    with _sqlite_keeps_readers_going():
        _write(valid, validation.dimension_keys, params["privacy_notice_version"],
               lambda saved: progress(rows + saved) if progress.visible_while_writing else None)
    result = {
        "filename": params["filename"], "rows": rows, "imported": len(valid),
        "not_imported": validation.invalid_count, "expected": params.get("expected"),
        "withheld_answers": validation.withheld_answers,
    }
    audit.record(actor, "panel_imported", "job", job.id, **{
        k: v for k, v in result.items() if k != "filename"})
    # what the job page's live region says once it is done
    result["summary"] = f"The import has finished: {plural(len(valid), 'resident')} added."
    db.session.execute(delete(Upload).where(Upload.id == upload.id))
    return result


@contextmanager
def _sqlite_keeps_readers_going() -> Iterator[None]:
    """On SQLite a big transaction spills to the database file part-way through, which locks
    out the pages polling its progress; keep it in memory until the commit instead."""
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        db.session.execute(text("PRAGMA cache_spill = OFF"))
    try:
        yield
    finally:
        if sqlite:
            with suppress(SQLAlchemyError):  # after a failure the runner rolls back anyway
                db.session.execute(text("PRAGMA cache_spill = ON"))


def _dimension_ids() -> dict[str, tuple[int, dict[str, int]]]:
    dimensions = db.session.scalars(
        select(Dimension).options(selectinload(Dimension.categories)))
    return {d.key: (d.id, {c.key: c.id for c in d.categories}) for d in dimensions}


def _max_id(column: Any) -> int:
    return db.session.scalar(select(func.max(column))) or 0


def _write(valid: pd.DataFrame, dimension_keys: tuple[str, ...], version: str,
           saved: Any) -> None:
    """Bulk inserts in batches, all in the session's one transaction (``_bulk_insert``: COPY
    on PostgreSQL, the driver's executemany on SQLite). The new ids are looked up after each
    table: users by email, then residents by user.

    Imported residents are *invited* (``panel.welcome``): no password, no consent recorded
    (they give their consents when they confirm; a file's "agreed" column only let the row
    in), not assumed interested in events, and never sampled until they confirm. The
    special-category answers the file has (only where it says they agreed) are kept until
    then, and deleted if they do not give that consent themselves."""
    now = utcnow()
    ids = _dimension_ids()
    last_user, last_resident = _max_id(User.id), _max_id(Resident.id)
    user = _bound(User, role=Role.RESIDENT, created_at=now, is_active_account=True)
    resident = _bound(Resident, status=ResidentStatus.INVITED, joined_at=now, source=SOURCE,
                      interested_in_events=False)
    answered_at = _bound(ProfileAnswer, answered_at=now)
    answer_columns = [("ward", "ward"), *((key, f"answer:{key}") for key in dimension_keys)]
    for start in range(0, len(valid), BATCH_ROWS):
        part = {column: values.tolist() for column, values in
                valid.iloc[start:start + BATCH_ROWS].items()}
        emails = part["email"]
        _bulk_insert(User, ("email", "display_name", *user), [
            (email, f"{first} {last}".strip()[:120], *user.values())
            for email, first, last in zip(emails, part["first_name"], part["last_name"],
                                          strict=True)])
        wanted = set(emails)
        new_users = db.session.execute(
            select(User.id, User.email).where(User.id > last_user)).all()
        user_ids = {email: user_id for user_id, email in new_users if email in wanted}
        last_user = max(user_id for user_id, _ in new_users)

        years = [None if pd.isna(year) else int(year) for year in part["year_of_birth"]]
        _bulk_insert(Resident, ("user_id", "first_name", "last_name", "address_line",
                                "postcode", "household_key", "year_of_birth", *resident), [
            (user_ids[email], first, last, address, postcode, household, year,
             *resident.values())
            for email, first, last, address, postcode, household, year in zip(
                emails, part["first_name"], part["last_name"], part["address_line"],
                part["postcode"], part["household_key"], years, strict=True)])
        mine = set(user_ids.values())
        new_residents = db.session.execute(
            select(Resident.id, Resident.user_id).where(Resident.id > last_resident)).all()
        by_user = {user_id: rid for rid, user_id in new_residents if user_id in mine}
        last_resident = max(rid for rid, _ in new_residents)
        residents = [by_user[user_ids[email]] for email in emails]
        answers = []
        for key, column in answer_columns:
            if key not in ids or column not in part:
                continue
            dimension_id, categories = ids[key]
            answers += [(rid, dimension_id, categories[category], *answered_at.values())
                        for rid, category in zip(residents, part[column], strict=True)
                        if isinstance(category, str)]
        _bulk_insert(ProfileAnswer, ("resident_id", "dimension_id", "category_id",
                                     *answered_at), answers)
        saved(start + len(emails))


def _bound(model: Any, **values: Any) -> dict[str, Any]:
    """Values as the database driver takes them for these columns (enums as their values,
    datetimes as SQLite's text, ...), converted once by the columns' own types."""
    dialect = db.session.connection().dialect
    converted = {}
    for name, value in values.items():
        processor = model.__table__.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        converted[name] = processor(value) if processor else value
    return converted


def _bulk_insert(model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows of driver-ready values in the session's transaction: COPY on
    PostgreSQL, the driver's executemany elsewhere (SQLAlchemy's per-row work would cost
    more than the database's). Columns not given get their model default, converted once."""
    if not rows:
        return
    connection = db.session.connection()
    table = model.__table__
    defaults = {}
    for column in table.columns:
        if column.name in columns or column.primary_key or column.server_default is not None:
            continue
        default = column.default
        value = None if default is None else (
            default.arg(None) if default.is_callable else default.arg)  # type: ignore[attr-defined]
        defaults.update(_bound(model, **{column.name: value}))
    if defaults:
        columns = (*columns, *defaults)
        rows = [(*row, *defaults.values()) for row in rows]
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["?" if connection.dialect.paramstyle == "qmark" else "%s"] * len(columns))
    # Table and column names come from our own models; every value is a bound parameter.
    connection.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", rows)  # noqa: S608
