"""Chart builders: pure functions from the frames of :mod:`econ.present.views` to Altair charts.

They only draw. Sorting, stacking and binning happen (and are tested) in ``econ.present.views``; the
sort orders passed to Altair here are read from those already sorted frames.

Every encoding is an explicit channel object (``alt.X2(...)``, ``alt.TextValue(...)``), never a
shorthand string or a dict: Altair turns those into objects by searching its whole schema,
which made building a chart several times slower than drawing it.
"""

from __future__ import annotations

from typing import Any, Final, Literal, cast

import altair as alt
import polars as pl
from altair.utils import schemapi

from econ.present.views import COMPUTE_ADJUSTED, TRADITIONAL

# Altair's "debug mode" checks every part of a chart against the Vega-Lite schema as it is
# built. Each whole chart is still checked when it is serialized (by Streamlit, and by the
# tests), so building without it changes no output and saves a third of a page's chart time.
schemapi.disable_debug_mode()


class LayerChart(alt.LayerChart):
    """An Altair layered chart that serializes without re-checking itself against the schema.

    Streamlit turns a chart into Vega-Lite with ``to_dict()``, and the schema check is about
    half of a page's chart time, paid on every rerun. Each builder here always produces the same
    shape of spec, and the tests check every builder's output against the Vega-Lite schema
    (``to_dict(validate=True)``).
    """

    def to_dict(
        self,
        validate: bool = False,
        *,
        format: Literal["vega-lite", "vega"] = "vega-lite",
        ignore: list[str] | None = None,
        context: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return super().to_dict(validate, format=format, ignore=ignore, context=context)


PROFIT: Final = "#2e7d4f"
LOSS: Final = "#c0392b"
NEUTRAL: Final = "#9aa5b1"
ACCENT: Final = "#1f4e79"
STATUS_COLORS: Final = {
    "negative": LOSS,
    "act": "#e67e22",
    "watch": "#d4ac0d",
    "ok": PROFIT,
    "above_band": "#2e86c1",
}


TABLEAU10: Final = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


def _feature_scale(shown: list[str], every_feature: list[str]) -> alt.Scale:
    """The same color for a feature on every chart: colors go to ``every_feature`` in name
    order, and the legend lists ``shown`` in the order given."""
    palette = {f: TABLEAU10[i % len(TABLEAU10)] for i, f in enumerate(sorted(every_feature))}
    return alt.Scale(domain=shown, range=[palette[f] for f in shown])


def _zero_rule(data: pl.DataFrame, axis: Literal["x", "y"]) -> alt.Chart:
    """A black rule at zero, drawn from the chart's own data (collapsed to one row) so that
    every layer shares one dataset, which is serialized once."""
    base = alt.Chart(data).transform_aggregate(rows="count()").mark_rule(color="black")
    datum = {"x": alt.XDatum(0.0)} if axis == "x" else {"y": alt.YDatum(0.0)}
    return cast(alt.Chart, base.encode(**datum))


def _money_axis(title: str) -> alt.Axis:
    return alt.Axis(title=title, format="$,.0f")


def ltv_by_segment(bars: pl.DataFrame, marks: pl.DataFrame) -> LayerChart:
    """Traditional vs compute-adjusted LTV per segment, with the 3:1 LTV:CAC level marked."""
    order = bars.unique("segment", maintain_order=True)["segment"].to_list()
    x = alt.X("segment:N", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    columns = (
        alt.Chart(bars)
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("view:N", sort=[TRADITIONAL, COMPUTE_ADJUSTED]),
            y=alt.Y("ltv_usd:Q", axis=_money_axis("LTV per customer")),
            color=alt.Color(
                "view:N",
                scale=alt.Scale(domain=[TRADITIONAL, COMPUTE_ADJUSTED], range=[NEUTRAL, ACCENT]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("segment:N"),
                alt.Tooltip("view:N"),
                alt.Tooltip("ltv_usd:Q", title="LTV", format="$,.0f"),
                alt.Tooltip("ltv_cac:Q", title="LTV:CAC", format=".1f"),
            ],
        )
    )
    benchmark = alt.Chart(marks).encode(
        x=x,
        y=alt.Y("ltv_at_benchmark:Q"),
        tooltip=[
            alt.Tooltip("segment:N"),
            alt.Tooltip("ltv_at_benchmark:Q", title="LTV at 3:1 LTV:CAC", format="$,.0f"),
        ],
    )
    ticks = benchmark.mark_tick(color=LOSS, thickness=3, size=46)
    labels = benchmark.mark_text(color=LOSS, dy=-9, fontSize=11).encode(text=alt.TextValue("3:1"))
    return LayerChart(layer=[columns, ticks, labels], height=340)


def profit_histogram(histogram: pl.DataFrame) -> LayerChart:
    """Customers by monthly compute-adjusted gross profit; loss-making bins in red."""
    bars = (
        alt.Chart(histogram)
        .mark_bar()
        .encode(
            x=alt.X(
                "bin_start:Q", bin="binned", axis=_money_axis("Monthly gross profit per customer")
            ),
            x2=alt.X2("bin_end:Q"),
            y=alt.Y(
                "customers:Q", title="Customers (square-root scale)", scale=alt.Scale(type="sqrt")
            ),
            color=alt.Color(
                "side:N",
                scale=alt.Scale(domain=["loss", "profit"], range=[LOSS, PROFIT]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("bin_start:Q", title="from", format="$,.0f"),
                alt.Tooltip("bin_end:Q", title="to", format="$,.0f"),
                alt.Tooltip("customers:Q"),
            ],
        )
    )
    return LayerChart(layer=[bars, _zero_rule(histogram, "x")], height=260)


def margin_stack(stack: pl.DataFrame, net: pl.DataFrame) -> LayerChart:
    """The margin stack: each feature's gross profit stacked, losses below zero, net marked."""
    features = stack["feature_id"].unique(maintain_order=True).to_list()
    groups = net["group"].to_list()
    x = alt.X("group:N", sort=groups, title=None, axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(stack)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("y_start:Q", axis=_money_axis("Gross profit over the window")),
            stroke=alt.Stroke(
                "side:N",
                scale=alt.Scale(domain=["loss", "profit"], range=[LOSS, "white"]),
                legend=None,
            ),
            strokeWidth=alt.StrokeWidth(
                "side:N", scale=alt.Scale(domain=["loss", "profit"], range=[2, 0.5]), legend=None
            ),
            y2=alt.Y2("y_end:Q"),
            color=alt.Color(
                "feature_id:N",
                scale=_feature_scale(features, features),
                legend=alt.Legend(title="Feature (top to bottom)"),
            ),
            tooltip=[
                alt.Tooltip("group:N", title="stack"),
                alt.Tooltip("feature_id:N", title="feature"),
                alt.Tooltip("gross_profit_usd:Q", title="gross profit", format="$,.0f"),
            ],
        )
    )
    zero = _zero_rule(stack, "y")
    net_marks = alt.Chart(net).encode(
        x=x,
        y=alt.Y("net_usd:Q"),
        tooltip=[alt.Tooltip("group:N"), alt.Tooltip("net_usd:Q", title="net", format="$,.0f")],
    )
    net_tick = net_marks.mark_tick(color="black", thickness=3, size=60)
    net_label = net_marks.mark_text(align="left", dx=33, fontWeight="bold").encode(
        text=alt.Text("net_usd:Q", format="$.3s")
    )
    return LayerChart(layer=[bars, zero, net_tick, net_label], height=420)


def margin_against_bands(features: pl.DataFrame) -> LayerChart:
    """Each feature's margin (dot) against its category's target band (grey) and action
    threshold (orange tick), in margin-stack order."""
    order = features["feature_id"].to_list()
    y = alt.Y("feature_id:N", sort=order, title=None)
    scale = alt.Scale(domain=[-1.0, 1.0], clamp=True)
    band = (
        alt.Chart(features)
        .mark_bar(color="#d5dbe1", height=12)
        .encode(
            y=y,
            x=alt.X(
                "band_low:Q",
                scale=scale,
                axis=alt.Axis(format="%", title="Gross margin (clipped at ±100%)"),
            ),
            x2=alt.X2("band_high:Q"),
        )
    )
    threshold = (
        alt.Chart(features)
        .mark_tick(color=STATUS_COLORS["act"], thickness=2, size=16)
        .encode(y=y, x=alt.X("act_below:Q", scale=scale))
    )
    dots = (
        alt.Chart(features)
        .mark_point(filled=True, size=110, opacity=1)
        .encode(
            y=y,
            x=alt.X("gross_margin:Q", scale=scale),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values())),
                legend=alt.Legend(title="Status", orient="top"),
            ),
            tooltip=[
                alt.Tooltip("feature_id:N", title="feature"),
                alt.Tooltip("category:N"),
                alt.Tooltip("gross_margin:Q", title="margin", format=".1%"),
                alt.Tooltip("band_low:Q", title="band from", format=".0%"),
                alt.Tooltip("band_high:Q", title="band to", format=".0%"),
                alt.Tooltip("status:N"),
            ],
        )
    )
    zero = _zero_rule(features, "x")
    return LayerChart(layer=[band, threshold, zero, dots], height=40 * len(order) + 40)


