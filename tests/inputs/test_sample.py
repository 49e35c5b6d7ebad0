"""The bundled sample data tells the story the README promises, and its generator is exact."""

from __future__ import annotations

import hashlib
import runpy
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from locations import ROOT

import econ
from econ.model.customer_months import build_customer_months

GENERATOR = ROOT / "sample_data" / "generate.py"


@pytest.fixture(scope="module")
def generator() -> dict[str, Any]:
    return runpy.run_path(str(GENERATOR))


@pytest.fixture(scope="module")
def report(sample_dataset: econ.Dataset) -> econ.Report:
    return econ.analyze_dataset(sample_dataset, econ.sample_scenario())


def test_shape_of_the_dataset(sample_dataset: econ.Dataset) -> None:
    revenue = sample_dataset.revenue
    assert 12 <= revenue["month"].n_unique() <= 18
    assert 1500 <= revenue["customer_id"].n_unique() <= 5000
    assert sorted(revenue["plan"].unique()) == ["Business", "Pro", "Starter"]
    assert {"company_size", "channel"} <= set(sample_dataset.segment_columns)
    assert 6 <= sample_dataset.usage["feature_id"].n_unique() <= 8
    usage_path, revenue_path = econ.sample_paths()
    assert usage_path.stat().st_size + revenue_path.stat().st_size < 5_000_000


def test_usage_is_heavy_tailed(report: econ.Report) -> None:
    per_customer = report.customer_months.frame.group_by("customer_id").agg(
        pl.col("inference_usd").mean()
    )["inference_usd"]
    median = per_customer.median()
    assert median is not None
    assert per_customer.quantile(0.99) / median > 20  # type: ignore[operator]


def test_costs_per_call_span_orders_of_magnitude(report: econ.Report) -> None:
    costs = report.features["cost_per_call_usd"]
    assert costs.max() / costs.min() > 100  # type: ignore[operator]


def test_one_feature_loses_money_on_the_cheapest_plan(sample_dataset: econ.Dataset) -> None:
    scenario = econ.sample_scenario()
    by_plan, _ = econ.feature_table(
        build_customer_months(sample_dataset, scenario), scenario, by=["plan"]
    )
    starter = by_plan.filter(pl.col("plan") == "Starter")
    business = by_plan.filter(pl.col("plan") == "Business")
    losers = starter.filter(pl.col("gross_profit_usd") < 0)["feature_id"].to_list()
    assert "deep_research" in losers
    deep_on_business = business.filter(pl.col("feature_id") == "deep_research")
    assert deep_on_business["gross_profit_usd"].item() > 0


def test_trials_churn_and_upgrades(sample_dataset: econ.Dataset, report: econ.Report) -> None:
    assert report.totals.unbilled_inference_usd > 0  # free-trial usage before the first payment
    churn = report.segment("all")["churn"]
    assert churn is not None and 0.01 < churn < 0.05
    plans = (
        sample_dataset.revenue.sort("month")
        .group_by("customer_id")
        .agg(pl.col("plan").first().alias("first"), pl.col("plan").last().alias("last"))
    )
    upgrades = plans.filter(pl.col("first") != pl.col("last")).height
    assert upgrades > 20


def test_some_customers_lose_money(report: econ.Report) -> None:
    frame = report.customer_months.frame
    gross_profit = frame.group_by("customer_id").agg(
        (pl.col("mrr_usd") - pl.col("inference_usd")).sum().alias("profit")
    )
    losers = gross_profit.filter(pl.col("profit") < 0).height
    assert 10 < losers < 0.2 * gross_profit.height


def test_power_users_have_the_thinnest_margin(report: econ.Report) -> None:
    margins = {tier: report.segment(tier)["gross_margin"] for tier in ("light", "core", "power")}
    assert margins["power"] < margins["core"] < margins["light"]


def test_generator_is_deterministic_and_matches_the_committed_files(
    generator: dict[str, Any], tmp_path: Path
) -> None:
    generator["generate"](
        tmp_path, customers=2000, months=15, calls=None, files=1, seed=generator["SEED"]
    )
    for name in ("usage.parquet", "revenue.parquet"):
        committed = econ.sample_paths()[0].parent / name
        assert (
            hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
            == hashlib.sha256(committed.read_bytes()).hexdigest()
        ), f"{name} differs: run `make sample` and commit"


def test_generator_writes_by_default_where_the_package_reads(generator: dict[str, Any]) -> None:
    usage, revenue = econ.sample_paths()
    assert generator["PACKAGED"] == usage.parent == revenue.parent


def test_generator_writes_per_call_ledgers_in_parts(
    generator: dict[str, Any], tmp_path: Path
) -> None:
    counts = generator["generate"](tmp_path, customers=60, months=4, calls=20_000, files=2, seed=1)
    parts = sorted((tmp_path / "usage").glob("part-*.parquet"))
    assert len(parts) == 2
    ledger = pl.read_parquet(parts)
    assert ledger.height == counts["usage_rows"]
    assert 18_000 < ledger.height < 22_000  # about the number asked for
    assert "timestamp" in ledger.columns and "calls" not in ledger.columns
    data = econ.load_dataset(pl.scan_parquet(parts), tmp_path / "revenue.parquet")
    assert data.usage["calls"].sum() == ledger.height
