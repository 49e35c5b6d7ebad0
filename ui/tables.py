"""How the report's tables are shown: the column specs of :mod:`econ.present.columns` as
Streamlit column settings, each table with its CSV and Excel downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Literal

import polars as pl
import streamlit as st

from econ import formats
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
"""One printf format per column kind (percentages arrive as percent from ``for_display``), in
US dollars; :func:`number_format_of` puts another reporting currency's code in the dollar sign's
place."""


def number_format_of(kind: str) -> str | None:
    """The printf format of a column kind in the reporting currency (``formats.in_currency``)."""
    found = _STREAMLIT_FORMATS.get(kind)
    prefix = formats.currency_prefix()
    if found is None or prefix == "$":
        return found
    if found == "dollar":
        return f"{prefix}%,.2f"
    return found.replace("$", prefix)


def _signed_dollars(value: float) -> str:
    """A change in whole dollars with its sign before the dollar sign: +$13,846, −$49."""
    text = formats.money(abs(value), cents=False)
    zero = formats.money(0.0, cents=False)
    return text if text == zero else ("+" if value > 0 else "−") + text


def _cents(value: float) -> str:
    return ("-" if value < 0 else "") + f"{formats.currency_prefix()}{abs(value):,.2f}"


def _price(value: float) -> str:
    return ("-" if value < 0 else "") + f"{formats.currency_prefix()}{abs(value):.4f}"


MONEY_TEXT: Final[dict[str, Callable[[float], str]]] = {
    "money": lambda value: formats.money(value, cents=False),
    "money_cents": _cents,
    "price": _price,
    "money_change": _signed_dollars,
}
"""How a money cell reads when a table holds a loss: printf formats put the minus after the
dollar sign ("$-15,995"), so such tables are written cell by cell instead ("-$15,995")."""
MAX_WRITTEN_CELLS: Final = 100_000
"""Above this many money cells a table keeps the printf formats (writing every cell costs
more than the minus sign is worth)."""


def written_columns(frame: pl.DataFrame, table: spec.Table) -> list[spec.Column]:
    """The money columns of ``frame`` to write cell by cell: all of them when one holds a
    negative amount and the table is not too large; else none."""
    money = [c for c in table if c.kind in MONEY_TEXT and c.name in frame.columns]
    if not money or frame.height * len(money) > MAX_WRITTEN_CELLS:
        return []
    negative = frame.select(pl.any_horizontal((pl.col(c.name) < 0).any() for c in money)).item()
    return money if negative else []


def column_config(table: spec.Table, written: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Streamlit's settings for each column of ``table``: its label, help and number format
    (none for the ``written`` columns, whose cells carry their own text)."""
    config: dict[str, Any] = {}
    for column in table:
        if column.name in written:
            config[column.name] = st.column_config.NumberColumn(column.on_screen, help=column.help)
            continue
        number_format = number_format_of(column.kind)
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
    shown = spec.for_display(frame, table, **by)
    written = written_columns(shown, table)
    data: Any = shown
    if written:
        # Numbers stay numbers (the column sorts by amount); each cell shows its own text.
        writers = {c.name: MONEY_TEXT[c.kind] for c in written}
        data = shown.to_pandas().style.format(writers, na_rep=formats.NULL_TEXT)
    st.dataframe(
        data,
        column_config=column_config(table, frozenset(c.name for c in written)),
        hide_index=True,
        width="stretch",
        height=height,
        placeholder="—",
    )
    exports.table_downloads(frame, table, name=name, segment_by=segment_by)
