"""The demo panel's residents: synthetic, seeded, and biased the way volunteer panels are.

Pure: plain data in, plain data out (no Flask, no database). The same generator and inputs
always give the same people in the same order. Compared with the Census, the panel is older,
whiter, more female and has more home owners; young people, private renters and the poorer
wards are under-represented, so officers have something real to correct with quotas.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from panel.reference_data import PREFER_NOT_TO_SAY, Ward

REFERENCE_YEAR = 2026  # ages are worked out at this year, so the data do not drift over time
AGE_BANDS = ("16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus")
AGE_LOW = np.array([16, 25, 35, 45, 55, 65, 75])
AGE_HIGH = np.array([24, 34, 44, 54, 64, 74, 99])
GROUPS = ("white", "mixed", "asian", "black", "other")  # ethnic group = category key prefix

# How much more (or less) likely than the Census each kind of resident is to be on the panel.
AGE_TILT = np.array([0.35, 0.6, 0.85, 1.0, 1.3, 1.6, 1.15])
ASIAN_AGE_SHAPE = np.array([1.3, 1.2, 1.1, 1.0, 0.8, 0.6, 0.5])  # a younger population
GROUP_TILT = np.array([1.0, 0.7, 0.55, 0.6, 0.6])
WHITE_NOT_BRITISH_TILT = 0.6
FEMALE = 0.57
PAIR_SHARE = 0.05  # households with two panel members: about 10% of residents share a home

DISABLED_BY_AGE = np.array([0.12, 0.13, 0.16, 0.22, 0.30, 0.36, 0.50])
TENURES = ("owns_outright", "owns_with_mortgage", "shared_ownership", "social_rent_council",
           "social_rent_other", "private_rent_landlord", "private_rent_other", "rent_free")
TENURE_BY_LIFE_STAGE = np.array([  # under 35, 35-64, 65+ (household reference person)
    [0.03, 0.30, 0.010, 0.05, 0.12, 0.42, 0.060, 0.010],
    [0.25, 0.40, 0.005, 0.05, 0.11, 0.16, 0.025, 0.005],
    [0.70, 0.05, 0.003, 0.07, 0.12, 0.05, 0.010, 0.002],
])
TENURE_TILT = np.array([1.3, 1.3, 1.0, 1.0, 1.0, 0.6, 0.6, 1.0])
ACTIVITIES = ("employee", "self_employed", "unemployed", "full_time_student", "retired",
              "looking_after_home", "long_term_sick", "other")
ACTIVITY_BY_AGE = np.array([
    [0.40, 0.03, 0.07, 0.40, 0.00, 0.04, 0.02, 0.04],
    [0.70, 0.08, 0.05, 0.03, 0.00, 0.08, 0.03, 0.03],
    [0.70, 0.11, 0.04, 0.01, 0.00, 0.07, 0.05, 0.02],
    [0.68, 0.12, 0.04, 0.005, 0.01, 0.05, 0.07, 0.025],
    [0.50, 0.12, 0.03, 0.00, 0.20, 0.04, 0.08, 0.03],
    [0.10, 0.06, 0.005, 0.00, 0.80, 0.02, 0.01, 0.005],
    [0.01, 0.01, 0.00, 0.00, 0.96, 0.01, 0.005, 0.005],
])
RELIGIONS = ("no_religion", "christian", "buddhist", "hindu", "jewish", "muslim", "sikh",
             "other_religion")
# By detailed ethnic category where it matters (most of Burnley's Asian residents are Muslim),
# else by group.
RELIGION_BY_ETHNICITY = {
    "asian_pakistani": [0.03, 0.0, 0.0, 0.0, 0.0, 0.96, 0.0, 0.01],
    "asian_bangladeshi": [0.02, 0.0, 0.0, 0.0, 0.0, 0.97, 0.0, 0.01],
    "asian_indian": [0.05, 0.05, 0.0, 0.45, 0.0, 0.30, 0.15, 0.0],
    "asian_chinese": [0.55, 0.20, 0.20, 0.0, 0.0, 0.0, 0.0, 0.05],
    "asian_other": [0.10, 0.15, 0.10, 0.15, 0.0, 0.50, 0.0, 0.0],
    "other_arab": [0.10, 0.10, 0.0, 0.0, 0.0, 0.80, 0.0, 0.0],
    "white": [0.44, 0.53, 0.004, 0.001, 0.0005, 0.004, 0.001, 0.004],
    "mixed": [0.45, 0.35, 0.0, 0.0, 0.0, 0.15, 0.0, 0.05],
    "black": [0.12, 0.65, 0.0, 0.0, 0.0, 0.20, 0.0, 0.03],
    "other": [0.20, 0.15, 0.0, 0.0, 0.0, 0.55, 0.0, 0.10],
}
CHRISTIAN_BY_AGE = np.array([0.6, 0.7, 0.85, 1.0, 1.2, 1.5, 1.8])
ORIENTATIONS = ("straight", "gay_lesbian", "bisexual", "other")
ORIENTATION_BY_AGE = np.array([0.94, 0.02, 0.015, 0.005]) * np.array([
    [1, 1.2, 2.5, 1.5], [1, 1.2, 1.5, 1.2], [1, 1, 1, 1], [1, 1, 0.7, 1],
    [1, 0.9, 0.5, 0.8], [1, 0.7, 0.4, 0.6], [1, 0.6, 0.3, 0.5],
])

# Answers withheld: "skip the equality questions" as a whole, or one question left unanswered
# (no answer at all), or "Prefer not to say".
SKIP_EQUALITY = 0.04
EQUALITY = ("ethnic_group", "disability", "religion", "sexual_orientation")
UNANSWERED = {"age_band": 0.01, "sex": 0.01, "ethnic_group": 0.01, "disability": 0.02,
              "tenure": 0.03, "economic_activity": 0.03, "religion": 0.03,
              "sexual_orientation": 0.05}
PREFER_NOT = {"age_band": 0.02, "sex": 0.015, "ethnic_group": 0.025, "disability": 0.035,
              "tenure": 0.02, "economic_activity": 0.02, "religion": 0.04,
              "sexual_orientation": 0.05}
# Most demo residents give the explicit consent special-category answers need; the others hold
# none of those answers (as the product promises: no consent, no answer).
NO_SPECIAL_CONSENT = 0.08
NAME_POOLS = {"white_roma": "east_european", "white_other": "east_european",
              "asian_pakistani": "south_asian_muslim", "asian_bangladeshi": "south_asian_muslim",
              "asian_other": "south_asian_muslim", "asian_indian": "indian",
              "asian_chinese": "chinese", "black_african": "african", "other_arab": "arab"}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward part of UK postcodes


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    address_line: str
    postcode: str
    household: int
    year_of_birth: int | None
    status: str  # active, paused, withdrawn
    paused_days: int  # paused until this many days after seeding
    joined_minutes_ago: int
    source: str  # web, paper, event
    verified: bool
    special_consent: bool  # explicit consent to hold special-category (equality) answers
    answers: dict[str, str]  # dimension key -> category key; no entry = not answered

    @property
    def has_full_profile(self) -> bool:
        return len(self.answers) == 1 + len(UNANSWERED) and PREFER_NOT_TO_SAY not in \
            self.answers.values()


def draw(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One category index per row of ``weights`` (rows need not add up to 1)."""
    cumulative = np.cumsum(np.asarray(weights, dtype=float), axis=-1)
    u = rng.random(cumulative.shape[:-1]) * cumulative[..., -1]
    return np.minimum((u[..., None] >= cumulative).sum(axis=-1), cumulative.shape[-1] - 1)


