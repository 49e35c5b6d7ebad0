"""The README tells the truth: its example scenario parses, its commands exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builders import run_cli
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


def test_the_pricing_models_example_runs_on_the_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's pricing-models scenario, given to ``econ analyze``: every part it sets
    shows in the simulation, and the free tier uses its conversion rate."""
    block = next(
        found
        for found in re.findall(r"```json\n(.*?)```", README, flags=re.DOTALL)
        if '"seat_usd"' in found
    )
    path = tmp_path / "pricing.json"
    path.write_text(block, encoding="utf-8")
    code, out, err = run_cli(capsys, "analyze", "--scenario", str(path), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    parts = {row["plan"]: row for row in report["simulation"]["parts"]}
    assert parts["Pro"]["seats_usd"] > 0 and parts["Pro"]["tiers_usd"] > 0
    # The sample's ledger records no outcomes: none is billed, and a note says so.
    assert parts["Pro"]["outcomes_usd"] == 0
    assert any("records no outcome" in note for note in report["simulation"]["notes"])
    assert parts["Business"]["commitment_usd"] >= 0 and parts["Starter"]["tiers_usd"] > 0
    assert parts["Starter"]["base_usd"] == 0
    assert sum(row["discounts_usd"] for row in parts.values()) < 0
    assert report["free_tier"]["conversion_rate"] == 0.05
    assert report["free_tier"]["capped_cost_usd"] < report["free_tier"]["cost_usd"]
    # The sample's revenue table has no seat column: the note says Pro was billed 3 seats.
    assert any("minimum of 3 seats" in note for note in report["simulation"]["notes"])
