"""The officer's panel list: search, filter by any dimension, sort, paginate — in SQL.

One query for the page and one for the count, however large the panel: filters are EXISTS
subqueries on the (dimension, category) index, contacts are aggregated per resident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select

from core import audit
from core.extensions import db
from core.models import User, utcnow
from panel.contact_policy import ContactCap
from panel.models import Category, Contact, Dimension, ProfileAnswer, Resident, ResidentStatus

PAGE_SIZE = 50
SORTS = {
    "name": (Resident.last_name, Resident.first_name, Resident.id),
    "joined": (Resident.joined_at, Resident.id),
    "contacted": None,  # set per query (the last-contact column)
}


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    status: str = ""  # "", active, paused, withdrawn
    verified: str = ""  # "", yes, no
    categories: dict[str, str] = field(default_factory=dict)  # dimension key -> category key
    joined_from: date | None = None
    joined_to: date | None = None
    contacted: str = ""  # "", never, recent (in the cap window), not_recent
    at_cap: bool = False
    sort: str = "joined"
    descending: bool = True
    page: int = 1


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    email: str
    postcode: str
    status: ResidentStatus
    verified: bool
    joined_at: datetime
    last_contacted: datetime | None
    recent_contacts: int
    at_cap: bool


@dataclass(frozen=True)
class MemberPage:
    rows: list[MemberRow]
    total: int
    page: int
    pages: int


def search_members(filters: MemberFilters, cap: ContactCap,
                   now: datetime | None = None) -> MemberPage:
    now = now or utcnow()
    window_start, max_contacts = cap.window_start(now), cap.max_contacts
    last = (select(Contact.resident_id, func.max(Contact.at).label("last_at"),
                   func.count(Contact.id).filter(Contact.at >= window_start).label("recent"))
            .group_by(Contact.resident_id).subquery())
    recent = func.coalesce(last.c.recent, 0)
    query: Select = (
        select(Resident.id, Resident.first_name, Resident.last_name, User.email,
               Resident.postcode, Resident.status, User.verified_at, Resident.joined_at,
               last.c.last_at, recent.label("recent"))
        .join(User, User.id == Resident.user_id)
        .outerjoin(last, last.c.resident_id == Resident.id)
    )
    query = _filter(query, filters, last, recent, window_start, max_contacts)
    total = _count(filters, last, recent, window_start, max_contacts)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    order = SORTS.get(filters.sort) or (last.c.last_at, Resident.id)
    if filters.sort == "contacted":
        order = (func.coalesce(last.c.last_at, datetime(1900, 1, 1)), Resident.id)
    query = query.order_by(*(c.desc() if filters.descending else c.asc() for c in order))
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return MemberPage(
        rows=[MemberRow(r.id, f"{r.first_name} {r.last_name}".strip(), r.email, r.postcode,
                        r.status, r.verified_at is not None, r.joined_at, r.last_at, r.recent,
                        r.recent >= max_contacts) for r in rows],
        total=total, page=page, pages=pages)


def count_members(filters: MemberFilters, cap: ContactCap, now: datetime | None = None) -> int:
    """How many members the list would find with ``filters`` (the dashboard's figures)."""
    window_start = cap.window_start(now or utcnow())
    last = (select(Contact.resident_id, func.max(Contact.at).label("last_at"),
                   func.count(Contact.id).filter(Contact.at >= window_start).label("recent"))
            .group_by(Contact.resident_id).subquery())
    return _count(filters, last, func.coalesce(last.c.recent, 0), window_start,
                  cap.max_contacts)


def record_search(actor: User, filters: MemberFilters) -> None:
    """A search that filters on a special-category question is audited with what was asked."""
    private = set(db.session.scalars(select(Dimension.key).where(
        Dimension.key.in_(list(filters.categories)), Dimension.special_category.is_(True))))
    if not private:
        return
    asked = {name: str(value) for name, value in (
        ("status", filters.status), ("verified", filters.verified),
        ("joined_from", filters.joined_from), ("joined_to", filters.joined_to),
        ("contacted", filters.contacted)) if value}
    audit.record(actor, "members_searched", "", None,
                 special_category_filters={k: v for k, v in sorted(filters.categories.items())
                                           if k in private},
                 other_filters={k: v for k, v in sorted(filters.categories.items())
                                if k not in private},
                 search=filters.q, **asked, **({"at_cap": True} if filters.at_cap else {}))
    db.session.commit()


def _count(filters: MemberFilters, last, recent, window_start: datetime,  # noqa: ANN001
           max_contacts: int) -> int:
    """The number of matches; the contacts join only when a contacts filter needs it."""
    query = select(func.count(Resident.id)).join(User, User.id == Resident.user_id)
    if filters.contacted or filters.at_cap:
        query = query.outerjoin(last, last.c.resident_id == Resident.id)
    return db.session.scalar(_filter(query, filters, last, recent, window_start, max_contacts)
                             ) or 0


def _filter(query: Select, f: MemberFilters, last, recent, window_start: datetime,  # noqa: ANN001
            max_contacts: int) -> Select:
    if f.q:
        term = f"%{f.q.strip().lower()}%"
        query = query.where(or_(
            func.lower(Resident.first_name + " " + Resident.last_name).like(term),
            func.lower(User.email).like(term),
            func.lower(func.replace(Resident.postcode, " ", "")).like(term.replace(" ", ""))))
    if f.status:
        query = query.where(Resident.status == ResidentStatus(f.status))
    if f.verified == "yes":
        query = query.where(User.verified_at.is_not(None))
    elif f.verified == "no":
        query = query.where(User.verified_at.is_(None))
    for dimension_id, category_id in _category_ids(f.categories):
        query = query.where(Resident.id.in_(select(ProfileAnswer.resident_id).where(
            ProfileAnswer.dimension_id == dimension_id,
            ProfileAnswer.category_id == category_id)))
    if f.joined_from:
        query = query.where(Resident.joined_at >= datetime.combine(f.joined_from, time()))
    if f.joined_to:
        query = query.where(
            Resident.joined_at < datetime.combine(f.joined_to + timedelta(days=1), time()))
    if f.contacted == "never":
        query = query.where(last.c.last_at.is_(None))
    elif f.contacted == "recent":
        query = query.where(last.c.last_at >= window_start)
    elif f.contacted == "not_recent":
        query = query.where(or_(last.c.last_at.is_(None), last.c.last_at < window_start))
    if f.at_cap:
        query = query.where(and_(recent >= max_contacts))
    return query


def _category_ids(wanted: dict[str, str]) -> list[tuple[int, int]]:
    """(dimension id, category id) for each chosen filter; an unknown pair matches nobody."""
    if not wanted:
        return []
    rows = db.session.execute(
        select(Dimension.key, Category.key, Dimension.id, Category.id)
        .join(Category, Category.dimension_id == Dimension.id)
        .where(Dimension.key.in_(list(wanted)))).all()
    found = {(d, c): (dim_id, cat_id) for d, c, dim_id, cat_id in rows}
    return [found.get((d, c), (-1, -1)) for d, c in sorted(wanted.items())]


@dataclass(frozen=True)
class MemberDetail:
    resident: Resident
    answers: list[ProfileAnswer]
    contacts: list[Contact]


def view_member(actor: User, resident: Resident) -> MemberDetail:
    """An officer opens a member's record: personal data, so the view is audited."""
    audit.record(actor, "viewed_member", "resident", resident.id)
    db.session.commit()
    contacts = list(db.session.scalars(select(Contact).where(Contact.resident_id == resident.id)
                                       .order_by(Contact.at.desc())))
    answers = sorted(resident.answers, key=lambda a: a.dimension.position)
    return MemberDetail(resident, answers, contacts)


def filter_dimensions() -> list[Dimension]:
    return list(db.session.scalars(select(Dimension).where(Dimension.retired_at.is_(None))
                                   .order_by(Dimension.position)))
