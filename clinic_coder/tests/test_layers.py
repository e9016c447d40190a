"""The apps stack in one direction: each may import those below it, never one above.

coding (the pure engine, no Django) < accounts < catalog < cases < cohorts < practice <
progress < lti < demo < benchmark. Project-level helpers (clinic_coder/parsing.py and the like)
sit below all.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
STACK = [
    "coding", "accounts", "catalog", "cases", "cohorts", "practice", "progress", "lti", "demo",
    "benchmark",
]  # fmt: skip


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at the top or inside functions."""
    tree = ast.parse(path.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def source_files(app: str) -> list[Path]:
    return [
        path
        for path in (PACKAGE / app).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


@pytest.mark.parametrize("app", STACK)
def test_it_never_imports_an_app_above(app):
    above = set(STACK[STACK.index(app) + 1 :])
    upward = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in source_files(app)
        for module in imported_modules(path)
        if module.startswith("clinic_coder.") and module.split(".")[1] in above
    ]
    assert upward == []


def test_it_keeps_django_out_of_the_engine():
    uses_django = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in source_files("coding")
        for module in imported_modules(path)
        if module == "django" or module.startswith("django.")
    ]
    assert uses_django == []


def test_it_knows_every_app():
    apps = {path.parent.name for path in PACKAGE.glob("*/__init__.py")} - {"tests"}
    assert apps == set(STACK)
