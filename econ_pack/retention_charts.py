"""Retention chart builders: pure functions from the frames of :mod:`econ.present.retention` to
Altair charts (the cohort heat map and the survival curves of the Segment LTV page).

Like :mod:`econ_pack.charts`, they only draw, with explicit channel objects, and return
:class:`econ_pack.charts.LayerChart` (serialized without re-checking the schema; the tests check the
specs against Vega-Lite).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from econ.present.labels import BLENDED as ALL
from econ.present.retention import FITTED, OBSERVED
from econ_pack.charts import ACCENT, TABLEAU10, LayerChart, month_axis, whole_ticks


def cohort_heatmap(heatmap: pl.DataFrame) -> LayerChart:
    """Logo retention by cohort (rows, oldest on top) × tenure in months (columns), each cell
    labelled with its percentage."""
    cohorts = heatmap["cohort"].unique(maintain_order=True).to_list()
    base = alt.Chart(heatmap).encode(
        x=alt.X("tenure:O", title="Months since the first paid month", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort:O", sort=cohorts, title="Cohort (first paid month)"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "logo_retention:Q",
            scale=alt.Scale(domain=[0.0, 1.0], scheme="blues"),
            legend=alt.Legend(title="Still subscribed", format=".0%"),
        ),
        tooltip=[
            alt.Tooltip("cohort:O"),
            alt.Tooltip("tenure:O", title="months since"),
            alt.Tooltip("customers:Q", title="cohort size"),
            alt.Tooltip("alive:Q", title="still subscribed"),
            alt.Tooltip("logo_retention:Q", title="share", format=".1%"),
        ],
    )
    labels = base.mark_text(fontSize=10).encode(
        text=alt.Text("logo_retention:Q", format=".0%"),
        color=alt.condition(
            alt.datum.logo_retention > 0.6, alt.ColorValue("white"), alt.ColorValue("black")
        ),
    )
    height = max(160, 22 * len(cohorts))
    return LayerChart(layer=[cells, labels], height=height)


def survival_curves(curves: pl.DataFrame, segments: list[str]) -> LayerChart:
    """Share of customers still in their first spell by tenure, per segment: observed (solid,
    with points) against the fitted sBG curve (dashed).

    ``segments`` (ids) give the color order; the legend reads each segment's ``label``
    (:func:`econ.present.retention.labelled_curves`; the id when the frame has none). Tenure
    ticks are whole months."""
    if "label" not in curves.columns:
        curves = curves.with_columns(pl.col("segment").alias("label"))
    names = dict(curves.select("segment", "label").unique().iter_rows())
    shown = [name for name in segments if name in names]
    colors = [
        ACCENT if name == ALL else TABLEAU10[i % len(TABLEAU10)] for i, name in enumerate(shown)
    ]
    longest = int(curves.select(pl.col("tenure").max()).item() or 0) if curves.height else 0
    base = alt.Chart(curves).encode(
        x=alt.X(
            "tenure:Q",
            title="Months since the first paid month",
            axis=whole_ticks(longest),
        ),
        y=alt.Y(
            "share:Q",
            title="Still subscribed",
            axis=alt.Axis(format=".0%"),
            scale=alt.Scale(zero=False),
        ),
        color=alt.Color(
            "label:N",
            scale=alt.Scale(domain=[names[name] for name in shown], range=colors),
            legend=alt.Legend(title="Segment", orient="top"),
        ),
        strokeDash=alt.StrokeDash(
            "series:N",
            scale=alt.Scale(domain=[OBSERVED, FITTED], range=[[1, 0], [6, 4]]),
            legend=alt.Legend(title=None, orient="top"),
        ),
        detail=alt.Detail("series:N"),
        tooltip=[
            alt.Tooltip("label:N", title="segment"),
            alt.Tooltip("series:N"),
            alt.Tooltip("tenure:Q", title="months since"),
            alt.Tooltip("share:Q", title="still subscribed", format=".1%"),
        ],
    )
    lines = base.mark_line()
    points = base.transform_filter(alt.datum.series == OBSERVED).mark_point(filled=True, size=30)
    return LayerChart(layer=[lines, points], height=300)


def grr_nrr(rates: pl.DataFrame) -> LayerChart:
    """Monthly gross and net revenue retention (GRR, NRR), one line each, one label per month,
    with 100% marked: NRR above the line means expansion outgrew churn and contraction that
    month."""
    lines = (
        alt.Chart(rates)
        .mark_line(point=True)
        .encode(
            x=month_axis(rates["month"].unique().to_list()),
            y=alt.Y(
                "rate:Q",
                title="Share of the month's starting MRR",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color(
                "measure:N",
                scale=alt.Scale(domain=["GRR", "NRR"], range=[TABLEAU10[0], ACCENT]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y"),
                alt.Tooltip("measure:N"),
                alt.Tooltip("rate:Q", format=".1%"),
            ],
        )
    )
    full = (
        alt.Chart(pl.DataFrame({"rate": [1.0]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(y=alt.Y("rate:Q"))
    )
    return LayerChart(layer=[lines, full], height=260)
