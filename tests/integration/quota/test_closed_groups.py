"""A quota with a maximum of 0 says plainly that nobody from that group can be selected, with
the fix: a tolerance of 1, or merging the question's answers into their parent groups."""

from __future__ import annotations

from core.models import Role
from quota import services
from quota.check import check_spec
from quota.pool import NOT_KNOWN, build_pool
from tests.conftest import csrf_token_from
from tests.integration.quota.test_samples import builder_form, demo, officer, spec  # noqa: F401

CLOSED = "No one from this group can be selected"
ETHNIC_GROUPS = {"group_white", "group_mixed_or_multiple_ethnic_groups",
                 "group_asian_or_asian_british", "group_black_black_british_caribbean_or_african",
                 "group_other_ethnic_group"}


def builder_page(client, **changes) -> str:
    token = csrf_token_from(client, "/quota/samples/new")
    form = builder_form(mode="survey", dimensions=["age_band", "ethnic_group"], size="100",
                        tolerance="0", action="check")
    return client.post("/quota/samples/new", data={**form, **changes, "csrf_token": token}
                       ).get_data(as_text=True)


def test_each_quota_with_a_maximum_of_0_says_so_with_the_fix(demo, login):  # noqa: F811
    check = check_spec(spec(dimensions=("age_band", "ethnic_group"), size=100,
                                     tolerance=0))
    closed = [q for q in check.quotas if q.max == 0]
    assert len(closed) >= 5
    client = login(Role.OFFICER)
    page = builder_page(client)
    assert page.count(CLOSED) == len(closed)
    assert "a tolerance of 1" in page
    assert "Merge Ethnic group into its 5 parent groups" in page
    sample = services.draw_sample(officer(), spec(overrides=(("age_band", "16_24", 0, 0),)))
    shown = client.get(f"/quota/samples/{sample.id}").get_data(as_text=True)
    assert shown.count("No one from this group could be selected") == sum(
        c["max"] == 0 for c in sample.report["categories"])


def test_merging_into_parent_groups_pools_and_targets_by_group(demo):  # noqa: F811
    merged = spec(dimensions=("age_band", "ethnic_group"), size=100, tolerance=0,
                  merged=("ethnic_group",))
    pool = build_pool(merged).pool
    assert set(pool.profiles["ethnic_group"]) <= ETHNIC_GROUPS | {NOT_KNOWN}
    check = check_spec(merged)
    assert {q.category for q in check.quotas if q.dimension == "ethnic_group"} <= (
        ETHNIC_GROUPS | {NOT_KNOWN})
    detailed = check_spec(spec(dimensions=("age_band", "ethnic_group"), size=100,
                                        tolerance=0))
    assert (sum(q.max == 0 for q in check.quotas)
            < sum(q.max == 0 for q in detailed.quotas))
    sample = services.draw_sample(officer(), merged)
    assert sample.report["quotas_met"]


def test_the_merge_button_redraws_the_table_with_parent_groups(demo, login):  # noqa: F811
    page = builder_page(login(Role.OFFICER), merge="ethnic_group")
    assert "Asian or Asian British" in page and ">Irish<" not in page
    assert 'name="merge" value="ethnic_group" checked' in page or (
        'value="ethnic_group" checked' in page)
