"""The package layout is a star: features depend on panel, never the other way round."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import PROJECT_ROOT

PACKAGES = ("panel", "quota", "surveys", "events", "outcomes")
ALLOWED = {
    "panel": set(),
    "quota": {"panel"},
    "surveys": {"panel", "quota"},
    "events": {"panel", "quota"},
    "outcomes": {"panel", "surveys", "events"},
}


def imported_packages(path) -> set[str]:
    """Top-level project packages a module imports at module level."""
    tree = ast.parse(path.read_text())
    found = set()
    for node in tree.body:  # module level only: create_app imports features inside a function
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_follow_the_allowed_graph(package):
    for path in (PROJECT_ROOT / package).rglob("*.py"):
        illegal = imported_packages(path) - ALLOWED[package] - {package}
        assert not illegal, f"{path.relative_to(PROJECT_ROOT)} imports {sorted(illegal)}"


def test_models_never_commit_or_import_flask_request():
    source = (PROJECT_ROOT / "panel" / "models.py").read_text()
    assert ".commit(" not in source
    assert "request" not in source and "current_user" not in source
