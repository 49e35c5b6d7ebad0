"""Chart builders of the AI scorecard page: pure functions from :mod:`econ.present.scorecard`'s
frames to Altair charts (rows sorted again here: a chart must not reshuffle)."""

from __future__ import annotations

import altair as alt
import polars as pl

from econ_pack.charts import LayerChart, _feature_scale, _zero_rule, month_axis


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
