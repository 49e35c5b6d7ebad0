"""The compute spiral as a trend (reference article 000): on a synthetic year where one feature's
cost per customer-month grows 8% a month from July against flat revenue (a spiral, started in
July, growth and margins by hand) and one where cost and revenue grow alike (none); the N-month
control; the Summary's finding on the first and not on the second; the sample and the first
small upload."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from hypothesis import given, settings
from strategies import datasets

import econ
from econ import measures as m
from econ.errors import ScenarioError
from econ.present import findings
from econ.present.spiral import TRENDS_SCHEMA, SpiralTrends, cohort_of, spiral_trends
from econ.scenario.assumptions import Retention
from econ.scenario.link import decode_scenario, encode_scenario

MONTHS = [f"2026-{n:02d}" for n in range(1, 13)]
JULY = dt.date(2026, 7, 1)


def ledger(*, revenue_grows: bool, scenario: econ.Scenario | None = None) -> econ.Report:
    """Two customers for a year, each using research and chat 5 calls a month (so each feature
    is allocated half of the MRR). Research costs $10 a customer-month until June, then
    10 × 1.08^k in month 6 + k; chat $5 throughout. MRR is $100 a customer, flat, or (with
    ``revenue_grows``) 100 × 1.08^k from July too."""
    revenue, usage = [], []
    for index, month in enumerate(MONTHS, start=1):
        k = max(0, index - 6)
        mrr = 100.0 * 1.08**k if revenue_grows else 100.0
        for customer in ("a", "b"):
            revenue.append((customer, month, mrr, "Pro"))
            usage.append((customer, "research", month, 5, 10.0 * 1.08**k))
            usage.append((customer, "chat", month, 5, 5.0))
    data = econ.load_dataset(usage_frame(usage), revenue_frame(revenue))
    return econ.analyze_dataset(data, scenario or econ.Scenario())


@pytest.fixture(scope="module")
def spiralling() -> econ.Report:
    return ledger(revenue_grows=False)


@pytest.fixture(scope="module")
def alike() -> econ.Report:
    return ledger(revenue_grows=True)


def row(trends: SpiralTrends, key: str) -> dict[str, object]:
    return trends.trends.filter(pl.col("key") == key).row(0, named=True)


class TestEightPercentAgainstFlatRevenue:
    def test_detected_with_its_start(self, spiralling: econ.Report) -> None:
        trends = spiral_trends(spiralling)
        assert trends.months == 6
        research = row(trends, "research")
        assert research["spiral"] is True
        assert research["started"] == JULY
        # July to December: 10 × 1.08^1 … 10 × 1.08^6 a customer-month, exactly log-linear.
        assert research["cost_growth"] == pytest.approx(0.08)
        assert research["revenue_growth"] == pytest.approx(0.0, abs=1e-12)
        assert research["growth_gap"] == pytest.approx(0.08)
        assert research["months_fitted"] == 6
        assert research["cost_per_customer_month_usd"] == pytest.approx(10 * 1.08**6)
        assert research["revenue_per_customer_month_usd"] == pytest.approx(50.0)

    def test_margins_by_hand(self, spiralling: econ.Report) -> None:
        research = row(spiral_trends(spiralling), "research")
        # Revenue $50 a customer-month; cost 10 × 1.08^6 now, × 1.08^6 and × 1.08^12 ahead.
        assert research["margin_now"] == pytest.approx(1 - 10 * 1.08**6 / 50)
        assert research["margin_6"] == pytest.approx(1 - 10 * 1.08**12 / 50)
        assert research["margin_12"] == pytest.approx(1 - 10 * 1.08**18 / 50)
        # Two customer-months in December, each $10 × 1.08^6 × (1.08^6 − 1) more cost.
        assert research["at_stake_usd"] == pytest.approx(2 * 10 * 1.08**6 * (1.08**6 - 1))

    def test_the_flat_feature_is_not(self, spiralling: econ.Report) -> None:
        chat = row(spiral_trends(spiralling), "chat")
        assert chat["spiral"] is False
        assert chat["cost_growth"] == pytest.approx(0.0, abs=1e-12)
        assert chat["started"] is None
        assert chat["at_stake_usd"] is None
        assert chat["margin_6"] == pytest.approx(0.9)

    def test_the_cohort(self, spiralling: econ.Report) -> None:
        cohort = row(spiral_trends(spiralling), "2026-Q1")
        assert cohort["name"] == "Customers acquired 2026-Q1"
        assert cohort["spiral"] is True
        assert cohort["started"] == JULY
        assert cohort["customer_months"] == 2

    def test_the_sentence(self, spiralling: econ.Report) -> None:
        (first, *_) = spiral_trends(spiralling).sentences()
        assert first == (
            "Research: cost per customer-month +8.0% a month against revenue flat since 2026-07; "
            "its margin heads from 68% to 50% in 6 months and 20% in 12"
        )

    def test_a_longer_window_fits_the_flat_half_too(self, spiralling: econ.Report) -> None:
        research = row(spiral_trends(spiralling, months=12), "research")
        assert 0 < research["cost_growth"] < 0.08
        assert research["spiral"] is True
        assert research["started"] == JULY
        assert research["months_fitted"] == 12

    def test_the_scenario_sets_the_window(self, spiralling: econ.Report) -> None:
        scenario = econ.Scenario().replace(retention=Retention(trend_months=12))
        report = ledger(revenue_grows=False, scenario=scenario)
        assert spiral_trends(report).trends.equals(spiral_trends(spiralling, 12).trends)

    def test_the_summary_finding(self, spiralling: econ.Report) -> None:
        (found,) = findings.compute_spiral(spiralling)
        assert found.page == "company-by-month"
        assert found.page_title == "Company by month"
        assert found.impact_usd == pytest.approx(2 * 10 * 1.08**6 * (1.08**6 - 1))
        assert found.headline.startswith("Research: cost per customer-month +8.0% a month")
        assert "$18.63 a month less gross profit in 6 months" in found.headline


class TestCostAndRevenueAlike:
    def test_not_detected(self, alike: econ.Report) -> None:
        trends = spiral_trends(alike)
        research = row(trends, "research")
        assert research["cost_growth"] == pytest.approx(0.08)
        assert research["revenue_growth"] == pytest.approx(0.08)
        assert research["margin_now"] == pytest.approx(research["margin_12"])
        assert trends.spirals.is_empty()
        assert trends.sentences() == ()

    def test_no_summary_finding(self, alike: econ.Report) -> None:
        assert findings.compute_spiral(alike) == []


def test_the_schema_and_json(spiralling: econ.Report) -> None:
    trends = spiral_trends(spiralling)
    assert trends.trends.schema == TRENDS_SCHEMA
    assert trends.trends["group"].to_list() == ["feature", "feature", "cohort"]
    assert json.loads(json.dumps(trends.to_dict()))["months"] == 6


def test_cohorts_are_quarters() -> None:
    assert [cohort_of(dt.date(2026, n, 1)) for n in (1, 3, 4, 12)] == [
        "2026-Q1",
        "2026-Q1",
        "2026-Q2",
        "2026-Q4",
    ]


def test_the_trend_margin_measure() -> None:
    assert m.trend_margin(10.0, 50.0, 0.08, 0.0, 0) == pytest.approx(0.8)
    assert m.trend_margin(10.0, 50.0, 0.1, 0.1, 12) == pytest.approx(0.8)
    assert m.trend_margin(10.0, 0.0, 0.1, 0.1, 6) is None


def test_the_control_round_trips() -> None:
    scenario = econ.Scenario().replace(retention=Retention(trend_months=9))
    assert econ.Scenario.from_json(scenario.to_json()) == scenario
    assert decode_scenario(encode_scenario(scenario)).retention.trend_months == 9
    for bad in (1, 25, 2.5, True, "6"):
        with pytest.raises(ScenarioError, match="trend_months"):
            Retention(trend_months=bad)  # type: ignore[arg-type]


def test_one_month_has_no_trend() -> None:
    revenue = revenue_frame([("a", "2026-01", 10, "P")])
    usage = usage_frame([("a", "f", "2026-01", 1, 1.0)])
    report = econ.analyze_dataset(econ.load_dataset(usage, revenue), econ.Scenario())
    trends = spiral_trends(report)
    assert trends.months == 1
    assert trends.spirals.is_empty()
    assert trends.trends["null_reasons"][0].to_list()[0].startswith("cost growth: fewer than 2")


def test_the_first_small_upload_and_the_sample(sample_dataset: econ.Dataset) -> None:
    first = econ.analyze_dataset(econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), econ.Scenario())
    sample = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
    for report in (first, sample):
        trends = spiral_trends(report)
        assert trends.trends.schema == TRENDS_SCHEMA
        spirals = trends.spirals
        assert (spirals["growth_gap"] > 0).all()
        assert (spirals["cost_growth"] > 0).all()
        assert spirals.filter(pl.col("at_stake_usd") <= 0).is_empty()
        assert len(trends.sentences()) == spirals.height


@settings(max_examples=25)
@given(datasets())
def test_any_dataset(data: econ.Dataset) -> None:
    """Every group once, a spiral's cost outgrowing its revenue, a start only for a spiral, and
    an undefined figure always with a reason."""
    trends = spiral_trends(econ.analyze_dataset(data, econ.Scenario()))
    frame = trends.trends
    assert frame.schema == TRENDS_SCHEMA
    assert frame.select("group", "key").is_unique().all()
    assert frame.filter(~pl.col("spiral") & pl.col("started").is_not_null()).is_empty()
    spirals = trends.spirals
    assert (spirals["cost_growth"] > spirals["revenue_growth"]).all()
    undefined = frame.filter(pl.col("cost_growth").is_null() | pl.col("margin_6").is_null())
    assert (undefined["null_reasons"].list.len() > 0).all()
