"""Use cases of the quota module: check, draw, reproduce, replace, close. Each commits once."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, replace
from importlib.metadata import version
from typing import Any

import numpy as np
from sqlalchemy import select

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.jobs import runner as jobs
from core.models import AuditEvent, Job, User, utcnow
from core.spreadsheet import safe_cell
from panel.models import Resident, ResidentStatus, TargetSet
from quota.access import (
    design_spec,
    hidden_dimensions,
    sees_special_category,
    special_category_refusal,
    special_category_use,
)
from quota.check import answers_given_away_in, pool_counts
from quota.draw import draw
from quota.files import report_of
from quota.models import MemberRole, Sample, SampleDesign, SampleMember, SampleStatus
from quota.people import ERASED, people, person
from quota.polytope import HIGHS
from quota.pool import (
    SampleSpec,
    build_pool,
    private_dimensions,
    quotas_for,
)
from quota.problem import Pool, Quota, QuotaInfeasible, QuotaInputError, Selection
from quota.report import in_labels, redacted_reason
from quota.reserves import propose_replacement

JOB_KIND = "quota.draw"
SOFTWARE = f"civic-panel {version('civic-panel')}; {HIGHS}; numpy {np.__version__}"


class SampleError(DomainError):
    """A sample cannot be drawn or changed; the message is plain English."""


def start_draw(actor: User, spec: SampleSpec, design: SampleDesign | None = None) -> Job:
    """Queue the draw as a job (the page shows its progress); the seed is fixed now."""
    spec = _with_seed(spec)
    _check_allowed(actor, spec, design)
    job = jobs.enqueue(JOB_KIND, actor, {"spec": spec.to_json(),
                                         "design_id": design.id if design else None},
                       total=1, message="Waiting to start the draw")
    db.session.commit()
    return job


def run_draw_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    progress(0, message="Drawing the sample")
    spec = SampleSpec.from_json(job.params["spec"])
    try:
        design_id = job.params.get("design_id")
        sample = _draw(actor, spec,
                       db.session.get(SampleDesign, design_id) if design_id else None)
    except (QuotaInfeasible, QuotaInputError, SampleError) as error:
        if not sees_special_category(actor) and private_dimensions(spec.dimensions):
            # the reason may count the people with a special-category answer
            raise jobs.JobFailed(
                "No sample was drawn: the pool as it is now cannot meet every quota of the "
                "design an officer approved. Ask an engagement officer to check the "
                "design.") from error
        raise jobs.JobFailed(f"No sample was drawn. {error}") from error
    return {"sample_id": sample.id}


def draw_sample(actor: User | None, spec: SampleSpec,
                design: SampleDesign | None = None) -> Sample:
    """Draw and store a sample now (the job and the tests call this)."""
    sample = _draw(actor, _with_seed(spec), design)
    db.session.commit()
    return sample


def _with_seed(spec: SampleSpec) -> SampleSpec:
    if spec.seed is not None:
        return spec
    return SampleSpec.from_json({**spec.to_json(), "seed": secrets.randbelow(2**31)})


def _check_allowed(actor: User | None, spec: SampleSpec, design: SampleDesign | None) -> None:
    """Quotas on special-category questions: officers, or an officer's approved design."""
    private = private_dimensions(spec.dimensions)
    if not private or sees_special_category(actor):
        return
    if design is None:
        raise SampleError(special_category_refusal(list(private.values())))
    if design.withdrawn_at is not None:
        raise SampleError("This design was withdrawn by an officer, so it can no longer be "
                          "drawn. Ask an officer to approve a new one.")
    if SampleSpec.from_json({**spec.to_json(), "seed": None, "name": design.name}
                            ) != design_spec(design):
        raise SampleError("Only the design as the officer approved it can be drawn.")


def _draw(actor: User | None, spec: SampleSpec, design: SampleDesign | None = None) -> Sample:
    assert spec.seed is not None
    _check_allowed(actor, spec, design)
    draft = build_pool(spec)
    quotas = quotas_for(spec, draft.pool)
    given_away = answers_given_away_in(spec, quotas, pool_counts(spec, draft.pool))
    if given_away:
        raise SampleError(" ".join(given_away))
    selection = draw(spec.mode.value, draft.pool, quotas, spec.size, seed=spec.seed)
    sample = Sample(
        name=spec.name, mode=spec.mode, target_set_id=spec.target_set_id, size=spec.size,
        seed=spec.seed, algorithm=selection.algorithm, software_version=SOFTWARE,
        pool_size=len(draft.pool), spec=spec.to_json(),
        inputs=_inputs(draft.pool, quotas),
        report={**report_of(selection, pool_size=len(draft.pool), size=spec.size,
                            mode=spec.mode.value), "left_out": draft.left_out,
                "target_set": _target_set_name(spec.target_set_id),
                "selected": list(selection.selected), "reserves": list(selection.reserves),
                "probabilities": (list(selection.lottery.probabilities.values())
                                  if selection.lottery else None)},
        created_by_id=actor.id if actor else None, design_id=design.id if design else None,
        min_probability=selection.lottery.minimum if selection.lottery else None,
        probability_bound=selection.lottery.upper_bound if selection.lottery else None,
    )
    _add_members(sample, selection)
    db.session.add(sample)
    db.session.flush()
    audit.record(actor, "sample_drawn", "sample", sample.id, mode=spec.mode.value,
                 size=spec.size, pool=len(draft.pool), seed=spec.seed,
                 design=design.id if design else None, **special_category_use(spec, quotas))
    return sample


