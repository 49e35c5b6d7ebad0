"""Pages import only the modules ``ui/__init__.py`` lists: the public API, the foundation, the
presentation layer and the app's own pieces."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from locations import APP, ROOT

MODULES = frozenset({"streamlit", "econ", "econ.formats", "econ.schema"})
"""Modules a page may import by name."""

PACKAGES = ("econ.present", "econ_pack", "ui")
"""Packages a page may import, or import any module of."""

PAGES = sorted((ROOT / "pages").glob("*.py"))


def imported(path: Path) -> set[str]:
    """The modules a file imports (``from m import name`` counts as ``m``, or ``m.name`` when
    that is a module, which the allowed list tells apart by prefix either way)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            found.add(node.module)
    return found


def allowed(module: str) -> bool:
    return module in MODULES or any(
        module == package or module.startswith(f"{package}.") for package in PACKAGES
    )


def test_the_check_tells_the_layers_apart() -> None:
    assert allowed("econ.present.views") and allowed("ui.controls") and allowed("econ")
    assert not allowed("econ.scenario.edits")
    assert not allowed("econ.presentation")
    assert not allowed("polars")


def test_there_are_pages() -> None:
    assert {path.name for path in PAGES} >= {"home.py", "segments.py", "features.py", "tiers.py"}


@pytest.mark.parametrize("path", [*PAGES, APP], ids=lambda path: path.name)
def test_a_page_imports_only_the_listed_modules(path: Path) -> None:
    assert sorted(module for module in imported(path) if not allowed(module)) == []
