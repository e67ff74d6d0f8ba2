"""Sample designs an officer approves for organisers to draw. Each use case commits once.

The flow: an officer builds a sample in the builder as usual and, instead of (or as well as)
drawing it, presses "Approve this design for organisers". The design (target set, questions,
every quota as shown, size, tolerance, rules) is stored with who approved it and when, and the
audit log records what it asks of special-category questions. Organisers see approved designs
on the Samples page and draw them, as often as they need, without seeing those answers. An
officer can withdraw a design; samples already drawn from it stay.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from core import audit
from core.extensions import db
from core.models import Job, User, utcnow
from panel.models import Dimension, TargetSet
from quota.access import design_spec, sees_special_category, special_category_use
from quota.check import check_spec
from quota.models import SampleDesign
from quota.pool import SampleSpec, category_labels, in_questionnaire_order
from quota.problem import Quota
from quota.report import RULE_TEXT
from quota.services import SampleError, start_draw


def approve_design(actor: User, spec: SampleSpec) -> SampleDesign:
    """Store ``spec`` with every quota frozen as the officer sees it now."""
    if not sees_special_category(actor):
        raise SampleError("Only an engagement officer can approve a sample design.")
    check = check_spec(spec)
    if not check.feasible:
        raise SampleError("This design cannot be drawn yet, so it cannot be approved: "
                          + " ".join([*check.problems, *(c.message for c in check.conflicts)]))
    frozen = replace(spec, seed=None, overrides=tuple(
        (q.dimension, q.category, q.min, q.max) for q in check.quotas))
    design = SampleDesign(name=spec.name, spec=frozen.to_json(), approved_by_id=actor.id)
    db.session.add(design)
    db.session.flush()
    audit.record(actor, "sample_design_approved", "sample_design", design.id,
                 name=spec.name, questions=list(spec.dimensions), size=spec.size,
                 tolerance=spec.tolerance, **special_category_use(spec, check.quotas))
    db.session.commit()
    return design


def record_check(actor: User, spec: SampleSpec | None, quotas: list[Quota]) -> None:
    """The builder shows how many people in the pool gave each answer: for a special-category
    question that is a use of those answers, audited with the quotas asked for."""
    if spec is None:
        return
    used = special_category_use(spec, quotas)
    if used:
        audit.record(actor, "sample_design_checked", "", None, questions=list(spec.dimensions),
                     size=spec.size, tolerance=spec.tolerance, **used)
        db.session.commit()


def withdraw_design(actor: User, design: SampleDesign) -> None:
    if not sees_special_category(actor):
        raise SampleError("Only an engagement officer can withdraw a sample design.")
    if design.withdrawn_at is None:
        design.withdrawn_at = utcnow()
        audit.record(actor, "sample_design_withdrawn", "sample_design", design.id)
    db.session.commit()


def draw_design(actor: User, design: SampleDesign) -> Job:
    """Queue a draw of the approved design, with a new seed."""
    return start_draw(actor, design_spec(design), design)


@dataclass(frozen=True)
class DesignView:
    """What the design page shows: its settings, and the quotas of the questions ``hidden``
    leaves visible (the special-category ones are only named)."""

    settings: list[tuple[str, str]]
    quotas: list[tuple[str, list[tuple[str, int, int]]]]   # (question, [(answer, min, max)])
    hidden: list[str]


def design_view(design: SampleDesign, hidden: frozenset[str]) -> DesignView:
    spec = design_spec(design)
    names = dict(db.session.execute(select(Dimension.key, Dimension.label)
                                    .where(Dimension.key.in_(spec.dimensions))).all())
    labels = category_labels(list(spec.dimensions))
    target_set = db.session.get(TargetSet, spec.target_set_id)
    rules = [RULE_TEXT[r] for r in RULE_TEXT if getattr(spec, r)]
    approver = design.approved_by.display_name or design.approved_by.email \
        if design.approved_by else "an officer who has since left"
    settings = [
        ("Kind of sample", spec.mode.label),
        ("Targets", target_set.name if target_set else "–"),
        ("Questions matched", ", ".join(names.get(d, d) for d in spec.dimensions)),
        ("Number of people", f"{spec.size:,}"),
        ("Tolerance", str(spec.tolerance)),
        ("Rules", "; ".join(rules).capitalize() if rules else "None"),
        ("Approved by", f"{approver}, {design.approved_at:%-d %B %Y %H:%M}"),
    ]
    overrides = in_questionnaire_order(list(spec.overrides), lambda o: (o[0], o[1]))
    quotas = [(names.get(d, d), [(labels.get((d, c), c), low, high)
                                 for dim, c, low, high in overrides if dim == d])
              for d in spec.dimensions if d not in hidden]
    return DesignView(settings, quotas, [names.get(d, d) for d in spec.dimensions
                                         if d in hidden])


def list_designs() -> list[SampleDesign]:
    return list(db.session.scalars(select(SampleDesign).where(SampleDesign.withdrawn_at.is_(None))
                                   .order_by(SampleDesign.approved_at.desc(),
                                             SampleDesign.id.desc())))


def get_design(design_id: int) -> SampleDesign | None:
    return db.session.get(SampleDesign, design_id)