def generate_people(rng: np.random.Generator, n: int, wards: list[Ward],
                    ethnic_detail: dict[str, list[tuple[str, float]]],
                    names: dict, places: dict) -> list[Person]:
    """``n`` residents, earliest joiner first. ``ethnic_detail``: group -> [(key, share)].

    Homes first (ward, ethnic group, the first member's age, tenure, address), then the
    people in them (about 1 home in 20 has two panel members), then what each withholds.
    """
    pairs = round(n * PAIR_SHARE)
    homes = _homes(rng, n - pairs, wards, ethnic_detail)
    members = np.ones(n - pairs, dtype=int)
    members[rng.choice(n - pairs, size=pairs, replace=False)] = 2
    home = np.repeat(np.arange(n - pairs), members)
    second = np.r_[False, home[1:] == home[:-1]]
    partner = second & (rng.random(n) < 0.75)  # else a grown-up child or parent
    age, female, same_sex_couple = _ages_and_sexes(rng, homes["age"], home, second, partner)
    truth = {"ward": np.array([w.code for w in wards])[homes["ward"][home]],
             **_profiles(rng, age, female, same_sex_couple, homes["ethnicity"][home]),
             "tenure": np.array(TENURES)[homes["tenure"][home]]}
    withheld = _withheld(rng, n)
    addresses = _addresses(rng, homes["ward"], wards, places)
    first, last = _names(rng, truth["ethnic_group"], female, age, second, partner, names)
    status_u, paused_days = rng.random(n), rng.integers(7, 181, n)
    joined = rng.integers(0, 3 * 365 * 24 * 60, n)
    source = draw(rng, np.where((age >= 65)[:, None], [0.50, 0.38, 0.12], [0.78, 0.10, 0.12]))
    verified = rng.random(n) < 0.9
    special_consent = rng.random(n) >= NO_SPECIAL_CONSENT

    people = []
    for i in range(n):
        answers = {key: PREFER_NOT_TO_SAY if withheld[key][i] == "prefer_not" else str(v[i])
                   for key, v in truth.items() if withheld[key][i] != "missing"
                   and (special_consent[i] or key not in EQUALITY)}
        people.append(Person(
            first_name=first[i], last_name=last[i], email="",
            address_line=addresses[home[i]][0], postcode=addresses[home[i]][1],
            household=int(home[i]),
            year_of_birth=int(REFERENCE_YEAR - age[i]) if withheld["age_band"][i] == "given"
            else None,
            status="withdrawn" if status_u[i] < 0.03 else "paused" if status_u[i] < 0.08
            else "active",
            paused_days=int(paused_days[i]), joined_minutes_ago=int(joined[i]),
            source=("web", "paper", "event")[source[i]], verified=bool(verified[i]),
            special_consent=bool(special_consent[i]), answers=answers,
        ))
    order = np.argsort(-joined, kind="stable")
    return _with_emails([people[i] for i in order])


