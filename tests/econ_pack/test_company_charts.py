"""The Company by month charts, on the first small upload (3 customers, 2 features, 3 months)
and on the sample: valid Vega-Lite, one label per month, the data of each layer, the compute
spiral marked where it is, customers on whole ticks, names in words. A few are drawn to SVG
(vl-convert) to read what a reader sees."""

from __future__ import annotations

import re
from typing import Any

import altair as alt
import polars as pl
import pytest
import vl_convert as vlc
from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ.present import company as co
from econ.present import views
from econ.present.company import CompanyMonths
from econ_pack import charts, company_charts


@pytest.fixture(scope="module")
def small_report() -> econ.Report:
    return econ.analyze(FIRST_USAGE, FIRST_REVENUE)


@pytest.fixture(scope="module")
def small(small_report: econ.Report) -> CompanyMonths:
    return co.company_months(small_report)


@pytest.fixture(scope="module")
def sample(sample_dataset: econ.Dataset) -> CompanyMonths:
    return co.company_months(econ.analyze_dataset(sample_dataset, econ.sample_scenario()))


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict(validate=True)
    assert isinstance(spec, dict)
    return spec


def rows_of(spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    data = layer.get("data") or spec["data"]
    rows: list[dict[str, Any]] = spec["datasets"][data["name"]]
    return rows


_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.DOTALL)


def drawn_text(chart: alt.TopLevelMixin) -> list[str]:
    spec = spec_of(chart)
    spec["width"] = 700
    svg = re.sub(r"&#x2212;|&#8722;", "\u2212", vlc.vegalite_to_svg(spec))
    return [text.strip() for text in _TEXT.findall(svg)]