def feature_trend(trend: pl.DataFrame, every_feature: list[str]) -> LayerChart:
    """Each feature's monthly margin; a red triangle where it crossed below zero.

    ``every_feature`` keeps each feature's color when ``trend`` holds only some of them.
    """
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y"))
    y = alt.Y(
        "gross_margin:Q",
        axis=alt.Axis(format="%", title="Gross margin"),
        scale=alt.Scale(domainMin=-1.0, clamp=True),
    )
    lines = (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "feature_id:N",
                scale=_feature_scale(sorted(trend["feature_id"].unique().to_list()), every_feature),
                title="Feature",
            ),
            tooltip=[
                alt.Tooltip("feature_id:N", title="feature"),
                alt.Tooltip("month:T", format="%b %Y"),
                alt.Tooltip("gross_margin:Q", title="margin", format=".1%"),
                alt.Tooltip("gross_profit_usd:Q", title="gross profit", format="$,.0f"),
            ],
        )
    )
    crossed = (
        alt.Chart(trend)
        .transform_filter(alt.datum.crossed_negative)
        .mark_point(shape="triangle-down", size=160, filled=True, color=LOSS)
        .encode(x=x, y=y)
    )
    return LayerChart(layer=[lines, _zero_rule(trend, "y"), crossed], height=340)


