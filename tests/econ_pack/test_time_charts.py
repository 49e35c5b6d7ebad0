"""The retention and projection chart builders on a first small upload and on the sample: one
month label per month, whole-month tenure ticks, segment names in words, data in every chart."""

from __future__ import annotations

from typing import Any

import pytest
from test_charts import FIRST_REVENUE, FIRST_USAGE, drawn_text, rows_of, spec_of

import econ
from econ.present import projection as shaped
from econ.present import retention
from econ_pack import projection_charts, retention_charts


@pytest.fixture(scope="module")
def small() -> econ.Report:
    return econ.analyze(FIRST_USAGE, FIRST_REVENUE)


@pytest.fixture(scope="module")
def sample(sample_dataset: econ.Dataset) -> econ.Report:
    return econ.analyze_dataset(sample_dataset, econ.sample_scenario())


def month_labels(text: list[str]) -> list[str]:
    return [label for label in text if label[-4:].isdigit() and label[:3].isalpha()]


def x_of(spec: dict[str, Any]) -> dict[str, Any]:
    encoding: dict[str, Any] = (spec["layer"][0] if "layer" in spec else spec)["encoding"]["x"]
    return encoding


class TestRetention:
    def test_small_upload(self, small: econ.Report) -> None:
        view = retention.retention_view(small)
        rates = retention_charts.grr_nrr(view.rates)
        x = x_of(spec_of(rates))
        assert (x["timeUnit"], x["axis"]["format"]) == ("yearmonth", "%b %Y")
        assert len(x["axis"]["values"]) == 2  # February and March have a starting MRR
        assert month_labels(drawn_text(rates)) == ["Feb 2026", "Mar 2026"]

        curves = retention_charts.survival_curves(view.curves, view.segments)
        spec = spec_of(curves)
        assert spec["layer"][0]["encoding"]["x"]["axis"]["values"] == [0, 1, 2]
        assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [
            "Light users",
            "Core users",
            "Power users",
            "All customers",
        ]
        assert rows_of(spec)
        text = drawn_text(curves)
        assert [t for t in text if t.isdigit()] == ["0", "1", "2"]

        heat = spec_of(retention_charts.cohort_heatmap(view.heatmap))
        assert heat["layer"][0]["encoding"]["y"]["sort"] == ["Jan 2026"]
        assert len(rows_of(heat)) == 3

    def test_sample_months(self, sample: econ.Report) -> None:
        view = retention.retention_view(sample)
        x = x_of(spec_of(retention_charts.grr_nrr(view.rates)))
        assert len(x["axis"]["values"]) == view.rates["month"].n_unique()


class TestProjection:
    def test_small_upload_twelve_months_in_words(self, small: econ.Report) -> None:
        projection = shaped.projection_of(small, econ.simulate(small))
        profit = projection_charts.gross_profit(shaped.gross_profit_lines(projection))
        x = x_of(spec_of(profit))
        assert x["timeUnit"] == "yearmonth" and len(x["axis"]["values"]) == 12
        assert len(rows_of(spec_of(profit))) == 24  # twelve months at two pricings
        labels = month_labels(drawn_text(profit, width=1100))
        assert labels[0] == "Apr 2026" and labels[-1] == "Mar 2027"
        assert len(labels) == len(set(labels)) == 12

        lines = shaped.customer_lines(projection, segment_by=small.scenario.segment_by)
        customers = projection_charts.customers(lines)
        spec = spec_of(customers)
        assert spec["encoding"]["color"]["field"] == "label"
        assert {row["label"] for row in rows_of(spec)} == {
            "Light users",
            "Core users",
            "Power users",
            "All customers",
        }
        assert spec["encoding"]["y"]["axis"]["format"] == ",.1~f"
