from __future__ import annotations

import pytest

from core.auth.sessions import safe_next_url


@pytest.mark.parametrize("target,expected", [
    ("/dashboard", "/dashboard"),
    ("/targets?page=2", "/targets?page=2"),
    (None, None),
    ("", None),
    ("dashboard", None),
    ("https://evil.example/", None),
    ("//evil.example", None),
    ("/\\evil.example", None),
    ("\\\\evil.example", None),
    ("javascript:alert(1)", None),
    ("/ok\r\nSet-Cookie: x=1", None),
    ("http:/evil.example", None),
])
def test_only_local_paths_are_followed(target, expected):
    assert safe_next_url(target) == expected
