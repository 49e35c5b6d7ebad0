"""Economic identities that must hold for any dataset and any scenario (property tests)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import datasets, scenarios

import econ
from econ.scenario.assumptions import BURDENS

pytestmark = pytest.mark.slow  # each property analyses dozens of generated datasets

PROPERTY_SETTINGS = settings(max_examples=60)  # each example analyses a generated dataset


@PROPERTY_SETTINGS
@given(datasets(), scenarios())
def test_feature_revenue_sums_to_allocated_revenue(
    data: econ.Dataset, scenario: econ.Scenario
) -> None:
    report = econ.analyze_dataset(data, scenario)
    totals = report.totals
    assert report.features["revenue_usd"].sum() == pytest.approx(totals.allocated_revenue_usd)
    assert totals.allocated_revenue_usd + totals.unallocated_revenue_usd == pytest.approx(
        totals.revenue_usd
    )
    assert totals.allocated_revenue_usd <= totals.revenue_usd + 1e-9
    assert report.features["cost_usd"].sum() == pytest.approx(totals.inference_usd)
    profit = report.features["gross_profit_usd"].sum()
    assert profit == pytest.approx(totals.allocated_revenue_usd - totals.inference_usd)


@PROPERTY_SETTINGS
@given(datasets(), scenarios())
def test_segments_recombine_to_the_blended_row(data: econ.Dataset, scenario: econ.Scenario) -> None:
    report = econ.analyze_dataset(data, scenario)
    segments = report.segments.filter(pl.col("segment") != "all")
    blended = report.segment("all")
    weights = segments["customer_months"]
    assert weights.sum() == blended["customer_months"]
    figures = ("arpa_usd", "inference_usd", *BURDENS, "gross_profit_usd")
    if blended["customer_months"] == 0:
        assert all(blended[figure] is None for figure in figures)
        return
    for figure in figures:
        recombined = (segments[figure] * weights).sum() / weights.sum()
        assert recombined == pytest.approx(blended[figure], abs=1e-9), figure
    assert blended["revenue_usd"] == pytest.approx(report.totals.revenue_usd)
    if scenario.segment_by == "usage_tier":
        assert segments["customers"].sum() == blended["customers"]  # a customer has one tier


@PROPERTY_SETTINGS
@given(datasets(), st.sampled_from(["usage_tier", "plan", "region"]))
def test_ltv_scales_as_one_over_churn(data: econ.Dataset, segment_by: str) -> None:
    base = econ.analyze_dataset(data, econ.Scenario(segment_by=segment_by, churn=0.02))
    doubled = econ.analyze_dataset(data, econ.Scenario(segment_by=segment_by, churn=0.04))
    for name in ("ltv_revenue_usd", "ltv_traditional_usd", "ltv_compute_adjusted_usd"):
        for before, after in zip(base.segments[name], doubled.segments[name], strict=True):
            if before is None:  # no customer-months: undefined either way
                assert after is None
            else:
                assert after == pytest.approx(before / 2)


@PROPERTY_SETTINGS
@given(datasets(), scenarios())
def test_no_nan_or_infinity_anywhere(data: econ.Dataset, scenario: econ.Scenario) -> None:
    report = econ.analyze_dataset(data, scenario)
    for frame in (report.segments, report.features):
        for column in frame.select(pl.col(pl.Float64)).iter_columns():
            assert not column.is_nan().any(), column.name
            assert not column.is_infinite().any(), column.name
    report.to_json()  # refuses NaN and infinity


@PROPERTY_SETTINGS
@given(datasets(), st.sampled_from(["usage_tier", "plan", "region"]))
def test_estimated_churn_blends_by_revenue_at_risk(data: econ.Dataset, segment_by: str) -> None:
    report = econ.analyze_dataset(data, econ.Scenario(segment_by=segment_by))
    frame = report.customer_months.frame
    at_risk = frame.filter("at_risk").group_by("segment").agg(pl.col("mrr_usd").sum())
    churn = dict(report.segments.select("segment", "churn").iter_rows())
    total = at_risk["mrr_usd"].sum()
    if total == 0:
        assert churn["all"] is None
        return
    blended = sum(churn[seg] * mrr for seg, mrr in at_risk.iter_rows()) / total
    assert blended == pytest.approx(churn["all"])
