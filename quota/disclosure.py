"""Designs that would give away a special-category answer. PURE.

Being selected must never tell anyone a person's ethnicity, disability, religion or sexual
orientation. On a special-category question, if people with only one known answer can be
selected (every other answer has a maximum of 0, or nobody with it in the pool), everyone
selected is known to have that answer, or to have kept it to themselves. "Not known" (prefer
not to say, or not answered) is no cover: it does not count as a second answer. Refused for
every role, officers included, because the list of people selected travels further than they.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from quota.problem import Quota

NOT_KNOWN = "not_known"


def answers_given_away(quotas: Iterable[Quota], in_pool: Mapping[tuple[str, str], int],
                       private: Mapping[str, str], labels: Mapping[tuple[str, str], str], *,
                       tolerance: int = 0, overridden: Iterable[str] = (),
                       size: int | None = None) -> list[str]:
    """A plain-English problem, with its fix, per special-category question given away.

    ``private`` maps each special-category dimension in the design to its label; ``labels``
    names the categories; ``overridden`` lists dimensions whose quotas were set by hand. With
    the panel ``size``, an answer whose place the other answers' minimums fill is closed too.
    """
    quotas = list(quotas)
    by_hand = set(overridden)
    problems = []
    for dimension, name in private.items():
        if not any(q.dimension == dimension for q in quotas):
            continue  # not matched in this design
        known = [q for q in quotas if q.dimension == dimension and q.category != NOT_KNOWN]
        present = [q for q in known if in_pool.get((dimension, q.category), 0) >= 1]
        everyone = [q for q in quotas if q.dimension == dimension]
        open_ = [q for q in present if _most(q, everyone, size) >= 1]
        if len(open_) >= 2:
            continue
        if len(present) < 2:
            fix = ("There are not enough people with different answers in the pool to keep "
                   "this private: stop matching this question.")
        elif tolerance == 0 and dimension not in by_hand:
            fix = ("Use a tolerance of 1 or more (every answer then has a maximum of at least "
                   "1), raise the maximum of another answer, or stop matching this question.")
        else:
            fix = ("Raise the maximum of at least one other answer to 1 or more, or stop "
                   "matching this question.")
        if open_:
            label = labels.get((dimension, open_[0].category), open_[0].category)
            what = (f"only people whose answer is {label} could be selected, so anyone who "
                    "sees who was selected would know their answer")
        else:
            what = ("only people who did not give an answer could be selected, so anyone who "
                    "sees who was selected would know their answer was withheld")
        problems.append(f"{name}: {what}. {fix}")
    return problems


def _most(quota: Quota, dimension: list[Quota], size: int | None) -> int:
    """The most people with this answer a panel can hold: its maximum, and the places the
    other answers' minimums leave."""
    if size is None:
        return quota.max
    return min(quota.max, size - sum(q.min for q in dimension if q is not quota))
