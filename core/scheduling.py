"""Regular housekeeping that features declare (``Feature.schedules``): ``run_due`` runs each
task whose interval has passed since it last ran, and records when (a ``Setting`` row per task),
so one cron line (``flask schedule run``) replaces one per task."""

from __future__ import annotations

from datetime import datetime

from core.extensions import db
from core.features import Schedule, registry
from core.models import Setting, utcnow

KEY = "schedule:{}:last_run"


def _last_run(schedule: Schedule) -> datetime | None:
    row = db.session.get(Setting, KEY.format(schedule.name))
    return datetime.fromisoformat(row.value) if row is not None and row.value else None


def is_due(schedule: Schedule, now: datetime) -> bool:
    last = _last_run(schedule)
    return last is None or now - last >= schedule.every


def run_due(now: datetime | None = None) -> list[str]:
    """Run the due tasks in the order the features declared them; a line per task run."""
    now = now or utcnow()
    lines = []
    for schedule in registry().schedules.values():
        if not is_due(schedule, now):
            continue
        outcome = schedule.run()
        db.session.merge(Setting(key=KEY.format(schedule.name), value=now.isoformat()))
        db.session.commit()
        lines.append(f"{schedule.name}: {outcome}")
    return lines or ["Nothing was due."]


def schedule_status() -> list[str]:
    lines = []
    for schedule in registry().schedules.values():
        last = _last_run(schedule)
        when = last.strftime("%-d %b %Y %H:%M") if last else "never"
        lines.append(f"{schedule.name}: every {schedule.every}, last ran {when}. "
                     f"{schedule.description}".rstrip())
    return lines or ["No feature declares a scheduled task."]
