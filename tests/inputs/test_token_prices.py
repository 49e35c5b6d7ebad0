"""Cost from tokens: the maintained price table, overrides, cached tokens, unknown models."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import econ
from econ.inputs.token_prices import package_rates, rates_table


def ledger(model: str, *, cost: float | None = None, cached: int = 0) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["c1"],
            "feature_id": ["chat"],
            "timestamp": [dt.datetime(2026, 3, 5, 12)],
            "model": [model],
            "input_tokens": [1_000_000],
            "cached_input_tokens": [cached],
            "output_tokens": [100_000],
            "cost_usd": pl.Series([cost], dtype=pl.Float64),
        }
    )


def test_package_rates_for_a_known_model() -> None:
    rates = package_rates("gpt-4o", dt.date(2026, 3, 5))
    assert rates is not None
    assert rates.input * 1e6 == pytest.approx(2.5)
    assert rates.output * 1e6 == pytest.approx(10.0)
    assert rates.cached_input < rates.input
    assert package_rates("openai/gpt-4o", dt.date(2026, 3, 5)) == rates  # provider prefixes work
    assert package_rates("no-such-model-anywhere", dt.date(2026, 3, 5)) is None


def test_rows_without_cost_are_priced_and_cached_tokens_cost_less() -> None:
    plain = econ.load_usage(ledger("gpt-4o")).rollup["cost_usd"].item()
    assert plain == pytest.approx(2.5 + 1.0)  # 1M input at $2.50, 100k output at $10/M
    cached = econ.load_usage(ledger("gpt-4o", cached=400_000)).rollup["cost_usd"].item()
    assert cached == pytest.approx(0.6 * 2.5 + 0.4 * 1.25 + 1.0)


def test_a_logged_cost_is_kept() -> None:
    load = econ.load_usage(ledger("gpt-4o", cost=9.99))
    assert load.rollup["cost_usd"].item() == 9.99
    assert load.pricing["priced_by"].to_list() == ["given"]


def test_overrides_win_over_the_package() -> None:
    spec = econ.ImportSpec(
        price_overrides={"gpt-4o": econ.ModelPrice(1.0, 4.0, cached_input_per_mtok=0.5)}
    )
    load = econ.load_usage(ledger("gpt-4o", cached=500_000), spec=spec)
    assert load.rollup["cost_usd"].item() == pytest.approx(0.5 * 1.0 + 0.5 * 0.5 + 0.4)
    assert load.pricing["priced_by"].to_list() == ["override"]


def test_self_hosted_models_need_an_override() -> None:
    with pytest.raises(econ.InputError) as error:
        econ.load_usage(ledger("our-llama-70b"))
    (problem,) = error.value.problems
    assert problem.values == ("our-llama-70b",)
    assert "no price is known for our-llama-70b (1 row)" in problem.rule
    spec = econ.ImportSpec(price_overrides={"our-llama-70b": econ.ModelPrice(0.2, 0.2)})
    assert econ.load_usage(ledger("our-llama-70b"), spec=spec).rollup["cost_usd"].item() == (
        pytest.approx(0.22)
    )


def test_unknown_models_are_dropped_not_zeroed_when_keeping_usable_rows() -> None:
    mixed = pl.concat([ledger("gpt-4o"), ledger("our-llama-70b")])
    load = econ.load_usage(mixed, options=econ.IngestOptions(on_invalid="drop"))
    assert load.rows_read == 1
    assert load.unpriced_models == ("our-llama-70b",)
    assert load.dropped["row"].to_list() == [2]


def test_rates_apply_per_month_unless_the_price_changed() -> None:
    days = pl.DataFrame(
        {"model": ["gpt-4o"] * 3, "_day": [dt.date(2026, 3, d) for d in (1, 15, 31)]}
    )
    table = rates_table(days, {})
    assert table["_input_rate"].n_unique() == 1
    assert table["priced_by"].unique().to_list() == ["genai-prices"]


def test_model_price_needs_input_and_output() -> None:
    with pytest.raises(econ.ScenarioError, match="needs input_per_mtok and output_per_mtok"):
        econ.ModelPrice.from_dict({"input_per_mtok": 1}, "prices['x']")
