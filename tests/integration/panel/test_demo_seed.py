"""``flask demo seed``: reproducible, realistically biased demo data and working demo sign-ins.

Each test builds its own SQLite database files through the migrations (two seeded databases
are compared), independent of the per-test fixtures in ``tests/conftest.py``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.accounts import authenticate
from core.config import TestConfig
from core.errors import DomainError
from core.extensions import db
from core.models import Role, User, utcnow
from panel.demo import database_is_empty, describe_sign_ins, seed_demo
from panel.demo.people import AGE_BANDS, AGE_LOW, EQUALITY, REFERENCE_YEAR
from panel.households import household_key
from panel.models import (
    Category,
    ConsentKind,
    Dimension,
    ProfileAnswer,
    Resident,
    ResidentStatus,
    Target,
    TargetSet,
)
from panel.reference_data import DATA_DIR, load_default_dimensions, read_targets_csv
from tests.conftest import migrate_to_head
from wsgi import create_app

PNTS = "prefer_not_to_say"
PANEL_SIZE = 800


def new_app(path: Path) -> Flask:
    migrate_to_head(f"sqlite:///{path}")
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[[str], Flask]]:
    apps: list[Flask] = []

    def make(name: str) -> Flask:
        apps.append(new_app(tmp_path / f"{name}.sqlite"))
        return apps[-1]

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One demo council (seed 2021) shared by the read-only tests of this module."""
    app = new_app(tmp_path_factory.mktemp("demo") / "seeded.sqlite")
    with app.app_context():
        seed_demo(seed=2021, residents=PANEL_SIZE)
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def ctx(seeded: Flask) -> Iterator[None]:
    with seeded.app_context():
        yield
        db.session.remove()


class Member(NamedTuple):
    id: int
    email: str
    first_name: str
    last_name: str
    address_line: str
    postcode: str
    household_key: str
    year_of_birth: int | None
    status: ResidentStatus
    source: str
    answers: dict[str, str]


def snapshot() -> list[Member]:
    """Every resident in id order with their email, details and answers."""
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for resident_id, dimension, category in db.session.execute(
        select(ProfileAnswer.resident_id, Dimension.key, Category.key)
        .join(Dimension, ProfileAnswer.dimension_id == Dimension.id)
        .join(Category, ProfileAnswer.category_id == Category.id)
    ):
        answers[resident_id][dimension] = category
    rows = db.session.execute(
        select(Resident.id, User.email, Resident.first_name, Resident.last_name,
               Resident.address_line, Resident.postcode, Resident.household_key,
               Resident.year_of_birth, Resident.status, Resident.source)
        .join(User, Resident.user_id == User.id).order_by(Resident.id)
    ).all()
    return [Member(*row, answers=answers[row.id]) for row in rows]


def answer_counts(dimension: str) -> Counter[str]:
    return Counter(dict(db.session.execute(
        select(Category.key, func.count())
        .join(ProfileAnswer, ProfileAnswer.category_id == Category.id)
        .join(Dimension, Category.dimension_id == Dimension.id)
        .where(Dimension.key == dimension).group_by(Category.key)
    ).all()))


def panel_share(dimension: str, *categories: str) -> float:
    counts = answer_counts(dimension)
    answered = sum(n for key, n in counts.items() if key != PNTS)
    return sum(counts[c] for c in categories) / answered


def target_share(dimension: str, *categories: str) -> float:
    return sum(db.session.execute(
        select(Target.share).join(Dimension, Target.dimension_id == Dimension.id)
        .join(Category, Target.category_id == Category.id)
        .where(Dimension.key == dimension, Category.key.in_(categories))
    ).scalars())


def test_same_seed_gives_the_same_panel_and_another_seed_a_different_one(make_app):
    panels, sign_ins = [], []
    for name, seed in (("first", 7), ("second", 7), ("other", 8)):
        with make_app(name).app_context():
            seed_demo(seed=seed, residents=300)
            panels.append(snapshot())
            sign_ins.append(describe_sign_ins())
    assert len(panels[0]) == 300
    assert panels[0] == panels[1]
    assert sign_ins[0] == sign_ins[1]
    assert panels[0] != panels[2]
    assert [r.email for r in panels[0]] != [r.email for r in panels[2]]
    assert sign_ins[0] != sign_ins[2]


