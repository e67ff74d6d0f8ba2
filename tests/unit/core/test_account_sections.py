"""A feature's part of a resident's own account page (``Feature.account_sections``): given
the resident, collected in the features' order; a hook answering None adds nothing."""

from __future__ import annotations

import core
from core.config import TestConfig
from core.features import Feature, PageSection, page_sections, registry


def test_account_sections_are_collected_in_order():
    def mine(resident) -> PageSection:  # noqa: ANN001
        return PageSection("What happened", "mine.html", {"of": resident})

    def nothing(resident) -> None:  # noqa: ANN001
        return None

    app = core.create_app(TestConfig, features=(
        Feature(name="a", account_sections=(nothing,)),
        Feature(name="b", account_sections=(mine,))))
    found = page_sections(registry(app).account_sections, 7)
    assert [(s.title, s.context["of"]) for s in found] == [("What happened", 7)]