def bill_changes(customers: pl.DataFrame, diagonal: pl.DataFrame) -> LayerChart:
    """Each customer's bill over the window, current against simulated, by segment, on log
    scales spanning ``diagonal``; points above the dashed line pay more."""
    scale = alt.Scale(type="log", domain=diagonal["bill_usd"].to_list(), clamp=True, nice=True)
    points = (
        alt.Chart(customers)
        .mark_circle(size=38, opacity=0.65)
        .encode(
            x=alt.X("bill_current_usd:Q", scale=scale, axis=_money_axis("Current bill")),
            y=alt.Y("bill_simulated_usd:Q", scale=scale, axis=_money_axis("Simulated bill")),
            color=alt.Color("segment:N", title="Segment", scale=alt.Scale(scheme="tableau10")),
            tooltip=[
                alt.Tooltip("customer_id:N", title="customer"),
                alt.Tooltip("segment:N"),
                alt.Tooltip("plan:N"),
                alt.Tooltip("bill_current_usd:Q", title="current", format="$,.2f"),
                alt.Tooltip("bill_simulated_usd:Q", title="simulated", format="$,.2f"),
                alt.Tooltip("change_share:Q", title="change", format="+.1%"),
            ],
        )
    )
    line = (
        alt.Chart(diagonal)
        .mark_line(color=NEUTRAL, strokeDash=[4, 4])
        .encode(x=alt.X("bill_usd:Q", scale=scale), y=alt.Y("bill_usd:Q", scale=scale))
    )
    return LayerChart(layer=[line, points], height=380)
