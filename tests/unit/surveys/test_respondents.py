"""Who answered, compared with the borough: shares of respondents against targets, with every
group under the threshold hidden, and the next smallest too when a total would give it away."""

from __future__ import annotations

import pandas as pd

from panel.representation import CATEGORY_COLUMNS, Flag
from surveys.respondents import who_answered

CATEGORIES = pd.DataFrame([
    ("sex", "Sex", "female", "Female", "", False),
    ("sex", "Sex", "male", "Male", "", False),
    ("sex", "Sex", "prefer_not_to_say", "Prefer not to say", "", True),
    ("age_band", "Age", "16_34", "16 to 34", "", False),
    ("age_band", "Age", "35_plus", "35 or over", "", False),
    ("tenure", "Tenure", "owner", "Owner", "", False),
], columns=list(CATEGORY_COLUMNS))
TARGETS = pd.DataFrame([("sex", "female", 0.5), ("sex", "male", 0.5),
                        ("age_band", "16_34", 0.3), ("age_band", "35_plus", 0.7)],
                       columns=["dimension", "category", "share"])


def profiles(sexes: list[str | None], ages: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"sex": sexes, "age_band": ages})


def test_shares_of_respondents_are_compared_with_the_targets():
    frame = profiles(["female"] * 30 + ["male"] * 10, ["16_34"] * 12 + ["35_plus"] * 28)
    result = {w.dimension.key: w for w in who_answered(frame, CATEGORIES, TARGETS, 10)}
    assert list(result) == ["sex", "age_band"]  # tenure has no target: not shown
    sex = {r.row.category: r for r in result["sex"].rows}
    assert sex["female"].row.count == 30 and sex["female"].row.panel_share == 0.75
    assert sex["female"].row.flag == Flag.OVER and sex["male"].row.flag == Flag.UNDER
    assert not any(r.hidden for r in result["sex"].rows)
    assert result["age_band"].dimension.answered == 40


def test_small_groups_are_hidden_and_so_is_what_would_give_them_back():
    # 25 women, 4 men, 11 no answer: 4 is hidden. Hiding the 11 would not do: "25 women,
    # 86.2%" says 29 answered, so 4 are men. The 25 goes instead: 29 who answered, 0 to 29 men
    frame = profiles(["female"] * 25 + ["male"] * 4 + [None] * 11, ["35_plus"] * 40)
    sex = next(w for w in who_answered(frame, CATEGORIES, TARGETS, 10)
               if w.dimension.key == "sex")
    hidden = {r.row.label: r.hidden for r in sex.rows}
    assert hidden == {"Female": True, "Male": True, "No answer": False}
    assert sex.hidden == 2 and all(r.share is None for r in sex.rows)


def test_a_group_nobody_is_in_is_shown_as_none_not_hidden():
    frame = profiles(["female"] * 20, ["16_34"] * 20)
    sex = next(w for w in who_answered(frame, CATEGORIES, TARGETS, 10)
               if w.dimension.key == "sex")
    male = next(r for r in sex.rows if r.row.category == "male")
    assert male.row.count == 0 and not male.hidden
