"""Chart-ready views: stacking, binning, concentration and trend flags, by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from builders import revenue_frame, usage_frame

import econ
from econ.present import views


def features(rows: list[tuple[str, float]], plan: str | None = None) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["feature_id", "gross_profit_usd"], orient="row")
    return frame.with_columns(pl.lit(plan).alias("plan")) if plan else frame


class TestMarginStack:
    def test_profits_up_losses_down_largest_outermost(self) -> None:
        stack = views.margin_stack(
            features([("a", 10), ("b", 30), ("c", -5), ("d", -20), ("e", 0)])
        )
        assert stack.select("feature_id", "y_start", "y_end", "side").rows() == [
            ("b", 10.0, 40.0, "profit"),
            ("a", 0.0, 10.0, "profit"),
            ("e", 0.0, 0.0, "profit"),
            ("c", 0.0, -5.0, "loss"),
            ("d", -5.0, -25.0, "loss"),
        ]
        assert stack["group"].unique().to_list() == [views.ALL_CUSTOMERS]

    def test_one_stack_per_group_and_the_net(self) -> None:
        frame = pl.concat(
            [features([("a", 5), ("b", -1)], "Pro"), features([("a", 2), ("b", -4)], "Lite")]
        )
        stack = views.margin_stack(frame, by="plan")
        assert stack["group"].to_list() == ["Lite", "Lite", "Pro", "Pro"]
        net = views.net_gross_profit(frame, by="plan")
        assert net.rows() == [("Lite", -2.0), ("Pro", 4.0)]

    def test_stack_heights_add_up_to_the_net(self, sample_dataset: econ.Dataset) -> None:
        report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
        stack = views.margin_stack(report.features)
        top = stack["y_end"].max()
        bottom = stack["y_end"].min()
        net = views.net_gross_profit(report.features)["net_usd"].item()
        assert top + min(bottom, 0) == pytest.approx(net)  # type: ignore[operator]


class TestCustomers:
    @pytest.fixture
    def report(self) -> econ.Report:
        revenue = revenue_frame(
            [
                ("a", "2026-01", 10, "P"),
                ("a", "2026-02", 10, "P"),
                ("b", "2026-01", 100, "P"),
                ("c", "2026-01", 100, "P"),
                ("d", "2026-01", 100, "P"),
            ]
        )
        usage = usage_frame(
            [
                ("a", "f", "2026-01", 1, 40.0),
                ("a", "f", "2026-02", 1, 20.0),
                ("b", "f", "2026-01", 1, 110.0),
                ("c", "f", "2026-01", 1, 1.0),
            ]
        )
        return econ.analyze(usage, revenue, econ.Scenario(cogs=econ.Cogs(support_usd=2)))

    def test_customer_profits(self, report: econ.Report) -> None:
        customers = views.customer_profits(report.customer_months)
        a = customers.filter(pl.col("customer_id") == "a").row(0, named=True)
        assert a["gross_profit_usd"] == pytest.approx(20 - 60 - 4)
        assert a["monthly_gross_profit_usd"] == pytest.approx(-22)
        assert customers["customer_id"].to_list() == ["a", "b", "c", "d"]  # worst first

    def test_loss_concentration(self, report: econ.Report) -> None:
        losses = views.loss_concentration(views.customer_profits(report.customer_months))
        assert (losses.customers, losses.losing) == (4, 2)
        assert losses.loss_usd == pytest.approx(44 + 12)
        assert losses.worst == 1
        assert losses.worst_share == pytest.approx(44 / 56)
        assert losses.losing_share == 0.5

    def test_histogram_puts_zero_on_an_edge(self, report: econ.Report) -> None:
        histogram = views.profit_histogram(views.customer_profits(report.customer_months), bins=10)
        assert histogram["customers"].sum() == 4
        assert 0.0 in histogram["bin_start"].to_list() or 0.0 in histogram["bin_end"].to_list()
        assert histogram.filter(pl.col("bin_end") <= 0)["side"].unique().to_list() == ["loss"]

    @pytest.mark.parametrize(("span", "step"), [(1000, 50), (95, 5), (0.3, 0.02), (0, 1)])
    def test_nice_steps(self, span: float, step: float) -> None:
        assert views.nice_step(span, 20) == pytest.approx(step)


def test_ltv_bars_and_benchmark_marks(sample_dataset: econ.Dataset) -> None:
    report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
    bars = views.ltv_bars(report.segments)
    assert bars.height == 2 * report.segments.height
    assert bars["segment"].unique(maintain_order=True).to_list() == [
        "light",
        "core",
        "power",
        "all",
    ]
    marks = views.benchmark_marks(report.segments)
    assert marks["ltv_at_benchmark"].to_list() == [5400.0] * 4
    assert views.below_benchmark(report.segments)["segment"].to_list() == ["light"]


def test_trend_flags_crossings() -> None:
    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    revenue = revenue_frame([("a", m, 10, "P") for m in months])
    costs = [2.0, 12.0, 3.0, 15.0]  # positive, negative, positive, negative
    usage = usage_frame([("a", "f", m, 1, c) for m, c in zip(months, costs, strict=True)])
    report = econ.analyze(usage, revenue)
    trend = views.feature_trend(report)
    assert trend["crossed_negative"].to_list() == [False, True, False, True]
    crossed = views.crossings(trend)
    assert crossed.rows() == [("f", dt.date(2026, 4, 1), pytest.approx(-0.5))]


def test_observed_prices_use_the_most_common_mrr(sample_dataset: econ.Dataset) -> None:
    window = econ.analyze_dataset(sample_dataset, econ.Scenario()).customer_months.window
    assert views.observed_prices(sample_dataset, window) == {
        "Business": 799.0,
        "Pro": 199.0,
        "Starter": 49.0,
    }
