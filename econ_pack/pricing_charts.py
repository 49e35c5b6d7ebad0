"""Chart builders of the Tiers & pricing page: pure functions from the frames of
:mod:`econ.present.pricing_view` to Altair charts. They only draw; the buckets, their order and
their counts are shaped (and tested) there."""

from __future__ import annotations

from typing import Final

import altair as alt
import polars as pl

from econ_pack.charts import NEUTRAL, PROFIT, LayerChart

RISE: Final = "#e67e22"
"""Customers whose bill rises (orange: a cost to them, a churn risk to us)."""

SIDES: Final = {"less": PROFIT, "none": NEUTRAL, "more": RISE}


def whole_count_axis(title: str) -> alt.Axis:
    """An axis of a count of customers: integer ticks and labels only (never "0.5 customers").

    No explicit ``values``: with ``format="d"`` the browser's Vega drops some of them (a 0–2
    axis showed 0 and 2 only), while ``tickMinStep`` keeps a short axis at 0, 1, 2.
    """
    return alt.Axis(title=title, format="d", tickMinStep=1)


def bill_change_histogram(histogram: pl.DataFrame) -> LayerChart:
    """Customers by how much their bill over the window changes, from the largest fall to the
    largest rise (falls green, no change grey, rises orange), each bar labelled with its count.
    ``histogram`` is :func:`econ.present.pricing_view.bill_change_histogram`."""
    ordered = histogram.sort("order")
    buckets = ordered["bucket"].to_list()
    x = alt.X(
        "bucket:N",
        sort=buckets,
        title="Change in each customer's bill over the window",
        axis=alt.Axis(labelAngle=0, labelLimit=90),
    )
    y = alt.Y(
        "customers:Q",
        axis=whole_count_axis("Customers"),
        scale=alt.Scale(domainMin=0, nice=True),
    )
    bars = (
        alt.Chart(ordered)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "side:N",
                scale=alt.Scale(domain=list(SIDES), range=list(SIDES.values())),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("bucket:N", title="bill change"),
                alt.Tooltip("customers:Q", title="customers", format=",d"),
            ],
        )
    )
    labels = (
        alt.Chart(ordered)
        .transform_filter("datum.customers > 0")
        .mark_text(dy=-7, fontSize=11, color="#44515e")
        .encode(x=x, y=y, text=alt.Text("customers:Q", format=",d"))
    )
    return LayerChart(layer=[bars, labels], height=240)
