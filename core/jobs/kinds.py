"""What a feature declares for each kind of job it runs (``Feature.job_kinds``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.jobs.runner import Progress
    from core.models import Job, User

# The handler contract (see core.jobs.runner): does the work in the session's transaction,
# never commits, reports progress, returns the result to keep on the job row.
Handler = Callable[["Job", "Progress"], dict[str, Any]]


def _nothing(_job: Job) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Handler
    title: str = "Working"                    # the job page's heading, e.g. "Import residents"
    roles: frozenset[Any] = frozenset()      # who may watch a job of this kind (and its creator)
    # A template partial for a finished or failed job (given ``job`` and ``details``); the
    # generic page shows the job's own message when there is none.
    result_template: str | None = None
    details: Callable[[Job], dict[str, Any]] = _nothing  # more for the page: e.g. the survey
    caption: Callable[[Job], str] = lambda job: ""        # the line above the heading
    # Where to go once the job is done, instead of a result (a draw opens its sample).
    done_url: Callable[[Job], str] | None = None
    while_running: str = "You can leave this page: the work carries on."
    may_view: Callable[[User, Job], bool] | None = field(default=None)
