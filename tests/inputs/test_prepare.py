"""Stage 2 works from tables prepared once per dataset; it must give what the plain joins of the
ledger rollup and the revenue table give, for any dataset and scenario."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import MONTHS, datasets, scenarios

import econ
from econ import schema as s
from econ.model.customer_months import (
    CELL_COLUMNS,
    TIER_CORE,
    TIER_LIGHT,
    TIER_POWER,
    cells_of,
    resolve_window,
)

SETTINGS = settings(max_examples=80)


@st.composite
def windows(draw: st.DrawFn) -> tuple[str, str] | None:
    if draw(st.booleans()):
        return None
    first, last = sorted(draw(st.lists(st.sampled_from(MONTHS), min_size=2, max_size=2)))
    return f"{first:%Y-%m}", f"{last:%Y-%m}"


def plain_customer_months(data: econ.Dataset, scenario: econ.Scenario) -> dict[str, object]:
    """The customer-months as the definitions say, by joining the rollup to the revenue table."""
    window = resolve_window(data.prepared.months, scenario.months)
    in_window = pl.col(s.MONTH).is_between(window.first, window.last)
    prices = dict(scenario.prices)
    revenue = data.revenue.with_columns(
        pl.coalesce(
            pl.col(s.PLAN).replace_strict(prices, default=None, return_dtype=pl.Float64),
            pl.col(s.MRR_USD),
        ).alias(s.MRR_USD)
    ).filter(in_window)
    active = revenue.filter(pl.col(s.MRR_USD) > 0)
    active = active.with_columns(_plain_counted(active, scenario).alias("counted"))
    usage = data.usage.filter(in_window)
    per_cm = usage.group_by(s.CUSTOMER_ID, s.MONTH).agg(
        pl.col(s.CALLS).sum().alias("cm_calls"), pl.col(s.COST_USD).sum().alias("inference")
    )
    frame = active.join(per_cm, on=[s.CUSTOMER_ID, s.MONTH], how="left").with_columns(
        pl.col("cm_calls").fill_null(0), pl.col("inference").fill_null(0.0)
    )
    following = frame.select(
        s.CUSTOMER_ID, pl.col(s.MONTH).dt.offset_by("-1mo"), pl.lit(True).alias("stays")
    )
    at_risk = pl.col(s.MONTH) < window.last
    frame = (
        frame.join(following, on=[s.CUSTOMER_ID, s.MONTH], how="left")
        .with_columns(
            at_risk.alias("at_risk"), (at_risk & pl.col("stays").is_null()).alias("churned")
        )
        .sort(s.CUSTOMER_ID, s.MONTH)
    )
    unbilled = per_cm.join(active, on=[s.CUSTOMER_ID, s.MONTH], how="anti")
    cells = (
        usage.join(
            frame.select(s.CUSTOMER_ID, s.MONTH, s.PLAN, "counted", "cm_calls"),
            on=[s.CUSTOMER_ID, s.MONTH],
        )
        .with_columns(
            pl.when(pl.col("cm_calls") > 0)
            .then(pl.col("counted") * pl.col(s.CALLS) / pl.col("cm_calls"))
            .otherwise(0.0)
            .alias("allocated")
        )
        .group_by(s.PLAN, s.MONTH, s.FEATURE_ID)
        .agg(pl.col(s.CALLS).sum(), pl.col(s.COST_USD).sum(), pl.col("allocated").sum())
        .sort(s.PLAN, s.MONTH, s.FEATURE_ID)
    )
    return {
        "frame": frame,
        "unbilled_calls": int(unbilled["cm_calls"].sum()),
        "unbilled_usd": float(unbilled["inference"].sum()),
        "cells": cells,
    }


def _plain_counted(active: pl.DataFrame, scenario: econ.Scenario) -> pl.Series:
    """Each active customer-month's AI revenue as article 001's buckets define it, worked out
    row by row: all of the MRR, the direct column at most the MRR, or the AI plan's uplift over
    its base (list prices: the scenario's, else the most common MRR, the higher on a tie) at
    most the MRR."""
    ai_revenue = scenario.ai_revenue
    mrr = active[s.MRR_USD].to_list()
    if ai_revenue.basis == "all":
        return pl.Series(mrr, dtype=pl.Float64)
    if ai_revenue.basis == "direct":
        direct = active[s.AI_REVENUE_USD].fill_null(0.0).to_list()
        return pl.Series([min(a, b) for a, b in zip(direct, mrr, strict=True)], dtype=pl.Float64)
    counts: dict[str, dict[float, int]] = {}
    for plan, value in active.select(s.PLAN, s.MRR_USD).iter_rows():
        counts.setdefault(plan, {}).setdefault(value, 0)
        counts[plan][value] += 1
    prices = {plan: max(seen, key=lambda v: (seen[v], v)) for plan, seen in counts.items()}
    prices |= {plan: price for plan, price in scenario.prices.items() if plan in prices}
    uplift: dict[str, float] = {}
    for plan, base in ai_revenue.uplift_over.items():
        if plan in prices and base in prices and prices[plan] > prices[base]:
            uplift[plan] = prices[plan] - prices[base]
    uplift |= dict(ai_revenue.uplift_usd)
    plans = active[s.PLAN].to_list()
    return pl.Series(
        [min(uplift.get(plan, 0.0), value) for plan, value in zip(plans, mrr, strict=True)],
        dtype=pl.Float64,
    )


def plain_tiers(frame: pl.DataFrame, percentiles: tuple[float, float]) -> dict[str, str]:
    means = frame.group_by(s.CUSTOMER_ID).agg(pl.col("inference").mean())
    low, high = (means["inference"].quantile(p / 100, interpolation="linear") for p in percentiles)
    assert low is not None and high is not None
    return {
        customer: TIER_LIGHT if spend < low else TIER_CORE if spend < high else TIER_POWER
        for customer, spend in means.iter_rows()
    }


@pytest.mark.slow
@SETTINGS
@given(datasets(), scenarios(), windows())
def test_customer_months_match_the_plain_joins(
    data: econ.Dataset, scenario: econ.Scenario, months: tuple[str, str] | None
) -> None:
    scenario = scenario.replace(months=months)
    cms = econ.build_customer_months(data, scenario)
    plain = plain_customer_months(data, scenario)
    expected = plain["frame"]
    assert isinstance(expected, pl.DataFrame)
    got = cms.frame
    assert (
        got.select(s.CUSTOMER_ID, s.MONTH).rows() == expected.select(s.CUSTOMER_ID, s.MONTH).rows()
    )
    assert got[s.MRR_USD].to_list() == pytest.approx(expected[s.MRR_USD].to_list())
    assert got["counted_revenue_usd"].to_list() == pytest.approx(expected["counted"].to_list())
    assert got[s.CALLS].to_list() == expected["cm_calls"].to_list()
    assert got["inference_usd"].to_list() == pytest.approx(expected["inference"].to_list())
    assert got["at_risk"].to_list() == expected["at_risk"].to_list()
    assert got["churned"].to_list() == expected["churned"].to_list()
    assert cms.unbilled_calls == plain["unbilled_calls"]
    assert cms.unbilled_inference_usd == pytest.approx(plain["unbilled_usd"])
    if scenario.segment_by == s.USAGE_TIER and got.height:
        tiers = plain_tiers(expected, scenario.usage_tier_percentiles)
        for customer, segment in got.select(s.CUSTOMER_ID, "segment").iter_rows():
            assert segment == tiers[customer]


@pytest.mark.slow
@SETTINGS
@given(datasets(), scenarios(), windows())
def test_prepared_cells_match_the_usage_rows(
    data: econ.Dataset, scenario: econ.Scenario, months: tuple[str, str] | None
) -> None:
    scenario = scenario.replace(months=months)
    cms = econ.build_customer_months(data, scenario)
    from_usage = cells_of(cms.usage, [s.PLAN, s.MONTH])
    prepared = cms.cells
    assert prepared.columns == list(CELL_COLUMNS)
    assert (
        prepared.select(s.PLAN, s.MONTH, s.FEATURE_ID).rows()
        == from_usage.select(s.PLAN, s.MONTH, s.FEATURE_ID).rows()
    )
    assert prepared[s.CALLS].to_list() == from_usage[s.CALLS].to_list()
    for column in (s.COST_USD, "usage_revenue_usd"):
        assert prepared[column].to_list() == pytest.approx(from_usage[column].to_list())
    plain = plain_customer_months(data, scenario)["cells"]
    assert isinstance(plain, pl.DataFrame)
    assert prepared["usage_revenue_usd"].to_list() == pytest.approx(plain["allocated"].to_list())


@pytest.mark.slow
@SETTINGS
@given(datasets(), scenarios())
def test_feature_tables_by_plan_and_month_agree_with_the_usage_rows(
    data: econ.Dataset, scenario: econ.Scenario
) -> None:
    """Grouping by plan or month sums prepared cells; any other grouping the usage rows: the
    two must agree where both apply (all customer-months, summed)."""
    cms = econ.build_customer_months(data, scenario)
    for by in ([s.PLAN], [s.MONTH]):
        table, _ = econ.feature_table(cms, scenario, by=by)
        for column in ("revenue_usd", "cost_usd"):
            whole, _ = econ.feature_table(cms, scenario)
            assert table[column].sum() == pytest.approx(whole[column].sum())
    by_segment, _ = econ.feature_table(cms, scenario, by=["segment"])
    whole, _ = econ.feature_table(cms, scenario)
    assert by_segment["revenue_usd"].sum() == pytest.approx(whole["revenue_usd"].sum())


class TestShaping:
    def test_only_window_prices_segments_and_burdens_shape_customer_months(self) -> None:
        scenario = econ.sample_scenario()
        shaped = econ.shaping(scenario)
        assert shaped.cogs == scenario.cogs
        assert shaped.segment_by == scenario.segment_by
        for other in (
            scenario.replace(churn=0.05),
            scenario.replace(cac_usd=900.0),
            scenario.replace(allocation=econ.Allocation("custom", {"autocomplete": 1.0})),
            scenario.replace(feature_categories={"autocomplete": "premium"}),
        ):
            assert econ.shaping(other) == shaped
        for other in (
            scenario.replace(prices={"Pro": 249.0}),
            scenario.replace(months=("2026-01", "2026-06")),
            scenario.replace(segment_by="plan"),
            scenario.replace(cogs=econ.Cogs(support_usd=9.0)),
        ):
            assert econ.shaping(other) != shaped

    def test_reusing_customer_months_gives_the_same_report(
        self, sample_dataset: econ.Dataset
    ) -> None:
        base = econ.sample_scenario()
        cms = econ.build_customer_months(sample_dataset, base)
        changed = base.replace(churn=0.04, cac_usd=2500.0)
        reused = econ.analyze_customer_months(cms, changed)
        fresh = econ.analyze_dataset(sample_dataset, changed)
        assert reused.to_dict() == fresh.to_dict()

    def test_customer_months_of_another_shape_are_refused(
        self, sample_dataset: econ.Dataset
    ) -> None:
        cms = econ.build_customer_months(sample_dataset, econ.sample_scenario())
        with pytest.raises(ValueError, match="another window, prices"):
            econ.analyze_customer_months(cms, econ.sample_scenario().replace(prices={"Pro": 1.0}))


def test_prepared_tables_describe_the_revenue_rows(sample_dataset: econ.Dataset) -> None:
    prepared = sample_dataset.prepared
    revenue = sample_dataset.revenue
    assert prepared.revenue_usage.height == revenue.height
    assert prepared.segment_values.height == revenue.height
    assert prepared.months == (revenue[s.MONTH].min(), revenue[s.MONTH].max())
    assert prepared.plans == tuple(sorted(revenue[s.PLAN].unique().to_list()))
    # Every ledger call is either in a revenue row's customer-month or unbilled.
    calls = prepared.revenue_usage["_cm_calls"].sum() + prepared.unbilled[s.CALLS].sum()
    assert calls == sample_dataset.usage[s.CALLS].sum()
    codes = prepared.revenue_usage["_customer_code"]
    assert codes.is_sorted()
    assert codes.n_unique() == revenue[s.CUSTOMER_ID].n_unique()
    assert isinstance(prepared.months[0], dt.date)