def _homes(rng: np.random.Generator, count: int, wards: list[Ward],
           ethnic_detail: dict[str, list[tuple[str, float]]]) -> dict[str, np.ndarray]:
    """Ward (by 16+ population, tilted to the better-off wards), ethnic group (the ward's mix,
    tilted to White), detailed group (Burnley's mix), first member's age, tenure."""
    older = np.array([sum(w.age_counts[4:]) / w.aged_16plus for w in wards])
    affluence = older / older.mean()  # older, owner-occupied suburbs volunteer more
    ward = draw(rng, np.tile(np.array([w.aged_16plus for w in wards]) * affluence, (count, 1)))
    ethnic_counts = np.array([[w.ethnic_counts[g] for g in GROUPS] for w in wards])
    group = draw(rng, ethnic_counts[ward] * GROUP_TILT)
    ethnicity = np.empty(count, dtype=object)
    for g, name in enumerate(GROUPS):
        keys, shares = zip(*ethnic_detail[name], strict=True)
        tilt = [WHITE_NOT_BRITISH_TILT if name == "white" and k != "white_british" else 1.0
                for k in keys]
        chosen = draw(rng, np.tile(np.array(shares) * tilt, ((group == g).sum(), 1)))
        ethnicity[group == g] = np.array(keys, dtype=object)[chosen]
    age_weight = np.array([w.age_counts for w in wards])[ward] * AGE_TILT
    asian = (group == GROUPS.index("asian"))[:, None]
    age = _ages(rng, draw(rng, np.where(asian, age_weight * ASIAN_AGE_SHAPE, age_weight)))
    owner_lift = np.where(np.arange(len(TENURES)) < 2, affluence[ward][:, None], 1.0)
    stage = np.digitize(age, [35, 65])
    tenure = draw(rng, TENURE_BY_LIFE_STAGE[stage] * TENURE_TILT * owner_lift)
    return {"ward": ward, "ethnicity": ethnicity, "age": age, "tenure": tenure}


