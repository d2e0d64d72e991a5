"""The floors of the house, checked on the source with ``ast`` so they cannot rot.

An app imports only the apps on lower floors: ``teams`` is the ground floor (staff, access, the
registry, the outbox) and imports no business app; what gathers from several apps goes through
teams/registry.py. Nothing in the product imports ``performance`` (the top floor) or ``bench`` (the
benchmark harness). Imports hidden inside functions to dodge a cycle are not allowed either. Every
import is read: at module level and inside functions, in every module but migrations and tests.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Lower numbers are lower floors; an app may import only apps on floors below its own.
FLOORS = {
    "teams": 0,
    "meetings": 1,
    "clients": 1,
    "projects": 2,
    "complaints": 3,
    "reception": 4,
    # The client's page reads clients, projects and complaints; performance reads its ratings (客户评分).
    "portal": 4,
    "performance": 5,
}
# Outside the product: nothing in it imports them.
HARNESS = {"bench"}
# What the ground floor must never import.
NOT_FROM_TEAMS = {"clients", "complaints", "projects", "reception", "meetings", "performance", "portal", "bench"}


def _product_apps() -> list[str]:
    """The project's own installed apps (not Django's nor third parties')."""
    return sorted(
        c.name
        for c in apps.get_app_configs()
        if Path(c.path).resolve().is_relative_to(ROOT.resolve()) and "site-packages" not in Path(c.path).parts
    )


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts or "tests" in parts:
            continue
        yield path


def _imports(path: Path):
    """(imported module, line, enclosing function or "") for every absolute import in the file."""

    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno, function
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                yield child.module, child.lineno, function
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            yield from walk(child, inner)

    yield from walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), "")


def _cross_app_imports():
    """(importing app, imported app, "path:line", function) for every import of another of our apps."""
    known = set(_product_apps()) | HARNESS | set(FLOORS) | {"portal"}
    rows = []
    for app in sorted(set(_product_apps()) | HARNESS):
        for path in _sources(app):
            where = path.relative_to(ROOT).as_posix()
            for module, line, function in _imports(path):
                target = module.split(".")[0]
                if target in known and target != app:
                    rows.append((app, target, f"{where}:{line}", function))
    return rows


def test_every_app_has_a_floor():
    assert set(_product_apps()) - set(FLOORS) == set(), "give the new app its floor in FLOORS"


def test_no_app_imports_a_floor_at_or_above_its_own():
    wrong = [
        f"{where}: {app} imports {target}"
        for app, target, where, _ in _cross_app_imports()
        if app in FLOORS and target in FLOORS and FLOORS[target] >= FLOORS[app]
    ]
    assert wrong == []


def test_no_import_cycle_between_apps():
    graph: dict[str, set[str]] = {}
    for app, target, _, _ in _cross_app_imports():
        graph.setdefault(app, set()).add(target)
    cycles = []

    def visit(app, path):
        for target in sorted(graph.get(app, ())):
            if target in path:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            else:
                visit(target, [*path, target])

    for app in sorted(graph):
        visit(app, [app])
    assert cycles == []


def test_teams_imports_no_business_app():
    wrong = [
        f"{where}: teams imports {target}"
        for app, target, where, _ in _cross_app_imports()
        if app == "teams" and target in NOT_FROM_TEAMS
    ]
    assert wrong == []


def test_nothing_in_the_product_imports_performance_or_bench():
    wrong = [
        f"{where}: {app} imports {target}"
        for app, target, where, _ in _cross_app_imports()
        if target in {"performance", *HARNESS} and app not in HARNESS
    ]
    assert wrong == []


def test_no_cross_app_import_hidden_in_a_function():
    wrong = [
        f"{where} ({function}): {app} imports {target}"
        for app, target, where, function in _cross_app_imports()
        # bench is a harness: its scripts import the apps once Django is set up.
        if app not in HARNESS
        # AppConfig.ready() is where Django lets an app import models and register with teams/registry.py
        # (apps.py itself is imported before any model is loaded).
        and not (where.split(":")[0].endswith("/apps.py") and function == "ready")
        and function
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from clients.models import Client\n", [("clients.models", 1, "")]),
        ("def f():\n    import reception.models\n", [("reception.models", 2, "f")]),
        ("class A:\n    def g(self):\n        from . import x\n        from b.c import d\n", [("b.c", 4, "g")]),
    ],
)
def test_imports_are_read_at_module_level_and_in_functions(tmp_path, source, found):
    path = tmp_path / "m.py"
    path.write_text(source)
    assert list(_imports(path)) == found
