"""Regular housekeeping that features declare (``Feature.schedules``): ``run_due`` runs each
task whose interval has passed since it last ran, and records when (a ``Setting`` row per task),
so one cron line (``flask schedule run``) replaces one per task."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core.extensions import db
from core.features import Schedule, registry
from core.models import Setting, utcnow

log = logging.getLogger(__name__)

KEY = "schedule:{}:last_run"
FAILED = "failed, and will be tried again on the next run (the log has the details)"


def _last_run(schedule: Schedule) -> datetime | None:
    row = db.session.get(Setting, KEY.format(schedule.name))
    return datetime.fromisoformat(row.value) if row is not None and row.value else None


def is_due(schedule: Schedule, now: datetime) -> bool:
    last = _last_run(schedule)
    return last is None or now - last >= schedule.every


def run_due(now: datetime | None = None) -> tuple[list[str], bool]:
    """Run the due tasks in the order the features declared them: a line per task run, and
    whether every one succeeded. A task that fails is rolled back and not recorded (so it is
    due again next time); the tasks after it still run."""
    now = now or utcnow()
    lines, succeeded = [], True
    for schedule in registry().schedules.values():
        if not is_due(schedule, now):
            continue
        try:
            outcome = schedule.run()
            db.session.merge(Setting(key=KEY.format(schedule.name), value=now.isoformat()))
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("Scheduled task %s failed", schedule.name)
            outcome, succeeded = FAILED, False
        lines.append(f"{schedule.name}: {outcome}")
    return lines or ["Nothing was due."], succeeded


def schedule_status() -> list[str]:
    lines = []
    for schedule in registry().schedules.values():
        last = _last_run(schedule)
        when = last.strftime("%-d %b %Y %H:%M") if last else "never"
        lines.append(f"{schedule.name}: every {interval_in_words(schedule.every)}, "
                     f"last ran {when}. "
                     f"{schedule.description}".rstrip())
    return lines or ["No feature declares a scheduled task."]


def interval_in_words(every: timedelta) -> str:
    """'day', '6 hours', '15 minutes': how often, as a person would say it."""
    seconds = int(every.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return unit if count == 1 else f"{count} {unit}s"
    return f"{seconds} seconds"
