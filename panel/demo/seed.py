"""The demo council behind ``flask demo seed``: Burnley's wards, the default profile questions,
Census 2021 targets, staff sign-ins and a seeded, realistically biased panel of residents.

Same seed, same data (dates are relative to the day of seeding). Residents are written with
bulk inserts, so 5,000 take seconds. Demo passwords come from the seed, which is stored in the
``demo_seed`` setting: this is for demonstrations only, never for a live site.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import Role, Setting, User, utcnow
from panel.demo.people import Person, generate_people
from panel.households import household_key
from panel.install import DimensionIds, install_dimensions, install_target_set, ward_dimension
from panel.membership import CONSENT_WORDING
from panel.models import (
    Consent,
    ConsentKind,
    PostcodeWard,
    ProfileAnswer,
    Resident,
    ResidentStatus,
)
from panel.profile_rules import normalise_postcode
from panel.reference_data import (
    DEFAULT_TARGET_SET_NAME,
    DEFAULT_TARGET_SET_SOURCE,
    PREFER_NOT_TO_SAY,
    DimensionSpec,
    TargetRow,
    load_burnley_wards,
    load_default_dimensions,
    load_default_targets,
    load_json,
)

SEED_SETTING = "demo_seed"
EMAIL_DOMAIN = "burnley.example"
STAFF = (  # (email local part and password prefix, role, display name)
    ("officer", Role.OFFICER, "Sam Whittaker"),
    ("organiser", Role.ORGANISER, "Aisha Hussain"),
    ("admin", Role.ADMIN, "Chris Ashworth"),
)
DEMO_RESIDENT = "resident"
PASSWORD_WORDS = (
    "amber", "anchor", "aspen", "badger", "beacon", "birch", "bramble", "brook", "canal",
    "cedar", "clover", "cobble", "comet", "copper", "crane", "dale", "delta", "ember", "fern",
    "finch", "flint", "forge", "glade", "granite", "harbour", "hazel", "heather", "heron",
    "hollow", "island", "ivy", "juniper", "kestrel", "lantern", "larch", "linnet", "maple",
    "marble", "meadow", "moor", "nettle", "oak", "orchard", "otter", "pebble", "pennine",
    "plover", "quarry", "raven", "river", "rowan", "saffron", "slate", "sparrow", "spindle",
    "thistle", "timber", "umber", "valley", "weaver", "willow", "wren", "yarrow", "zephyr",
)


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    dimensions: int
    categories: int
    wards: int
    targets: int
    residents: int
    households: int
    staff: int
    seconds: float

    def describe(self) -> str:
        return "\n".join([
            f"Seeded the demo council (seed {self.seed}) in {self.seconds:.1f} s:",
            f"  {self.dimensions} profile dimensions with {self.categories} categories",
            f"  {self.wards} wards",
            f"  {self.targets} targets in '{DEFAULT_TARGET_SET_NAME}'",
            f"  {self.residents:,} residents in {self.households:,} households",
            f"  {self.staff} staff accounts",
        ])


def database_is_empty() -> bool:
    """True when there are no users (the demo is only ever seeded into an empty database)."""
    return db.session.scalar(select(func.count()).select_from(User)) == 0


def demo_password(seed: int, account: str) -> str:
    """``officer-word-word-word-word``: reproducible from the seed, different per account."""
    salt = int.from_bytes(hashlib.sha256(account.encode()).digest()[:4], "big")
    rng = np.random.default_rng([seed, salt])
    words = rng.choice(len(PASSWORD_WORDS), size=4, replace=False)
    return "-".join([account, *(PASSWORD_WORDS[i] for i in words)])


def demo_email(account: str) -> str:
    return f"{account}@{EMAIL_DOMAIN}"


def describe_sign_ins() -> str:
    """The demo accounts' sign-ins, as printable lines (from the seed the demo was made with)."""
    setting = db.session.get(Setting, SEED_SETTING)
    if setting is None:
        return "No demo accounts exist in this database (they are made by `flask demo seed`)."
    seed = int(setting.value)
    lines = [f"Demo sign-ins (seed {seed}; for demonstrations only):"]
    accounts = [(name, role) for name, role, _ in STAFF] + [(DEMO_RESIDENT, Role.RESIDENT)]
    for name, role in accounts:
        lines.append(f"  {role.label:<20} {demo_email(name):<27} {demo_password(seed, name)}")
    return "\n".join(lines)


