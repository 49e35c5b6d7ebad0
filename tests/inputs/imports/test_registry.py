"""Telling which layout a file is, and what a file that is none of them lacks."""

from __future__ import annotations

import pytest
from import_support import FIXTURES

from econ.inputs import imports
from econ.inputs.readers import read_table

USAGE = {
    "langfuse_ui_observations.csv": "langfuse",
    "langfuse_ui_observations.json": "langfuse",
    "langfuse_ui_observations.jsonl": "langfuse",
    "langfuse_ui_events.jsonl": "langfuse",
    "langfuse_blob_events.csv": "langfuse",
    "langfuse_blob_events.jsonl": "langfuse",
    "langfuse_blob_events.parquet": "langfuse",
    "langfuse_blob_observations.parquet": "langfuse_observations",
    "litellm_spend_logs.csv": "litellm",
    "litellm_spend_logs_api.json": "litellm",
    "litellm_spend_logs_v2.json": "litellm",
    "litellm_daily_tag_spend.csv": "litellm_daily",
    "litellm_daily_end_user_spend.csv": "litellm_daily",
    "openai_usage_completions_page1.json": "openai",
    "openai_usage_ungrouped.json": "openai",
    "helicone_export.jsonl": "helicone",
    "helicone_export.json": "helicone",
    "helicone_export.csv": "helicone",
}
REVENUE = {
    "stripe_invoices_acacia.json": "stripe_invoices",
    "stripe_invoices_basil.json": "stripe_invoices",
    "stripe_invoice_lines_only.json": "stripe_invoices",
    "stripe_subscriptions.json": "stripe_subscriptions",
    "stripe_dashboard_subscriptions.csv": "stripe_dashboard",
    "baremetrics_subscriptions.csv": "baremetrics",
    "subscriptions_table.csv": "subscriptions",
    "chartmogul_invoices.json": "chartmogul",
}


@pytest.mark.parametrize(("name", "layout"), [*USAGE.items(), *REVENUE.items()])
def test_every_fixture_is_detected(name: str, layout: str) -> None:
    side = "usage" if name in USAGE else "revenue"
    columns = read_table(FIXTURES / name, name).collect_schema().names()
    assert imports.detect(columns, side) == layout


def test_every_fixture_is_tested() -> None:
    data = {
        p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".json", ".jsonl", ".parquet")
    }
    assert data - {f"openai_usage_completions_page{n}.json" for n in (2, 3)} == set(USAGE) | set(
        REVENUE
    )


def test_the_closest_layouts_and_what_each_lacks() -> None:
    # A Langfuse events export without its cost and usage columns.
    near = imports.closest(["trace_id", "start_time", "user_id", "name"], "usage")
    assert near.startswith("It is no export econ knows; the closest: Langfuse observations")
    assert "(langfuse; lacks usage_details)" in near and "--usage-format" in near
    assert imports.closest(["a", "b"], "usage") == "It matches no export econ knows."


def test_every_layout_cites_its_source_and_reads_its_side() -> None:
    for layout in imports.LAYOUTS:
        assert layout.truth and layout.signatures
        reader = layout.read_usage if layout.side == "usage" else layout.read_revenue
        assert reader is not None, layout.id