def month_labels(text: list[str]) -> list[str]:
    return [label for label in text if re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", label)]


class TestRevenueAndInference:
    def test_two_lines_one_label_a_month(self, small: CompanyMonths) -> None:
        chart = company_charts.revenue_and_inference(co.money_lines(small.months))
        spec = spec_of(chart)
        lines = spec["layer"][0]
        assert lines["mark"]["type"] == "line"
        assert lines["encoding"]["color"]["scale"]["domain"] == ["Revenue", "Inference cost"]
        rows = rows_of(spec, lines)
        assert [row["usd"] for row in rows] == pytest.approx([297, 297, 248, 74, 92.5, 104.5])
        assert month_labels(drawn_text(chart)) == ["Jan 2026", "Feb 2026", "Mar 2026"]

    def test_rows_in_order_whatever_order_they_came_in(self, small: CompanyMonths) -> None:
        lines = co.money_lines(small.months)
        shuffled = lines.sample(fraction=1.0, shuffle=True, seed=3)
        spec = spec_of(company_charts.revenue_and_inference(shuffled))
        assert rows_of(spec, spec["layer"][0]) == rows_of(
            spec_of(company_charts.revenue_and_inference(lines)), spec["layer"][0]
        )


class TestMarginAndShare:
    def test_the_ten_percent_line_of_article_001(self, small: CompanyMonths) -> None:
        chart = company_charts.margin_and_share(co.ratio_lines(small.months))
        spec = spec_of(chart)
        threshold = spec["layer"][1]
        assert threshold["mark"]["type"] == "rule"
        assert threshold["encoding"]["y"]["datum"] == pytest.approx(0.10)
        text = drawn_text(chart)
        assert "10% inference share: compute-adjusted LTV matters" in text
        assert {"Gross margin", "Inference share"} <= set(text)

    def test_a_month_without_revenue_is_a_gap(self) -> None:
        revenue = FIRST_REVENUE.filter(pl.col("month").dt.month() != 2)
        report = econ.analyze(FIRST_USAGE, revenue)
        lines = co.ratio_lines(co.company_months(report).months)
        spec = spec_of(company_charts.margin_and_share(lines))
        values = [row["value"] for row in rows_of(spec, spec["layer"][0])]
        assert values[1] is None and values[4] is None  # February, margin and share


class TestCustomers:
    def test_a_line_over_bars_one_band_a_month(self, small: CompanyMonths) -> None:
        chart = company_charts.customers(co.customer_line(small.months), co.flow_bars(small.months))
        spec = spec_of(chart)
        bars, line = spec["layer"]
        assert spec["resolve"] == {"scale": {"y": "independent"}}
        assert bars["mark"]["type"] == "bar" and line["mark"]["type"] == "line"
        assert bars["encoding"]["x"]["scale"]["domain"] == ["Jan 2026", "Feb 2026", "Mar 2026"]
        assert [row["customers"] for row in rows_of(spec, line)] == [3, 3, 2]
        moved = {(r["label"], r["measure"]): r["customers"] for r in rows_of(spec, bars)}
        assert moved[("Mar 2026", "Churned")] == -1  # cove, below zero
        assert ("Jan 2026", "New") not in moved  # not counted in the window's first month
        assert line["encoding"]["y"]["axis"]["values"] == [0, 1, 2, 3]
        assert bars["encoding"]["y"]["axis"]["values"] == [-1, 0, 1]
        assert month_labels(drawn_text(chart)) == ["Jan 2026", "Feb 2026", "Mar 2026"]

    def test_the_sample_stacks_on_whole_numbers(self, sample: CompanyMonths) -> None:
        chart = company_charts.customers(
            co.customer_line(sample.months), co.flow_bars(sample.months)
        )
        spec = spec_of(chart)
        bars = spec["layer"][0]
        domain = bars["encoding"]["y"]["scale"]["domain"]
        rows = pl.DataFrame(rows_of(spec, bars))
        up = rows.filter(pl.col("customers") > 0).group_by("label").agg(pl.col("customers").sum())
        assert domain[1] >= up["customers"].max()
        assert domain[0] == -domain[1]
        assert bars["encoding"]["y"]["axis"]["format"] == "d"


class TestFeatureCosts:
    def test_one_line_per_feature_and_the_spiral_marked(self, small: CompanyMonths) -> None:
        every = sorted(small.feature_costs["feature_id"].unique())
        chart = company_charts.feature_costs(small.feature_costs, every)
        spec = spec_of(chart)
        lines, spiral = spec["layer"]
        assert lines["encoding"]["color"]["scale"]["domain"] == ["Chat assistant", "Deep research"]
        assert spiral["mark"]["shape"] == "triangle-up"
        assert spiral["transform"] == [{"filter": "datum.spiral"}]
        marked = [
            (row["feature"], row["month"][:7]) for row in rows_of(spec, lines) if row["spiral"]
        ]
        assert marked == [
            ("Chat assistant", "2026-02"),
            ("Deep research", "2026-02"),
            ("Deep research", "2026-03"),
        ]
        text = drawn_text(chart)
        assert {"Chat assistant", "Deep research"} <= set(text)
        assert not {"chat_assistant", "deep_research"} & set(text)

    def test_colours_are_those_of_the_feature_margin_trend(self, sample: CompanyMonths) -> None:
        every = sorted(sample.feature_costs["feature_id"].unique())
        some = sample.feature_costs.filter(
            pl.col("feature_id").is_in(["deep_research", "image_gen"])
        )
        mine = spec_of(company_charts.feature_costs(some, every))["layer"][0]["encoding"]["color"]
        report = econ.analyze_dataset(
            econ.load_dataset(*econ.sample_paths()), econ.sample_scenario()
        )
        theirs = spec_of(charts.feature_trend(views.feature_trend(report), every))["layer"][0]
        colors = dict(
            zip(
                theirs["encoding"]["color"]["scale"]["domain"],
                theirs["encoding"]["color"]["scale"]["range"],
                strict=True,
            )
        )
        assert mine["scale"]["domain"] == ["Deep research", "Image gen"]
        assert mine["scale"]["range"] == [colors["Deep research"], colors["Image gen"]]


def test_every_chart_of_the_sample_draws(sample: CompanyMonths) -> None:
    months = sample.months
    every = sorted(sample.feature_costs["feature_id"].unique())
    for chart in (
        company_charts.revenue_and_inference(co.money_lines(months)),
        company_charts.margin_and_share(co.ratio_lines(months)),
        company_charts.customers(co.customer_line(months), co.flow_bars(months)),
        company_charts.feature_costs(sample.feature_costs, every),
    ):
        assert len(month_labels(drawn_text(chart))) >= 7  # labels thinned, never repeated
