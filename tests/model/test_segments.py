"""Segment economics on small hand-computed datasets: churn, tiers, maps, undefined values."""

from __future__ import annotations

import polars as pl
import pytest
from builders import revenue_frame, usage_frame

import econ


def report_for(revenue: pl.DataFrame, usage: pl.DataFrame, **scenario: object) -> econ.Report:
    return econ.analyze(usage, revenue, econ.Scenario(**scenario))  # type: ignore[arg-type]


# Three customers over three months:
#   a: Pro $100 in Jan, Feb, Mar                      (stays)
#   b: Lite $50 in Jan, Feb, then gone                 (churns after Feb)
#   c: Lite $50 in Jan, Pro $100 in Feb, gone in Mar   (upgrades, then churns)
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Pro"),
        ("a", "2026-02", 100, "Pro"),
        ("a", "2026-03", 100, "Pro"),
        ("b", "2026-01", 50, "Lite"),
        ("b", "2026-02", 50, "Lite"),
        ("c", "2026-01", 50, "Lite"),
        ("c", "2026-02", 100, "Pro"),
    ],
    channel=["sales", "sales", "sales", "self_serve", "self_serve", None, None],
)
USAGE = usage_frame(
    [
        ("a", "chat", "2026-01", 10, 10.0),
        ("a", "chat", "2026-02", 10, 10.0),
        ("a", "chat", "2026-03", 10, 10.0),
        ("b", "chat", "2026-01", 5, 2.0),
        ("b", "chat", "2026-02", 5, 2.0),
        ("c", "chat", "2026-01", 40, 60.0),
        ("c", "chat", "2026-02", 40, 60.0),
        ("c", "chat", "2026-03", 40, 60.0),  # after c left: unbilled
        ("trial", "chat", "2026-02", 7, 3.5),  # never paid: unbilled
    ]
)


class TestChurnEstimate:
    def test_blended_churn_counts_revenue_of_leavers(self) -> None:
        # Months before the last (Jan, Feb): Jan a100 b50 c50, Feb a100 b50 c100 → $450.
        # Leavers: b's Feb ($50) and c's Feb ($100) have no active March → $150 churned.
        report = report_for(REVENUE, USAGE, segment_by="plan")
        assert report.segment("all")["churn"] == pytest.approx(150 / 450)

    def test_upgrade_is_not_churn(self) -> None:
        # c's Lite January is followed by an active (Pro) February: not churned.
        # Lite at risk: b Jan 50, b Feb 50, c Jan 50 = 150; churned: b Feb 50.
        report = report_for(REVENUE, USAGE, segment_by="plan")
        assert report.segment("Lite")["churn"] == pytest.approx(50 / 150)
        # Pro at risk: a Jan 100, a Feb 100, c Feb 100 = 300; churned: c Feb 100.
        assert report.segment("Pro")["churn"] == pytest.approx(100 / 300)

    def test_given_churn_overrides_per_segment_and_blended(self) -> None:
        report = report_for(REVENUE, USAGE, segment_by="plan", churn={"Pro": 0.05, "all": 0.1})
        assert report.segment("Pro")["churn"] == 0.05
        assert report.segment("Pro")["churn_source"] == "scenario"
        assert report.segment("Lite")["churn_source"] == "estimated"  # not in the map
        assert report.segment("all")["churn"] == 0.1

    def test_single_month_leaves_churn_undefined_with_reason(self) -> None:
        revenue = REVENUE.filter(pl.col("month") == pl.col("month").min())
        report = report_for(revenue, USAGE, cac_usd=100)
        blended = report.segment("all")
        assert blended["churn"] is None
        assert blended["ltv_compute_adjusted_usd"] is None
        assert blended["ltv_cac"] is None
        assert any(
            reason.startswith("churn: cannot be estimated") for reason in blended["null_reasons"]
        )
        assert "ltv_compute_adjusted_usd: churn is undefined" in blended["null_reasons"]

    def test_zero_churn_leaves_ltv_undefined(self) -> None:
        report = report_for(REVENUE, USAGE, churn=0.0)
        blended = report.segment("all")
        assert blended["churn"] == 0.0
        assert blended["ltv_revenue_usd"] is None
        assert (
            "ltv_revenue_usd: churn is 0, so the lifetime is unbounded" in blended["null_reasons"]
        )


