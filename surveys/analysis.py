"""Survey results: frequency tables, crosstabs, small-cell suppression, response rates. PURE.

Weights come from raking (``surveys.weighting``; ``rake`` is importable from here too, as the
design's contract says). Percentages are of those who answered the question; a missing answer
is counted as "not answered", never as a category. Confidence intervals are 95% Wilson score
intervals for the weighted proportion, using Kish's effective sample size in place of n, so
they widen as the weights grow unequal and stay inside 0–100% even at 0% and 100%.

Disclosure control works on unweighted counts, through the one function ``panel.disclosure.
protect`` (the tables' shapes are in ``surveys.suppression``): a group of 1 to
``threshold - 1`` people is hidden, and so is whatever else would let the figures around it
(bases, totals, percentages, zeros) give it back.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from surveys.suppression import (
    THRESHOLD,
    Disclosure,
    Suppression,
    answers_disclosure,
    cell_reasons,
    column,
    suppress_small_cells,
)
from surveys.weighting import (
    RakingDidNotConverge,
    WeightingError,
    WeightingProblem,
    design_effect,
    effective_sample_size,
    empty_categories,
    merge_categories,
    rake,
    weighted_margins,
    weighting_problems,
)

__all__ = [
    "Crosstab", "FrequencyTable", "RakingDidNotConverge", "Suppression", "WeightingError",
    "WeightingProblem", "crosstab", "design_effect", "effective_sample_size", "empty_categories",
    "frequency_table", "merge_categories", "rake", "response_rates", "suppress_small_cells",
    "weighted_margins", "weighting_problems", "wilson_interval",
]

NOT_KNOWN = "Not known"


@dataclass(frozen=True)
class FrequencyTable:
    """One question's answers: ``table`` has a row per category and the columns ``count``,
    ``percent``, ``weighted_count``, ``weighted_percent``, ``ci_low`` and ``ci_high`` (the
    weighted percentage's confidence interval, in percent)."""

    table: pd.DataFrame
    base: int  # respondents who answered
    weighted_base: float
    effective_base: float  # Kish: (sum of weights)^2 / sum of squared weights
    not_answered: int


@dataclass(frozen=True)
class Crosstab:
    """A question (rows) by a profile dimension (columns), suppression already applied: hidden
    cells, and every cell of a column whose base is hidden, are NaN in all four tables.
    ``bases`` has, per column, the respondents who answered (``base``), their weighted total
    and their effective sample size, exactly: print a base only if ``disclosure.shows(
    column(group))``; ``disclosure`` also says which of the question's own counts
    (``suppression.row``) and base may be printed beside this table."""

    counts: pd.DataFrame
    column_percent: pd.DataFrame
    weighted_counts: pd.DataFrame
    weighted_column_percent: pd.DataFrame
    bases: pd.DataFrame
    suppression: Suppression
    not_answered: int
    disclosure: Disclosure


def wilson_interval(proportion, n, *, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``p`` observed on ``n`` (here the effective n).

    With z the normal quantile for ``level`` (1.96 for 95%):
    centre = (p + z²/2n) / (1 + z²/n) and half-width = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²).
    At p = 0 the interval is [0, z²/(n + z²)]; at p = 1 it is [n/(n + z²), 1]. NaN where n = 0.
    """
    p = np.asarray(proportion, dtype=float)
    n = np.broadcast_to(np.asarray(n, dtype=float), p.shape)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    low = np.full(p.shape, np.nan)
    high = np.full(p.shape, np.nan)
    ok = n > 0
    pk, nk = p[ok], n[ok]
    shrink = 1 + z * z / nk
    centre = (pk + z * z / (2 * nk)) / shrink
    half = z / shrink * np.sqrt(pk * (1 - pk) / nk + z * z / (4 * nk * nk))
    low[ok] = np.where(pk <= 0, 0.0, np.clip(centre - half, 0, 1))  # exact at the ends
    high[ok] = np.where(pk >= 1, 1.0, np.clip(centre + half, 0, 1))
    return low, high


def frequency_table(answers: pd.Series, weights: pd.Series | None = None, *,
                    categories: Sequence[Hashable] | None = None,
                    level: float = 0.95) -> FrequencyTable:
    """Counts and percentages of one question's answers, unweighted and weighted, with CIs.

    ``answers`` has one answer per respondent (NaN: not answered); ``weights`` is indexed like
    it. ``categories`` fixes the rows and their order, so unchosen options show as 0; answers
    outside it are added after it, never dropped. percent = count / base · 100 and
    weighted percent = weighted count / weighted base · 100, both over those who answered.
    """
    weight = _weights_for(answers, weights)
    answered = answers.notna().to_numpy()
    values, weight = answers[answered].astype(object), weight[answered]
    rows = _categories(values, categories)
    counts = values.value_counts().reindex(rows, fill_value=0).to_numpy()
    totals = pd.Series(weight, index=values.index).groupby(values).sum()
    weighted = totals.reindex(rows, fill_value=0.0).to_numpy(dtype=float)
    base, weighted_base = int(answered.sum()), float(weight.sum())
    n_eff = effective_sample_size(weight) if weighted_base > 0 else 0.0
    share = _ratio(weighted, weighted_base)
    low, high = wilson_interval(share, n_eff, level=level)
    table = pd.DataFrame({
        "count": counts, "percent": _ratio(counts, base) * 100,
        "weighted_count": weighted, "weighted_percent": share * 100,
        "ci_low": low * 100, "ci_high": high * 100,
    }, index=pd.Index(rows, dtype=object, name=answers.name))
    return FrequencyTable(table, base, weighted_base, n_eff, int((~answered).sum()))


def crosstab(answers: pd.Series, by: pd.Series, weights: pd.Series | None = None, *,
             threshold: int = THRESHOLD, categories: Sequence[Hashable] | None = None,
             by_categories: Sequence[Hashable] | None = None,
             not_known: str = NOT_KNOWN,
             who_hidden: Sequence[Hashable] | None = None) -> Crosstab:
    """A question's answers by a profile dimension: counts and column percentages, unweighted
    and weighted, with small groups suppressed (``surveys.suppression.answers_disclosure``, the
    question's own counts and base protected together with the table).

    ``answers``, ``by`` and ``weights`` share one index (one row per respondent). Respondents
    with no answer are left out and counted in ``not_answered``; those with no value for ``by``
    form a column of their own, ``not_known``. column percent = cell / column base · 100.
    ``who_hidden``: when the page also prints how many respondents are in each group of ``by``
    ("who answered"), the groups it hides; the two tables are then protected together.
    """
    if not by.index.equals(answers.index):
        raise ValueError("answers and by must have the same index (one row per respondent)")
    weight = _weights_for(answers, weights)
    answered = answers.notna().to_numpy()
    values = answers[answered].astype(object)
    groups = by[answered].astype(object).where(by[answered].notna(), not_known)
    rows = _categories(values, categories)
    columns = _categories_then_not_known(groups, by_categories, not_known)
    frame = pd.DataFrame({"answer": values, "group": groups, "weight": weight[answered]})
    counts = _table(frame, rows, columns, lambda g: g.size())
    weighted = _table(frame, rows, columns, lambda g: g["weight"].sum())
    who = None
    if who_hidden is not None:
        everyone = by.astype(object).where(by.notna(), not_known)
        who = {group: int(n) for group, n in everyone.value_counts().items()}
    disclosure = answers_disclosure(counts.sum(axis=1), int((~answered).sum()), threshold,
                                    by=counts, who=who, who_hidden=who_hidden or ())
    suppression = cell_reasons(disclosure, counts)
    column_base, weighted_base = counts.sum(axis=0), weighted.sum(axis=0)
    effective = frame.groupby("group")["weight"].agg(_effective_or_zero)
    bases = pd.DataFrame({"base": column_base.astype(int), "weighted_base": weighted_base,
                          "effective_base": effective.reindex(columns, fill_value=0.0)})
    percent = counts.div(column_base.where(column_base > 0), axis=1) * 100
    weighted_percent = weighted.div(weighted_base.where(weighted_base > 0), axis=1) * 100
    hidden = suppression.hidden | pd.DataFrame(
        {g: [not disclosure.shows(column(g))] * len(rows) for g in columns}, index=counts.index)
    return Crosstab(*(table.astype(float).mask(hidden)
                      for table in (counts, percent, weighted, weighted_percent)),
                    bases, suppression, int((~answered).sum()), disclosure)


def response_rates(invited: pd.Series, responded: pd.Series, *,
                   categories: Sequence[Hashable] | None = None,
                   not_known: str = NOT_KNOWN) -> pd.DataFrame:
    """Who was invited and who answered, per category of one dimension.

    ``invited`` gives each invited person's category (index: the person; NaN: not known) and
    ``responded`` whether they answered (True/False, same index). Columns: ``invited``,
    ``responded``, ``not_responded``, ``response_rate`` (responded / invited · 100),
    ``share_of_invited`` and ``share_of_respondents`` (each category's percentage of all
    invited and of all who responded: comparing the two shows who is missing).
    """
    if not responded.index.equals(invited.index):
        raise ValueError("invited and responded must have the same index (one row per person)")
    if responded.isna().any() or not set(responded.unique()) <= {True, False}:
        raise ValueError("responded must be True or False for every invited person")
    groups = invited.astype(object).where(invited.notna(), not_known)
    rows = _categories_then_not_known(groups, categories, not_known)
    said = responded.astype(bool)
    asked = groups.value_counts().reindex(rows, fill_value=0).to_numpy()
    answered = groups[said].value_counts().reindex(rows, fill_value=0).to_numpy()
    return pd.DataFrame({
        "invited": asked, "responded": answered, "not_responded": asked - answered,
        "response_rate": _ratio(answered, asked) * 100,
        "share_of_invited": _ratio(asked, asked.sum()) * 100,
        "share_of_respondents": _ratio(answered, answered.sum()) * 100,
    }, index=pd.Index(rows, dtype=object, name=invited.name))


def _table(frame: pd.DataFrame, rows: list, columns: list, measure) -> pd.DataFrame:
    grouped = measure(frame.groupby(["answer", "group"]))
    table = grouped.unstack("group") if len(grouped) else pd.DataFrame()
    return (table.reindex(index=rows, columns=columns).fillna(0).astype(float)
            .rename_axis(index=None, columns=None))


def _categories(values: pd.Series, given: Sequence[Hashable] | None) -> list:
    """``given`` in its order, then any other values found (sorted where they can be)."""
    known = list(given) if given is not None else []
    listed = set(known)
    others = [value for value in pd.unique(values) if value not in listed]
    with suppress(TypeError):  # mixed types keep the order they were found in
        others = sorted(others)
    return known + others


def _categories_then_not_known(groups: pd.Series, given, not_known: str) -> list:
    """``_categories`` of the known groups, then ``not_known`` last if anyone is in it."""
    known = _categories(groups[groups != not_known], given)
    unknown = [not_known] if (groups == not_known).any() and not_known not in known else []
    return known + unknown


def _weights_for(answers: pd.Series, weights: pd.Series | None) -> np.ndarray:
    if weights is None:
        return np.ones(len(answers))
    if not weights.index.equals(answers.index):
        raise ValueError("weights must have the same index as the answers")
    values = weights.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("weights must be numbers, zero or more, for every respondent")
    return values


def _effective_or_zero(weights: pd.Series) -> float:
    return effective_sample_size(weights) if weights.sum() > 0 else 0.0


def _ratio(part, whole) -> np.ndarray:
    """part / whole, NaN where whole is 0 (without a division warning)."""
    part = np.asarray(part, dtype=float)
    whole = np.broadcast_to(np.asarray(whole, dtype=float), part.shape)
    return np.divide(part, whole, out=np.full(part.shape, np.nan), where=whole != 0)
