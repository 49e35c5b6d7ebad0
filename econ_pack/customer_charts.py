"""Chart builders of the Customer P&L page: pure functions from a
:class:`econ.present.customer.CustomerPnl`'s frames to Altair charts. They only draw; the frames
come shaped and sorted (:mod:`econ.present.customer`).

Every encoding is an explicit channel object, as in :mod:`econ_pack.charts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import altair as alt
import polars as pl

from econ_pack.charts import (
    ACCENT,
    LOSS,
    NEUTRAL,
    PROFIT,
    TABLEAU10,
    LayerChart,
)

REVENUE_LABEL: Final = "Revenue (MRR)"
"""The legend's name for the revenue line drawn over the stacked costs."""

CUSTOMER_LABEL: Final = "This customer"
CUSTOMER_BAR: Final = "#8fb0d6"
"""The customer's bars: light enough for the median's black tick to show on them."""
MEDIAN_LABEL: Final = "Median customer of its plan"
"""The legend of the features chart (fixed words: a plan's name, written by whoever made the
file, never goes into a chart's expressions)."""
ROW_HEIGHT: Final = 30
BAR_WIDTH: Final = 0.7
"""A month's bar fills this share of the month, centred in it."""


def feature_colors(
    shown: Sequence[str], every_feature: Sequence[str], names: Mapping[str, str]
) -> dict[str, str]:
    """Each shown feature's label → its colour: the colour it has on every chart of the app
    (colours go to ``every_feature`` in id order, as :mod:`econ_pack.charts` gives them)."""
    palette = {f: TABLEAU10[i % len(TABLEAU10)] for i, f in enumerate(sorted(every_feature))}
    return {names.get(f, f): palette.get(f, NEUTRAL) for f in shown}


def _month_bands() -> alt.X:
    """Months along x as bands ("Jan 2026"), one per active month: a month's bar and its
    revenue point share the band's middle."""
    return alt.X(
        "month:O",
        timeUnit="yearmonth",
        title=None,
        axis=alt.Axis(format="%b %Y", labelAngle=0, labelOverlap="greedy"),
    )


def _money_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, format="$,.2~f")


def cost_and_revenue(
    cost_by_feature: pl.DataFrame, months: pl.DataFrame, every_feature: Sequence[str]
) -> LayerChart:
    """Each month's inference cost stacked by feature, with the month's revenue (MRR) as a line
    on top: where the stack passes the line, inference alone costs more than the customer pays.

    ``cost_by_feature`` and ``months`` are a :class:`~econ.present.customer.CustomerPnl`'s;
    ``every_feature`` (ids) keeps each feature's colour of the other charts."""
    x = _month_bands()
    names = dict(cost_by_feature.select("feature_id", "feature").unique().iter_rows())
    shown = sorted(names)
    colors = feature_colors(shown, every_feature, names) | {REVENUE_LABEL: ACCENT}
    scale = alt.Scale(domain=list(colors), range=list(colors.values()))
    legend = alt.Legend(title=None, orient="top", columns=4, symbolLimit=0, labelLimit=240)
    y_title = "Inference cost and revenue per month"
    bars = (
        alt.Chart(cost_by_feature)
        .mark_bar(width=alt.RelativeBandSize(BAR_WIDTH))
        .encode(
            x=x,
            y=alt.Y("sum(cost_usd):Q", stack="zero", axis=_money_axis(y_title)),
            color=alt.Color("feature:N", scale=scale, legend=legend),
            order=alt.Order("feature_id:N"),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip("feature:N"),
                alt.Tooltip("sum(cost_usd):Q", title="inference cost", format="$,.2f"),
            ],
        )
    )
    revenue = (
        alt.Chart(months)
        .transform_calculate(series=alt.expr.toString(REVENUE_LABEL))
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("revenue_usd:Q", axis=_money_axis(y_title)),
            color=alt.Color("series:N", scale=scale, legend=legend),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip("plan:N"),
                alt.Tooltip("revenue_usd:Q", title="revenue", format="$,.2f"),
                alt.Tooltip("inference_usd:Q", title="inference", format="$,.2f"),
            ],
        )
    )
    return LayerChart(layer=[bars, revenue], height=320)


def gross_profit_by_month(months: pl.DataFrame) -> LayerChart:
    """The customer's compute-adjusted gross profit per month: green bars above zero, red below,
    with zero ruled. ``months`` is a :class:`~econ.present.customer.CustomerPnl`'s."""
    x = _month_bands()
    bars = (
        alt.Chart(months)
        .mark_bar(width=alt.RelativeBandSize(BAR_WIDTH))
        .encode(
            x=x,
            y=alt.Y("gross_profit_usd:Q", axis=_money_axis("Gross profit per month")),
            color=alt.condition(
                alt.datum.gross_profit_usd < 0, alt.ColorValue(LOSS), alt.ColorValue(PROFIT)
            ),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip("gross_profit_usd:Q", title="gross profit", format="$,.2f"),
                alt.Tooltip("gross_margin:Q", title="margin", format=".1%"),
            ],
        )
    )
    zero = alt.Chart(months).transform_aggregate(rows="count()").mark_rule(color="black")
    return LayerChart(layer=[bars, zero.encode(y=alt.YDatum(0.0))], height=220)


def features_against_plan(features: pl.DataFrame) -> LayerChart:
    """Each feature's inference cost per active month for this customer (bar) against the median
    customer of its plan (black tick), costliest feature first. ``features`` is a
    :class:`~econ.present.customer.CustomerPnl`'s."""
    order = features["feature"].to_list()
    median_label = MEDIAN_LABEL
    scale = alt.Scale(domain=[CUSTOMER_LABEL, median_label], range=[CUSTOMER_BAR, "black"])
    legend = alt.Legend(title=None, orient="top", labelLimit=300)
    y = alt.Y("feature:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    x_axis = _money_axis("Inference cost per active month")
    x_axis.tickCount = 8
    tooltip = [
        alt.Tooltip("feature:N"),
        alt.Tooltip("cost_per_month_usd:Q", title="this customer / month", format="$,.2f"),
        alt.Tooltip("plan_median_usd:Q", title="plan median / month", format="$,.2f"),
        alt.Tooltip("ratio_to_median:Q", title="× median", format=".1f"),
    ]
    bars = (
        alt.Chart(features)
        .transform_calculate(series=alt.expr.toString(CUSTOMER_LABEL))
        .mark_bar(height={"band": 0.6})
        .encode(
            y=y,
            x=alt.X("cost_per_month_usd:Q", axis=x_axis),
            color=alt.Color("series:N", scale=scale, legend=legend),
            tooltip=tooltip,
        )
    )
    medians = (
        alt.Chart(features)
        .transform_calculate(series=alt.expr.toString(median_label))
        .mark_tick(thickness=3, size=22)
        .encode(
            y=y,
            x=alt.X("plan_median_usd:Q", axis=x_axis),
            color=alt.Color("series:N", scale=scale, legend=legend),
            tooltip=tooltip,
        )
    )
    return LayerChart(layer=[bars, medians], height=ROW_HEIGHT * max(1, len(order)) + 30)