def test_panel_is_biased_the_way_volunteer_panels_are(ctx):
    older = ("65_74", "75_plus")
    assert panel_share("age_band", *older) > target_share("age_band", *older) + 0.04
    assert panel_share("age_band", "16_24") < target_share("age_band", "16_24") - 0.04
    assert panel_share("sex", "female") > target_share("sex", "female") + 0.01
    assert panel_share("ethnic_group", "white_british") \
        > target_share("ethnic_group", "white_british") + 0.04
    owners = ("owns_outright", "owns_with_mortgage")
    assert panel_share("tenure", *owners) > target_share("tenure", *owners) + 0.04
    renters = ("private_rent_landlord", "private_rent_other")
    assert panel_share("tenure", *renters) < target_share("tenure", *renters) - 0.04


def test_profiles_hang_together(ctx):
    bands = dict(zip(AGE_BANDS, AGE_LOW, strict=True))
    people = snapshot()
    for row in people:
        answers = row.answers
        assert answers["ward"].startswith("E05")
        age = answers.get("age_band")
        if row.year_of_birth is None:
            assert age in (None, PNTS)
        else:
            years = REFERENCE_YEAR - row.year_of_birth
            assert age == max(b for b, low in bands.items() if years >= low)
    retired = [r.answers.get("economic_activity") == "retired" for r in people
               if r.answers.get("age_band") == "75_plus"]
    assert sum(retired) > 0.8 * len(retired)
    muslim = [r.answers.get("religion") == "muslim" for r in people
              if r.answers.get("ethnic_group") in ("asian_pakistani", "asian_bangladeshi")]
    assert len(muslim) > 20 and sum(muslim) > 0.8 * len(muslim)


def test_some_answers_are_withheld_as_on_a_real_panel(ctx):
    residents = len(snapshot())
    for spec in load_default_dimensions():
        counts = answer_counts(spec.key)
        assert 0.01 <= counts[PNTS] / residents <= 0.08, spec.key
        assert 0.005 <= 1 - counts.total() / residents <= 0.2, spec.key  # no answer at all
    assert answer_counts("ward").total() == residents


def test_special_category_answers_only_where_explicit_consent_is_recorded(ctx):
    """DESIGN §6b on the demo too: most residents said yes to special-category data and hold
    those answers; the others said no, and hold none of them (nor a "Prefer not to say")."""
    special = set(db.session.scalars(select(Dimension.key).where(Dimension.special_category)))
    assert special == set(EQUALITY)
    residents = db.session.scalars(select(Resident)).all()
    consent = {r.id: r.has_consent(ConsentKind.SPECIAL_CATEGORY) for r in residents}
    decided = {r.id for r in residents
               if any(c.kind == ConsentKind.SPECIAL_CATEGORY for c in r.consents)}
    assert decided == set(consent)  # everyone's decision is on record, yes or no
    assert 0.85 <= sum(consent.values()) / len(consent) <= 0.97
    holding = {row.id for row in snapshot() if special & set(row.answers)}
    assert holding <= {rid for rid, yes in consent.items() if yes}
    assert len(holding) > 0.8 * len(consent)
    demo = db.session.scalar(select(Resident).join(User).where(
        User.email == "resident@burnley.example"))
    assert consent[demo.id] and demo.id in holding


