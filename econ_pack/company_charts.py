"""Chart builders of the Company by month page: pure functions from the frames of
:mod:`econ.present.company` to Altair charts. They only draw; the frames come sorted, and the
rows are sorted again here (polars' streaming engine keeps no row order, and a chart must not
reshuffle).

Every encoding is an explicit channel object, as in :mod:`econ_pack.charts`, and each month
along x has one label (:func:`econ_pack.charts.month_axis`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import altair as alt
import polars as pl

from econ.present.company import FLOW_LABELS, INFERENCE_SHARE_LINE, NEW, RETURNING
from econ.present.kpis import GROSS_MARGIN, INFERENCE, INFERENCE_SHARE, REVENUE
from econ_pack.charts import (
    ACCENT,
    LOSS,
    NEUTRAL,
    PROFIT,
    WHOLE_TICKS_UP_TO,
    LayerChart,
    _feature_scale,
    _zero_rule,
    month_axis,
    whole_ticks,
)

INFERENCE_COLOR: Final = "#e67e22"
RETURNING_COLOR: Final = "#2e86c1"
HEIGHT: Final = 300

_MONTH_TIP: Final = alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y", title="month")


def _legend() -> alt.Legend:
    return alt.Legend(title=None, orient="top")


def revenue_and_inference(lines: pl.DataFrame) -> LayerChart:
    """Revenue and inference cost per month, one line each
    (:func:`econ.present.company.money_lines`): the gap between them is what inference leaves."""
    rows = lines.sort("order", "month")
    domain = [REVENUE, INFERENCE]
    chart = (
        alt.Chart(rows)
        .mark_line(point=True)
        .encode(
            x=month_axis(rows["month"].to_list()),
            y=alt.Y("usd:Q", axis=alt.Axis(title="Per month", format="$,.0f")),
            color=alt.Color(
                "measure:N",
                scale=alt.Scale(domain=domain, range=[ACCENT, INFERENCE_COLOR]),
                legend=_legend(),
            ),
            tooltip=[
                _MONTH_TIP,
                alt.Tooltip("measure:N", title="measure"),
                alt.Tooltip("usd:Q", title="amount", format="$,.2f"),
            ],
        )
    )
    return LayerChart(layer=[chart, _zero_rule(rows, "y")], height=HEIGHT)


def margin_and_share(lines: pl.DataFrame) -> LayerChart:
    """Gross margin and inference share per month, one line each
    (:func:`econ.present.company.ratio_lines`; a month without revenue is a gap), with the 10%
    inference share above which compute-adjusted LTV matters (article 001) dashed."""
    rows = lines.sort("order", "month")
    domain = [GROSS_MARGIN, INFERENCE_SHARE]
    x = month_axis(rows["month"].to_list())
    chart = (
        alt.Chart(rows)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("value:Q", axis=alt.Axis(title=None, format="%")),
            color=alt.Color(
                "measure:N",
                scale=alt.Scale(domain=domain, range=[PROFIT, INFERENCE_COLOR]),
                legend=_legend(),
            ),
            tooltip=[
                _MONTH_TIP,
                alt.Tooltip("measure:N", title="measure"),
                alt.Tooltip("value:Q", title="value", format=".1%"),
            ],
        )
    )
    base = alt.Chart(rows).transform_aggregate(rows="count()")
    threshold = base.mark_rule(color=NEUTRAL, strokeDash=[4, 4]).encode(
        y=alt.YDatum(INFERENCE_SHARE_LINE)
    )
    label = base.mark_text(align="left", x=4, dy=9, color="#5f6b7a", fontSize=11).encode(
        y=alt.YDatum(INFERENCE_SHARE_LINE),
        text=alt.TextValue(
            f"{INFERENCE_SHARE_LINE:.0%} inference share: compute-adjusted LTV matters"
        ),
    )
    return LayerChart(layer=[chart, threshold, label, _zero_rule(rows, "y")], height=HEIGHT)


def customers(line: pl.DataFrame, flows: pl.DataFrame) -> LayerChart:
    """Active customers per month (a line on the left axis,
    :func:`econ.present.company.customer_line`) over the customers who came and went (bars on
    the right axis, :func:`econ.present.company.flow_bars`: new and returning stacked above
    zero, churned below), both with whole-customer ticks. One band per month, so each month's
    bars sit under its point."""
    active = line.sort("month")
    bars = flows.sort("month", "order")
    months = active["label"].to_list()
    x = alt.X(
        "label:O",
        sort=months,
        title=None,
        scale=alt.Scale(domain=months),
        axis=alt.Axis(labelAngle=0, labelOverlap="greedy", labelSeparation=8),
    )
    most = int(active.select(pl.col("customers").max()).item() or 0)
    swing = _swing(bars)
    domain = list(FLOW_LABELS.values())
    colors = {FLOW_LABELS[NEW]: PROFIT, FLOW_LABELS[RETURNING]: RETURNING_COLOR}
    moves = (
        alt.Chart(bars)
        .mark_bar(opacity=0.8, width={"band": 0.6})
        .encode(
            x=x,
            y=alt.Y(
                "customers:Q",
                axis=_count_axis(
                    "New and returning (+), churned (−)", swing, signed=True, orient="right"
                ),
                scale=alt.Scale(domain=[-max(swing, 1), max(swing, 1)]),
            ),
            color=alt.Color(
                "measure:N",
                sort=domain,
                scale=alt.Scale(domain=domain, range=[colors.get(d, LOSS) for d in domain]),
                legend=_legend(),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("label:O", title="month"),
                alt.Tooltip("measure:N", title="customers"),
                alt.Tooltip("customers:Q", title="count", format=",d"),
            ],
        )
    )
    active_line = (
        alt.Chart(active)
        .mark_line(point=True, color=ACCENT)
        .encode(
            x=x,
            y=alt.Y(
                "customers:Q",
                axis=_count_axis("Active customers", most, orient="left"),
                scale=alt.Scale(zero=True),
            ),
            tooltip=[
                alt.Tooltip("label:O", title="month"),
                alt.Tooltip("customers:Q", title="active", format=",d"),
            ],
        )
    )
    independent = alt.Resolve(scale=alt.ScaleResolveMap(y="independent"))
    return LayerChart(layer=[moves, active_line], height=HEIGHT, resolve=independent)


def _swing(bars: pl.DataFrame) -> int:
    """The most customers a month's stacked bars reach on either side of zero."""
    if bars.height == 0:
        return 0
    value = pl.col("customers")
    sides = bars.group_by("month").agg(
        value.clip(lower_bound=0).sum().alias("up"),
        (-value).clip(lower_bound=0).sum().alias("down"),
    )
    return int(sides.select(pl.max_horizontal(pl.col("up").max(), pl.col("down").max())).item())


