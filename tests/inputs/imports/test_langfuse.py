"""Langfuse: every shape its UI and blob exports take reads to the truth, call by call."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest
from fixtures.imports import truth
from import_support import (
    FIXTURES,
    OVERRIDES,
    PRICED,
    assert_same,
    expected_table,
    notes_of,
    refused,
    usage_table,
    warnings_of,
)

import econ
from econ.inputs import imports

EXPORTS = [
    "langfuse_ui_observations.csv",  # every field quoted, dates with their quotes
    "langfuse_ui_observations.json",  # one line, the default filter: no spans
    "langfuse_ui_observations.jsonl",
    "langfuse_ui_events.jsonl",  # the v4 events table: providedModelName, tags, "" user ids
    "langfuse_blob_events.csv",
    "langfuse_blob_events.jsonl",
    "langfuse_blob_events.parquet",  # maps as parquet MAPs, decimals, timestamps
]
SEEN = [call for call in truth.CALLS if truth.seen_by_observability(call)]


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_reads_to_the_truth(name: str) -> None:
    load = econ.load_usage(FIXTURES / name, spec=PRICED)
    assert load.format == "langfuse"
    assert_same(usage_table(load), expected_table(truth.expected_usage(SEEN)))


@pytest.mark.parametrize("name", EXPORTS)
def test_what_was_read_specially_is_said(name: str) -> None:
    load = econ.load_usage(FIXTURES / name, spec=PRICED)
    notes, warnings = notes_of(load), warnings_of(load)
    research = sum(1 for call in SEEN if call.feature == "research")
    if name != "langfuse_ui_observations.json":  # the UI's default filter leaves spans out
        assert f"{len(SEEN)} spans and events skipped" in notes
        assert f"{research} agent, tool or chain steps with no cost or tokens skipped" in notes
    assert "1 observation that ended in an error (level ERROR): not counted as calls" in notes
    assert "1 generation with no cost in Langfuse" in notes
    # By hand: the fine-tune's 4,000 prompt tokens at $0.30/M and 600 output at $1.20/M.
    assert "1 row ($0.00192) priced by override" in notes
    # The two site demos: 2 × (2,500 × $0.15 + 350 × $0.60) per million.
    assert "2 rows (2 calls, $0.00117) name no customer" in warnings
    # The two untagged calls: 2 × (900 × $0.15 + 120 × $0.60) per million.
    assert "2 rows (2 calls, $0.000414) name no feature" in warnings


def test_a_gzipped_blob_export_as_langfuse_writes_it_by_default(tmp_path: Path) -> None:
    path = tmp_path / "2026-10-01T00-00-00.jsonl.gz"
    path.write_bytes(gzip.compress((FIXTURES / "langfuse_blob_events.jsonl").read_bytes()))
    load = econ.load_usage(path, spec=PRICED)
    assert_same(usage_table(load), expected_table(truth.expected_usage(SEEN)))


def test_a_generation_langfuse_could_not_price_is_refused_without_a_price() -> None:
    message = refused(FIXTURES / "langfuse_ui_observations.jsonl")
    assert f"no price is known for {truth.FINE_TUNE} (1 row)" in message
    kept = econ.load_usage(
        FIXTURES / "langfuse_ui_observations.jsonl",
        options=econ.IngestOptions(on_invalid="drop"),
    )
    assert kept.unpriced_models == (truth.FINE_TUNE,)
    assert kept.dropped.height == 1


def _one_generation(tmp_path: Path, usage: dict[str, int], costs: dict[str, float]) -> Path:
    row = {
        "id": "obs-1",
        "traceId": "trace-1",
        "startTime": "2026-03-31T23:59:59.999Z",
        "type": "GENERATION",
        "level": "DEFAULT",
        "model": "house-model",
        "usageDetails": usage,
        "costDetails": costs,
        "totalCost": costs.get("total", 0),
        "traceTags": ["feature:chat"],
        "userId": "c1",
    }
    path = tmp_path / "lf.jsonl"
    path.write_text(json.dumps(row) + "\n")
    return path


def test_cached_and_reasoning_tokens_are_added_back_not_taken_off_again(tmp_path: Path) -> None:
    # Langfuse stores input without its cached tokens and output without reasoning tokens.
    usage = {"input": 100, "input_cached_tokens": 50, "output": 20, "output_reasoning_tokens": 30}
    path = _one_generation(tmp_path, usage, {})
    price = econ.ModelPrice(input_per_mtok=2.0, output_per_mtok=8.0, cached_input_per_mtok=0.5)
    load = econ.load_usage(path, spec=econ.ImportSpec(price_overrides={"house-model": price}))
    (row,) = load.rollup.iter_rows(named=True)
    assert (row["input_tokens"], row["cached_input_tokens"], row["output_tokens"]) == (150, 50, 50)
    # 100 fresh × $2 + 50 cached × $0.5 + 50 output × $8, per million tokens
    assert row["cost_usd"] == pytest.approx((100 * 2.0 + 50 * 0.5 + 50 * 8.0) / 1e6)
    assert f"{row['month']:%Y-%m}" == "2026-03"  # the last millisecond of March, in UTC


def test_a_logged_zero_is_zero_and_an_empty_cost_is_no_cost(tmp_path: Path) -> None:
    free = _one_generation(tmp_path, {"input": 10, "output": 5}, {"total": 0.0})
    load = econ.load_usage(free)
    assert load.rollup["cost_usd"].to_list() == [0.0]
    unpriced = _one_generation(tmp_path, {"input": 10, "output": 5}, {})
    assert "no price is known for house-model" in refused(unpriced)


def test_the_legacy_observations_table_is_refused_with_the_way_out() -> None:
    path = FIXTURES / "langfuse_blob_observations.parquet"
    assert imports.detect(
        econ.inputs.readers.read_table(path, "x").collect_schema().names(), "usage"
    ) == ("langfuse_observations")
    message = refused(path)
    assert "names no customer for its calls" in message
    assert "observations table carries no user id" in message
    assert "trace_id" in message and "--customer" in message
    # Told where the customer is, it reads; the feature comes from a stand-in, with a warning.
    load = econ.load_usage(
        path, spec=econ.ImportSpec(customer="constant:northwind", price_overrides=OVERRIDES)
    )
    assert set(load.rollup["customer_id"]) == {"northwind"}
    assert "features are taken from column:name" in warnings_of(load)


def test_sources_on_offer_and_the_defaults() -> None:
    table = econ.inputs.readers.open_table(FIXTURES / "langfuse_ui_observations.csv", "lf")
    found = imports.inspect(table.frame, "usage", hints=table.hints)
    assert (found.customer, found.feature) == ("column:user_id", "tag:feature:")
    assert {"tag:feature:", "tag:env:", "metadata:source"} <= set(found.sources)


def test_a_mapping_on_top_of_the_layout(tmp_path: Path) -> None:
    # The user's own cost column replaces Langfuse's.
    frame = pl.read_ndjson(FIXTURES / "langfuse_ui_events.jsonl")
    frame = frame.with_columns(pl.lit(0.01).alias("ourCost"))
    path = tmp_path / "events.parquet"
    frame.write_parquet(path)
    spec = econ.ImportSpec(mapping={"cost_usd": "our_cost"})
    load = econ.load_usage(path, spec=spec)
    kept = sum(1 for call in SEEN if not call.failed)
    assert load.rollup["cost_usd"].sum() == pytest.approx(0.01 * (kept + 1))
