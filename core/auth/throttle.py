"""Sign-in throttling that counts failures only and cannot lock the real owner out.

Three sets of limits, each a list of growing windows (e.g. "5 per minute; 20 per hour; 50 per
day": after 5 failures wait up to a minute, after 20 up to an hour...):

- per account and address: a guesser at one address is stopped for that account there,
  while the owner signs in from anywhere else;
- per address: one address guessing many accounts;
- per account, from every address together: a ceiling far above what one address can reach,
  against guessing spread over many addresses.

A successful sign-in never counts. While any limit is reached, the attempt is refused without
checking the password, so guessing gains nothing. The counts live in the rate limiter's storage
(memory, or Redis with RATELIMIT_STORAGE_URI). Emails are stored only as keyed hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Iterator

from flask import current_app, request
from limits import RateLimitItem, parse_many
from limits.strategies import MovingWindowRateLimiter

from core.extensions import limiter

NAMESPACE = "sign-in-failures"
LIMITS = (  # (config key, what the count is kept for)
    ("SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "account-address"),
    ("SIGN_IN_FAILURES_PER_ADDRESS", "address"),
    ("SIGN_IN_FAILURES_PER_ACCOUNT", "account"),
)


def _address() -> str:
    """The client's address (ProxyFix sets it from X-Forwarded-For behind PROXIES proxies)."""
    return request.remote_addr or "unknown"


def _account(email: str) -> str:
    """A keyed hash of the normalised email: no addresses in the rate limiter's storage."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _counts(email: str) -> Iterator[tuple[RateLimitItem, str, str]]:
    account, address = _account(email), _address()
    keys = {"account-address": f"{account}/{address}", "address": address, "account": account}
    for config_key, kind in LIMITS:
        for item in parse_many(current_app.config[config_key]):
            yield item, kind, keys[kind]


def _strategy() -> MovingWindowRateLimiter | None:
    if not limiter.enabled:
        return None
    return MovingWindowRateLimiter(limiter.storage)


def seconds_to_wait(email: str) -> int | None:
    """None if this attempt may go ahead; else how long until it may, in whole seconds."""
    strategy = _strategy()
    if strategy is None:
        return None
    wait = 0.0
    for item, kind, key in _counts(email):
        if not strategy.test(item, NAMESPACE, kind, key):
            reset_at = strategy.get_window_stats(item, NAMESPACE, kind, key).reset_time
            wait = max(wait, reset_at - time.time(), 1)
    return math.ceil(wait) if wait else None


def record_failure(email: str) -> None:
    """Count one failed sign-in against every limit."""
    strategy = _strategy()
    if strategy is None:
        return
    for item, kind, key in _counts(email):
        strategy.hit(item, NAMESPACE, kind, key)


def wait_in_words(seconds: int) -> str:
    """'1 minute', '56 minutes', '2 hours' (rounded up: never earlier than it can work)."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"