class TestPerCustomerMonthFigures:
    def test_plan_segments_by_hand(self) -> None:
        report = report_for(REVENUE, USAGE, segment_by="plan", cogs=econ.Cogs(support_usd=5))
        pro = report.segment("Pro")  # a×3 ($10 each) + c Feb ($60): 4 cms, $400
        assert pro["customers"] == 2
        assert pro["customer_months"] == 4
        assert pro["arpa_usd"] == pytest.approx(100.0)
        assert pro["inference_usd"] == pytest.approx(90 / 4)
        assert pro["gross_profit_usd"] == pytest.approx(100 - 22.5 - 5)
        assert pro["gross_margin"] == pytest.approx((100 - 22.5 - 5) / 100)
        lite = report.segment("Lite")  # b Jan, b Feb ($2 each), c Jan ($60)
        assert lite["inference_usd"] == pytest.approx(64 / 3)

    def test_plans_are_listed_cheapest_first_then_blended(self) -> None:
        report = report_for(REVENUE, USAGE, segment_by="plan")
        assert report.segments["segment"].to_list() == ["Lite", "Pro", "all"]

    def test_segment_column_with_nulls_becomes_unknown(self) -> None:
        report = report_for(REVENUE, USAGE, segment_by="channel")
        assert report.segments["segment"].to_list() == ["sales", "self_serve", "unknown", "all"]
        assert report.segment("unknown")["customer_months"] == 2

    def test_usage_tiers_by_hand(self) -> None:
        # Mean monthly inference over active months: a $10, b $2, c $60.
        # Percentile 50 of [2, 10, 60] = 10; percentile 90 = 10 + 0.8 × 50 = 50.
        report = report_for(REVENUE, USAGE)
        assert report.tier_thresholds == pytest.approx((10.0, 50.0))
        tiers = dict(
            report.customer_months.frame.group_by("customer_id")
            .agg(pl.col("segment").first())
            .iter_rows()
        )
        assert tiers == {"a": "core", "b": "light", "c": "power"}

    def test_percentiles_move_the_thresholds(self) -> None:
        report = report_for(REVENUE, USAGE, usage_tier_percentiles=(25, 75))
        # p25 = 2 + 0.5 × 8 = 6; p75 = 10 + 0.5 × 50 = 35.
        assert report.tier_thresholds == pytest.approx((6.0, 35.0))

    def test_prices_replace_mrr_for_the_plan(self) -> None:
        report = report_for(REVENUE, USAGE, segment_by="plan", prices={"Lite": 70})
        assert report.segment("Lite")["arpa_usd"] == pytest.approx(70.0)
        assert report.segment("Pro")["arpa_usd"] == pytest.approx(100.0)
        assert report.totals.revenue_usd == pytest.approx(4 * 100 + 3 * 70)

    def test_zero_price_makes_months_inactive(self) -> None:
        report = report_for(REVENUE, USAGE, prices={"Lite": 0})
        assert report.totals.customer_months == 4
        # Lite months' usage ($2 + $2 + $60) is now unbilled, with the two already unbilled rows.
        assert report.totals.unbilled_inference_usd == pytest.approx(64 + 60 + 3.5)

    def test_window_limits_every_figure(self) -> None:
        report = report_for(REVENUE, USAGE, months=("2026-02", "2026-03"))
        assert report.totals.customer_months == 4
        assert report.totals.first_month == "2026-02"
        assert report.totals.unbilled_inference_usd == pytest.approx(60 + 3.5)


class TestUnbilledUsage:
    def test_trials_and_churned_usage_are_unbilled(self) -> None:
        report = report_for(REVENUE, USAGE)
        assert report.totals.unbilled_inference_usd == pytest.approx(60 + 3.5)
        assert report.totals.unbilled_calls == 47
        assert report.totals.inference_usd == pytest.approx(30 + 4 + 120)


class TestMaps:
    def test_cogs_map_uses_all_as_fallback(self) -> None:
        report = report_for(
            REVENUE, USAGE, segment_by="plan", cogs=econ.Cogs(support_usd={"Pro": 9, "all": 3})
        )
        assert report.segment("Pro")["support_usd"] == 9
        assert report.segment("Lite")["support_usd"] == 3
        assert report.segment("all")["support_usd"] == pytest.approx((4 * 9 + 3 * 3) / 7)
        assert report.warnings == ()

    def test_cogs_map_missing_segment_warns(self) -> None:
        report = report_for(REVENUE, USAGE, segment_by="plan", cogs=econ.Cogs(cs_usd={"Pro": 4}))
        assert report.segment("Lite")["cs_usd"] == 0
        assert any("cogs.cs_usd gives no value for segments ['Lite']" in w for w in report.warnings)

    def test_cac_map_and_customer_weighted_blend(self) -> None:
        # First active month: a Pro, b Lite, c Lite → blended CAC (300 + 100 + 100) / 3.
        report = report_for(
            REVENUE, USAGE, segment_by="plan", churn=0.1, cac_usd={"Pro": 300, "Lite": 100}
        )
        assert report.segment("Pro")["cac_usd"] == 300
        assert report.segment("all")["cac_usd"] == pytest.approx(500 / 3)

    def test_cac_missing_for_a_segment(self) -> None:
        report = report_for(REVENUE, USAGE, segment_by="plan", churn=0.1, cac_usd={"Pro": 300})
        lite = report.segment("Lite")
        assert lite["cac_usd"] is None
        assert "cac_usd: no CAC given for 'Lite'" in lite["null_reasons"]
        assert report.segment("all")["cac_usd"] is None


class TestRatios:
    def test_payback_and_ltv_cac(self) -> None:
        report = report_for(REVENUE, USAGE, segment_by="plan", churn=0.05, cac_usd=400)
        pro = report.segment("Pro")
        gross_profit = 100 - 22.5
        assert pro["ltv_compute_adjusted_usd"] == pytest.approx(gross_profit / 0.05)
        assert pro["ltv_cac"] == pytest.approx(gross_profit / 0.05 / 400)
        assert pro["payback_months"] == pytest.approx(400 / gross_profit)

    def test_no_payback_when_gross_profit_is_negative(self) -> None:
        report = report_for(
            REVENUE, USAGE, segment_by="plan", churn=0.05, cac_usd=400, prices={"Lite": 10}
        )
        lite = report.segment("Lite")  # $10 a month against $21.33 of inference
        assert lite["gross_profit_usd"] < 0
        assert lite["payback_months"] is None
        assert lite["ltv_compute_adjusted_usd"] < 0  # a negative LTV is a real, defined value
        assert any(
            r.startswith("payback_months: gross profit is not positive")
            for r in lite["null_reasons"]
        )

    def test_zero_cac(self) -> None:
        report = report_for(REVENUE, USAGE, churn=0.05, cac_usd=0)
        blended = report.segment("all")
        assert blended["ltv_cac"] is None
        assert "ltv_cac: CAC is 0" in blended["null_reasons"]
        assert blended["payback_months"] == 0
