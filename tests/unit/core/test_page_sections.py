"""Sections a feature adds to another feature's pages (core.features): a member's record, the
dashboard, and names for the references on contacts, kept in the order the features were
given; a hook answering None adds nothing."""

from __future__ import annotations

import core
from core.config import TestConfig
from core.features import Feature, PageSection, page_sections, registry


def test_sections_are_collected_in_order_and_none_adds_nothing():
    def section(title: str):  # noqa: ANN202
        return lambda viewer, resident: PageSection(title, f"{title}.html", {"of": resident})

    def nothing(viewer, resident) -> None:  # noqa: ANN001
        return None

    def dashboard(viewer) -> PageSection:  # noqa: ANN001
        return PageSection("Samples", "samples.html")

    def labels(references: list[str]) -> dict[str, str]:
        return {ref: ref.upper() for ref in references}

    app = core.create_app(TestConfig, features=(
        Feature(name="a", member_sections=(section("one"), nothing)),
        Feature(name="b", dashboard_sections=(dashboard,), contact_labels=(labels,)),
        Feature(name="c", member_sections=(section("two"),))))
    found = registry(app)
    record = page_sections(found.member_sections, "officer", 7)
    assert [(s.title, s.template, s.context["of"]) for s in record] == [
        ("one", "one.html", 7), ("two", "two.html", 7)]
    assert [s.title for s in page_sections(found.dashboard_sections, "officer")] == ["Samples"]
    assert found.contact_labels == [labels]
