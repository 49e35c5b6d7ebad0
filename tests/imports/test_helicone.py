"""Helicone: the export tool's JSON Lines, JSON and CSV (with its twice-escaped objects)."""

from __future__ import annotations

import pytest
from fixtures.imports import truth
from import_support import (
    FIXTURES,
    PRICED,
    assert_same,
    expected_table,
    notes_of,
    usage_table,
    warnings_of,
)

import econ

EXPORTS = [
    "helicone_export.jsonl",  # the default
    "helicone_export.json",  # token counts as quoted text
    "helicone_export.csv",  # twelve columns; properties escaped twice
]
SEEN = [call for call in truth.CALLS if truth.seen_by_observability(call)]


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_reads_to_the_truth(name: str) -> None:
    load = econ.load_usage(FIXTURES / name, spec=PRICED)
    assert load.format == "helicone"
    assert_same(usage_table(load), expected_table(truth.expected_usage(SEEN)))


@pytest.mark.parametrize("name", EXPORTS)
def test_failures_and_unpriced_requests_are_said(name: str) -> None:
    load = econ.load_usage(FIXTURES / name, spec=PRICED)
    notes = notes_of(load)
    assert "1 failed request (status 400 or above, $0.00): not counted as calls" in notes
    assert "1 successful request with tokens logged cost 0 (Helicone had no price" in notes
    assert "2 rows (2 calls, $0.00117) name no customer" in warnings_of(load)


def test_the_twice_escaped_properties_of_the_csv_give_the_features() -> None:
    load = econ.load_usage(FIXTURES / "helicone_export.csv", spec=PRICED)
    assert set(load.rollup["feature_id"]) == {"chat", "research", "summarize", "(untagged)"}
