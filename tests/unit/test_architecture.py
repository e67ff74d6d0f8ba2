"""The package layout is a star: ``core`` at the centre knows no feature; features depend on
``core`` and on the features below them, never in a circle; registration is declared."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

FEATURES = ("panel", "quota", "surveys", "events", "outcomes")
PACKAGES = ("core", *FEATURES)
ALLOWED = {
    "core": set(),
    "panel": {"core"},
    "quota": {"core", "panel"},
    "surveys": {"core", "panel", "quota"},
    # An event's feedback survey ("Did you feel listened to?") is a survey of the surveys
    # module; surveys never import events, so there is no circle.
    "events": {"core", "panel", "quota", "surveys"},
    "outcomes": {"core", "panel", "surveys", "events"},
}
# An endpoint string names a blueprint: "quota.show_sample", url_for('surveys.respond.start').
ENDPOINT = re.compile(r"""["']([a-z_]+)\.[a-z_]+(?:\.[a-z_]+)?["']""")


def modules(package: str) -> list[Path]:
    return sorted((PROJECT_ROOT / package).rglob("*.py"))


def imported_packages(path: Path, *, everywhere: bool = True) -> set[str]:
    """Project packages a module imports: at module level, and inside functions too."""
    tree = ast.parse(path.read_text())
    nodes = ast.walk(tree) if everywhere else iter(tree.body)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_follow_the_allowed_graph(package):
    for path in modules(package):
        illegal = imported_packages(path) - ALLOWED[package] - {package}
        assert not illegal, f"{path.relative_to(PROJECT_ROOT)} imports {sorted(illegal)}"


def test_core_names_no_feature_endpoint():
    """The host links to feature pages only through what features declare (``page_url``)."""
    for path in modules("core"):
        for string in (node.value for node in ast.walk(ast.parse(path.read_text()))
                       if isinstance(node, ast.Constant) and isinstance(node.value, str)):
            named = {m.group(1) for m in ENDPOINT.finditer(f'"{string}"')}
            assert not named & set(FEATURES), (
                f"{path.relative_to(PROJECT_ROOT)} names a feature's endpoint: {string!r}")


def test_the_host_templates_name_no_feature_endpoint():
    for name in ("base.html", "errors/error.html", "jobs/show.html", "auth/sign_in.html",
                 "outbox/list.html", "site/privacy.html", "site/accessibility.html"):
        source = (PROJECT_ROOT / "templates" / name).read_text()
        named = {m.group(1) for m in re.finditer(r"url_for\(['\"]([a-z_]+)\.", source)}
        assert not named & set(FEATURES), f"templates/{name} links to {sorted(named)}"


def test_the_checks_above_would_see_a_breach(tmp_path):
    """The endpoint pattern and the import walk find what they must (no silent pass)."""
    assert ENDPOINT.search("'quota.show_sample'").group(1) == "quota"
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from panel import models\n")
    assert imported_packages(module) == {"panel"}


def test_no_import_circle_between_modules():
    """Module-level imports inside the project form no cycle (a circle is a layout mistake)."""
    graph: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in modules(package):
            name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
            name = name.removesuffix(".__init__")
            deps = set()
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    if node.module.split(".")[0] in PACKAGES:
                        deps.add(node.module)
                        deps |= {f"{node.module}.{a.name}" for a in node.names}
                elif isinstance(node, ast.Import):
                    deps |= {a.name for a in node.names if a.name.split(".")[0] in PACKAGES}
            graph[name] = deps
    known = set(graph)
    graph = {name: {d for d in deps if d in known and d != name} for name, deps in graph.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = path[path.index(name):] + [name]
            pytest.fail("import circle: " + " -> ".join(cycle))
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_features_register_only_through_their_feature_object():
    """No module appends to another's registry when imported (the old side-effect wiring)."""
    for package in PACKAGES:
        for path in modules(package):
            source = path.read_text()
            assert not re.search(r"\b(SECTIONS|ERASERS|NAVIGATION)\.append\(", source), path
            assert "@jobs.handler" not in source, path


@pytest.mark.parametrize("package", FEATURES)
def test_each_feature_declares_one_feature_object(package):
    from core.features import Feature

    module = __import__(f"{package}.feature", fromlist=["FEATURE"])
    assert isinstance(module.FEATURE, Feature)
    assert module.FEATURE.name == package


@pytest.mark.parametrize("models", ["core/models.py", "panel/models.py", "quota/models.py",
                                    "surveys/models.py"])
def test_models_never_commit_or_import_flask_request(models):
    source = (PROJECT_ROOT / models).read_text()
    assert ".commit(" not in source
    assert "request" not in source and "current_user" not in source


def test_every_form_is_built_on_the_core_bases():
    """The input guard lives in ``core.forms.Form``/``Subform``'s Meta: a form built straight on
    ``FlaskForm`` or ``wtforms.Form`` would take control characters unchecked."""
    direct = re.compile(r"\bFlaskForm\b|\bwtforms\.Form\b"
                        r"|from wtforms import (?:\([^)]*|[^\n(]*)\bForm\b")
    for package in FEATURES:
        for path in modules(package):
            found = direct.search(path.read_text())
            assert found is None, (f"{path.relative_to(PROJECT_ROOT)} builds a form on WTForms "
                                   f"directly ({found.group(0)[:40]!r}): use core.forms")
    assert direct.search("from wtforms import (\n    Form,\n    FormField,\n)")
    assert not direct.search("from wtforms import FormField, StringField")
