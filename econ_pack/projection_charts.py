"""Chart builders of the Projection page: pure functions from the frames of
:mod:`econ.present.projection` to Altair charts. They only draw; the frames come sorted.

Every encoding is an explicit channel object, as in :mod:`econ_pack.charts`.
"""

from __future__ import annotations

from typing import cast

import altair as alt
import polars as pl

from econ.present.projection import PRICING_LABELS
from econ_pack.charts import ACCENT, FIT_WIDTH, NEUTRAL, month_axis


def gross_profit(lines: pl.DataFrame) -> alt.Chart:
    """The company's projected monthly gross profit, current pricing against the simulated
    price book (:func:`econ.present.projection.gross_profit_lines`)."""
    labels = list(PRICING_LABELS.values())
    chart = (
        alt.Chart(lines, height=320, autosize=FIT_WIDTH)
        .mark_line(point=True)
        .encode(
            x=month_axis(lines["month"].unique().to_list()),
            y=alt.Y(
                "gross_profit_usd:Q", axis=alt.Axis(title="Gross profit / month", format="$,.0f")
            ),
            color=alt.Color(
                "pricing:N",
                scale=alt.Scale(domain=labels, range=[NEUTRAL, ACCENT]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "pricing:N", scale=alt.Scale(domain=labels, range=[[1, 0], [6, 3]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip("pricing:N"),
                alt.Tooltip("gross_profit_usd:Q", title="gross profit", format="$,.0f"),
                alt.Tooltip("revenue_usd:Q", title="revenue", format="$,.0f"),
                alt.Tooltip("gross_margin:Q", title="margin", format=".1%"),
            ],
        )
    )
    return cast(alt.Chart, chart)


def customers(lines: pl.DataFrame) -> alt.Chart:
    """Projected customers per segment and in total
    (:func:`econ.present.projection.customer_lines`), each segment by its ``label``; one label
    per month."""
    field = "label" if "label" in lines.columns else "segment"
    order = lines[field].unique(maintain_order=True).to_list()
    chart = (
        alt.Chart(lines, height=280, autosize=FIT_WIDTH)
        .mark_line(point=True)
        .encode(
            x=month_axis(lines["month"].unique().to_list()),
            y=alt.Y("customers:Q", axis=alt.Axis(title="Expected customers", format=",.1~f")),
            color=alt.Color(
                f"{field}:N",
                sort=order,
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(title="Segment", orient="top"),
            ),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip(f"{field}:N", title="segment"),
                alt.Tooltip("customers:Q", format=",.1f"),
            ],
        )
    )
    return cast(alt.Chart, chart)
