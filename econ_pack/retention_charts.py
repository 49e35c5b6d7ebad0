"""Retention chart builders: pure functions from the frames of :mod:`econ.present.retention` to
Altair charts (the cohort heat map and the survival curves of the Segment LTV page).

Like :mod:`econ_pack.charts`, they only draw, with explicit channel objects, and return
:class:`econ_pack.charts.LayerChart` (serialized without re-checking the schema; the tests check the
specs against Vega-Lite).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from econ.present.retention import FITTED, OBSERVED
from econ_pack.charts import ACCENT, TABLEAU10, LayerChart


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
    with points) against the fitted sBG curve (dashed)."""
    shown = [name for name in segments if name in set(curves["segment"].to_list())]
    colors = [
        ACCENT if name == "all" else TABLEAU10[i % len(TABLEAU10)] for i, name in enumerate(shown)
    ]
    base = alt.Chart(curves).encode(
        x=alt.X(
            "tenure:Q", title="Months since the first paid month", axis=alt.Axis(tickMinStep=1)
        ),
        y=alt.Y(
            "share:Q",
            title="Still subscribed",
            axis=alt.Axis(format=".0%"),
            scale=alt.Scale(zero=False),
        ),
        color=alt.Color(
            "segment:N",
            scale=alt.Scale(domain=shown, range=colors),
            legend=alt.Legend(title="Segment", orient="top"),
        ),
        strokeDash=alt.StrokeDash(
            "series:N",
            scale=alt.Scale(domain=[OBSERVED, FITTED], range=[[1, 0], [6, 4]]),
            legend=alt.Legend(title=None, orient="top"),
        ),
        detail=alt.Detail("series:N"),
        tooltip=[
            alt.Tooltip("segment:N"),
            alt.Tooltip("series:N"),
            alt.Tooltip("tenure:Q", title="months since"),
            alt.Tooltip("share:Q", title="still subscribed", format=".1%"),
        ],
    )
    lines = base.mark_line()
    points = base.transform_filter(alt.datum.series == OBSERVED).mark_point(filled=True, size=30)
    return LayerChart(layer=[lines, points], height=300)


def grr_nrr(rates: pl.DataFrame) -> LayerChart:
    """Monthly gross and net revenue retention (GRR, NRR), one line each, with 100% marked:
    NRR above the line means expansion outgrew churn and contraction that month."""
    lines = (
        alt.Chart(rates)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title="Month", axis=alt.Axis(labelAngle=0)),
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
                alt.Tooltip("month:O"),
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
