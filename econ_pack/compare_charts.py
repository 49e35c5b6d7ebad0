"""Chart builders of the Compare scenarios page and the board pack's "Scenarios compared": pure
functions from the frames of :mod:`econ.present.compare_view` to Altair charts. They only
draw; which option is the baseline, which is the best and every count are decided (and
tested) there.

Each option keeps one color on every chart: the baseline a dark grey, the others the Tableau
palette in the order they are compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import altair as alt
import polars as pl

from econ_pack.charts import TABLEAU10, LayerChart, customer_count_axis, month_axis

BASELINE_COLOR: Final = "#44515e"
"""The baseline's line and bars (dark grey: the reference the others are read against)."""

BEST_WIDTH: Final = 4.5
OTHER_WIDTH: Final = 2.0
DASH: Final = [6, 4]


def option_colors(names: Sequence[str]) -> list[str]:
    """One color per option, in the order compared: the baseline (the first) grey, then the
    palette."""
    return [BASELINE_COLOR, *(TABLEAU10[i % len(TABLEAU10)] for i in range(len(names) - 1))]


def _names(frame: pl.DataFrame, order: str) -> list[str]:
    return [str(name) for name in frame.sort(order)["scenario"].unique(maintain_order=True)]


def gross_profit_by_month(lines: pl.DataFrame) -> LayerChart:
    """Gross profit per month, one line per option: the baseline dashed, the option with the
    most gross profit after the customer response drawn thicker and named at its last month.
    ``lines`` is :func:`econ.present.compare_view.gross_profit_lines`."""
    names = _names(lines, "order")
    months = lines["month"].unique().to_list()
    x = month_axis(months)
    y = alt.Y(
        "gross_profit_usd:Q",
        axis=alt.Axis(title="Gross profit a month", format="$,.0f"),
        scale=alt.Scale(zero=False, nice=True),
    )
    color = alt.Color(
        "scenario:N",
        scale=alt.Scale(domain=names, range=option_colors(names)),
        legend=alt.Legend(title=None, orient="top", labelLimit=240),
    )
    drawn = (
        alt.Chart(lines)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=40))
        .encode(
            x=x,
            y=y,
            color=color,
            strokeDash=alt.StrokeDash(
                "line:N",
                scale=alt.Scale(domain=["baseline", "option"], range=[DASH, [1, 0]]),
                legend=None,
            ),
            strokeWidth=alt.StrokeWidth(
                "weight:N",
                scale=alt.Scale(domain=["best", "other"], range=[BEST_WIDTH, OTHER_WIDTH]),
                legend=None,
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("scenario:N", title="scenario"),
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip("gross_profit_usd:Q", title="gross profit", format="$,.0f"),
                alt.Tooltip("gross_profit_change_usd:Q", title="vs baseline", format="+$,.0f"),
                alt.Tooltip("gross_margin:Q", title="margin", format=".1%"),
            ],
        )
    )
    label = (
        alt.Chart(lines)
        .transform_filter("isValid(datum.label)")
        .mark_text(align="right", dy=-14, fontSize=12, fontWeight="bold")
        .encode(x=x, y=y, color=color, text=alt.Text("label:N"))
    )
    return LayerChart(layer=[drawn, label], height=320)


def bill_change_by_option(histograms: pl.DataFrame) -> LayerChart:
    """Customers by how much their bill over the window changes against the baseline's, from
    the largest fall to the largest rise, one bar per option in each bucket (the option's
    color), each labelled with its count. ``histograms`` is
    :func:`econ.present.compare_view.bill_change_histograms`."""
    buckets = histograms.sort("order")["bucket"].unique(maintain_order=True).to_list()
    names = _names(histograms, "scenario_order")
    colors = option_colors(["", *names])[1:]  # the baseline has no bars: the palette as on lines
    most = int(histograms.select(pl.col("customers").max()).item() or 0) if histograms.height else 0
    x = alt.X(
        "bucket:N",
        sort=buckets,
        title="Change in each customer's bill over the window, against the baseline",
        axis=alt.Axis(labelAngle=0, labelLimit=90),
    )
    bars = (
        alt.Chart(histograms)
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("scenario:N", sort=names),
            y=customer_count_axis(most),
            color=alt.Color(
                "scenario:N",
                scale=alt.Scale(domain=names, range=colors),
                legend=alt.Legend(title=None, orient="top", labelLimit=240),
            ),
            tooltip=[
                alt.Tooltip("scenario:N", title="scenario"),
                alt.Tooltip("bucket:N", title="bill change"),
                alt.Tooltip("customers:Q", title="customers", format=",d"),
            ],
        )
    )
    counts = (
        alt.Chart(histograms)
        .transform_filter("datum.customers > 0")
        .mark_text(dy=-7, fontSize=10, color=BASELINE_COLOR)
        .encode(
            x=x,
            xOffset=alt.XOffset("scenario:N", sort=names),
            y=customer_count_axis(most),
            text=alt.Text("customers:Q", format=",d"),
        )
    )
    return LayerChart(layer=[bars, counts], height=260)
