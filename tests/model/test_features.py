"""Feature margins: allocation methods by hand, category bands, margin-stack order."""

from __future__ import annotations

import polars as pl
import pytest
from builders import revenue_frame, usage_frame

import econ
from econ.measures import feature_status
from econ.model.customer_months import build_customer_months
from econ.schema import CATEGORY_BANDS

# Customer x pays $90 in January: 20 calls of "draft" ($0.10 each) and 10 of "search"
# ($0.01). Customer y pays $30 and made no calls. Customer z pays $60: 30 "draft" calls.
REVENUE = revenue_frame(
    [("x", "2026-01", 90, "Pro"), ("y", "2026-01", 30, "Lite"), ("z", "2026-01", 60, "Pro")]
)
USAGE = usage_frame(
    [
        ("x", "draft", "2026-01", 20, 2.0),
        ("x", "search", "2026-01", 10, 0.1),
        ("z", "draft", "2026-01", 30, 3.0),
    ]
)


def analyze(**scenario: object) -> econ.Report:
    return econ.analyze(USAGE, REVENUE, econ.Scenario(**scenario))  # type: ignore[arg-type]


class TestUsageWeighted:
    def test_revenue_follows_each_customer_months_call_share(self) -> None:
        report = analyze()
        # draft: x's 20/30 of $90 + z's 30/30 of $60 = $120; search: x's 10/30 of $90 = $30.
        assert report.feature("draft")["revenue_usd"] == pytest.approx(120.0)
        assert report.feature("search")["revenue_usd"] == pytest.approx(30.0)
        assert report.feature("draft")["gross_margin"] == pytest.approx((120 - 5) / 120)
        assert report.feature("draft")["cost_per_call_usd"] == pytest.approx(0.1)

    def test_months_without_calls_leave_revenue_unallocated(self) -> None:
        totals = analyze().totals
        assert totals.revenue_usd == pytest.approx(180.0)
        assert totals.allocated_revenue_usd == pytest.approx(150.0)
        assert totals.unallocated_revenue_usd == pytest.approx(30.0)  # y's month

    def test_revenue_share_is_of_all_revenue(self) -> None:
        report = analyze()
        assert report.feature("search")["revenue_share"] == pytest.approx(30 / 180)


class TestCustomWeights:
    def test_weights_are_normalized(self) -> None:
        report = analyze(allocation=econ.Allocation("custom", {"draft": 3, "search": 1}))
        assert report.feature("draft")["revenue_usd"] == pytest.approx(180 * 0.75)
        assert report.feature("search")["revenue_usd"] == pytest.approx(180 * 0.25)
        assert report.totals.unallocated_revenue_usd == pytest.approx(0.0)

    def test_unweighted_feature_gets_nothing_and_a_warning(self) -> None:
        report = analyze(allocation=econ.Allocation("custom", {"draft": 1}))
        search = report.feature("search")
        assert search["revenue_usd"] == 0
        assert search["gross_margin"] is None
        assert search["status"] == "negative"  # it costs money and earns nothing
        assert "gross_margin: no revenue is allocated to it" in search["null_reasons"]
        assert any("no weight for ['search']" in w for w in report.warnings)

    def test_weighted_feature_without_usage_is_listed(self) -> None:
        report = analyze(allocation=econ.Allocation("custom", {"draft": 1, "platform": 1}))
        platform = report.feature("platform")
        assert platform["calls"] == 0
        assert platform["cost_per_call_usd"] is None
        assert platform["revenue_usd"] == pytest.approx(90.0)
        assert any("no usage in the window" in w for w in report.warnings)


class TestStatus:
    @pytest.mark.parametrize(
        ("category", "margin", "status"),
        [
            ("core", -0.01, "negative"),
            ("core", 0.39, "act"),
            ("core", 0.40, "watch"),
            ("core", 0.55, "ok"),
            ("core", 0.75, "ok"),
            ("core", 0.76, "above_band"),
            ("value_add", 0.54, "act"),
            ("value_add", 0.69, "watch"),
            ("premium", 0.34, "act"),
            ("premium", 0.66, "above_band"),
            ("commodity", 0.59, "act"),
            ("commodity", 0.96, "above_band"),
        ],
    )
    def test_band_rules(self, category: str, margin: float, status: str) -> None:
        # One customer, one $100 month, one feature costing (1 − margin) × $100.
        revenue = revenue_frame([("x", "2026-01", 100, "Pro")])
        usage = usage_frame([("x", "f", "2026-01", 1, round((1 - margin) * 100, 6))])
        report = econ.analyze(
            usage,
            revenue,
            econ.Scenario(feature_categories={"f": category}),  # type: ignore[dict-item]
        )
        assert report.feature("f")["status"] == status
        assert feature_status(margin, CATEGORY_BANDS[category]) == status  # type: ignore[index]

    def test_band_columns_are_shown(self) -> None:
        row = analyze(feature_categories={"draft": "premium"}).feature("draft")
        assert (row["band_low"], row["band_high"], row["act_below"]) == (0.45, 0.65, 0.35)


def test_margin_stack_order_is_gross_profit_descending() -> None:
    report = analyze()
    assert report.features["feature_id"].to_list() == ["draft", "search"]


def test_grouped_by_plan_sums_to_the_whole(sample_dataset: econ.Dataset) -> None:
    scenario = econ.sample_scenario()
    cms = build_customer_months(sample_dataset, scenario)
    by_plan, _ = econ.feature_table(cms, scenario, by=["plan"])
    whole, _ = econ.feature_table(cms, scenario)
    summed = (
        by_plan.group_by("feature_id")
        .agg(pl.col("revenue_usd", "cost_usd", "calls").sum())
        .sort("feature_id")
    )
    expected = whole.select("feature_id", "revenue_usd", "cost_usd", "calls").sort("feature_id")
    assert summed["feature_id"].to_list() == expected["feature_id"].to_list()
    for column in ("revenue_usd", "cost_usd"):
        assert summed[column].to_list() == pytest.approx(expected[column].to_list())
    assert summed["calls"].to_list() == expected["calls"].to_list()