def _ages_and_sexes(rng: np.random.Generator, home_age: np.ndarray, home: np.ndarray,
                    second: np.ndarray, partner: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A partner is of a similar age and usually the other sex; a relative a generation apart."""
    n = home.size
    gap = np.where(home_age[home] >= 50, -1, 1) * rng.integers(24, 33, n)
    partner_age = home_age[home] + np.rint(rng.normal(0, 4, n)).astype(int)
    age = np.where(partner, partner_age, np.where(second, home_age[home] + gap, home_age[home]))
    age = np.clip(age, 16, 99)
    female = rng.random(n) < FEMALE
    opposite = rng.random(n) < 0.9
    female = np.where(partner, np.r_[False, female[:-1]] ^ opposite, female)
    return age, female, partner & ~opposite


def _profiles(rng: np.random.Generator, age: np.ndarray, female: np.ndarray,
              same_sex_couple: np.ndarray, ethnic: np.ndarray) -> dict[str, np.ndarray]:
    """Each person's true answers: disability rises with age, work and study follow age,
    religion follows ethnic group and age."""
    n = age.size
    band = np.digitize(age, AGE_LOW[1:])
    disabled = rng.random(n) < DISABLED_BY_AGE[band]
    sick = np.arange(len(ACTIVITIES)) == ACTIVITIES.index("long_term_sick")
    sick_lift = np.where(sick, np.where(disabled & (age < 65), 3.0, 1.0)[:, None], 1.0)
    activity = draw(rng, ACTIVITY_BY_AGE[band] * sick_lift)
    religion_weight = np.array([
        RELIGION_BY_ETHNICITY.get(k) or RELIGION_BY_ETHNICITY[k.split("_")[0]] for k in ethnic])
    religion_weight[:, RELIGIONS.index("christian")] *= CHRISTIAN_BY_AGE[band]
    orientation_weight = np.where(same_sex_couple[:, None], [0, 0.7, 0.3, 0],
                                  ORIENTATION_BY_AGE[band])
    return {
        "age_band": np.array(AGE_BANDS)[band], "sex": np.where(female, "female", "male"),
        "ethnic_group": ethnic, "disability": np.where(disabled, "disabled", "not_disabled"),
        "economic_activity": np.array(ACTIVITIES)[activity],
        "religion": np.array(RELIGIONS)[draw(rng, religion_weight)],
        "sexual_orientation": np.array(ORIENTATIONS)[draw(rng, orientation_weight)],
    }


def _ages(rng: np.random.Generator, band: np.ndarray) -> np.ndarray:
    within = AGE_LOW[band] + np.floor(rng.random(band.size) * (AGE_HIGH[band] - AGE_LOW[band] + 1))
    oldest = 75 + np.minimum(np.floor(rng.exponential(6.0, band.size)), 24)
    return np.where(band == 6, oldest, within).astype(int)


def _withheld(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Per question: "given", "prefer_not" or "missing" (no answer row)."""
    skip_equality = rng.random(n) < SKIP_EQUALITY
    result = {"ward": np.full(n, "given")}  # worked out from the postcode
    for key, missing in UNANSWERED.items():
        u = rng.random(n)
        state = np.where(u < missing, "missing",
                         np.where(u < missing + PREFER_NOT[key], "prefer_not", "given"))
        result[key] = np.where(skip_equality & (key in EQUALITY), "missing", state)
    return result


def _addresses(rng: np.random.Generator, ward: np.ndarray, wards: list[Ward],
               places: dict) -> list[tuple[str, str]]:
    """A distinct (address line, postcode) per household; a street block shares a postcode."""
    postcodes: dict[tuple[str, str, int], str] = {}
    seen: set[tuple[str, str]] = set()
    result = []
    highest = max(180, ward.size // 25)  # room for every home, however large the panel
    for w in ward:
        place = places["wards"][wards[w].code]
        while True:
            street = place["streets"][rng.integers(len(place["streets"]))]
            number = int(rng.integers(1, highest + 1))
            block = (wards[w].code, street, number // 24)
            if block not in postcodes:
                letters = rng.choice(list(INWARD_LETTERS), 2)
                sector = place["sectors"][rng.integers(len(place["sectors"]))]
                postcodes[block] = f"{sector}{''.join(letters)}"
            address = (f"{number} {street}", postcodes[block])
            if address not in seen:
                seen.add(address)
                result.append(address)
                break
    return result


def _names(rng: np.random.Generator, ethnic: np.ndarray, female: np.ndarray, age: np.ndarray,
           second: np.ndarray, partner: np.ndarray, names: dict) -> tuple[list[str], list[str]]:
    """First names by background, sex and (for British names) generation; a second member
    of a household usually shares the first member's surname."""
    u_first, u_last = rng.random(len(ethnic)), rng.random(len(ethnic))
    keep_surname = rng.random(len(ethnic)) < np.where(partner, 0.7, 0.85)
    first, last = [], []
    for i, key in enumerate(ethnic):
        pool = names[NAME_POOLS.get(key, "british")]
        sex = "female" if female[i] else "male"
        if f"{sex}_older" in pool:
            options = pool[f"{sex}_older" if age[i] >= 55 else f"{sex}_younger"]
        else:
            options = pool[sex]
        pick = int(u_first[i] * len(options))
        if second[i] and options[pick] == first[i - 1]:  # not two Asif Miahs in one home
            pick = (pick + 1) % len(options)
        first.append(options[pick])
        if second[i] and keep_surname[i]:
            last.append(last[i - 1])
        else:
            last.append(pool["surnames"][int(u_last[i] * len(pool["surnames"]))])
    return first, last


def _with_emails(people: list[Person]) -> list[Person]:
    """``firstname.lastname.N@example.org``: N counts people with the same name, in order."""
    seen: Counter[str] = Counter()
    result = []
    for person in people:
        stem = f"{_slug(person.first_name)}.{_slug(person.last_name)}"
        seen[stem] += 1
        result.append(replace(person, email=f"{stem}.{seen[stem]}@example.org"))
    return result


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", text.lower())


