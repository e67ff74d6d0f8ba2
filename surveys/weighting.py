"""Survey weights: raking to population targets, and what the weights cost in precision. PURE.

Raking (iterative proportional fitting, as R's ``survey::rake``): start from the base weights
(1 each unless given) and, in a *sweep*, adjust each target column in turn: every respondent's
weight is multiplied by ``target total of their category / weighted total of their category``,
so that column's weighted totals equal its targets exactly. Repeat sweeps until one changes the
weighted table of all target columns crossed by less than ``tolerance`` of the population total
in every cell (the stopping rule of ``survey::rake``) and meets every target to within that
amount too. The last column adjusted is then met exactly and the others nearly so.

Targets are refused, never quietly bent, when they cannot be used as given: a target category
nobody answered, a respondent whose answer has no target (including a missing answer or
"prefer not to say" when it has no target of its own), a target that is not a positive number,
or columns that disagree on the population total. ``weighting_problems`` lists them all in plain
English; ``rake`` raises them together as one ``WeightingError``; ``merge_categories`` is the
usual remedy (merge a small category into its neighbour, or give missing answers a category).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

Targets = Mapping[str, Mapping[Hashable, float]]

SHARE_TOLERANCE = 1e-6  # shares must sum to 1, and count totals agree, to this relative error
BASE_WEIGHT = "base weight"


@dataclass(frozen=True)
class WeightingProblem:
    """One reason the targets cannot be used as given, in words an officer can act on."""

    column: str
    category: Hashable | None
    message: str


class WeightingError(ValueError):
    """The frame and targets cannot be raked as given; ``problems`` says why, one by one."""

    def __init__(self, problems: Sequence[WeightingProblem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(problem.message for problem in self.problems))


class RakingDidNotConverge(WeightingError):
    """The sweeps kept changing the weights: the targets (or the cap) cannot all be met."""


@dataclass(frozen=True)
class _Margin:
    codes: np.ndarray  # each row's category position in the column's targets
    totals: np.ndarray  # target totals in weight units, in the targets' order


def rake(frame: pd.DataFrame, targets: Targets, *, base_weight=None, cap: float | None = None,
         tolerance: float = 1e-10, max_iterations: int = 1000) -> pd.Series:
    """One weight per row of ``frame`` (same index) whose weighted totals meet ``targets``.

    ``targets`` maps a column of ``frame`` to ``{category: population share or count}``. Shares
    (each column summing to 1) give weights summing to the number of rows; counts (every column
    summing to the same population total) give weights summing to that total. ``base_weight``
    (a column name, or one value per row) is the starting weight, e.g. the design weight.

    ``cap`` is the largest weight allowed, as a multiple of the mean weight (population total /
    rows). After each sweep, weights above it are set to it and the excess is shared out over
    the other weights in proportion to their size (repeated until none is above it); the next
    sweep rakes again. The weights returned never exceed the cap; when the cap and the targets
    cannot both hold, the targets are met only as nearly as the iteration settles, and
    ``weighted_margins`` shows the gaps.

    Raking ends after the first sweep that changes no cell of the crossed table by
    ``tolerance * population total`` or more (R's rule) and, without a cap, leaves every target
    category within that amount of its target (so targets that cannot all be met together, whose
    sweeps can repeat the same table, are not mistaken for settled ones). R's
    ``rake(control = list(epsilon = e))`` is ``tolerance = e / total`` here for ``e >= 1`` and
    ``tolerance = e`` for ``e < 1``. Raises ``WeightingError`` listing every problem with the
    inputs, and ``RakingDidNotConverge`` when ``max_iterations`` sweeps do not settle.
    """
    if not tolerance > 0:
        raise ValueError("tolerance must be a positive fraction of the population total")
    if max_iterations < 1:
        raise ValueError("max_iterations must be at least 1")
    if cap is not None and not cap >= 1:
        raise ValueError("cap is a multiple of the mean weight and must be at least 1")
    problems = weighting_problems(frame, targets, base_weight=base_weight)
    if problems:
        raise WeightingError(problems)
    weights = _base_weights(frame, base_weight)
    margins, total = _margins(frame, targets)
    cells = _crossed_cells(margins)
    before = np.bincount(cells, weights=weights)
    for _ in range(max_iterations):
        for margin in margins:
            weights = weights * _adjustment(margin, weights)[margin.codes]
        if cap is not None:
            weights = cap_weights(weights, cap * total / len(weights))
        after = np.bincount(cells, weights=weights)
        change = float(np.max(np.abs(after - before)))
        gap = 0.0 if cap is not None else _largest_gap(margins, weights)
        if change < tolerance * total and gap < tolerance * total:
            return pd.Series(weights, index=frame.index, name="weight")
        before = after
    raise RakingDidNotConverge([WeightingProblem("", None, (
        f"raking did not settle after {max_iterations} sweeps: the last sweep still changed "
        f"a weighted cell by {change / total:.2g} of the total and missed a target by "
        f"{gap / total:.2g} (tolerance {tolerance:g}). The targets cannot all be met together "
        "in this sample (or not under this cap); merge small categories, raise the cap or "
        "check the targets"))])


def weighting_problems(frame: pd.DataFrame, targets: Targets, *,
                       base_weight=None) -> list[WeightingProblem]:
    """Everything that stops ``rake`` using these targets on this frame, in plain English.

    Respondents whose answer has no target (a missing answer, "prefer not to say", a category
    spelt differently) are never dropped: they are a problem until the caller maps them to a
    target category (``merge_categories``) or leaves them out of the frame.
    """
    problems: list[WeightingProblem] = []
    if len(frame) == 0:
        problems.append(WeightingProblem("", None, "there are no respondents to weight"))
    if not targets:
        problems.append(WeightingProblem("", None, "there are no targets to weight to"))
    weights, weight_problem = _checked_base_weights(frame, base_weight)
    if weight_problem:
        problems.append(WeightingProblem(BASE_WEIGHT, None, weight_problem))
    for column, column_targets in targets.items():
        problems.extend(_column_problems(frame, column, column_targets, weights))
    if not problems:
        problems.extend(_total_problems(targets))
    return problems


def empty_categories(frame: pd.DataFrame, targets: Targets, *,
                     base_weight=None) -> dict[str, list[Hashable]]:
    """Target categories nobody in ``frame`` answered (or only people with base weight 0)."""
    weights = _base_weights(frame, base_weight)
    empty = {}
    for column, column_targets in targets.items():
        values = frame[column].astype(object)
        found = [category for category in column_targets
                 if weights[(values == category).to_numpy()].sum() == 0]
        if found:
            empty[column] = found
    return empty


def merge_categories(frame: pd.DataFrame, targets: Targets, column: str,
                     merge: Mapping[Hashable | None, Hashable]) -> tuple[pd.DataFrame, dict]:
    """Copies of ``frame`` and ``targets`` with categories of ``column`` merged.

    ``merge`` maps an old category to the one it joins, e.g. ``{"rent_free": "social_rent"}``;
    the joined category's target becomes the sum of both. The key ``None`` stands for a missing
    answer, so ``{None: "prefer_not_to_say"}`` gives missing answers that category.
    """
    def relabel(value):
        if _is_missing(value):
            return merge.get(None, value)
        return merge.get(value, value)

    new_frame = frame.copy()
    new_frame[column] = frame[column].astype(object).map(relabel)
    merged: dict[Hashable, float] = {}
    for category, target in targets[column].items():
        into = merge.get(category, category)
        merged[into] = merged.get(into, 0.0) + target
    new_targets = {name: dict(value) for name, value in targets.items()}
    new_targets[column] = merged
    return new_frame, new_targets


def weighted_margins(frame: pd.DataFrame, targets: Targets, weights) -> pd.DataFrame:
    """Target against achieved weighted total for every target category, and the difference.

    Targets are in weight units: counts as given, shares times the number of rows.
    """
    margins, _ = _margins(frame, targets)
    values = np.asarray(weights, dtype=float)
    rows = []
    for (column, column_targets), margin in zip(targets.items(), margins, strict=True):
        achieved = np.bincount(margin.codes, weights=values, minlength=len(margin.totals))
        for category, target, got in zip(column_targets, margin.totals, achieved, strict=True):
            rows.append((column, category, float(target), float(got), float(got - target)))
    return pd.DataFrame(rows, columns=["column", "category", "target", "achieved", "difference"])


def cap_weights(weights: np.ndarray, limit: float) -> np.ndarray:
    """Weights no larger than ``limit``, with the same total: trim and share out the excess.

    Weights above the limit are set to it; the others are scaled up by one common factor so the
    total is unchanged, which may lift more weights over the limit, so this repeats until none
    is (at most once per weight).
    """
    weights = np.asarray(weights, dtype=float).copy()
    total = weights.sum()
    capped = np.zeros(len(weights), dtype=bool)
    while True:
        over = (weights > limit) & ~capped
        if not over.any():
            return weights
        capped |= over
        weights[capped] = limit
        free = ~capped
        free_total = weights[free].sum()
        if free_total <= 0:
            return weights
        weights[free] *= max(total - limit * capped.sum(), 0.0) / free_total


def effective_sample_size(weights) -> float:
    """Kish's effective sample size: (sum of weights)^2 / sum of squared weights."""
    values = _nonnegative(weights)
    return float(values.sum() ** 2 / np.square(values).sum())


def design_effect(weights) -> float:
    """Kish's design effect of unequal weights: n * sum of squared weights / (sum of weights)^2.

    1 for equal weights; n divided by the effective sample size otherwise.
    """
    values = _nonnegative(weights)
    return float(len(values) * np.square(values).sum() / values.sum() ** 2)


def _achieved(margin: _Margin, weights: np.ndarray) -> np.ndarray:
    return np.bincount(margin.codes, weights=weights, minlength=len(margin.totals))


def _adjustment(margin: _Margin, weights: np.ndarray) -> np.ndarray:
    return margin.totals / _achieved(margin, weights)


def _largest_gap(margins: list[_Margin], weights: np.ndarray) -> float:
    return max(float(np.max(np.abs(_achieved(m, weights) - m.totals))) for m in margins)


def _margins(frame: pd.DataFrame, targets: Targets) -> tuple[list[_Margin], float]:
    """Each column's category codes and target totals in weight units, and the total."""
    sums = [math.fsum(column_targets.values()) for column_targets in targets.values()]
    shares = all(abs(total - 1) <= SHARE_TOLERANCE for total in sums)
    population = float(len(frame)) if shares else sums[0]
    margins = []
    for (column, column_targets), column_sum in zip(targets.items(), sums, strict=True):
        categories = pd.Index(list(column_targets), dtype=object)
        codes = categories.get_indexer(frame[column].astype(object))
        totals = np.array(list(column_targets.values()), dtype=float) * population / column_sum
        margins.append(_Margin(codes, totals))
    return margins, population


def _crossed_cells(margins: list[_Margin]) -> np.ndarray:
    """Each row's cell in the table of all target columns crossed (occupied cells only)."""
    stacked = np.column_stack([margin.codes for margin in margins])
    return np.unique(stacked, axis=0, return_inverse=True)[1].reshape(-1)


def _column_problems(frame: pd.DataFrame, column: str, column_targets: Mapping,
                     weights: np.ndarray | None) -> list[WeightingProblem]:
    if column not in frame.columns:
        return [WeightingProblem(column, None, f"{column}: there is no such column to weight")]
    if not column_targets:
        return [WeightingProblem(column, None, f"{column}: the targets list no categories")]
    problems = []
    column_sum = math.fsum(value for value in column_targets.values() if _positive(value))
    values = frame[column].astype(object)
    for category, target in column_targets.items():
        if _is_missing(category):
            problems.append(WeightingProblem(column, None, (
                f"{column}: a target category cannot be missing; give missing answers a "
                "category of their own (merge_categories) and a target for it")))
        elif not _positive(target):
            problems.append(WeightingProblem(column, category, (
                f"{column}: the target for {category!r} is {target!r}; a target must be a "
                "positive number (drop the category and its respondents instead)")))
        elif weights is not None and weights[(values == category).to_numpy()].sum() == 0:
            problems.append(WeightingProblem(column, category, (
                f"{column}: no respondents in {category!r} (target {target / column_sum:.1%}); "
                "merge it with another category or drop it from the targets")))
    unknown = values[~values.isin(list(column_targets)) | values.isna()]
    if len(unknown):
        counts = unknown.map(lambda v: "missing" if _is_missing(v) else repr(v)).value_counts()
        listed = ", ".join(f"{label} ×{count}" for label, count in counts.sort_index().items())
        problems.append(WeightingProblem(column, None, (
            f"{column}: {len(unknown)} respondent{'s' if len(unknown) != 1 else ''} "
            f"gave an answer with no target ({listed}); give those answers a target category "
            "(merge_categories) or leave those respondents out")))
    return problems


def _total_problems(targets: Targets) -> list[WeightingProblem]:
    sums = {column: math.fsum(values.values()) for column, values in targets.items()}
    if all(abs(total - 1) <= SHARE_TOLERANCE for total in sums.values()):
        return []
    first = next(iter(sums.values()))
    if all(abs(total - first) <= SHARE_TOLERANCE * first for total in sums.values()):
        return []
    listed = ", ".join(f"{column} {total:,.6g}" for column, total in sums.items())
    return [WeightingProblem("", None, (
        f"the targets do not agree on the population total ({listed}); give every column "
        "shares that sum to 1, or counts with the same total"))]


def _checked_base_weights(frame: pd.DataFrame, base_weight) -> tuple[np.ndarray | None, str]:
    try:
        weights = _base_weights(frame, base_weight)
    except (KeyError, ValueError, TypeError) as error:
        return None, f"base weight: {error}"
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        return None, "base weight: every base weight must be a number, zero or more"
    if len(weights) and weights.sum() == 0:
        return None, "base weight: the base weights are all zero"
    return weights, ""


def _base_weights(frame: pd.DataFrame, base_weight) -> np.ndarray:
    if base_weight is None:
        return np.ones(len(frame))
    if isinstance(base_weight, str):
        if base_weight not in frame.columns:
            raise KeyError(f"there is no column {base_weight!r}")
        return frame[base_weight].to_numpy(dtype=float)
    if isinstance(base_weight, pd.Series):
        if not base_weight.index.equals(frame.index):
            raise ValueError("the base weights' index is not the frame's index")
        return base_weight.to_numpy(dtype=float)
    weights = np.asarray(base_weight, dtype=float)
    if weights.shape != (len(frame),):
        raise ValueError(f"{weights.size} base weights given for {len(frame)} rows")
    return weights


def _nonnegative(weights) -> np.ndarray:
    values = np.asarray(weights, dtype=float).reshape(-1)
    if len(values) == 0 or not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError("weights must be a non-empty list of numbers, zero or more")
    if values.sum() == 0:
        raise ValueError("weights must not all be zero")
    return values


def _positive(value) -> bool:
    numeric = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    return numeric and math.isfinite(value) and value > 0


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA
