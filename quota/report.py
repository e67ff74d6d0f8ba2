"""What a stored sample shows: achieved against target, the probability spread, the methods note."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from core.extensions import db
from core.templating import plural
from panel.models import Dimension
from quota.models import MemberRole, Sample, SampleMode
from quota.people import people
from quota.pool import category_labels, in_questionnaire_order

RULE_TEXT = {
    "under_contact_cap": "people who had reached the contact limit were left out",
    "not_in_open_sample": "people selected in another open sample were left out",
    "events_only": "only people who said they are interested in events were included",
    "household": "at most one person per household could be selected",
}
BINS = 10


@dataclass(frozen=True)
class TallyRow:
    label: str
    target: float | None
    min: int
    max: int
    achieved: int
    in_pool: int
    met: bool
    achieved_width: int    # per cent of the chart's axis
    target_width: int | None


@dataclass(frozen=True)
class TallyTable:
    key: str
    label: str
    rows: list[TallyRow]
    hidden: bool = False   # special-category: only "every quota met", no numbers per answer
    all_met: bool = True


@dataclass(frozen=True)
class Spread:
    minimum: float
    median: float
    maximum: float
    bound: float | None
    bins: list[tuple[str, int, int]]   # (range label, people, bar width per cent)
    unselectable: int = 0              # people no panel meeting the quotas can include


@dataclass(frozen=True)
class SampleView:
    tables: list[TallyTable]
    spread: Spread | None
    selected: list
    reserves: list
    dropped_out: list
    people: dict = field(default_factory=dict)   # resident id -> Person (name, reference, ward)


def chart_axis(rows: list[dict]) -> float:
    """The chart's axis maximum: covers every achieved count, maximum and target, so no bar or
    target line falls outside the classes shipped (cp-w-0..100, cp-x-0..100)."""
    return float(max([1, *(max(c["achieved"], c["max"], c["target"] or 0) for c in rows)]))


def position(value: float, axis: float) -> int:
    """``value`` as a whole per cent of ``axis``, always within 0..100."""
    return min(100, max(0, round(100 * value / axis)))


def _ordered(categories: list[dict]) -> list[dict]:
    """The report's quotas, each question's answers in the questionnaire's order."""
    return in_questionnaire_order(categories, lambda c: (c["dimension"], c["category"]))


