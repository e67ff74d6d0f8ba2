"""One entry point for both kinds of draw, used by the command line and the web service. PURE."""

from __future__ import annotations

from collections.abc import Iterable

from quota.fairness import draw_fair_panel
from quota.problem import PersonId, Pool, Quota, Selection
from quota.sampling import draw_survey_sample

MODES = {"survey": draw_survey_sample, "fair": draw_fair_panel}


def draw(mode: str, pool: Pool, quotas: Iterable[Quota], size: int, *, seed: int,
         kept: Iterable[PersonId] = (), reserves: int | None = None) -> Selection:
    """A survey sample (``mode="survey"``) or a fair panel (``mode="fair"``)."""
    return MODES[mode](pool, quotas, size, seed=seed, kept=kept, reserves=reserves)
