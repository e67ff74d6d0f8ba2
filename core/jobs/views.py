"""The one page for every job: its progress while it runs (an htmx fragment that polls itself,
a refresh link without JavaScript), then the result its kind declares, or why it failed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, request
from flask_login import current_user, login_required

from core.extensions import db
from core.features import registry
from core.htmx import is_fragment_request, render_page
from core.models import Job, JobStatus
from core.permissions import can_view, require

bp = Blueprint("jobs", __name__)


def status_text(job: Job) -> str:
    """One line for the page's live region."""
    if job.status == JobStatus.DONE:
        return job.result.get("summary") or "Finished."
    if job.status == JobStatus.FAILED:
        return job.message or "The job stopped before it finished. Nothing was saved."
    return f"{job.message or 'Waiting to start'}…"


@bp.get("/jobs/<int:job_id>")
@login_required
def show_job(job_id: int) -> Any:
    job = db.session.get(Job, job_id) or abort(404)
    kind = registry().job_kinds.get(job.kind) or abort(404)
    require(can_view(current_user, job))
    if job.status == JobStatus.DONE and kind.done_url is not None:
        target = kind.done_url(job)
        if is_fragment_request():
            return Response(status=204, headers={"HX-Redirect": target})
        return redirect(target, 303)
    text = status_text(job)
    # A poll says what the page last read out (``said``): the live region changes, and so is
    # read out again, only when the status has changed.
    return render_page(
        "jobs/show.html", block="job_progress", job=job, kind=kind, details=kind.details(job),
        status_text=text, fragment=is_fragment_request(),
        announce=is_fragment_request() and request.args.get("said") != text,
        running=job.status in (JobStatus.QUEUED, JobStatus.RUNNING))
