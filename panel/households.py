"""Households: one key per home, for "one per household" sampling."""

from __future__ import annotations

import hashlib
import re


def household_key(address_line: str, postcode: str) -> str:
    """The same key for the same home however the address was typed (sha256, hex).

    Lower case; apostrophes and full stops dropped ("St. John's" = "St Johns"), other
    punctuation read as a space ("Flat 2/3" is not "Flat 23"), runs of spaces collapsed;
    the postcode without spaces.
    """
    address = re.sub(r"[.'\u2019]", "", address_line.lower())
    address = " ".join(re.sub(r"[^\w\s]|_", " ", address).split())
    code = re.sub(r"[^a-z0-9]", "", postcode.lower())
    return hashlib.sha256(f"{address}|{code}".encode()).hexdigest()
