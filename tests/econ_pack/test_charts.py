"""The chart builders of the Feature margins and Segment LTV pages, on the sample and on a first
small upload (3 customers, 2 features, 3 months): valid Vega-Lite, data in every chart, one row
per feature, one label per month, whole-customer ticks and names in words. A few are drawn to
SVG (vl-convert) to read the labels a reader sees."""

from __future__ import annotations

import re
from typing import Any

import altair as alt
import polars as pl
import pytest
import vl_convert as vlc
from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ.present import views
from econ_pack import charts


@pytest.fixture(scope="module")
def sample(sample_dataset: econ.Dataset) -> econ.Report:
    return econ.analyze_dataset(sample_dataset, econ.sample_scenario())


@pytest.fixture(scope="module")
def small() -> econ.Report:
    return econ.analyze(FIRST_USAGE, FIRST_REVENUE)


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict(validate=True)
    assert isinstance(spec, dict)
    return spec


def rows_of(spec: dict[str, Any], layer: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows a layer (or the whole chart) draws."""
    data = (layer or spec).get("data") or spec["data"]
    rows: list[dict[str, Any]] = spec["datasets"][data["name"]]
    return rows


def drawn_text(chart: alt.TopLevelMixin, width: int = 700) -> list[str]:
    """Every text of the chart as drawn to SVG: labels, axis ticks, legends."""
    spec = spec_of(chart)
    spec["width"] = width
    svg = re.sub(r"&#x2212;|&#8722;", "\u2212", vlc.vegalite_to_svg(spec))
    return [line for text in _TEXT.findall(svg) for line in _LINE.findall(text) or [text]]


_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.DOTALL)
_LINE = re.compile(r"<tspan[^>]*>([^<]*)</tspan>")
"""A drawn text, and each line of a text broken over several."""


def no_raw_ids(values: list[object]) -> None:
    for value in values:
        assert value not in {"chat_assistant", "deep_research", "above_band", "value_add", "all"}


class TestMarginStack:
    def test_a_waterfall_of_the_sample_with_value_labels(self, sample: econ.Report) -> None:
        features = sample.features
        chart = charts.margin_stack(views.margin_stack(features), views.net_gross_profit(features))
        spec = spec_of(chart)
        bars = spec["layer"][0]
        assert bars["mark"]["type"] == "bar"
        assert bars["encoding"]["x2"]["field"] == "end_usd"
        order = bars["encoding"]["y"]["sort"]
        assert len(order) == features.height + 1 == 9
        assert (order[0], order[-1]) == ("Autocomplete", views.NET_LABEL)
        assert bars["encoding"]["color"]["scale"]["range"] == [
            charts.PROFIT,
            charts.LOSS,
            charts.ACCENT,
        ]
        text = drawn_text(chart)
        assert {"+$1.30M", "\u2212$53K", "$3.50M"} <= set(text)
        assert "Deep research" in text

    def test_two_features_one_losing(self, small: econ.Report) -> None:
        features = small.features
        chart = charts.margin_stack(views.margin_stack(features), views.net_gross_profit(features))
        spec = spec_of(chart)
        assert spec["layer"][0]["encoding"]["y"]["sort"] == [
            "Chat assistant",
            "Deep research",
            views.NET_LABEL,
        ]
        assert len(rows_of(spec)) == 3
        assert spec["height"] == charts.ROW_HEIGHT * 3 + 30
        # The height is the plot's own: Streamlit's default "fit" squeezed three rows to a line.
        assert spec["autosize"]["type"] == "fit-x"
        text = drawn_text(chart)
        assert {"+$773", "\u2212$202", "$571"} <= set(text)

    def test_one_waterfall_per_plan(self, sample: econ.Report) -> None:
        by_plan = views.features_by_plan(sample)
        chart = charts.margin_stack(
            views.margin_stack(by_plan, by="plan"), views.net_gross_profit(by_plan, by="plan")
        )
        spec = spec_of(chart)
        titles = [part["title"]["text"] for part in spec["vconcat"]]
        assert [title.split(":")[0] for title in titles] == ["Business", "Pro", "Starter"]
        assert all(len(part["layer"][0]["encoding"]["y"]["sort"]) == 9 for part in spec["vconcat"])


class TestBands:
    @pytest.mark.parametrize(("which", "count"), [("sample", 8), ("small", 2)])
    def test_one_row_per_feature_in_words(
        self, which: str, count: int, request: pytest.FixtureRequest
    ) -> None:
        report: econ.Report = request.getfixturevalue(which)
        spec = spec_of(charts.margin_against_bands(views.margin_bands(report.features)))
        order = spec["layer"][0]["encoding"]["y"]["sort"]
        assert len(order) == len(set(order)) == count
        rows = rows_of(spec)
        assert len(rows) == count
        no_raw_ids([row["feature"] for row in rows] + [row["status"] for row in rows])
        legend = spec["layer"][3]["encoding"]["color"]["scale"]["domain"]
        assert "Above band" in legend and "Losing money" in legend
        assert spec["height"] >= 40 * count
        assert spec["autosize"]["type"] == "fit-x"

    def test_a_clipped_margin_keeps_its_figure(self, small: econ.Report) -> None:
        text = drawn_text(charts.margin_against_bands(views.margin_bands(small.features)))
        assert "\u2212765%" in text  # deep research, drawn at −100%
        assert {"Chat assistant", "Deep research", "Losing money", "Above band"} <= set(text)


class TestTrend:
    def test_three_months_three_labels(self, small: econ.Report) -> None:
        trend = views.feature_trend(small)
        chart = charts.feature_trend(trend, sorted(small.features["feature_id"]))
        spec = spec_of(chart)
        x = spec["layer"][0]["encoding"]["x"]
        assert x["timeUnit"] == "yearmonth"
        assert x["axis"]["format"] == "%b %Y"
        assert len(x["axis"]["values"]) == x["axis"]["tickCount"] == 3
        assert len(rows_of(spec)) == 6
        text = drawn_text(chart)
        assert [label for label in text if label.endswith("2026")] == [
            "Jan 2026",
            "Feb 2026",
            "Mar 2026",
        ]
        assert {"Chat assistant", "Deep research"} <= set(text)

    def test_colors_follow_the_feature_whatever_is_shown(self, sample: econ.Report) -> None:
        trend = views.feature_trend(sample)
        every = sorted(sample.features["feature_id"])
        whole = spec_of(charts.feature_trend(trend, every))["layer"][0]["encoding"]["color"]
        some = trend.filter(pl.col("feature_id").is_in(["deep_research", "image_gen"]))
        part = spec_of(charts.feature_trend(some, every))["layer"][0]["encoding"]["color"]
        colors = dict(zip(whole["scale"]["domain"], whole["scale"]["range"], strict=True))
        assert part["scale"]["domain"] == ["Deep research", "Image gen"]
        assert part["scale"]["range"] == [colors["Deep research"], colors["Image gen"]]
        months = trend["month"].n_unique()
        x = spec_of(charts.feature_trend(trend, every))["layer"][0]["encoding"]["x"]
        assert len(x["axis"]["values"]) == months


class TestLtv:
    def test_no_churn_says_so_on_the_chart(self, small: econ.Report) -> None:
        segments = small.segments
        chart = charts.ltv_by_segment(views.ltv_bars(segments), views.benchmark_marks(segments))
        spec = spec_of(chart)
        rows = rows_of(spec, spec["layer"][0])
        assert [row["label"] for row in rows if row["view"] == views.COMPUTE_ADJUSTED] == [
            "Light users",
            "Core users",
            "Power users",
            "All customers",
        ]
        assert {row["note"] for row in rows} == {None, views.NO_CHURN_NOTE}
        text = drawn_text(chart)
        assert text.count("No churn observed:") == 2  # core and power users
        assert "set a churn assumption" in text

    def test_a_chart_with_no_ltv_at_all_still_explains(self) -> None:
        january = pl.col("month").dt.month() == 1
        report = econ.analyze(FIRST_USAGE.filter(january), FIRST_REVENUE.filter(january))
        bars = views.ltv_bars(report.segments)
        assert bars["ltv_usd"].is_null().all()
        text = drawn_text(charts.ltv_by_segment(bars, views.benchmark_marks(report.segments)))
        assert text.count("Churn cannot be estimated") == report.segments.height

    def test_the_sample_draws_every_bar(self, sample: econ.Report) -> None:
        segments = sample.segments
        spec = spec_of(
            charts.ltv_by_segment(views.ltv_bars(segments), views.benchmark_marks(segments))
        )
        rows = rows_of(spec, spec["layer"][0])
        assert len(rows) == 8 and all(row["ltv_usd"] is not None for row in rows)
        assert len(spec["layer"]) == 4


class TestHistogram:
    def test_three_customers_whole_ticks(self, small: econ.Report) -> None:
        customers = views.customer_profits(small.customer_months)
        chart = charts.profit_histogram(views.profit_histogram(customers))
        spec = spec_of(chart)
        y = spec["layer"][0]["encoding"]["y"]
        assert y["axis"]["format"] == "d"
        assert y["axis"]["tickMinStep"] == 1
        assert y["axis"]["values"] == [0, 1]
        assert y["scale"]["type"] == "linear"
        assert sum(row["customers"] for row in rows_of(spec)) == 3
        ticks = [t for t in drawn_text(chart) if t.isdigit()]
        assert ticks == ["0", "1"]

    def test_the_sample_on_a_square_root_scale(self, sample: econ.Report) -> None:
        customers = views.customer_profits(sample.customer_months)
        spec = spec_of(charts.profit_histogram(views.profit_histogram(customers)))
        y = spec["layer"][0]["encoding"]["y"]
        assert (y["scale"]["type"], y["axis"]["format"]) == ("sqrt", "d")
        assert sum(row["customers"] for row in rows_of(spec)) == customers.height


def test_compact_money_labels() -> None:
    frame = pl.DataFrame(
        {"v": [1_304_512.0, -53_210.0, 772.65, 4.5, -0.2, 2_500_000_000.0, 999_700.0]}
    )
    chart = (
        alt.Chart(frame)
        .transform_calculate(text=charts.compact_money("v", signed=True))
        .mark_text()
        .encode(y=alt.Y("v:N"), text=alt.Text("text:N"))
    )
    assert set(drawn_text(chart)) >= {
        "+$1.30M",
        "\u2212$53K",
        "+$773",
        "+$4.50",
        "\u2212$0.20",
        "+$2.50B",
        "+$1.00M",
    }


def test_the_bill_scatter_selects_the_customer_clicked(small: econ.Report) -> None:
    """Each customer's bill, now against simulated: a click selects the customer's id (the app
    opens its P&L), and the chart still draws to SVG for the downloads."""
    book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
    report = econ.analyze_dataset(
        econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), econ.Scenario(price_book=book)
    )
    customers = econ.simulate(report).customers
    chart = charts.bill_changes(customers, views.bill_diagonal(customers))
    spec = spec_of(chart)
    points = spec["layer"][1]
    (param,) = spec.get("params") or points["params"]  # Altair lifts a layer's to the top
    assert param["name"] == charts.CUSTOMER_PICK
    assert param["select"] == {"type": "point", "fields": ["customer_id"], "on": "click"}
    assert sorted(row["customer_id"] for row in rows_of(spec, points)) == ["acme", "bolt", "cove"]
    assert "Simulated bill" in " ".join(drawn_text(chart))
