"""The benchmark runs end to end (on a tiny ledger: timings are the benchmark's business, not
the tests')."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from locations import ROOT


@pytest.mark.slow  # generates ledgers and runs every task, each in a process of its own
def test_the_benchmark_runs_and_prints_its_table(tmp_path: Path) -> None:
    table = tmp_path / "table.md"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "20000",
            "--customers",
            "300",
            "--months",
            "3",
            "--runs",
            "1",
            "--recompute",
            "2",
            "--app-runs",
            "1",
            "--huge",
            "30000",
            "--huge-files",
            "2",
            "--dense",
            "20000",
            "--dense-customers",
            "300",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(table),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = table.read_text()
    for measure in (
        "Ingest + rollup of the ledger (cold)",
        "Peak memory of that",
        "Whole stage 1",
        "Re-open an ingested dataset",
        "Scenario recompute, median",
        "Scenario recompute, p95",
        "Five scenarios compared",
        "One customer's P&L from the prepared tables",
        "`econ analyze --format json`, cold, end to end",
        "App on a running server: a finished upload to its first drawn page",
        "A shared link opened in Chromium",
        "App rerun after a control change",
        "App, five saved scenarios compared",
        "Re-open in the running app",
        "Ingest + rollup of 2 parquet files",
    ):
        assert measure in text, measure
    assert "20k dense" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    # the header; 15 measures for the ledger, 7 for the dense one, 1 for the huge one
    assert len(rows) == 1 + 15 + 7 + 1
    assert all(line.count("|") == 8 for line in rows)
    assert (tmp_path / "work" / "results.json").exists()
