"""Tables as files a finance reader opens: CSV and Excel, with the headers and rounding of
:func:`econ.present.columns.for_export` and, in Excel, a number format per column kind."""

from __future__ import annotations

import io
from typing import Final

import polars as pl

from econ.present.columns import Kind, Table, for_export
from econ.schema import USAGE_TIER

_EXCEL_FORMATS: Final[dict[Kind, str]] = {
    "money": "$#,##0;-$#,##0",
    "money_cents": "$#,##0.00;-$#,##0.00",
    "price": "$0.000000",
    "percent": '0.0"%"',
    "ratio": '0.0"x"',
    "months": "0.0",
    "count": "#,##0",
    "number": "#,##0.0",
    "parameter": "0.000",
}
"""Excel number formats (the values are already percent, not fractions, for ``percent``)."""

SHEET_NAME_LIMIT: Final = 31
"""Excel refuses a longer worksheet name."""

CSV_BOM: Final = "\ufeff"
"""Written first so Excel reads the CSV as UTF-8 (headers hold "α", "÷" and "—")."""


def csv_bytes(frame: pl.DataFrame, table: Table, *, segment_by: str = USAGE_TIER) -> bytes:
    """The table as UTF-8 CSV with human headers, undefined numbers empty."""
    exported = for_export(frame, table, segment_by=segment_by)
    return (CSV_BOM + exported.write_csv()).encode("utf-8")


def excel_bytes(
    frame: pl.DataFrame, table: Table, *, sheet: str, segment_by: str = USAGE_TIER
) -> bytes:
    """The table as an Excel workbook of one sheet: bold headers with units, a number format
    per column kind, columns sized to their contents, the header row frozen."""
    exported = for_export(frame, table, segment_by=segment_by)
    formats = {
        column.header: _EXCEL_FORMATS[column.kind]
        for column in table
        if column.name in frame.columns
        and column.kind in _EXCEL_FORMATS
        and exported.schema[column.header].is_numeric()
    }
    buffer = io.BytesIO()
    exported.write_excel(
        buffer,
        worksheet=_sheet_name(sheet),
        column_formats=formats or None,  # type: ignore[arg-type]
        header_format={"bold": True},
        autofit=True,
        freeze_panes=(1, 0),
        include_header=True,
        table_style=None,
    )
    return buffer.getvalue()


def _sheet_name(name: str) -> str:
    """A worksheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, not empty."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in name).strip()
    return (cleaned or "Table")[:SHEET_NAME_LIMIT]