def _add_members(sample: Sample, selection: Selection) -> None:
    chance = selection.lottery.probabilities if selection.lottery else {}
    for pid in selection.selected:
        sample.members.append(SampleMember(resident_id=int(pid), role=MemberRole.SELECTED,
                                           probability=chance.get(pid)))
    for rank, pid in enumerate(selection.reserves, start=1):
        sample.members.append(SampleMember(resident_id=int(pid), role=MemberRole.RESERVE,
                                           rank=rank, probability=chance.get(pid)))


def _inputs(pool: Pool, quotas: list[Quota]) -> dict[str, Any]:
    return {"ids": list(pool.ids), "profiles": {d: list(c) for d, c in pool.profiles.items()},
            "households": None if pool.households is None else list(pool.households),
            "quotas": [[q.dimension, q.category, q.min, q.max, q.target] for q in quotas]}


def stored_pool(sample: Sample) -> tuple[Pool, list[Quota]]:
    data = sample.inputs
    return (Pool(ids=data["ids"], profiles=data["profiles"], households=data["households"]),
            [Quota(*row) for row in data["quotas"]])


def _target_set_name(target_set_id: int) -> str:
    target_set = db.session.get(TargetSet, target_set_id)
    return target_set.name if target_set else ""


# --- reproducing a draw ----------------------------------------------------------------------

@dataclass(frozen=True)
class Reproduction:
    same: bool
    differences: list[str]


def reproduce(actor: User, sample: Sample) -> Reproduction:
    """Run the draw again on its stored inputs and seed; the same people must come out."""
    pool, quotas = stored_pool(sample)
    again = draw(sample.mode.value, pool, quotas, sample.size, seed=sample.seed)
    differences = []
    if list(again.selected) != sample.report["selected"]:
        differences.append("The people selected are not the same.")
    if list(again.reserves) != sample.report["reserves"]:
        differences.append("The reserve list is not the same.")
    same = not differences
    if same:
        sample.reproduced_at = utcnow()
    audit.record(actor, "sample_reproduced", "sample", sample.id, same=same)
    db.session.commit()
    return Reproduction(same, differences)


# --- drop-outs and replacements ----------------------------------------------------------------

@dataclass(frozen=True)
class ReplacementProposal:
    member: SampleMember
    resident_id: int
    from_reserves: bool
    reason: str


def propose(sample: Sample, member: SampleMember) -> ReplacementProposal:
    """Who should take ``member``'s place so that every quota is still met, and why."""
    if member.sample_id != sample.id or member.role != MemberRole.SELECTED:
        raise SampleError("Only a selected member of this sample can be replaced.")
    if member.resident_id is None:
        raise SampleError("This member has erased their data; their place cannot be matched.")
    pool, quotas = stored_pool(sample)
    selected = _selected_ids(sample)
    pool = _still_available(pool, selected, sample, keep=member.resident_id)
    reserves = [m.resident_id for m in sample.members_with(MemberRole.RESERVE)]
    reserves = [r for r in reserves if r in set(pool.ids)]
    try:
        proposal = propose_replacement(pool, quotas, selected, member.resident_id,
                                       reserves=reserves, seed=sample.seed + member.id)
    except QuotaInfeasible as error:
        raise SampleError("Nobody left in the pool can take this place without breaking a "
                          f"quota. {error}") from error
    return ReplacementProposal(member, int(proposal.person), proposal.from_reserves,
                               proposal.reason)


def proposal_shown_to(actor: User, sample: Sample, member: SampleMember
                      ) -> tuple[ReplacementProposal | None, str | None]:
    """The replacement page's proposal, or why there is none, as ``actor`` may see it: someone
    who does not see the design's special-category questions sees neither their answers in the
    reason nor which of their quotas stands in the way."""
    hidden = hidden_dimensions(actor, sample.spec["dimensions"])
    try:
        proposal = propose(sample, member)
    except SampleError as error:
        if hidden:  # the quota in the way may be one organisers do not see
            return None, ("Nobody left in the pool can take this place without breaking a "
                          "quota of the design. Ask an engagement officer to look at this "
                          "sample.")
        return None, in_labels(str(error), list(sample.spec["dimensions"]))
    return replace(proposal, reason=redacted_reason(
        sample, member.resident_id, proposal.resident_id, proposal.reason, hidden)), None


