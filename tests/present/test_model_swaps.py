"""The model swap as the Tiers & pricing page draws it: what can be picked, a picked swap's
figures and sentence in words, a refused model as a problem to show, and the swaps applied."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest
from builders import WriteParquet, revenue_frame, usage_frame

import econ
from econ.present import model_swaps as view

LEDGER = pl.DataFrame(
    {
        "customer_id": ["a", "a"],
        "feature_id": ["deep_research", "voice"],
        "model": ["o3", "whisper-x"],
        "month": [dt.date(2025, 8, 1)] * 2,
        "calls": [10, 4],
        "input_tokens": [1_000_000, None],
        "output_tokens": [100_000, None],
        "cost_usd": [2.0, 1.0],
    },
    schema_overrides={"input_tokens": pl.Int64, "output_tokens": pl.Int64},
)


@pytest.fixture
def data(write_parquet: WriteParquet) -> econ.Dataset:
    return econ.load_dataset(
        write_parquet("usage.parquet", LEDGER),
        write_parquet("revenue.parquet", revenue_frame([("a", "2025-08", 50, "Pro")])),
    )


def test_what_can_be_picked(data: econ.Dataset) -> None:
    assert view.why_not(data) is None
    assert view.swap_features(data) == ("deep_research",)  # voice logged no tokens
    models = view.swap_models(data)
    assert models[0] == "o3"  # the data's own priced model first; whisper-x has no price
    assert "whisper-x" not in models
    assert view.swap_models(data, "gpt-4o")[:2] == ("gpt-4o", "o3")
    assert view.swap_models(data, "anthropic/claude-3-5-haiku")[0] == "anthropic/claude-3-5-haiku"


def test_a_picked_swap_in_words(data: econ.Dataset) -> None:
    panel = view.swap_panel(data, "deep_research", "gpt-4o-mini", None)
    # gpt-4o-mini in August 2025: $0.15 a million input tokens, $0.60 output
    assert panel.swap is not None and panel.problem is None
    assert (panel.recorded, panel.repriced) == ("$2.00", "$0.21")
    assert panel.factor == f"{0.21 / 2.0:.3g}" == "0.105"
    assert panel.applies
    assert panel.sentence.startswith("Deep research's 10 calls with tokens cost $2.00 on o3")


def test_a_model_without_a_price_is_a_problem_to_show(data: econ.Dataset) -> None:
    panel = view.swap_panel(data, "deep_research", "no-such-model-9000", None)
    assert panel.swap is None and not panel.applies
    assert panel.problem is not None and "never priced at $0" in panel.problem
    assert (panel.recorded, panel.repriced, panel.factor) == ("—", "—", "—")


def test_data_with_nothing_to_re_price_says_why() -> None:
    flat = econ.load_dataset(
        usage_frame([("a", "chat", "2026-01", 3, 1.5)]),
        revenue_frame([("a", "2026-01", 20, "Pro")]),
    )
    assert view.why_not(flat) == (
        "No swap can be priced here: the ledger names no model and logs no tokens: there is "
        "nothing to re-price."
    )
    old = dataclasses.replace(flat, model_usage=None)
    assert view.why_not(old) is not None
    assert "reload the ledger to re-price its models" in (view.why_not(old) or "")


def test_the_swaps_the_simulation_applied(data: econ.Dataset) -> None:
    book = econ.PriceBook(
        model_swaps={"deep_research": "gpt-4o-mini", "voice": "gpt-4o-mini"},
        cost_multipliers={"voice": 0.5},
    )
    report = econ.analyze_dataset(data, econ.Scenario(price_book=book))
    lines = view.applied_lines(econ.simulate(report, model_usage=data.model_usage))
    assert lines == [
        "Deep research → gpt-4o-mini: cost × 0.105, derived from its tokens",
        "Voice → gpt-4o-mini: no derived multiplier (none of the feature's 4 calls logged tokens "
        "(models: whisper-x): there is nothing to re-price); its typed cost factor, if any, "
        "applies",
    ]
