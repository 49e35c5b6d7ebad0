"""The README tells the truth: its example scenario parses, its commands exist."""

from __future__ import annotations

import re

from locations import ROOT

import econ

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_example_scenario_is_valid() -> None:
    blocks = re.findall(r"```json\n(.*?)```", README, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        scenario = econ.Scenario.from_json(block)
        assert econ.Scenario.from_json(scenario.to_json()) == scenario


def test_the_two_commands_are_make_targets() -> None:
    assert "make run" in README and "make test" in README
    assert re.search(r"^run:", MAKEFILE, flags=re.MULTILINE)
    assert re.search(r"^test:", MAKEFILE, flags=re.MULTILINE)


def test_every_import_layout_is_in_the_import_tables() -> None:
    inputs = README[README.index("## Inputs") : README.index("### Bad input")]
    for layout in econ.inputs.imports.LAYOUTS:
        assert f"| `{layout.id}`: " in inputs, layout.id
