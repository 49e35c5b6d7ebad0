"""The Customer P&L page's charts, on the first small upload and on the sample: valid Vega-Lite,
the customer's rows in every chart, one band per month, each feature in its colour of the other
charts, losses in red, and names in words."""

from __future__ import annotations

import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from test_charts import drawn_text, no_raw_ids, rows_of, spec_of

import econ
from econ.present.customer import CustomerPnl, customer_pnl
from econ_pack import charts, customer_charts


@pytest.fixture(scope="module")
def acme() -> CustomerPnl:
    return customer_pnl(econ.analyze(FIRST_USAGE, FIRST_REVENUE), "acme")


@pytest.fixture(scope="module")
def sampled(sample_dataset: econ.Dataset) -> CustomerPnl:
    report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
    return customer_pnl(report, report.customer_months.frame["customer_id"][0])


class TestCostAndRevenue:
    def test_costs_stack_by_feature_under_the_revenue_line(self, acme: CustomerPnl) -> None:
        chart = customer_charts.cost_and_revenue(
            acme.cost_by_feature, acme.months, acme.every_feature
        )
        spec = spec_of(chart)
        bars, line = spec["layer"]
        assert bars["mark"]["type"] == "bar"
        assert bars["encoding"]["y"]["stack"] == "zero"
        assert line["mark"]["type"] == "line"
        assert len(rows_of(spec, bars)) == 6  # 3 months × 2 features
        assert [row["revenue_usd"] for row in rows_of(spec, line)] == [49.0, 49.0, 49.0]
        scale = bars["encoding"]["color"]["scale"]
        assert scale["domain"] == ["Chat assistant", "Deep research", customer_charts.REVENUE_LABEL]
        assert scale["range"] == [*charts.TABLEAU10[:2], charts.ACCENT]
        assert line["encoding"]["color"]["scale"] == scale

    def test_one_band_per_month_and_names_in_words(self, acme: CustomerPnl) -> None:
        chart = customer_charts.cost_and_revenue(
            acme.cost_by_feature, acme.months, acme.every_feature
        )
        text = drawn_text(chart)
        assert [t for t in text if t.endswith("2026")] == ["Jan 2026", "Feb 2026", "Mar 2026"]
        assert {"Chat assistant", "Deep research", "Revenue (MRR)"} <= set(text)
        no_raw_ids(text)

    def test_a_feature_keeps_its_colour_of_the_other_charts(self, sampled: CustomerPnl) -> None:
        chart = customer_charts.cost_and_revenue(
            sampled.cost_by_feature, sampled.months, sampled.every_feature
        )
        scale = spec_of(chart)["layer"][0]["encoding"]["color"]["scale"]
        palette = dict(zip(sorted(sampled.every_feature), charts.TABLEAU10, strict=False))
        names = dict(sampled.cost_by_feature.select("feature", "feature_id").unique().iter_rows())
        for label, color in zip(scale["domain"][:-1], scale["range"][:-1], strict=True):
            assert palette[names[label]] == color


class TestGrossProfit:
    def test_losses_are_red_and_zero_is_ruled(self, acme: CustomerPnl) -> None:
        spec = spec_of(customer_charts.gross_profit_by_month(acme.months))
        bars, zero = spec["layer"]
        assert [row["gross_profit_usd"] for row in rows_of(spec, bars)] == pytest.approx(
            [9.0, -3.2, -21.5]
        )
        color = bars["encoding"]["color"]
        assert color["condition"]["value"] == charts.LOSS
        assert "< 0" in color["condition"]["test"]
        assert color["value"] == charts.PROFIT
        assert zero["mark"]["type"] == "rule"
        assert zero["encoding"]["y"]["datum"] == 0.0


class TestFeaturesAgainstPlan:
    def test_a_bar_and_a_median_tick_per_feature(self, acme: CustomerPnl) -> None:
        chart = customer_charts.features_against_plan(acme.features)
        spec = spec_of(chart)
        bars, ticks = spec["layer"]
        assert bars["encoding"]["y"]["sort"] == ["Deep research", "Chat assistant"]
        assert [row["cost_per_month_usd"] for row in rows_of(spec, bars)] == pytest.approx(
            [50.0, 12.7 / 3]
        )
        assert ticks["mark"]["type"] == "tick"
        assert ticks["encoding"]["x"]["field"] == "plan_median_usd"
        text = drawn_text(chart)
        assert {customer_charts.CUSTOMER_LABEL, customer_charts.MEDIAN_LABEL} <= set(text)
        no_raw_ids(text)
        assert chart.to_dict()["height"] == 2 * customer_charts.ROW_HEIGHT + 30

    def test_the_sample_draws(self, sampled: CustomerPnl) -> None:
        spec = spec_of(customer_charts.features_against_plan(sampled.features))
        assert len(rows_of(spec, spec["layer"][0])) == sampled.features.height


def test_a_customer_without_usage_still_draws() -> None:
    revenue = revenue_frame([("quiet", "2026-01", 10, "Solo"), ("busy", "2026-01", 10, "Solo")])
    usage = usage_frame([("busy", "chat", "2026-01", 1, 1.0)])
    pnl = customer_pnl(econ.analyze(usage, revenue), "quiet")
    assert pnl.features.height == 0
    for chart in (
        customer_charts.cost_and_revenue(pnl.cost_by_feature, pnl.months, pnl.every_feature),
        customer_charts.gross_profit_by_month(pnl.months),
        customer_charts.features_against_plan(pnl.features),
    ):
        spec_of(chart)
