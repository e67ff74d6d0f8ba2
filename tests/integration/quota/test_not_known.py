""""Prefer not to say" and no answer keep people in the pool, as a "Not known" group with its own
quota; a design that gives away anyone's special-category answer is refused for every role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role
from quota import services
from quota.check import check_spec
from quota.models import Sample, SampleMode
from quota.pool import NOT_KNOWN, build_pool, eligible_residents, quotas_for
from tests.conftest import csrf_token_from
from tests.integration.quota.test_samples import builder_form, demo, officer, spec  # noqa: F401

ORIENTATION = ("straight", "gay_lesbian", "bisexual", "other", NOT_KNOWN)


def test_prefer_not_to_say_and_no_answer_stay_in_the_pool_as_not_known(demo):  # noqa: F811
    asked = spec(dimensions=("age_band", "sex", "ethnic_group"))
    draft = build_pool(asked)
    everyone = set(db.session.scalars(eligible_residents(asked)))
    assert set(draft.pool.ids) == everyone  # nobody is dropped for an answer
    assert "did not answer every chosen question" not in draft.left_out
    assert NOT_KNOWN in draft.pool.profiles["ethnic_group"]
    assert "prefer_not_to_say" not in draft.pool.profiles["ethnic_group"]


def test_the_not_known_quota_is_their_share_of_the_pool_with_the_tolerance(demo):  # noqa: F811
    asked = spec(dimensions=("disability",), size=100, tolerance=2)
    pool = build_pool(asked).pool
    share = pool.profiles["disability"].count(NOT_KNOWN) / len(pool)
    quota = next(q for q in quotas_for(asked, pool) if q.category == NOT_KNOWN)
    assert quota.target == pytest.approx(100 * share)
    assert quota.min == max(0, round(100 * share) - 2) and quota.max == round(100 * share) + 2
    assert sum(q.target for q in quotas_for(asked, pool)) == pytest.approx(100)


def test_people_who_did_not_say_are_drawn_in_proportion(demo):  # noqa: F811
    sample = services.draw_sample(officer(), spec(dimensions=("age_band", "disability"),
                                                  size=60, tolerance=1))
    row = next(c for c in sample.report["categories"]
               if (c["dimension"], c["category"]) == ("disability", NOT_KNOWN))
    assert row["in_pool"] > 0 and row["min"] >= 1
    assert row["min"] <= row["achieved"] <= row["max"]
    assert abs(row["achieved"] - row["target"]) <= 1.5


def test_an_override_on_not_known_is_kept(demo):  # noqa: F811
    check = check_spec(spec(dimensions=("sex",), size=20,
                                     overrides=(("sex", NOT_KNOWN, 0, 0),)))
    assert next(q for q in check.quotas if q.category == NOT_KNOWN).max == 0


# --- designs that give an answer away ---------------------------------------------------------

def only_gay_men(size: int = 5) -> tuple[tuple[str, str, int, int], ...]:
    return tuple(("sexual_orientation", c, size if c == "gay_lesbian" else 0,
                  size if c == "gay_lesbian" else 0) for c in ORIENTATION)


def test_a_design_that_tells_who_is_gay_is_refused_with_the_fix(demo):  # noqa: F811
    check = check_spec(spec(dimensions=("sexual_orientation",), size=5,
                                     overrides=only_gay_men()))
    assert not check.feasible
    message = " ".join(check.problems)
    assert "Sexual orientation" in message and "Gay or lesbian" in message
    assert "would know their answer" in message and "maximum" in message
    with pytest.raises(services.SampleError, match="would know their answer"):
        services.draw_sample(officer(), spec(dimensions=("sexual_orientation",), size=5,
                                             overrides=only_gay_men()))
    assert db.session.scalar(select(func.count()).select_from(Sample)) == 0


def test_not_known_is_no_cover_for_a_single_answer(demo):  # noqa: F811
    overrides = tuple((d, c, lo, 5 if c == NOT_KNOWN else hi)
                      for d, c, lo, hi in only_gay_men(3))
    check = check_spec(spec(dimensions=("sexual_orientation",), size=5,
                                     overrides=overrides))
    assert any("would know their answer" in p for p in check.problems)


def test_a_small_sample_whose_rounding_leaves_one_answer_is_refused(demo):  # noqa: F811
    check = check_spec(spec(dimensions=("sexual_orientation",), size=3, tolerance=0))
    assert any("would know their answer" in p and "tolerance of 1" in p
               for p in check.problems)
    assert check_spec(spec(dimensions=("sexual_orientation",), size=3,
                                    tolerance=1)).feasible


def test_other_questions_may_be_narrowed_to_one_answer(demo):  # noqa: F811
    check = check_spec(spec(dimensions=("sex",), size=5, mode=SampleMode.SURVEY,
                                     overrides=(("sex", "female", 5, 5), ("sex", "male", 0, 0),
                                                ("sex", NOT_KNOWN, 0, 0))))
    assert check.feasible


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_the_builder_refuses_the_design_for_every_role(demo, login, role):  # noqa: F811
    client = login(role)
    token = csrf_token_from(client, "/quota/samples/new")
    form = {**builder_form(mode="survey", dimensions=["sexual_orientation"], size="3",
                           tolerance="0", action="draw"), "csrf_token": token}
    response = client.post("/quota/samples/new", data=form)
    assert response.status_code == 422
    assert "would know their answer" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Sample)) == 0
