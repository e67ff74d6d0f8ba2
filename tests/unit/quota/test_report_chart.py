"""The sample page's chart geometry: every bar and target line is a class the CSS ships."""

from __future__ import annotations

import re
from pathlib import Path

from quota.report import chart_axis, position

CSS = Path(__file__).resolve().parents[3] / "static" / "css" / "council.css"


def row(achieved: int, high: int, target: float | None) -> dict:
    return {"achieved": achieved, "max": high, "target": target}


def test_a_target_above_every_achieved_value_and_maximum_stays_on_the_chart():
    rows = [row(3, 4, 9.6), row(2, 3, 1.5), row(0, 0, None)]
    axis = chart_axis(rows)
    assert axis >= 9.6
    assert position(9.6, axis) == 100
    assert all(0 <= position(v, axis) <= 100 for r in rows for v in (r["achieved"], r["max"]))


def test_every_position_is_a_shipped_class():
    shipped = {int(n) for n in re.findall(r"\.cp-x-(\d+)\{", CSS.read_text())}
    assert shipped == set(range(101))
    for value in (0, 0.4, 5, 10.2, 99, 1000):
        assert position(value, 10) in shipped
    assert position(-1, 10) == 0


def test_an_empty_table_still_has_an_axis():
    assert chart_axis([row(0, 0, None)]) == 1


def test_chart_labels_use_the_site_font_not_the_browsers_serif():
    css = CSS.read_text()
    fonts = re.findall(r"\.cp-bar-chart\{[^}]*font-family:([^;}]+)", css)
    assert fonts and fonts[0].startswith('"Helvetica Neue",Helvetica,Arial')
    scss = (CSS.parents[2] / "assets" / "scss" / "council.scss").read_text()
    assert re.search(r"\.cp-bar-chart \{\n(?:  //[^\n]*\n)*  @include govuk-font", scss)
