"""The Compare page's charts: valid Vega-Lite, one line per option in the order compared with
the baseline dashed and the best thick and named, and the bill changes per option in buckets
from the largest fall to the largest rise."""

from __future__ import annotations

from typing import Any

import pytest
from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ.present import compare_view, pricing_view
from econ_pack import compare_charts


def _option(price: float) -> econ.Scenario:
    book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=price)})
    return econ.Scenario(price_book=book)


@pytest.fixture(scope="module")
def compared() -> econ.Comparison:
    data = econ.load_dataset(FIRST_USAGE, FIRST_REVENUE)
    return econ.compare_scenarios(
        data,
        [
            econ.Named("Today", econ.Scenario()),
            econ.Named("Starter at $59", _option(59.0)),
            econ.Named("Starter at $39", _option(39.0)),
        ],
    )


def encoding(spec: dict[str, Any], layer: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = spec["layer"][layer]["encoding"]
    return found


def test_one_line_per_option_the_baseline_dashed_the_best_thick(
    compared: econ.Comparison,
) -> None:
    lines = compare_view.gross_profit_lines(compared)
    spec = compare_charts.gross_profit_by_month(lines).to_dict(validate=True)
    lines_encoding = encoding(spec)
    color = lines_encoding["color"]["scale"]
    assert color["domain"] == list(compared.names)
    assert color["range"][0] == compare_charts.BASELINE_COLOR
    assert len(set(color["range"])) == 3
    dash = lines_encoding["strokeDash"]["scale"]
    assert dash["domain"] == ["baseline", "option"]
    assert dash["range"][0] == compare_charts.DASH
    width = lines_encoding["strokeWidth"]["scale"]
    assert dict(zip(width["domain"], width["range"], strict=True)) == {
        "best": compare_charts.BEST_WIDTH,
        "other": compare_charts.OTHER_WIDTH,
    }
    assert spec["layer"][1]["transform"] == [{"filter": "isValid(datum.label)"}]
    (data,) = spec["datasets"].values()
    assert [row["label"] for row in data if row["label"]] == ["Starter at $59: most gross profit"]
    months = lines_encoding["x"]["axis"]["values"]
    assert len(months) == compared.months == 3


def test_the_options_keep_their_colors_on_the_bill_chart(compared: econ.Comparison) -> None:
    lines = compare_charts.gross_profit_by_month(compare_view.gross_profit_lines(compared))
    line_colors = dict(
        zip(
            *(encoding(lines.to_dict())["color"]["scale"][k] for k in ("domain", "range")),
            strict=True,
        )
    )
    histograms = compare_view.bill_change_histograms(compared)
    spec = compare_charts.bill_change_by_option(histograms).to_dict(validate=True)
    bars = encoding(spec)
    scale = bars["color"]["scale"]
    assert scale["domain"] == ["Starter at $59", "Starter at $39"]
    assert scale["range"] == [line_colors[name] for name in scale["domain"]]
    assert bars["x"]["sort"][: len(pricing_view.BILL_BUCKETS)] == [
        name for name, _, _ in pricing_view.BILL_BUCKETS
    ]
    assert bars["y"]["axis"]["format"] == "d"  # whole customers
    assert spec["layer"][1]["transform"] == [{"filter": "datum.customers > 0"}]


def test_a_tie_labels_no_line() -> None:
    data = econ.load_dataset(FIRST_USAGE, FIRST_REVENUE)
    same = econ.compare_scenarios(
        data, [econ.Named("A", econ.Scenario()), econ.Named("B", econ.Scenario())]
    )
    spec = compare_charts.gross_profit_by_month(compare_view.gross_profit_lines(same)).to_dict(
        validate=True
    )
    (rows,) = spec["datasets"].values()
    assert not [row for row in rows if row["label"]]
    assert {row["weight"] for row in rows} == {"other"}
    histogram = compare_charts.bill_change_by_option(compare_view.bill_change_histograms(same))
    (bars,) = histogram.to_dict(validate=True)["datasets"].values()
    no_change = [row for row in bars if row["bucket"] == pricing_view.NO_CHANGE_BUCKET]
    assert [row["customers"] for row in no_change] == [3]


def test_colors_repeat_after_ten_options() -> None:
    colors = compare_charts.option_colors([str(i) for i in range(12)])
    assert colors[0] == compare_charts.BASELINE_COLOR
    assert colors[1] == colors[11]
