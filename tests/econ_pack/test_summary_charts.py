"""The KPI sparklines: valid Vega-Lite (Altair validates), an area with its line and no axes, the
months in order whatever order the series came in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

import econ
from econ.present import kpis
from econ_pack.summary_charts import SPARKLINE_HEIGHT, sparkline


def spec_of(series: pl.DataFrame, kind: kpis.KpiKind) -> dict[str, Any]:
    spec = sparkline(series, kind).to_dict(validate=True)
    assert isinstance(spec, dict)
    return spec


def rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    (values,) = spec["datasets"].values()
    assert isinstance(values, list)
    return values


SERIES = pl.DataFrame(
    {
        "month": [dt.date(2026, 3, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
        "value": [0.5, None, 0.75],
    },
    schema={"month": pl.Date, "value": pl.Float64},
)
"""Three months out of order, one of them undefined."""


def test_an_area_with_its_line_and_no_axes() -> None:
    spec = spec_of(SERIES, "percent")
    assert spec["mark"]["type"] == "area"
    assert spec["mark"]["line"]["color"] == spec["mark"]["color"]
    encoding = spec["encoding"]
    assert encoding["x"] == {
        "field": "month",
        "type": "temporal",
        "timeUnit": "yearmonth",
        "axis": None,
        "title": None,
    }
    assert encoding["y"]["field"] == "value" and encoding["y"]["axis"] is None
    assert encoding["y"]["scale"] == {"zero": False}
    assert spec["height"] == SPARKLINE_HEIGHT
    assert spec["config"]["view"]["strokeWidth"] == 0


def test_the_months_in_order_with_the_undefined_one_kept_as_a_gap() -> None:
    values = rows(spec_of(SERIES, "percent"))
    assert [row["month"][:10] for row in values] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert [row["value"] for row in values] == [None, 0.75, 0.5]


@pytest.mark.parametrize(
    ("kind", "number_format"), [("usd", "$,.0f"), ("percent", ".1%"), ("count", ",.0f")]
)
def test_the_tooltip_writes_the_value_as_its_kind(kind: kpis.KpiKind, number_format: str) -> None:
    tooltip = spec_of(SERIES, kind)["encoding"]["tooltip"]
    assert [tip["field"] for tip in tooltip] == ["month", "value"]
    assert tooltip[1]["format"] == number_format


def test_every_card_of_the_sample(sample_dataset: econ.Dataset) -> None:
    report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
    for card in kpis.kpis(report.customer_months):
        values = rows(spec_of(card.series, card.kind))
        assert len(values) == 15
        assert values[0]["month"].startswith("2025-08-01")
        assert values[-1]["month"].startswith("2026-10-01")
        assert values[-1]["value"] == pytest.approx(card.latest)