def test_households_statuses_sign_in_and_contact_details(ctx):
    people = snapshot()
    shared = Counter(r.household_key for r in people)
    sharing = sum(1 for r in people if shared[r.household_key] > 1) / len(people)
    assert 0.07 <= sharing <= 0.13
    for row in people:
        assert row.household_key == household_key(row.address_line, row.postcode)
        assert re.fullmatch(r"BB1[012] \d[A-Z]{2}", row.postcode)
        assert re.fullmatch(r"\d+ [A-Z][A-Za-z ]+", row.address_line)
        assert row.email == "resident@burnley.example" or re.fullmatch(
            r"[a-z-]+\.[a-z-]+\.\d+@example\.org", row.email)
    statuses = Counter(r.status for r in people)
    assert 0.02 <= statuses[ResidentStatus.PAUSED] / len(people) <= 0.09
    assert 0.01 <= statuses[ResidentStatus.WITHDRAWN] / len(people) <= 0.06
    paused_until = db.session.scalars(
        select(Resident.paused_until).where(Resident.status == ResidentStatus.PAUSED))
    assert all(until is not None and until > utcnow() for until in paused_until)
    assert set(Counter(r.source for r in people)) == {"web", "paper", "event"}
    residents = db.session.scalars(select(User).where(User.role == Role.RESIDENT)).all()
    assert 0.85 <= sum(u.verified_at is not None for u in residents) / len(residents) <= 0.95
    assert [u.email for u in residents if u.password_hash] == ["resident@burnley.example"]


def test_each_dimension_targets_add_up_to_one_and_offer_prefer_not_to_say(ctx):
    target_set = db.session.scalar(select(TargetSet).where(TargetSet.is_default))
    assert target_set.name == "Census 2021 – Burnley residents aged 16+"
    totals: dict[str, float] = defaultdict(float)
    for target in target_set.targets:
        totals[target.dimension.key] += target.share
        assert not target.category.prefer_not_to_say
    assert set(totals) == {"age_band", "sex", "ethnic_group", "disability", "tenure",
                           "religion", "sexual_orientation", "ward"}  # no economic activity
    assert all(abs(total - 1) < 1e-9 for total in totals.values()), totals
    dimensions = db.session.scalars(select(Dimension).order_by(Dimension.position)).all()
    assert [d.key for d in dimensions] == [
        "age_band", "sex", "ethnic_group", "disability", "tenure", "economic_activity",
        "religion", "sexual_orientation", "ward"]
    for dimension in dimensions:
        last = dimension.categories[-1]
        assert (last.key, last.label, last.prefer_not_to_say) == (
            PNTS, "Prefer not to say", True), dimension.key
        assert sum(c.prefer_not_to_say for c in dimension.categories) == 1
    ward = dimensions[-1]
    assert ward.source == "derived" and len(ward.categories) == 16
    special = {d.key for d in dimensions if d.special_category}
    assert special == {"ethnic_group", "disability", "religion", "sexual_orientation"}


def test_default_questions_follow_the_standards():
    dims = {d.key: d for d in load_default_dimensions()}
    ethnic = [c for c in dims["ethnic_group"].categories if not c.prefer_not_to_say]
    assert len(ethnic) == 19 and len({c.group_label for c in ethnic}) == 5
    assert "Roma" in [c.label for c in ethnic]
    assert len(dims["tenure"].categories) == 9 and len(dims["economic_activity"].categories) == 9
    assert dims["age_band"].source == dims["disability"].source == "derived"
    assert len(dims["disability"].details["sub_questions"]) == 2


def test_sign_ins_cover_every_role_and_the_passwords_work(ctx):
    text = describe_sign_ins()
    accounts = re.findall(r"(\S+@burnley\.example)\s+(\S+)", text)
    assert [email for email, _ in accounts] == [
        "officer@burnley.example", "organiser@burnley.example", "admin@burnley.example",
        "resident@burnley.example"]
    roles = []
    for email, password in accounts:
        assert len(password) >= 12 and password.startswith(email.split("@")[0] + "-")
        user = authenticate(email, password)
        assert user is not None, email
        roles.append(user.role)
        assert authenticate(email, password + "x") is None
    assert roles == [Role.OFFICER, Role.ORGANISER, Role.ADMIN, Role.RESIDENT]
    resident = db.session.scalar(
        select(Resident).join(User).where(User.email == "resident@burnley.example"))
    assert resident.status == ResidentStatus.ACTIVE and resident.year_of_birth
    assert len(resident.answers) == 9
    assert not any(a.category.prefer_not_to_say for a in resident.answers)