def seed_demo(seed: int = 2021, residents: int = 5000) -> DemoSummary:
    """Build the demo council in the current app's (empty) database, and commit."""
    started = time.perf_counter()
    if seed < 0 or residents < 1:
        raise DomainError("The seed must be 0 or more and there must be at least 1 resident")
    if not database_is_empty():
        raise DomainError("The database already has users, so no demo data was added. "
                          "Seed the demo into an empty database.")
    wards = load_burnley_wards()
    specs = [*load_default_dimensions(), ward_dimension(wards)]
    ids = install_dimensions(specs)
    targets = load_default_targets()
    install_target_set(DEFAULT_TARGET_SET_NAME, DEFAULT_TARGET_SET_SOURCE, targets, ids)
    now = utcnow()
    for name, role, display_name in STAFF:
        _add_user(demo_email(name), role, display_name, demo_password(seed, name), now)
    people = generate_people(
        np.random.default_rng(seed), residents, wards, _ethnic_detail(specs, targets),
        load_json("demo_names.json"), load_json("demo_places.json"))
    _insert_residents(people, ids, seed, now.replace(hour=0, minute=0, second=0, microsecond=0))
    db.session.add(Setting(key=SEED_SETTING, value=seed))
    audit.record(None, "demo_seeded", "setting", None, seed=seed, residents=residents)
    db.session.commit()
    return DemoSummary(
        seed=seed, dimensions=len(specs), categories=sum(len(s.categories) for s in specs),
        wards=len(wards), targets=len(targets), residents=len(people),
        households=len({p.household for p in people}), staff=len(STAFF),
        seconds=time.perf_counter() - started,
    )


def _ethnic_detail(specs: list[DimensionSpec], targets: list[TargetRow]
                   ) -> dict[str, list[tuple[str, float]]]:
    """Ethnic group (white, mixed, ...) -> its detailed categories with their Census shares."""
    shares = {t.category: t.share for t in targets if t.dimension == "ethnic_group"}
    spec = next(s for s in specs if s.key == "ethnic_group")
    detail: dict[str, list[tuple[str, float]]] = {}
    for category in spec.categories:
        if not category.prefer_not_to_say:
            detail.setdefault(category.key.split("_")[0], []).append(
                (category.key, shares[category.key]))
    return detail


def _add_user(email: str, role: Role, name: str, password: str, now: datetime) -> User:
    user = User(email=email, role=role, display_name=name, verified_at=now, created_at=now)
    user.set_password(password)
    db.session.add(user)
    return user


def _insert_residents(people: list[Person], ids: DimensionIds, seed: int, today: datetime
                      ) -> None:
    """Bulk insert users, residents and answers; the first complete profile is the demo
    resident, who gets the demo email and a password.

    Plain executemany, then the new ids are looked up (by email, then by user): the database
    is empty of residents, and RETURNING over many batches is much slower in SQLAlchemy.
    """
    demo = next((i for i, p in enumerate(people)
                 if p.has_full_profile and p.status == "active" and p.verified), 0)
    joined = [today - timedelta(minutes=p.joined_minutes_ago) for p in people]
    emails = [demo_email(DEMO_RESIDENT) if i == demo else p.email for i, p in enumerate(people)]
    db.session.execute(insert(User), [{
        "email": emails[i], "role": Role.RESIDENT,
        "password_hash": generate_password_hash(demo_password(seed, DEMO_RESIDENT))
        if i == demo else None,
        "display_name": f"{p.first_name} {p.last_name}",
        "verified_at": joined[i] + timedelta(minutes=7) if p.verified else None,
        "created_at": joined[i], "is_active_account": True,
    } for i, p in enumerate(people)])
    user_ids = dict(db.session.execute(
        select(User.email, User.id).where(User.role == Role.RESIDENT)).all())
    db.session.execute(insert(Resident), [{
        "user_id": user_ids[emails[i]], "first_name": p.first_name, "last_name": p.last_name,
        "address_line": p.address_line, "postcode": p.postcode,
        "household_key": household_key(p.address_line, p.postcode),
        "year_of_birth": p.year_of_birth, "status": ResidentStatus(p.status),
        "paused_until": today + timedelta(days=p.paused_days) if p.status == "paused" else None,
        "joined_at": joined[i], "source": p.source,
        # interest in events is opt-in: about half said yes (all who joined at an event)
        "interested_in_events": p.source == "event" or i % 2 == 0,
    } for i, p in enumerate(people)])
    resident_ids = dict(db.session.execute(select(Resident.user_id, Resident.id)).all())
    lookup: dict[str, int] = {}
    for p in people:  # the postcode → ward lookup a joiner's ward is derived from
        if "ward" in p.answers and p.answers["ward"] != PREFER_NOT_TO_SAY:
            lookup.setdefault(normalise_postcode(p.postcode), ids["ward"][1][p.answers["ward"]])
    db.session.execute(insert(PostcodeWard), [
        {"postcode": code, "ward_id": ward_id} for code, ward_id in sorted(lookup.items())])
    db.session.execute(insert(Consent), [  # everyone joined saying yes to membership, and
        # yes or no to special-category data (the answers exist only where it was a yes)
        {"resident_id": resident_ids[user_ids[emails[i]]], "kind": kind, "granted": granted,
         "wording": CONSENT_WORDING[kind], "privacy_notice_version": "demo",
         "recorded_at": joined[i]}
        for i, p in enumerate(people)
        for kind, granted in ((ConsentKind.MEMBERSHIP, True),
                              (ConsentKind.SPECIAL_CATEGORY, p.special_consent))])
    db.session.execute(insert(ProfileAnswer), [
        {"resident_id": resident_ids[user_ids[emails[i]]], "dimension_id": ids[key][0],
         "category_id": ids[key][1][category], "answered_at": joined[i]}
        for i, p in enumerate(people) for key, category in p.answers.items()
    ])
