"""Chart builders of the AI scorecard page: pure functions from :mod:`econ.present.scorecard`'s
frames to Altair charts (rows sorted again here: a chart must not reshuffle)."""

from __future__ import annotations

from typing import Final

import altair as alt
import polars as pl

from econ_pack.charts import (
    ACCENT,
    FIT_WIDTH,
    LOSS,
    PROFIT,
    ROW_HEIGHT,
    LayerChart,
    _feature_scale,
    _zero_rule,
    month_axis,
    waterfall_layers,
    waterfall_scale,
)


def inference_margin_per_call(lines: pl.DataFrame, every_feature: list[str]) -> LayerChart:
    """Each feature's inference margin per call (revenue per call − cost per call) month by
    month (:func:`econ.present.scorecard.margin_lines`), on a symmetric log scale since a cent
    and a dollar a call must both read; a black rule at zero: below it a call loses money."""
    rows = lines.sort("feature_id", "month")
    names = dict(rows.select("feature_id", "feature").unique().iter_rows())
    shown = sorted(names)
    lines_layer = (
        alt.Chart(rows)
        .mark_line(point=True)
        .encode(
            x=month_axis(rows["month"].to_list()),
            y=alt.Y(
                "inference_margin_per_call_usd:Q",
                scale=alt.Scale(type="symlog", constant=0.01),
                axis=alt.Axis(title="Inference margin per call", format="$,.2f"),
            ),
            color=alt.Color(
                "feature:N", scale=_feature_scale(shown, every_feature, names), title="Feature"
            ),
            tooltip=[
                alt.Tooltip("feature:N"),
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip("revenue_per_call_usd:Q", title="revenue per call", format="$,.4f"),
                alt.Tooltip("cost_per_call_usd:Q", title="cost per call", format="$,.4f"),
                alt.Tooltip(
                    "inference_margin_per_call_usd:Q", title="margin per call", format="$,.4f"
                ),
            ],
        )
    )
    return LayerChart(layer=[lines_layer, _zero_rule(rows, "y")], height=320)


_STEP_COLORS: Final = {"gain": PROFIT, "cost": LOSS, "total": ACCENT}
_STEP_LEGEND: Final = {"gain": "Adds to it", "cost": "Takes from it", "total": "AI unit profit"}


def ai_unit_profit(steps: pl.DataFrame) -> LayerChart:
    """AI unit profit per active customer (article 000 §2) as a horizontal waterfall
    (:func:`econ.present.scorecard.unit_profit_steps`): LTV before compute, + model-efficiency
    value, − compute, − data acquisition, − model maintenance, each bar from the running total
    before it to the one after it (gains green, costs red, each labelled "+$1.3K" / "−$411"),
    then the total from zero; zero ruled. A term the user has not set says so in its label."""
    rows = steps.sort("order").with_columns(
        pl.when(pl.col("source") == "not set")
        .then(pl.col("label") + " (not set)")
        .when(pl.col("source") == "estimate")
        .then(pl.col("label") + " (your estimate)")
        .otherwise(pl.col("label"))
        .alias("shown")
    )
    order = rows["shown"].to_list()
    bars, *texts = waterfall_layers(
        alt.Chart(rows),
        y=alt.Y("shown:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        scale=waterfall_scale([*rows["start_usd"], *rows["end_usd"]]),
        amount="amount_usd",
        axis=alt.Axis(title="Per active customer over its lifetime", format="$~s", tickCount=5),
        colors=_STEP_COLORS,
        legend=_STEP_LEGEND,
        tooltip=[
            alt.Tooltip("shown:N", title="term"),
            alt.Tooltip("amount_usd:Q", title="amount", format="$,.2f"),
            alt.Tooltip("end_usd:Q", title="running total after", format="$,.2f"),
        ],
    )
    return LayerChart(
        layer=[bars, _zero_rule(rows, "x"), *texts],
        height=ROW_HEIGHT * len(order) + 30,
        autosize=FIT_WIDTH,
    )
