"""How the report's tables are shown: the column specs of :mod:`econ.present.columns` as
Streamlit column settings, each table with its CSV and Excel downloads."""

from __future__ import annotations

from typing import Any, Final, Literal

import polars as pl
import streamlit as st

from econ.present import columns as spec
from ui import exports

_STREAMLIT_FORMATS: Final[dict[str, str]] = {
    "money": "$%,.0f",
    # Streamlit's own currency format: cents, and a minus before the dollar sign (printf
    # would write "$-15,994.57").
    "money_cents": "dollar",
    "price": "$%.4f",
    "percent": "%.1f%%",
    "ratio": "%.1fx",
    "months": "%.1f",
    "count": "%,d",
    "number": "%,.1f",
    "parameter": "%.3f",
    # Changes against a baseline carry their sign ("$+13,846", "+1.0 pp", "+0.3x").
    "money_change": "$%+,.0f",
    "points": "%+.1f pp",
    "ratio_change": "%+.1fx",
}
"""One printf format per column kind (percentages arrive as percent from ``for_display``)."""


def column_config(table: spec.Table) -> dict[str, Any]:
    """Streamlit's settings for each column of ``table``: its label, help and number format."""
    config: dict[str, Any] = {}
    for column in table:
        number_format = _STREAMLIT_FORMATS.get(column.kind)
        config[column.name] = (
            st.column_config.TextColumn(column.on_screen, help=column.help)
            if number_format is None
            else st.column_config.NumberColumn(
                column.on_screen, help=column.help, format=number_format
            )
        )
    return config


def show(
    frame: pl.DataFrame,
    table: spec.Table,
    *,
    name: str,
    segment_by: str | None = None,
    height: int | Literal["auto"] = "auto",
) -> None:
    """Show ``frame`` as ``table`` reads it, with a download of the same rows as CSV and Excel
    (``name`` says what the file holds: "segment-ltv", "feature-margins")."""
    by = {} if segment_by is None else {"segment_by": segment_by}
    st.dataframe(
        spec.for_display(frame, table, **by),
        column_config=column_config(table),
        hide_index=True,
        width="stretch",
        height=height,
        placeholder="—",
    )
    exports.table_downloads(frame, table, name=name, segment_by=segment_by)
