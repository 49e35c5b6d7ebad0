"""The bundled sample dataset and its assumptions: the default input of the app and the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from econ.scenario.assumptions import Scenario

SAMPLE_DIR: Final = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE_USAGE: Final = SAMPLE_DIR / "usage.parquet"
SAMPLE_REVENUE: Final = SAMPLE_DIR / "revenue.parquet"
SAMPLE_SCENARIO: Final = SAMPLE_DIR / "scenario.json"


def sample_paths() -> tuple[Path, Path]:
    """The sample usage ledger and revenue table (made by ``sample_data/generate.py``)."""
    return SAMPLE_USAGE, SAMPLE_REVENUE


def sample_scenario() -> Scenario:
    """The assumptions that go with the sample data (CAC, cost burdens, feature categories)."""
    return Scenario.from_json(SAMPLE_SCENARIO.read_text(encoding="utf-8"))
