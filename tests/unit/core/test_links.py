"""Signed links (core.links): one purpose per token, an age limit, tampering found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from itsdangerous import URLSafeTimedSerializer

import core
from core import links
from core.config import TestConfig
from core.links import LinkExpired, LinkInvalid

WEEK = timedelta(days=7)
MADE = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def app_context():  # noqa: ANN201
    app = core.create_app(TestConfig)
    with app.app_context():
        yield app


def test_a_token_reads_back_what_was_signed(app_context):
    token = links.make(links.UNSUBSCRIBE, {"user": 7, "list": "surveys"})
    assert links.read(links.UNSUBSCRIBE, token, WEEK) == {"user": 7, "list": "surveys"}


@pytest.mark.parametrize("made_for,read_as", [
    (links.VERIFY_EMAIL, links.UNSUBSCRIBE),
    (links.UNSUBSCRIBE, links.SURVEY_INVITATION),
    (links.SURVEY_INVITATION, links.VERIFY_EMAIL),
])
def test_a_token_made_for_one_purpose_is_refused_for_another(app_context, made_for, read_as):
    token = links.make(made_for, {"user": 7})
    with pytest.raises(LinkInvalid) as refused:
        links.read(read_as, token, WEEK)
    assert not isinstance(refused.value, LinkExpired)
    assert links.read_or_none(read_as, token, WEEK) is None


def test_a_token_works_until_its_age_limit_then_has_expired(app_context):
    with time_machine.travel(MADE, tick=False):
        token = links.make(links.VERIFY_EMAIL, {"user": 7})
    with time_machine.travel(MADE + WEEK - timedelta(seconds=1), tick=False):
        assert links.read(links.VERIFY_EMAIL, token, WEEK) == {"user": 7}
    with time_machine.travel(MADE + WEEK + timedelta(seconds=1), tick=False):
        with pytest.raises(LinkExpired):
            links.read(links.VERIFY_EMAIL, token, WEEK)
        assert links.read_or_none(links.VERIFY_EMAIL, token, WEEK) is None


def test_the_age_limit_may_be_given_in_seconds(app_context):
    with time_machine.travel(MADE, tick=False):
        token = links.make(links.VERIFY_EMAIL, {"user": 7})
    with time_machine.travel(MADE + timedelta(seconds=61), tick=False):
        assert links.read(links.VERIFY_EMAIL, token, 120) == {"user": 7}
        with pytest.raises(LinkExpired):
            links.read(links.VERIFY_EMAIL, token, 60)


def test_an_expired_link_is_also_an_invalid_one(app_context):
    """Callers that only care whether a link works catch ``LinkInvalid`` and see both."""
    assert issubclass(LinkExpired, LinkInvalid)


@pytest.mark.parametrize("change", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
    lambda token: "e" + token[1:] if token[0] != "e" else "f" + token[1:],    # payload
    lambda token: token[: len(token) // 2],                                    # cut short
    lambda token: "",
    lambda token: "not a token at all",
])
def test_a_tampered_or_mangled_token_is_invalid(app_context, change):
    token = links.make(links.UNSUBSCRIBE, {"user": 7})
    with pytest.raises(LinkInvalid) as refused:
        links.read(links.UNSUBSCRIBE, change(token), WEEK)
    assert not isinstance(refused.value, LinkExpired)


def test_a_token_signed_with_another_key_is_invalid(app_context):
    forged = URLSafeTimedSerializer("someone else's key", salt=links.UNSUBSCRIBE).dumps(
        {"user": 7})
    with pytest.raises(LinkInvalid):
        links.read(links.UNSUBSCRIBE, forged, WEEK)


@pytest.mark.parametrize("payload", [7, "user 7", [7], None])
def test_a_correctly_signed_token_that_is_not_a_dict_is_refused(app_context, payload):
    """Only ``make`` writes tokens, and it writes dicts: anything else is not one of ours."""
    signed = URLSafeTimedSerializer(app_context.config["SECRET_KEY"],
                                    salt=links.UNSUBSCRIBE).dumps(payload)
    with pytest.raises(LinkInvalid):
        links.read(links.UNSUBSCRIBE, signed, WEEK)
