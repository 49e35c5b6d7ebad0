"""Helicone: the export tool's JSON Lines, JSON and CSV (with its twice-escaped objects)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.imports import truth
from import_support import (
    FIXTURES,
    PRICED,
    assert_same,
    expected_table,
    notes_of,
    refused,
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


def test_an_older_server_logged_cost_usd_and_no_model(tmp_path: Path) -> None:
    rows = [
        {
            "request_created_at": "2025-06-02T14:03:11.250Z",
            "request_user_id": "c1",
            "request_properties": {"feature": "chat"},
            "response_status": 200,
            "prompt_tokens": 100,
            "completion_tokens": 50,
            "costUSD": 0.0004,
        },
        {
            "request_created_at": "2025-06-02T14:05:11.250Z",
            "request_user_id": "c1",
            "request_properties": {"feature": "chat"},
            "response_status": 429,
            "prompt_tokens": 0,
            "completion_tokens": 0,
        },
    ]
    path = tmp_path / "old.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    load = econ.load_usage(path)
    assert usage_table(load) == {("c1", "chat", "2025-06"): (1, 0.0004, 100, 50)}


def test_rows_with_tokens_and_no_model_say_what_is_missing(tmp_path: Path) -> None:
    row = {
        "request_created_at": "2025-06-02T14:03:11.250Z",
        "request_user_id": "c1",
        "request_properties": {"feature": "chat"},
        "response_status": 200,
        "prompt_tokens": 100,
        "completion_tokens": 50,
        "cost": 0,
    }
    path = tmp_path / "no_model.jsonl"
    path.write_text(json.dumps(row) + "\n")
    message = refused(path)
    assert "1 row with tokens names no model, so no price applies" in message
    assert "--map usage.model=COLUMN" in message
