"""Chart-ready views: stacking, binning, concentration and trend flags, by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from hypothesis import given
from hypothesis import strategies as st

import econ
from econ.present import views


def features(rows: list[tuple[str, float]], plan: str | None = None) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=["feature_id", "gross_profit_usd"], orient="row")
    return frame.with_columns(pl.lit(plan).alias("plan")) if plan else frame


class TestMarginStack:
    def test_a_waterfall_from_the_largest_profit_down_to_the_net(self) -> None:
        stack = views.margin_stack(
            features([("a", 10), ("b", 30), ("c", -5), ("deep_research", -20), ("e", 0)])
        )
        assert stack.select("label", "start_usd", "end_usd", "kind").rows() == [
            ("B", 0.0, 30.0, "profit"),
            ("A", 30.0, 40.0, "profit"),
            ("E", 40.0, 40.0, "profit"),
            ("C", 40.0, 35.0, "loss"),
            ("Deep research", 35.0, 15.0, "loss"),
            (views.NET_LABEL, 0.0, 15.0, "total"),
        ]
        assert stack["order"].to_list() == list(range(6))
        assert stack["feature_id"].to_list()[-1] is None
        assert stack["group"].unique().to_list() == [views.ALL_CUSTOMERS]

    def test_two_features_one_losing(self) -> None:
        stack = views.margin_stack(features([("chat", 772.5), ("deep_research", -201.5)]))
        assert stack.select("feature_id", "start_usd", "end_usd", "kind").rows() == [
            ("chat", 0.0, 772.5, "profit"),
            ("deep_research", 772.5, 571.0, "loss"),
            (None, 0.0, 571.0, "total"),
        ]

    def test_one_stack_per_group_and_the_net(self) -> None:
        frame = pl.concat(
            [features([("a", 5), ("b", -1)], "Pro"), features([("a", 2), ("b", -4)], "Lite")]
        )
        stack = views.margin_stack(frame, by="plan")
        assert stack["group"].to_list() == ["Lite"] * 3 + ["Pro"] * 3
        assert stack.filter(pl.col("kind") == "total")["end_usd"].to_list() == [-2.0, 4.0]
        net = views.net_gross_profit(frame, by="plan")
        assert net.rows() == [("Lite", -2.0, 2.0, 4.0), ("Pro", 4.0, 5.0, 1.0)]

    def test_the_last_bar_is_the_total_gross_profit(self, sample_dataset: econ.Dataset) -> None:
        report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
        stack = views.margin_stack(report.features)
        total = report.features["gross_profit_usd"].sum()
        steps, net = stack.head(-1), stack.tail(1)
        assert net["end_usd"].item() == pytest.approx(total)
        assert steps["gross_profit_usd"].sum() == pytest.approx(total)
        assert steps["end_usd"][-1] == pytest.approx(total)
        # Each step starts where the one before ended, in contribution order.
        assert steps["start_usd"][1:].to_list() == pytest.approx(steps["end_usd"][:-1].to_list())
        assert steps["gross_profit_usd"].is_sorted(descending=True)
        assert steps.height == report.features.height == 8
        assert steps["label"].to_list()[0] == "Autocomplete"
        row = views.net_gross_profit(report.features).row(0, named=True)
        assert row["net_usd"] == pytest.approx(row["gains_usd"] - row["losses_usd"])

    @given(
        st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=12)
    )
    def test_steps_add_up_to_the_net(self, profits: list[float]) -> None:
        frame = features([(f"f{i}", value) for i, value in enumerate(profits)])
        stack = views.margin_stack(frame)
        steps = stack.filter(pl.col("kind") != "total")
        assert steps.height == len(profits)
        assert (steps["end_usd"] - steps["start_usd"]).to_list() == pytest.approx(
            steps["gross_profit_usd"].to_list(), abs=1e-6
        )
        assert stack["end_usd"][-1] == pytest.approx(sum(profits), abs=1e-6)
        assert steps.filter(pl.col("kind") == "loss")["gross_profit_usd"].lt(0).all()

    def test_colliding_labels_keep_one_row_each(self) -> None:
        stack = views.margin_stack(features([("deep_research", 3), ("Deep research", 1)]))
        assert stack["label"].to_list() == [
            "Deep research (deep_research)",
            "Deep research (Deep research)",
            views.NET_LABEL,
        ]


class TestBands:
    def test_one_row_per_feature_in_words_clipped(self) -> None:
        frame = pl.DataFrame(
            {
                "feature_id": ["chat_assistant", "deep_research"],
                "gross_profit_usd": [772.7, -201.7],
                "gross_margin": [0.947, -7.65],
                "category": ["core", "value_add"],
                "band_low": [0.55, 0.7],
                "band_high": [0.75, 0.85],
                "act_below": [0.4, 0.55],
                "status": ["above_band", "negative"],
            }
        )
        bands = views.margin_bands(frame)
        assert bands.select("feature", "category", "status", "margin_shown", "clipped").rows() == [
            ("Chat assistant", "Core", "Above band", 0.947, False),
            ("Deep research", "Value-add", "Losing money", -1.0, True),
        ]
        assert bands["gross_margin"].to_list() == [0.947, -7.65]

    def test_the_feature_table_in_words(self, sample_dataset: econ.Dataset) -> None:
        report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
        rows = views.feature_rows(report.features)
        assert rows.height == report.features.height
        insights = rows.filter(pl.col("feature_id") == "Data insights").row(0, named=True)
        assert (insights["category"], insights["status"]) == ("Value-add", "Watch")
        assert "deep_research" not in rows["feature_id"].to_list()


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

    def test_loss_makers_only_lose_money(self, report: econ.Report) -> None:
        customers = views.customer_profits(report.customer_months)
        worst = views.loss_makers(customers)
        assert worst["customer_id"].to_list() == ["a", "b"]  # -44, then -12; c and d earn
        assert (worst["gross_profit_usd"] < 0).all()
        assert worst["segment"].to_list()[0].endswith("users")
        assert views.loss_makers(customers.filter(pl.col("gross_profit_usd") >= 0)).is_empty()

    def test_a_few_customers_get_a_few_wide_bins(self) -> None:
        customers = pl.DataFrame({"monthly_gross_profit_usd": [-5.2, 48.1, 163.5]})
        histogram = views.profit_histogram(customers, bins=40)
        assert histogram.rows() == [
            (-50.0, 0.0, 1, "loss"),
            (0.0, 50.0, 1, "profit"),
            (150.0, 200.0, 1, "profit"),
        ]
        assert views.histogram_bins(3, 40) == views.MIN_BINS
        assert views.histogram_bins(2000, 40) == 40

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
    assert bars["label"].unique(maintain_order=True).to_list() == [
        "Light users",
        "Core users",
        "Power users",
        "All customers",
    ]
    assert bars["note"].is_null().all()
    marks = views.benchmark_marks(report.segments)
    assert marks["ltv_at_benchmark"].to_list() == [5400.0] * 4
    assert marks["label"].to_list()[-1] == "All customers"
    assert views.below_benchmark(report.segments)["segment"].to_list() == ["light"]


def test_ltv_bars_say_why_an_ltv_is_undefined() -> None:
    revenue = revenue_frame(
        [
            ("a", "2026-01", 50, "Solo"),
            ("a", "2026-02", 50, "Solo"),
            ("b", "2026-01", 90, "Team"),
            ("b", "2026-02", 90, "Team"),
            ("c", "2026-01", 50, "Solo"),
        ]
    )
    usage = usage_frame([("a", "f", "2026-01", 1, 1.0)])
    report = econ.analyze(usage, revenue, econ.Scenario(segment_by="plan"))
    bars = views.ltv_bars(report.segments, segment_by="plan")
    team = bars.filter(pl.col("segment") == "Team")
    # Nobody on Team left: churn is 0 and LTV undefined, with the reason on both rows.
    assert team["ltv_usd"].is_null().all()
    assert team["note"].to_list() == [views.NO_CHURN_NOTE] * 2
    assert bars.filter(pl.col("segment") == "Solo")["note"].is_null().all()
    single = econ.analyze(usage, revenue.filter(pl.col("month") == dt.date(2026, 1, 1)))
    notes = views.ltv_bars(single.segments)["note"].unique().to_list()
    assert notes == [views.NO_ESTIMATE_NOTE]


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