def _selected_ids(sample: Sample) -> list[int]:
    """Who holds the selected places, by the id they were drawn with. A member who has since
    erased their account keeps their place: it still counts towards the quotas it filled
    (their id in the stored pool points at nobody, but their categories are there), so the
    others can still be replaced without the quotas moving. Their id is the one drawn that no
    member row holds any more and that was not replaced; the place of an erased replacement,
    whose id is not known, is left empty."""
    members = sample.members_with(MemberRole.SELECTED)
    known = [m.resident_id for m in members if m.resident_id is not None]
    erased = len(members) - len(known)
    if not erased:
        return known
    held = {m.resident_id for m in sample.members if m.resident_id is not None}
    replaced = {event.detail.get("dropped_out") for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "sample_member_replaced",
                                 AuditEvent.object_type == "sample",
                                 AuditEvent.object_id == sample.id))}
    gone = [pid for pid in sample.report["selected"] if pid not in held and pid not in replaced]
    return known + gone[:erased]


def _still_available(pool: Pool, selected: list[int], sample: Sample, keep: int) -> Pool:
    """The stored pool without people who have since left, paused or erased their data
    (selected members stay, they count towards the quotas)."""
    held = set(selected)
    active = set(db.session.scalars(select(Resident.id).where(
        Resident.id.in_(pool.ids), Resident.status == ResidentStatus.ACTIVE)))
    dropped = {m.resident_id for m in sample.members_with(MemberRole.DROPPED_OUT)}
    keep_rows = [i for i, pid in enumerate(pool.ids)
                 if pid in held or pid == keep or (pid in active and pid not in dropped)]
    return Pool(ids=[pool.ids[i] for i in keep_rows],
                profiles={d: [c[i] for i in keep_rows] for d, c in pool.profiles.items()},
                households=None if pool.households is None
                else [pool.households[i] for i in keep_rows])


def replace_member(actor: User, sample: Sample, member: SampleMember,
                   resident_id: int) -> SampleMember:
    """Record ``member`` as dropped out and ``resident_id`` selected in their place."""
    proposal = propose(sample, member)
    if proposal.resident_id != resident_id:
        raise SampleError("The proposed replacement has changed since the page was shown; "
                          "look at the new proposal and confirm again.")
    member.role = MemberRole.DROPPED_OUT
    replacement = next((m for m in sample.members if m.resident_id == resident_id
                        and m.role == MemberRole.RESERVE), None)
    if replacement is None:
        replacement = SampleMember(resident_id=resident_id, role=MemberRole.SELECTED)
        sample.members.append(replacement)
    replacement.role = MemberRole.SELECTED
    replacement.rank = None
    replacement.replaces = member
    replacement.note = proposal.reason
    db.session.flush()
    audit.record(actor, "sample_member_replaced", "sample", sample.id,
                 dropped_out=member.resident_id, replacement=resident_id,
                 from_reserves=proposal.from_reserves)
    db.session.commit()
    return replacement


# --- listing and closing -----------------------------------------------------------------------

def list_samples() -> list[Sample]:
    return list(db.session.scalars(select(Sample).order_by(Sample.created_at.desc(),
                                                           Sample.id.desc())))


def get_sample(sample_id: int) -> Sample | None:
    return db.session.get(Sample, sample_id)


def close_sample(actor: User, sample: Sample) -> None:
    """A closed sample no longer keeps its members out of other samples."""
    sample.status = SampleStatus.CLOSED
    audit.record(actor, "sample_closed", "sample", sample.id)
    db.session.commit()


def get_draw_job(job_id: int) -> Job | None:
    job = db.session.get(Job, job_id)
    return job if job is not None and job.kind == JOB_KIND else None


def record_view(actor: User, sample: Sample) -> None:
    """The sample page lists residents by name: opening it is officer access to personal data."""
    private = private_dimensions(sample.spec["dimensions"])
    audit.record(actor, "sample_viewed", "sample", sample.id,
                 **({"special_category_questions": list(private)} if private else {}))
    db.session.commit()


def person_name(resident_id: int | None) -> str:
    """The member's name, reference and ward ("Jan Balogh (R-00123, Bank Hall)")."""
    return str(person(resident_id))


def members_csv(actor: User, sample: Sample) -> str:
    """Selected members and reserves with their contact details (audited), formula-safe.

    Without the chance of selection for anyone who may not see special-category answers when
    the sample matched such a question (a chance can tell the group someone is in).
    """
    private = private_dimensions(sample.spec["dimensions"])
    chances = sees_special_category(actor) or not private
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["resident_id", "reference", "role", "reserve_rank", "first_name",
                     "last_name", "email", "ward", *(["probability"] if chances else []),
                     "replaces_resident_id"])
    named = people(m.resident_id for m in sample.members)
    for member in sample.members:
        resident = member.resident
        who = named.get(member.resident_id, ERASED)
        chance = "" if member.probability is None else f"{member.probability:.6f}"
        writer.writerow([member.resident_id or "", who.reference, member.role.value,
                         member.rank or "",
                         safe_cell(resident.first_name if resident else ""),
                         safe_cell(resident.last_name if resident else ""),
                         safe_cell(resident.user.email if resident else ""),
                         safe_cell(who.ward), *([chance] if chances else []),
                         member.replaces.resident_id if member.replaces else ""])
    audit.record(actor, "sample_exported", "sample", sample.id, rows=len(sample.members),
                 **({"special_category_questions": list(private)} if private else {}))
    db.session.commit()
    return out.getvalue()
