"""Charts as SVG text and PNG bytes through vl-convert, with no data fetched."""

from __future__ import annotations

import base64

import altair as alt
import polars as pl
import pytest

from econ_pack import images

POINTS = pl.DataFrame({"plan": ["Starter", "Pro <b>"], "margin": [0.4, 0.8]})


def bars() -> alt.Chart:
    return (
        alt.Chart(POINTS)
        .mark_bar()
        .encode(x=alt.X("plan:N"), y=alt.Y("margin:Q"))
        .properties(width=200, height=100)
    )


def test_svg_is_a_standalone_drawing_with_escaped_labels() -> None:
    drawing = images.svg(bars())
    assert drawing.lstrip().startswith("<svg")
    assert drawing.rstrip().endswith("</svg>")
    assert "Starter" in drawing
    assert "Pro &lt;b&gt;" in drawing and "Pro <b>" not in drawing


def test_png_scale_doubles_the_pixels() -> None:
    once = images.png(bars(), scale=1)
    twice = images.png(bars())
    width, height = images.png_size(once)
    assert images.png_size(twice) == (2 * width, 2 * height)
    assert width >= 200 and height >= 100  # the plotting area, plus axes


def test_png_data_uri_round_trips() -> None:
    image = images.png(bars(), scale=1)
    uri = images.png_data_uri(image)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == image


def test_png_size_refuses_other_bytes() -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        images.png_size(b"GIF89a" + bytes(30))


def test_no_chart_fetches_data() -> None:
    remote = alt.Chart("https://data.example.org/rows.csv").mark_point().encode(x=alt.X("a:Q"))
    with pytest.raises(ValueError, match="not allowed"):
        images.svg(remote)
    with pytest.raises(ValueError, match="not allowed"):
        images.png(remote)


def test_a_downloaded_chart_is_drawn_wide_whatever_the_page_did() -> None:
    import polars as pl

    from econ.present import views
    from econ_pack import charts

    features = pl.DataFrame(
        {"feature_id": ["a_b", "c_d"], "gross_profit_usd": [10.0, -4.0], "plan": ["P", "Q"]}
    )
    one = charts.margin_stack(views.margin_stack(features), views.net_gross_profit(features))
    width, _ = images.png_size(images.png(images.at_width(one), scale=1))
    assert width >= images.EXPORT_WIDTH
    by_plan = charts.margin_stack(
        views.margin_stack(features, by="plan"), views.net_gross_profit(features, by="plan")
    )
    stacked = images.at_width(by_plan)
    assert stacked.to_dict()["vconcat"][0]["width"] == images.EXPORT_WIDTH
    assert images.png_size(images.png(stacked, scale=1))[0] >= images.EXPORT_WIDTH
