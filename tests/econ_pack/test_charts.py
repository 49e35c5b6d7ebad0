"""The app's chart builders produce valid Vega-Lite for real reports (Altair validates)."""

from __future__ import annotations

import altair as alt
import pytest

import econ
from econ.present import views
from econ_pack import charts


@pytest.fixture(scope="module")
def report(sample_dataset: econ.Dataset) -> econ.Report:
    return econ.analyze_dataset(sample_dataset, econ.sample_scenario())


def specs(chart: alt.TopLevelMixin) -> dict[str, object]:
    spec = chart.to_dict(validate=True)
    assert isinstance(spec, dict)
    return spec


def test_ltv_chart(report: econ.Report) -> None:
    spec = specs(
        charts.ltv_by_segment(
            views.ltv_bars(report.segments), views.benchmark_marks(report.segments)
        )
    )
    assert len(spec["layer"]) == 3  # type: ignore[arg-type]


def test_profit_histogram(report: econ.Report) -> None:
    specs(
        charts.profit_histogram(
            views.profit_histogram(views.customer_profits(report.customer_months))
        )
    )


def test_margin_stack_keeps_colors_per_feature(report: econ.Report) -> None:
    stack = views.margin_stack(report.features)
    spec = specs(charts.margin_stack(stack, views.net_gross_profit(report.features)))
    color = spec["layer"][0]["encoding"]["color"]["scale"]  # type: ignore[index]
    assert color["domain"] == stack["feature_id"].to_list()
    trend = specs(charts.feature_trend(views.feature_trend(report), sorted(stack["feature_id"])))
    trend_color = trend["layer"][0]["encoding"]["color"]["scale"]  # type: ignore[index]
    by_feature = dict(zip(color["domain"], color["range"], strict=True))
    assert dict(zip(trend_color["domain"], trend_color["range"], strict=True)) == by_feature


def test_band_chart(report: econ.Report) -> None:
    specs(charts.margin_against_bands(report.features))
