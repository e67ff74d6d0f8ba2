"""The job runner for long work (imports, large draws, bulk invitations).

A job is a ``Job`` row first (``enqueue``); ``run_pending_jobs`` claims queued rows atomically
(queued -> running, as the outbox claims messages), so two workers never run the same job,
and calls the handler its feature declared for the job's kind (``core.jobs.kinds.JobKind``).

The handler contract: ``handler(job, progress) -> result dict``. It does its work in the
session's transaction and never commits: the runner commits the work together with the job
becoming ``done``, or rolls everything back and marks the job ``failed`` (so a failed job
leaves nothing partial behind). ``progress(done, total=..., message=...)`` is written in its
own short transaction, so a page polling the job sees it while the work is uncommitted.

Production runs ``flask jobs run --watch`` (or ``flask jobs run`` from a scheduler); the
development server runs queued jobs after each response has been sent (``init_app``), never
in a thread of its own.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

import click
from flask import Flask, Response, request
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from core.extensions import db
from core.features import registry
from core.models import Job, JobStatus, User, utcnow

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=2)
UNEXPECTED = ("Something went wrong and the job stopped. Nothing was saved. Try again, and "
              "tell your administrator if it happens again.")


class JobFailed(Exception):
    """The job cannot be done; the message is plain English for whoever started it."""


class Progress:
    """Records how far a job has got, in a transaction of its own."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    @property
    def visible_while_writing(self) -> bool:
        """False where the database has one writer at a time (SQLite): there a progress
        update cannot be saved while the job's own transaction is writing."""
        return db.engine.dialect.name != "sqlite"

    def __call__(self, done: int, *, total: int | None = None, message: str | None = None
                 ) -> None:
        values: dict[str, Any] = {"done": done}
        if total is not None:
            values["total"] = total
        if message is not None:
            values["message"] = message
        with db.engine.connect() as connection:
            connection.execute(update(Job).where(Job.id == self.job_id).values(**values))
            connection.commit()


def enqueue(kind: str, actor: User | None, params: dict[str, Any], total: int = 0,
            message: str = "Waiting to start") -> Job:
    """A queued job in the caller's transaction (the caller commits)."""
    job = Job(kind=kind, created_by_id=actor.id if actor is not None else None,
              params=params, total=total, message=message, status=JobStatus.QUEUED)
    db.session.add(job)
    return job


def _claim(job_id: int) -> bool:
    result = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), message="Starting"))
    db.session.commit()
    return result.rowcount == 1


def run_job(job_id: int) -> JobStatus | None:
    """Claim and run one queued job; None if another worker has it."""
    if not _claim(job_id):
        return None
    job = db.session.get(Job, job_id)
    assert job is not None
    kind = registry().job_kinds.get(job.kind)
    work = kind.run if kind is not None else None
    try:
        if work is None:
            raise JobFailed(f"This service cannot do jobs of the kind '{job.kind}'.")
        result = work(job, Progress(job.id))
        job.status = JobStatus.DONE
        job.result = result
        # the total may have been set by progress, on its own connection: read it back
        job.total = db.session.scalar(select(Job.total).where(Job.id == job.id)) or job.total
        job.done = job.total
        job.message = "Finished"
        job.finished_at = utcnow()
        db.session.commit()
    except JobFailed as failure:
        _fail(job_id, str(failure))
    except Exception:
        log.exception("Job %s (%s) failed", job_id, job.kind)
        _fail(job_id, UNEXPECTED)
    return db.session.get(Job, job_id).status  # type: ignore[union-attr]


def _fail(job_id: int, message: str) -> None:
    db.session.rollback()
    db.session.execute(update(Job).where(Job.id == job_id).values(
        status=JobStatus.FAILED, message=message, finished_at=utcnow()))
    db.session.commit()


def run_pending_jobs(limit: int = 10) -> list[int]:
    """Run queued jobs, oldest first; the ids of the jobs this call ran."""
    queued = db.session.scalars(
        select(Job.id).where(Job.status == JobStatus.QUEUED)
        .order_by(Job.created_at, Job.id).limit(limit)).all()
    db.session.commit()  # end the read before the jobs' own transactions
    return [job_id for job_id in queued if run_job(job_id) is not None]


def fail_stale_jobs(older_than: timedelta = STALE_AFTER, now: datetime | None = None) -> int:
    """Jobs still 'running' long after they started lost their worker: mark them failed.
    (Their work was never committed, so there is nothing to undo.)"""
    cutoff = (now or utcnow()) - older_than
    result = db.session.execute(
        update(Job).where(Job.status == JobStatus.RUNNING, Job.started_at < cutoff)
        .values(status=JobStatus.FAILED, finished_at=utcnow(),
                message="The job stopped before it finished. Nothing was saved. Try again."))
    db.session.commit()
    return result.rowcount


# --- command line and the development server ------------------------------------------------

cli = AppGroup("jobs", help="Long-running work (imports and the like).")


@cli.command("run")
@click.option("--watch", is_flag=True, help="Keep running, checking for new jobs.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between checks.")
def run_command(watch: bool, interval: float) -> None:
    """Run queued jobs (from a scheduler, or keep running with --watch)."""
    while True:
        stale = fail_stale_jobs()
        if stale:
            click.echo(f"marked {stale} stale job(s) failed")
        for job_id in run_pending_jobs():
            job = db.session.get(Job, job_id)
            click.echo(f"job {job_id} ({job.kind}): {job.status.value}")  # type: ignore[union-attr]
        db.session.remove()
        if not watch:
            return
        time.sleep(interval)


@cli.command("status")
def status_command() -> None:
    """How many jobs are in each state."""
    rows = db.session.execute(
        select(Job.status, func.count()).group_by(Job.status).order_by(Job.status)).all()
    for state, count in rows:
        click.echo(f"{state.value:8} {count}")
    if not rows:
        click.echo("There are no jobs.")


def init_app(app: Flask) -> None:
    """``flask jobs``; with JOBS_RUN_AFTER_REQUEST (on in development), queued jobs run after
    each response has been sent, in the request's own worker (no extra threads)."""
    app.cli.add_command(cli)

    @app.after_request
    def _run_jobs_later(response: Response) -> Response:
        if not app.config["JOBS_RUN_AFTER_REQUEST"] or request.endpoint == "static":
            return response

        def run() -> None:
            with app.app_context():
                try:
                    run_pending_jobs()
                finally:
                    db.session.remove()

        response.call_on_close(run)
        return response
