"""The Tiers & pricing page's bill-change histogram: valid Vega-Lite, every bucket drawn in
order, whole-customer ticks."""

from __future__ import annotations

from typing import Any

import polars as pl

from econ.present import pricing_view
from econ_pack import pricing_charts


def histogram(changes: list[tuple[float, float | None]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        changes, schema={"change_usd": pl.Float64, "change_share": pl.Float64}, orient="row"
    )
    return pricing_view.bill_change_histogram(frame)


def y_axis(spec: dict[str, Any]) -> dict[str, Any]:
    axis: dict[str, Any] = spec["layer"][0]["encoding"]["y"]["axis"]
    return axis


def test_three_customers_read_in_whole_customers() -> None:
    frame = histogram([(0.0, 0.0), (0.0, 0.0), (12.0, 0.3)])
    spec = pricing_charts.bill_change_histogram(frame).to_dict(validate=True)
    axis = y_axis(spec)
    assert axis["tickMinStep"] == 1
    assert axis["format"] == "d"
    assert "values" not in axis  # the browser's Vega drops listed values formatted "d"
    (data,) = spec["datasets"].values()
    assert [row["bucket"] for row in data] == [name for name, _, _ in pricing_view.BILL_BUCKETS]
    x = spec["layer"][0]["encoding"]["x"]
    assert x["sort"] == [row["bucket"] for row in data]
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["less", "none", "more"]


def test_the_count_labels_sit_on_the_bars() -> None:
    frame = histogram([(1.0, 0.01)] * 500)
    spec = pricing_charts.bill_change_histogram(frame).to_dict(validate=True)
    bars, labels = spec["layer"]
    assert labels["encoding"]["y"] == bars["encoding"]["y"]
    assert labels["transform"] == [{"filter": "datum.customers > 0"}]


def test_no_customer_still_draws_the_buckets() -> None:
    spec = pricing_charts.bill_change_histogram(histogram([])).to_dict(validate=True)
    (data,) = spec["datasets"].values()
    assert len(data) == len(pricing_view.BILL_BUCKETS)
    assert y_axis(spec)["tickMinStep"] == 1
