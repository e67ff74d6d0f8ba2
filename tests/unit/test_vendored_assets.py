"""The vendored front-end files are the versions the README names, and nothing GOV.UK-only ships."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import PROJECT_ROOT

STATIC = PROJECT_ROOT / "static"


def readme_value(label: str) -> str:
    readme = (PROJECT_ROOT / "README.md").read_text()
    match = re.search(rf"{label}[^\n]*?`([^`]+)`", readme)
    assert match, f"README does not state {label}"
    return match.group(1)


def test_htmx_is_2_0_x_with_the_readme_checksum():
    data = (STATIC / "vendor" / "htmx.min.js").read_bytes()
    version = re.search(rb'version:"([0-9.]+)"', data).group(1).decode()
    assert version.startswith("2.0.")
    assert version == readme_value("htmx version")
    assert hashlib.sha256(data).hexdigest() == readme_value("htmx sha256")


def test_govuk_frontend_is_6_3_0():
    data = (STATIC / "vendor" / "govuk-frontend" / "govuk-frontend.min.js").read_text()
    assert data.startswith('const version="6.3.0"')
    assert readme_value("GOV.UK Frontend version") == "6.3.0"


def test_no_govuk_branding_is_served():
    css = (STATIC / "css" / "council.css").read_text()
    assert "GDS Transport" not in css
    assert "#00625e" in css.lower()  # our brand colour
    shipped = {p.name for p in STATIC.rglob("*")}
    assert not shipped & {"govuk-crest.svg", "govuk-icon-180.png", "bold-b542beb274-v2.woff2"}
