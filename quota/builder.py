"""The sample builder's state: the form, the spec it makes, the quota table and its check.

One function, ``read``, turns what the officer has entered so far into everything the page
shows. The quota table starts from the target set (``quota.pool.quotas_for``); an officer's
changes to a minimum or maximum are kept for as long as the table they were made in still
applies (``basis``: same targets, questions, size, tolerance and wards), and dropped when one of
those changes, since the table is then recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.extensions import db
from core.input_guard import has_unusual_character
from core.models import User
from core.templating import plural
from panel.models import Category, Dimension, TargetSet
from quota.access import sees_special_category, special_category_refusal
from quota.check import QuotaCheck, check_spec
from quota.forms import (
    DEFAULT_RULES,
    SampleForm,
    number,
    quota_field,
    read_overrides,
)
from quota.models import SampleMode
from quota.pool import (
    WARD,
    PoolDraft,
    SampleSpec,
    build_pool,
    category_labels,
    category_order,
    dimensions_with_targets,
    parent_groups,
    private_dimensions,
    quotas_for,
)
from quota.problem import Quota, QuotaConflict, QuotaInputError

SPEC_FIELDS = ("target_set", "dimensions", "size", "tolerance", "rules", "wards", "seed",
               "merge")
DEFAULT_DIMENSIONS = ("age_band", "sex")


@dataclass(frozen=True)
class QuotaRow:
    dimension: str
    category: str
    label: str
    group_label: str
    target: float | None
    min: int
    max: int
    in_pool: int
    conflicts: list[QuotaConflict]
    errors: dict[str, str]
    closed: str = ""  # why nobody from this group can be selected (a maximum of 0)

    @property
    def min_field(self) -> str:
        return quota_field("min", self.dimension, self.category)

    @property
    def max_field(self) -> str:
        return quota_field("max", self.dimension, self.category)


@dataclass(frozen=True)
class QuotaTable:
    key: str
    label: str
    rows: list[QuotaRow]
    parent_groups: int = 0  # offer to merge into this many parent groups (0: no offer)

    @property
    def offer_merge(self) -> bool:
        return bool(self.parent_groups) and any(row.closed for row in self.rows)


@dataclass(frozen=True)
class BuilderState:
    form: SampleForm
    spec: SampleSpec | None
    check: QuotaCheck | None
    tables: list[QuotaTable]
    basis: str
    table_errors: dict[str, str]
    waiting_for: list[str]
    draw_errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ready_to_draw(self) -> bool:
        return (self.spec is not None and self.check is not None and self.check.feasible
                and not self.form.errors and not self.table_errors)

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(message, link) for the error summary."""
        found = [(message, f"#{name}") for name, messages in self.form.errors.items()
                 for message in messages[:1]]
        found += [(message, f"#{name}") for name, message in self.table_errors.items()]
        return found + self.draw_errors

    @property
    def error_list(self) -> list[dict[str, str]]:
        return [{"text": text, "href": href} for text, href in self.errors]

    def with_error(self, message: str) -> BuilderState:
        return replace(self, draw_errors=[*self.draw_errors, (message, "#quota-check")])

    def with_draw_errors(self) -> BuilderState:
        problems: list[tuple[str, str]] = []
        if self.check is not None:
            problems += [(p, "#quota-check") for p in self.check.problems]
            for conflict in self.check.conflicts:
                link = ("#quota-check" if conflict.dimension is None else "#" + quota_field(
                    "min" if conflict.kind == "minimum" else "max", conflict.dimension,
                    conflict.category or ""))
                problems.append((conflict.message, link))
        elif not self.form.errors:
            problems.append(("Fill in the targets, questions and size first", "#target_set"))
        return replace(self, draw_errors=problems)


def new_form(formdata: Mapping[str, str] | None, actor: User | None = None) -> SampleForm:
    form = SampleForm(formdata=formdata) if formdata is not None else SampleForm(formdata=None)
    target_sets = list(db.session.scalars(select(TargetSet).order_by(TargetSet.is_default.desc(),
                                                                     TargetSet.name)))
    form.target_set.choices = [SelectChoice(t.id, t.name) for t in target_sets]
    chosen = form.target_set.data if formdata is not None else None
    if chosen is None and target_sets:
        chosen = target_sets[0].id
        form.target_set.data = chosen
    # a target set that is not one offered (or too big to look up) has no questions
    live = dimensions_with_targets(chosen) if chosen in {t.id for t in target_sets} else []
    if not sees_special_category(actor):  # organisers are not offered them at all
        live = [d for d in live if not d.special_category]
    form.dimensions.choices = [SelectChoice(d.key, d.label) for d in live]
    wards = db.session.scalars(select(Category).join(Category.dimension).where(
        Dimension.key == WARD, Category.retired_at.is_(None),
        Category.prefer_not_to_say.is_(False)).order_by(Category.label))
    form.wards.choices = [SelectChoice(c.key, c.label) for c in wards]
    groups = parent_groups([d.key for d in live])
    form.merge.choices = [SelectChoice(d.key, f"{d.label} ({groups[d.key]} groups)")
                          for d in live if d.key in groups]
    if formdata is None:
        form.dimensions.data = [d.key for d in live if d.key in DEFAULT_DIMENSIONS]
        form.rules.data = list(DEFAULT_RULES)
    return form