def test_seeding_again_is_refused_and_changes_nothing(ctx):
    before = db.session.scalar(select(func.count()).select_from(User))
    assert not database_is_empty()
    with pytest.raises(DomainError, match="already has users"):
        seed_demo(seed=5, residents=10)
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_cli_seeds_once_and_prints_sign_ins(make_app):
    app = make_app("cli")
    with app.app_context():
        assert database_is_empty()
        assert "No demo accounts" in describe_sign_ins()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed", "--seed", "3", "--residents", "40"])
    assert result.exit_code == 0, result.output
    assert "40 residents" in result.output and "officer@burnley.example" in result.output
    again = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert again.exit_code == 0, again.output
    assert "nothing seeded" in again.output and "admin@burnley.example" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Resident)) == 40


def test_household_key_ignores_case_spacing_and_punctuation():
    key = household_key("12 Colne Road", "BB10 1AB")
    assert key == household_key("  12,  colne road. ", "bb101ab")
    assert len(key) == 64
    assert key != household_key("14 Colne Road", "BB10 1AB")
    assert key != household_key("12 Colne Road", "BB10 1AD")
    assert household_key("Flat 2, St. John's Court", "BB11 2AB") == household_key(
        "flat 2 st johns court", "BB11 2AB")
    assert household_key("Flat 2/3 Oak Street", "BB11 2AB") != household_key(
        "Flat 23 Oak Street", "BB11 2AB")


def test_shipped_targets_are_the_census_figures():
    """burnley_targets.csv holds the copied Census counts, each margin scaled to add up to 1."""
    with (DATA_DIR / "burnley_targets.csv").open(encoding="utf-8") as stream:
        shipped = list(csv.DictReader(stream))
    with (DATA_DIR / "burnley_E07000117_census2021_targets.csv").open(encoding="utf-8") as f:
        census = defaultdict(list)
        for row in csv.DictReader(f):
            if row["category"] != "Not answered":
                census[row["variable"]].append(int(row["count"]))
    with (DATA_DIR / "burnley_E07000117_wards_census2021.csv").open(encoding="utf-8") as f:
        census["ward"] = [int(row["aged_16plus"]) for row in csv.DictReader(f)]
    variables = {"age_band": "age_band_16plus", "sex": "sex_all_ages",
                 "ethnic_group": "ethnic_group_19", "disability": "disability_equality_act",
                 "tenure": "tenure", "religion": "religion",
                 "sexual_orientation": "sexual_orientation", "ward": "ward"}
    counts = defaultdict(list)
    for row in shipped:
        counts[row["dimension"]].append(int(row["count"]))
    for dimension, variable in variables.items():
        assert sorted(counts[dimension]) == sorted(census[variable]), dimension
    for row in shipped:
        total = sum(counts[row["dimension"]])
        assert float(row["share"]) == pytest.approx(int(row["count"]) / total, abs=1e-15)
    notes = {r["dimension"]: r["note"] for r in shipped}
    assert "Not answered" in notes["religion"] and "renormalised" in notes["religion"]
    assert "all ages" in notes["sex"] and "households" in notes["tenure"]


@pytest.mark.parametrize("text,message", [
    ("dimension,share\nsex,0.5\n", "columns"),
    ("dimension,category,share\nsex,female,0.5\nsex,male,0.3\n", "add up to 0.800"),
    ("dimension,category,share\nsex,female,50.6\nsex,male,49.4\n", "from 0 to 1"),
    ("dimension,category,share\nsex,female,0.5\nsex,female,0.5\n", "Row 3"),
    ("dimension,category,share,count\nsex,female,,10\nsex,male,0.5,\n", "every row a count"),
    ("dimension,category,count\nsex,female,ten\n", "whole number"),
])
def test_target_csv_errors_name_the_problem(text, message):
    with pytest.raises(DomainError, match=message):
        read_targets_csv(io.StringIO(text))


def test_target_csv_accepts_counts_and_the_feature_value_headers():
    rows = read_targets_csv(io.StringIO("feature,value,count\nsex,female,3\nsex,male,1\n"))
    assert [(r.dimension, r.category, r.share) for r in rows] == [
        ("sex", "female", 0.75), ("sex", "male", 0.25)]
