"""One password rule everywhere: 12+ characters, no composition rules, not common or guessable."""

from __future__ import annotations

import pytest

from core.auth.passwords import password_problem
from panel.demo import DEMO_RESIDENT, STAFF, demo_password
from tests.conftest import PASSWORD


@pytest.mark.parametrize("password,reason", [
    ("password1234", "too easy to guess"),
    (" " * 12, "too easy to guess"),
    ("aaaaaaaaaaaaaaaa", "too easy to guess"),
    ("qwertyuiop12", "too easy to guess"),
    ("short", "at least 12 characters"),
    ("", "at least 12 characters"),
    ("x" * 201, "200 characters or fewer"),
])
def test_weak_passwords_are_refused_with_a_plain_reason(password, reason):
    problem = password_problem(password)
    assert problem is not None and reason in problem


def test_a_password_made_of_the_users_own_details_is_refused():
    problem = password_problem("adalovelace1990", user_inputs=["ada.lovelace@example.org",
                                                                   "Ada Lovelace"])
    assert problem is not None and "your name or email address" in problem


@pytest.mark.parametrize("password", [
    PASSWORD, "a long enough password", "my own long password", "Tr0ub4dor&3-horse",
])
def test_strong_passwords_pass(password):
    assert password_problem(password) is None


def test_a_long_password_is_rated_on_its_first_72_characters():
    """zxcvbn takes tens of seconds on 200 random characters; the first 72 decide."""
    import random
    import string

    rng = random.Random(3)
    long_one = "".join(rng.choice(string.printable.strip()) for _ in range(200))
    assert password_problem(long_one) is None
    assert password_problem("x" * 200) is not None


@pytest.mark.parametrize("account", [name for name, _, _ in STAFF] + [DEMO_RESIDENT])
@pytest.mark.parametrize("seed", [1, 5, 2021])
def test_the_demo_passwords_pass_the_rule(account, seed):
    assert password_problem(demo_password(seed, account),
                            user_inputs=[f"{account}@burnley.example"]) is None