def read(formdata: Mapping[str, str] | None, actor: User | None = None) -> BuilderState:
    form = new_form(formdata, actor)
    if formdata is not None:
        form.validate()
        refused = _special_category_named(formdata, actor)
        if refused:  # said plainly, never silently dropped
            form.dimensions.errors = [special_category_refusal(refused)]
    waiting = [messages[0] for name, messages in form.errors.items() if name in SPEC_FIELDS]
    if formdata is None or waiting or not form.target_set.choices:
        if not form.target_set.choices:
            waiting = ["There are no population targets yet: add a target set first"]
        elif formdata is None:
            waiting = ["Enter the number of people to select to see the quotas"]
        return BuilderState(form, None, None, [], "", {}, waiting)
    spec = _spec(form)
    basis = "|".join([str(spec.target_set_id), ",".join(spec.dimensions), str(spec.size),
                      str(spec.tolerance), ",".join(spec.wards), ",".join(spec.merged)])
    draft = build_pool(spec)  # once per request: edits to the table do not change the pool
    table_errors: dict[str, str] = {}
    if formdata.get("quota_basis") == basis and (quotas := _computed_quotas(spec, draft)):
        labels = _labels(spec.dimensions)
        overrides, table_errors = read_overrides(
            formdata, [(q.dimension, q.category, labels[(q.dimension, q.category)][0])
                       for q in quotas], spec.size)
        computed = {(q.dimension, q.category): (q.min, q.max) for q in quotas}
        changed = tuple(o for o in overrides if computed[(o[0], o[1])] != (o[2], o[3]))
        if changed and not table_errors:
            spec = replace(spec, overrides=changed)
    check = check_spec(spec, draft)
    return BuilderState(form, spec, check, _tables(spec, check, formdata, table_errors), basis,
                        table_errors, [])


def _computed_quotas(spec: SampleSpec, draft: PoolDraft) -> list[Quota]:
    """The table's quotas before the officer's changes ([] when the targets give none)."""
    try:
        return quotas_for(spec, draft.pool)
    except QuotaInputError:
        return []


def _special_category_named(formdata: Mapping[str, str], actor: User | None) -> list[str]:
    """Labels of special-category questions an organiser's form names (questions or quotas)."""
    if sees_special_category(actor):
        return []
    named = list(getattr(formdata, "getlist", lambda _: [])("dimensions"))
    named += [key.split("-", 3)[2] for key in formdata
              if key.startswith(("quota-min-", "quota-max-")) and key.count("-") >= 3]
    named = [key for key in dict.fromkeys(named) if not has_unusual_character(key)]
    return list(private_dimensions(named).values())  # (a key with a NUL is no question)


def _spec(form: SampleForm) -> SampleSpec:
    rules = set(form.rules.data or ())
    return SampleSpec(
        name=form.name.data or "", mode=_mode(form.mode.data),
        target_set_id=form.target_set.data, dimensions=tuple(form.dimensions.data),
        size=number(form.size.data), tolerance=number(form.tolerance.data),
        household="household" in rules, seed=number(form.seed.data) if form.seed.data else None,
        under_contact_cap="under_contact_cap" in rules,
        not_in_open_sample="not_in_open_sample" in rules, events_only="events_only" in rules,
        wards=tuple(form.wards.data or ()),
        merged=tuple(m for m in dict.fromkeys(form.merge.data or ())
                     if m in form.dimensions.data and m in {c.value for c in form.merge.choices}))


def _mode(value: str | None) -> SampleMode:
    """The kind chosen; a value that is not one (the form says so) is read as the default."""
    return SampleMode(value) if value in {m.value for m in SampleMode} else SampleMode.SURVEY


def _labels(dimensions: tuple[str, ...]) -> dict[tuple[str, str], tuple[str, str]]:
    return {key: (label, "") for key, label in category_labels(list(dimensions)).items()}


def _tables(spec: SampleSpec, check: QuotaCheck, formdata: Mapping[str, str],
            errors: dict[str, str]) -> list[QuotaTable]:
    labels = _labels(spec.dimensions)
    names = dict(db.session.execute(select(Dimension.key, Dimension.label)
                                    .where(Dimension.key.in_(spec.dimensions))).all())
    order = category_order(list(spec.dimensions))
    groups = parent_groups([d for d in spec.dimensions if d not in spec.merged])
    by_hand = {(o[0], o[1]) for o in spec.overrides}
    tables = []
    for dimension in spec.dimensions:
        quotas = sorted((q for q in check.quotas if q.dimension == dimension),
                        key=lambda q: order.get((q.dimension, q.category), len(order)))
        rows = []
        for q in quotas:
            label, group = labels.get((q.dimension, q.category), (q.category, ""))
            row = QuotaRow(q.dimension, q.category, label, group, q.target, q.min, q.max,
                           int(check.in_pool.get((q.dimension, q.category), 0)),
                           check.conflicts_for(q.dimension, q.category), {},
                           _closed(q, spec, names.get(dimension, dimension),
                                   (q.dimension, q.category) in by_hand,
                                   dimension in groups))
            row_errors = {b: errors[f] for b, f in (("min", row.min_field),
                                                    ("max", row.max_field)) if f in errors}
            if row_errors:  # show what was typed, so it can be corrected
                row = replace(row, errors=row_errors)
            rows.append(row)
        tables.append(QuotaTable(dimension, names.get(dimension, dimension), rows,
                                 groups.get(dimension, 0)))
    return tables


def _closed(quota: Quota, spec: SampleSpec, question: str, by_hand: bool,
            can_merge: bool) -> str:
    """Why nobody from this group can be selected, and the fix ("" if someone can be)."""
    if quota.max > 0:
        return ""
    if by_hand:
        return ("No one from this group can be selected: its maximum is set to 0. Raise it "
                "to 1 or more to give this group a place.")
    target = f"{quota.target:.1f}" if quota.target is not None else "0"
    merge = f", or merge {question} into its parent groups" if can_merge else ""
    return (f"No one from this group can be selected: its target for "
            f"{plural(spec.size, 'person', 'people')} "
            f"is {target}, which rounds to 0. Use a tolerance of 1 or more (a tolerance of 1 "
            f"gives it a maximum of 1){merge}.")