def _labels(keys: list[str]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    dims = dict(db.session.execute(select(Dimension.key, Dimension.label)
                                   .where(Dimension.key.in_(keys))).all())
    return dims, category_labels(keys)


def sample_view(sample: Sample, hidden: frozenset[str] = frozenset()) -> SampleView:
    """What the sample page shows; ``hidden`` special-category questions show no numbers (and
    then nobody's chance either: in a fair panel it differs by group)."""
    categories = _ordered(sample.report["categories"])
    keys = list(dict.fromkeys(c["dimension"] for c in categories))
    dims, cats = _labels(keys)
    tables = []
    for key in keys:
        rows = [c for c in categories if c["dimension"] == key]
        if key in hidden:
            tables.append(TallyTable(key, dims.get(key, key), [], hidden=True, all_met=all(
                c["min"] <= c["achieved"] <= c["max"] for c in rows)))
            continue
        axis = chart_axis(rows)
        tables.append(TallyTable(key, dims.get(key, key), [
            TallyRow(cats.get((key, c["category"]), c["category"]), c["target"], c["min"],
                     c["max"], c["achieved"], c["in_pool"],
                     c["min"] <= c["achieved"] <= c["max"], position(c["achieved"], axis),
                     None if c["target"] is None else position(c["target"], axis))
            for c in rows]))
    return SampleView(tables, None if hidden else _spread(sample),
                      sample.members_with(MemberRole.SELECTED),
                      sample.members_with(MemberRole.RESERVE),
                      sample.members_with(MemberRole.DROPPED_OUT),
                      people(m.resident_id for m in sample.members))


def _spread(sample: Sample) -> Spread | None:
    values = sample.report.get("probabilities")
    if sample.mode != SampleMode.FAIR or not values:
        return None
    chances = np.asarray(values, dtype=float)
    top = max(float(chances.max()), 1e-12)
    counts, edges = np.histogram(chances, bins=BINS, range=(0.0, top))
    most = max(int(counts.max()), 1)
    bins = [(f"{edges[i]:.1%} to {edges[i + 1]:.1%}", int(n), round(100 * n / most))
            for i, n in enumerate(counts)]
    unselectable = int(sample.report.get("people_who_cannot_be_selected") or 0)
    minimum = (sample.min_probability if sample.min_probability is not None
               else float(chances.min()))
    return Spread(minimum, float(np.median(chances)), float(chances.max()),
                  sample.probability_bound, bins, unselectable)


def methods_note(sample: Sample, hidden: frozenset[str] = frozenset()) -> list[str]:
    """Plain-English paragraphs to publish with results: pool, rules, algorithm, seed, quotas.

    Quotas on ``hidden`` (special-category) questions are named, not listed, for readers who
    may not see those answers."""
    spec, report = sample.spec, sample.report
    left_out = "; ".join(f"{n:,} {why}" for why, n in report.get("left_out", {}).items() if n)
    rules = [RULE_TEXT[r] for r in ("under_contact_cap", "not_in_open_sample", "events_only",
                                    "household") if spec.get(r)]
    dims, cats = _labels(list(spec["dimensions"]))
    quotas = "; ".join([
        *(f"{dims.get(d, d)} {cats.get((d, c['category']), c['category'])}"
          f" {c['min']}\u2013{c['max']} (selected {c['achieved']})"
          for c in _ordered(report["categories"]) if (d := c["dimension"]) not in hidden),
        *(f"{dims.get(d, d)}: quotas set and approved by an officer (shown to officers only)"
          for d in spec["dimensions"] if d in hidden)])
    dropped_for_answers = "did not answer every chosen question" in report.get("left_out", {})
    paragraphs = [
        f"{sample.mode.label} \u201c{sample.name}\u201d: "
        f"{plural(sample.size, 'person', 'people')} selected "
        f"from {plural(sample.pool_size, 'member')} of the council's resident e-panel on "
        f"{sample.created_at:%-d %B %Y}.",
        "The pool was every member who had confirmed their email address, was an active "
        "member (not paused or left) and had given consent"
        + (f"; {'; '.join(rules)}" if rules else "") + "."
        + ("" if dropped_for_answers else " Nobody was left out for their answers: people "
           "who preferred not to say, or had not answered, a question matched were in the "
           "pool as \u201cNot known\u201d, a group with its own quota (by default its share "
           "of the pool).")
        + (f" Left out: {left_out}." if left_out else ""),
        f"Targets: {report.get('target_set') or 'the chosen target set'}, turned into whole "
        "numbers for the sample size by the largest-remainder method, with a tolerance of "
        f"{spec.get('tolerance', 0)} either side"
        + (" (some minimums and maximums were then set by hand)" if spec.get("overrides")
           else "") + f". Quotas (minimum\u2013maximum): {quotas}.",
        f"Method: {sample.algorithm}. Every quota was met.",
    ]
    if sample.mode == SampleMode.FAIR and sample.min_probability is not None:
        spread = _spread(sample)
        unselectable = spread.unselectable if spread and not hidden else 0
        who = "Everyone in the pool" if not unselectable else (
            f"{unselectable:,} {'person' if unselectable == 1 else 'people'} in the pool could "
            "not be in any panel that meets these quotas (a category with a maximum of 0, or "
            "a home someone kept already lives in); everyone else")
        paragraphs.append(
            f"{who} had a chance of selection between "
            f"{sample.min_probability:.1%} and {spread.maximum if spread else 0:.1%} "
            f"(median {spread.median if spread else 0:.1%}). No lottery meeting these quotas "
            f"could give the least likely person more than {sample.probability_bound:.1%}, "
            "so the smallest chance is as large as it can be.")
    paragraphs.append(
        f"Reproducible: the draw used seed {sample.seed} with {sample.software_version}; "
        "running it again on the same inputs gives the same people.")
    return paragraphs


LIKENESS = (" Same profile as the person who dropped out.",
            " Differs from the person who dropped out on ")


def redacted_reason(sample: Sample, dropped: int | None, replacement: int, reason: str,
                    hidden: frozenset[str]) -> str:
    """A replacement's reason in labels, not codes ("Age: 25 to 34 instead of 35 to 44"),
    without the ``hidden`` questions' answers of either person."""
    head = reason
    for marker in LIKENESS:
        head = head.split(marker)[0]
    head = head.replace(f"most like {dropped}", "most like the person who dropped out")
    ids, profiles = sample.inputs["ids"], sample.inputs["profiles"]
    if dropped not in ids or replacement not in ids:
        return head
    a, b = ids.index(dropped), ids.index(replacement)
    dims, cats = _labels(list(profiles))
    differences = [f"{dims.get(d, d)}: {cats.get((d, profiles[d][b]), profiles[d][b])} instead "
                   f"of {cats.get((d, profiles[d][a]), profiles[d][a])}"
                   for d in _dimension_order(list(profiles))
                   if d not in hidden and profiles[d][a] != profiles[d][b]]
    if not differences:
        return (f"{head} Same answers as the person who dropped out on the questions shown to "
                "you." if hidden else f"{head}{LIKENESS[0]}")
    return f"{head} Differs from the person who dropped out on {'; '.join(differences)}."


def in_labels(text: str, keys: list[str]) -> str:
    """``text`` with each "dimension category" code pair ("age_band 16_24") in labels
    ("Age 16 to 24"), as the solver's explanations name quotas."""
    dims, cats = _labels(keys)
    names = {f"{d} {c}": f"{dims.get(d, d)} {label}" for (d, c), label in cats.items()}
    if not names:
        return text
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.sub(rf"(?<![\w])(?:{pattern})(?![\w])", lambda m: names[m.group(0)], text)


def _dimension_order(keys: list[str]) -> list[str]:
    position = dict(db.session.execute(select(Dimension.key, Dimension.position)
                                       .where(Dimension.key.in_(keys))).all())
    return sorted(keys, key=lambda k: (position.get(k, len(position)), keys.index(k)))