def _count_axis(
    title: str, most: int, *, orient: Literal["left", "right"], signed: bool = False
) -> alt.Axis:
    """Whole-number ticks (:func:`econ_pack.charts.whole_ticks`) on the ``orient`` side; with
    ``signed``, below zero too."""
    axis = whole_ticks(most)
    if signed and most <= WHOLE_TICKS_UP_TO:
        axis = alt.Axis(values=list(range(-most, most + 1)), format="d", tickMinStep=1)
    axis.title = title
    axis.orient = orient
    return axis


def feature_costs(costs: pl.DataFrame, every_feature: Sequence[str]) -> LayerChart:
    """Each feature's inference cost per active customer-month, month by month, one line per
    feature (:func:`econ.present.company.feature_costs`, possibly some features only), with a
    red triangle on each compute-spiral month (cost grew faster than revenue).
    ``every_feature`` (ids) keeps each feature's colour that of the other pages."""
    rows = costs.sort("feature_id", "month")
    names = dict(rows.select("feature_id", "feature").unique().iter_rows())
    shown = sorted(names)
    x = month_axis(rows["month"].unique().to_list())
    y = alt.Y(
        "cost_per_customer_month_usd:Q",
        axis=alt.Axis(title="Inference cost per customer-month", format="$,.2f"),
    )
    tooltip = [
        alt.Tooltip("feature:N", title="feature"),
        _MONTH_TIP,
        alt.Tooltip("cost_per_customer_month_usd:Q", title="per customer-month", format="$,.2f"),
        alt.Tooltip("cost_growth:Q", title="cost growth", format="+.1%"),
        alt.Tooltip("revenue_growth:Q", title="revenue growth", format="+.1%"),
    ]
    lines = (
        alt.Chart(rows)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "feature:N",
                scale=_feature_scale(shown, list(every_feature), names),
                title="Feature",
            ),
            tooltip=tooltip,
        )
    )
    spiral = (
        alt.Chart(rows)
        .transform_filter(alt.datum.spiral)
        .mark_point(shape="triangle-up", size=100, filled=True, color=LOSS, opacity=0.9)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    return LayerChart(layer=[lines, spiral], height=340)
