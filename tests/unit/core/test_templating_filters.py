"""The ``number`` and ``plural`` filters: counts shown to people with thousands separators and
the word that agrees with them ("1 resident added", not "1 residents added")."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from core.config import TestConfig
from core.templating import number, plural
from wsgi import create_app


@pytest.mark.parametrize(("value", "shown"), [
    (0, "0"), (999, "999"), (3790, "3,790"), (99999, "99,999"), (-1200, "-1,200"),
    (1234.5, "1,234.5"), (Decimal("12345.25"), "12,345.25"), (np.int64(3790), "3,790"),
    (None, ""), ("n/a", "n/a"),
])
def test_number(value, shown):
    assert number(value) == shown


@pytest.mark.parametrize(("count", "words", "shown"), [
    (0, ("resident",), "0 residents"),
    (1, ("resident",), "1 resident"),
    (2, ("resident",), "2 residents"),
    (3790, ("resident",), "3,790 residents"),
    (1, ("person", "people"), "1 person"),
    (12, ("person", "people"), "12 people"),
])
def test_plural(count, words, shown):
    assert plural(count, *words) == shown


def test_templates_have_both_filters():
    app = create_app(TestConfig)
    template = app.jinja_env.from_string(
        '{{ n | plural("resident") }} added; {{ total | number }} in all')
    assert template.render(n=1, total=3790) == "1 resident added; 3,790 in all"


def test_messages_built_in_python_agree_with_their_count():
    from types import SimpleNamespace

    from wtforms.validators import ValidationError

    from surveys.question_fields import AtMost

    with pytest.raises(ValidationError, match="^Select no more than 1 answer$"):
        AtMost(1)(None, SimpleNamespace(data=["a", "b"]))
