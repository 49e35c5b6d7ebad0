"""The Summary's sparklines: one small chart per KPI card (:class:`econ.present.kpis.Kpi`), the
shape of the window's months without axes, grid or frame.

Like :mod:`econ_pack.charts`, every encoding is an explicit channel object, and the chart only
draws: the series comes sorted by month from :mod:`econ.present.kpis` (sorted again here, as
polars' streaming engine keeps no row order and a chart must not reshuffle).
"""

from __future__ import annotations

from typing import Final

import altair as alt
import polars as pl

from econ.present.kpis import KpiKind
from econ_pack.charts import ACCENT

SPARKLINE_HEIGHT: Final = 50
SPARKLINE_WIDTH: Final = 160
"""The size of a sparkline in a document; a page stretches it to its column's width."""

VALUE_FORMATS: Final[dict[KpiKind, str]] = {"usd": "$,.0f", "percent": ".1%", "count": ",.0f"}
"""How a tooltip writes a value of each kind (d3 formats)."""


def sparkline(series: pl.DataFrame, kind: KpiKind) -> alt.Chart:
    """A KPI's months as a small area with its line on top, no axes: ``series`` holds ``month``
    (Date) and ``value`` (null where undefined, left as a gap)."""
    rows = series.select("month", "value").sort("month")
    chart: alt.Chart = (
        alt.Chart(rows)
        .mark_area(
            color=ACCENT,
            fillOpacity=0.12,
            line=alt.OverlayMarkDef(color=ACCENT, strokeWidth=1.5),
            interpolate="monotone",
        )
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", axis=None, title=None),
            y=alt.Y("value:Q", axis=None, title=None, scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("month:T", timeUnit="yearmonth", format="%b %Y", title="month"),
                alt.Tooltip("value:Q", format=VALUE_FORMATS[kind], title="value"),
            ],
        )
        .properties(height=SPARKLINE_HEIGHT, width=SPARKLINE_WIDTH)
        .configure_view(strokeWidth=0)
    )
    return chart
