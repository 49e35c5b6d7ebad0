"""The usage ledger's optional ``outcome`` column: the spellings it is read in, the rollup's
``outcomes``, and the values refused with the file, column, rule, count and an example row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import econ
from econ.inputs.ingest.usage import OUTCOME_RULE

START = dt.datetime(2026, 1, 5, 9)


def ledger(outcome: list[object], calls: list[int] | None = None) -> pl.DataFrame:
    """One feature of one customer in one month, a row per entry of ``outcome``."""
    frame = pl.DataFrame(
        {
            "customer_id": ["acme"] * len(outcome),
            "feature_id": ["chat"] * len(outcome),
            "timestamp": [START + dt.timedelta(hours=i) for i in range(len(outcome))],
            "cost_usd": [0.5] * len(outcome),
        }
    )
    if calls is not None:
        frame = frame.with_columns(pl.Series("calls", calls))
    return frame.with_columns(pl.Series("outcome", outcome))


def outcomes_of(frame: pl.DataFrame) -> int | None:
    rollup = econ.load_usage(frame, name="usage.parquet").rollup
    value = rollup["outcomes"].item()
    return None if value is None else int(value)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([True, False, None], 1),  # per-call flags; empty = not a success
        (["true", "FALSE", "yes", "No", " 1 ", "0", "", None], 3),  # flags written as text
        ([1, 0, 1], 2),  # flags as numbers
        ([1.0, 0.0, None], 1),  # whole numbers that went through a float
    ],
)
def test_the_spellings_of_a_flag(values: list[object], expected: int) -> None:
    assert outcomes_of(ledger(values)) == expected


def test_aggregated_rows_count_their_successful_calls() -> None:
    assert outcomes_of(ledger([7, 0, 3], calls=[10, 4, 3])) == 10


def test_an_all_empty_column_is_an_outcome_column_with_no_outcomes() -> None:
    frame = ledger([None, None], calls=[2, 3]).with_columns(pl.col("outcome").cast(pl.Int64))
    assert outcomes_of(frame) == 0


def test_a_csv_ledger_is_read_the_same(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    ledger(["true", "false", ""]).write_csv(path)
    assert econ.load_usage(path).rollup["outcomes"].item() == 1


@pytest.mark.parametrize(
    ("values", "calls", "rule", "count", "example"),
    [
        ([5, 2], [4, 2], OUTCOME_RULE, 1, 5),  # more outcomes than calls
        ([True, True], [0, 1], OUTCOME_RULE, 1, True),  # a success without a call
        (["maybe", "yes"], None, OUTCOME_RULE, 1, "maybe"),
        ([0.5, 1.0], None, OUTCOME_RULE, 1, 0.5),
        ([2, 1], None, OUTCOME_RULE, 1, 2),  # one call a row: at most 1
        ([-1, 1], [3, 3], "must be zero or more", 1, -1),
    ],
)
def test_bad_outcomes_are_refused_with_the_row_rules_message(
    values: list[object], calls: list[int] | None, rule: str, count: int, example: object
) -> None:
    with pytest.raises(econ.InputError) as raised:
        econ.load_usage(ledger(values, calls), name="usage.parquet")
    (problem,) = raised.value.problems
    assert problem.source == "usage.parquet"
    assert problem.column == "outcome"
    assert problem.rule == rule
    assert problem.count == count
    assert problem.example is not None
    assert problem.example["outcome"] == example
    assert problem.example["row"] == 1
    assert f"column 'outcome': {rule}" in str(raised.value)


def test_dropping_bad_outcomes_keeps_the_good_rows() -> None:
    frame = ledger([5, -1, 2], calls=[4, 3, 3])
    loaded = econ.load_usage(
        frame, name="usage.parquet", options=econ.IngestOptions(on_invalid="drop")
    )
    assert loaded.rollup["outcomes"].item() == 2
    assert loaded.rollup["calls"].item() == 3
    rules = {problem.rule for problem in loaded.dropped_problems}
    assert rules == {OUTCOME_RULE, "must be zero or more"}
    assert sorted(loaded.dropped["row"].to_list()) == [1, 2]


def test_a_file_in_no_known_layout_may_call_it_success() -> None:
    frame = pl.DataFrame(
        {
            "account": ["acme", "acme"],
            "use_case": ["chat", "chat"],
            "created_at": [START, START],
            "cost": [0.5, 0.5],
            "success": [True, False],
        }
    )
    loaded = econ.load_usage(frame, name="export.csv")
    assert loaded.rollup["outcomes"].item() == 1
    assert any("outcome ← success" in warning for warning in loaded.warnings)
