"""The layers of ``econ/`` as the README's Architecture section draws them: each module imports
only from its own layer and the layers below, and the computation never imports the UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from locations import ROOT

ECON = ROOT / "econ"

# Bottom to top. A module may import from its own layer and any layer listed before it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("econ.errors", "econ.schema", "econ.formats", "econ.measures")),
    ("scenario", ("econ.scenario",)),
    ("inputs", ("econ.inputs",)),
    ("storage", ("econ.storage",)),
    ("model", ("econ.model",)),
    ("decisions", ("econ.decisions",)),
    ("present", ("econ.present",)),
    ("entry points", ("econ.cli", "econ.__main__", "econ")),
)

# What a layer may not reach although it sits above: the model and what builds on it never
# need the dataset store (the CLI and the app hand them a loaded dataset).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "model": ("econ.storage",),
    "decisions": ("econ.storage",),
    "present": ("econ.storage",),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer_of(module: str) -> int:
    best, found = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and len(prefix) > best:
                best, found = len(prefix), index
    if found < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and the README")
    return found


def _submodule(module: str, name: str) -> str:
    """``from econ.scenario import edits`` imports the module ``econ.scenario.edits``; ``from
    econ.scenario.edits import with_segmentation`` imports from ``econ.scenario.edits``."""
    folder = ROOT.joinpath(*module.split("."))
    is_module = (folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file()
    return f"{module}.{name}" if is_module else module


def _econ_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "econ":
                found += [f"econ.{alias.name}" for alias in node.names]
            elif node.module.startswith("econ."):
                found += [_submodule(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("econ")]
    return found


MODULES = sorted(ECON.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_a_module_imports_only_its_layer_and_below(path: Path) -> None:
    module = _module_name(path)
    layer = _layer_of(module)
    name = LAYERS[layer][0]
    for imported in _econ_imports(path):
        # ``from econ import x`` names a foundation module, or the public surface itself.
        if (
            imported.startswith("econ.")
            and imported.count(".") == 1
            and imported not in {prefix for _, prefixes in LAYERS for prefix in prefixes}
        ):
            continue
        assert _layer_of(imported) <= layer, f"{module} ({name}) imports {imported} from above"
        for banned in FORBIDDEN.get(name, ()):
            assert not imported.startswith(banned), f"{module} ({name}) imports {imported}"


@pytest.mark.parametrize("path", MODULES, ids=_module_name)
def test_the_computation_never_imports_the_ui(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        # The command line's `econ report` is the one place econ reaches econ_pack (the
        # charts and the board pack), inside that command, so the library imports without it.
        banned = {"streamlit", "altair", "ui", "pages"}
        if _module_name(path) != "econ.cli":
            banned.add("econ_pack")
        for name in names:
            assert name.split(".")[0] not in banned, f"{_module_name(path)} imports {name}"


def test_every_sub_package_is_a_layer() -> None:
    packages = {p.name for p in ECON.iterdir() if (p / "__init__.py").exists()}
    layered = {
        prefix.split(".")[1] for _, prefixes in LAYERS for prefix in prefixes if "." in prefix
    }
    assert packages <= layered


UI_MAY_IMPORT = (
    "econ",
    "econ.formats",
    "econ.schema",
    "econ.present",
    "econ.storage.store",
    "econ.storage.scenarios",
    "econ.scenario.link",
    "econ.scenario.edits",
    "econ.scenario.assumptions",
    "econ.inputs.readers",
    "econ.inputs.cache",
    "econ.inputs.imports",
)
"""What ``ui/`` may import of the package (its docstring says why)."""


@pytest.mark.parametrize("path", sorted((ROOT / "ui").glob("*.py")), ids=lambda path: path.name)
def test_the_ui_imports_the_public_api_and_a_documented_few(path: Path) -> None:
    for imported in _econ_imports(path):
        allowed = any(
            imported == module or (imported.startswith(module + ".") and module != "econ")
            for module in UI_MAY_IMPORT
        )
        assert allowed, f"ui/{path.name} imports {imported}"


PACK = sorted((ROOT / "econ_pack").glob("*.py"))


@pytest.mark.parametrize("path", PACK, ids=lambda path: path.name)
def test_the_pack_draws_without_the_app(path: Path) -> None:
    """econ_pack/ (charts, images, the board pack) runs from the command line: it never imports
    streamlit or the app's modules, and of the package only what a page may read."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        for name in names:
            assert name.split(".")[0] not in {"streamlit", "ui", "pages"}, (
                f"econ_pack/{path.name} imports {name}"
            )
            if name.startswith("econ."):
                assert name.startswith(("econ.present", "econ.formats", "econ.schema")), (
                    f"econ_pack/{path.name} imports {name}"
                )
