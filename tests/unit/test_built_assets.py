"""The served stylesheet is built from its source, and every table can scroll on its own.

static/css/council.css is compiled from assets/scss/council.scss by scripts/build-assets.sh,
which writes the source's checksum at the end: a change to the SCSS without a rebuild, or to
the CSS by hand, shows here. A wide table scrolls sideways inside its own focusable region
(the ``table_scroll`` macro), never the whole page on a phone.
"""

from __future__ import annotations

import hashlib
import re

from tests.conftest import PROJECT_ROOT

SCSS = PROJECT_ROOT / "assets" / "scss" / "council.scss"
CSS = PROJECT_ROOT / "static" / "css" / "council.css"
TEMPLATES = PROJECT_ROOT / "templates"
STAMP = re.compile(r"/\*! built from assets/scss/council\.scss sha256 ([0-9a-f]{64}) \*/\s*$")


def test_the_stylesheet_is_built_from_the_current_source():
    stamp = STAMP.search(CSS.read_text(encoding="utf-8-sig"))
    assert stamp, "council.css has no build stamp: run scripts/build-assets.sh"
    assert stamp.group(1) == hashlib.sha256(SCSS.read_bytes()).hexdigest(), (
        "assets/scss/council.scss changed since council.css was built: run "
        "scripts/build-assets.sh")


def test_every_class_of_ours_in_the_stylesheet_comes_from_the_source():
    """A rule added to the CSS by hand (not in the SCSS) would be lost at the next build."""
    source = SCSS.read_text()
    built = set(re.findall(r"\.(cp-[a-z0-9_-]+)", CSS.read_text(encoding="utf-8-sig")))
    generated = re.compile(r"cp-[wx]-\d+$")  # the @for loop's cp-w-0..100 and cp-x-0..100
    assert built, "no cp- classes in the built stylesheet"
    missing = sorted(c for c in built if f".{c}" not in source and not generated.match(c))
    assert not missing, f"in council.css but not in council.scss: {missing}"


def tables_without_a_scroll_region(text: str) -> int:
    """How many tables are not opened straight after a scroll region (the macro's call or
    the region's own markup on the line before)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return sum(1 for before, line in zip(["", *lines], lines, strict=False)
               if line.startswith("<table") and "table_scroll(" not in before
               and 'class="cp-table-scroll"' not in before)


def test_every_table_scrolls_inside_its_own_region():
    bare = {str(path.relative_to(TEMPLATES)): count for path in sorted(TEMPLATES.rglob("*.html"))
            if (count := tables_without_a_scroll_region(path.read_text()))}
    assert not bare, (f"tables not inside {{% call table_scroll(...) %}}: {bare}")


def test_the_check_finds_a_bare_table():
    assert tables_without_a_scroll_region('<p>x</p>\n<table class="govuk-table">') == 1
    assert tables_without_a_scroll_region(
        '{% call table_scroll("Members") %}\n  <table class="govuk-table">') == 0
