"""Every table a person reads, column by column: its header in words, its kind, its help.

One definition serves three readers, so a number is written the same way wherever it appears:

- the app (``ui.tables`` turns a :data:`Table` into Streamlit column settings and shows
  :func:`for_display`'s frame);
- the spreadsheet exports (:func:`for_export`: human headers with their unit, values rounded to
  what the kind is read to, percentages as percent);
- the board pack (:func:`as_text`: every cell already written as text by :mod:`econ.formats`).

A column's kind decides all three: ``money`` is whole dollars (a total: revenue, gross profit,
LTV, CAC), ``money_cents`` keeps cents (an amount per customer-month or per bill), ``price``
keeps four significant digits (a cost per call), ``percent`` is a fraction shown to one decimal,
``ratio`` is "3.0x", ``months`` one decimal, ``count`` whole with thousands separators,
``number`` one decimal (an expected, fractional count), ``parameter`` three (a fitted
model's parameter), ``text`` as written.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from econ import formats
from econ import schema as s
from econ.present import labels

Kind = Literal[
    "text",
    "feature",
    "category",
    "status",
    "segment",
    "plan",
    "money",
    "money_cents",
    "price",
    "percent",
    "ratio",
    "months",
    "count",
    "number",
    "parameter",
]
"""How a column is read; ``feature``, ``category``, ``status``, ``segment`` and ``plan`` are
text whose identifiers are shown as words (:mod:`econ.present.labels`)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: the frame's column ``name``, the ``label`` a reader sees, its
    ``kind`` (see the module docstring), an optional ``help`` line and an optional ``short``
    header for the app."""

    name: str
    label: str
    kind: Kind = "text"
    help: str | None = None
    short: str | None = None

    @property
    def on_screen(self) -> str:
        """The header in the app, where a wide table must fit the page: ``short`` if given
        (its ``help`` says the rest), else the label."""
        return self.short or self.label

    @property
    def unit(self) -> str | None:
        """The unit an export's header names: ``$``, ``%``, ``x`` or ``months``."""
        return _UNITS.get(self.kind)

    @property
    def header(self) -> str:
        """The label with its unit, for a spreadsheet: ``Revenue ($)``, ``Margin (%)``."""
        unit = self.unit
        if unit is None or f"({unit}" in self.label:
            return self.label
        return f"{self.label} ({unit})"


Table = tuple[Column, ...]

_UNITS: Final[dict[Kind, str]] = {
    "money": "$",
    "money_cents": "$",
    "price": "$",
    "percent": "%",
    "ratio": "x",
    "months": "months",
}

_EXPORT_DIGITS: Final[dict[Kind, int]] = {
    "money": 2,
    "money_cents": 2,
    "price": 6,
    "percent": 1,
    "ratio": 2,
    "months": 1,
    "number": 1,
    "parameter": 4,
}
"""Decimals kept in a spreadsheet: cents for money (a reader re-adds the rows), six for a
cost per call, and what each other kind is read to."""


def _money(value: float | None) -> str:
    return formats.money(value, cents=False)


def _money_cents(value: float | None) -> str:
    return formats.money(value)


def _number(value: float | None) -> str:
    return formats.NULL_TEXT if value is None else f"{value:,.1f}"


def _parameter(value: float | None) -> str:
    return formats.NULL_TEXT if value is None else f"{value:,.3f}"


def _count(value: float | None) -> str:
    return formats.count(None if value is None else round(value))


_TEXT: Final[dict[Kind, Callable[[float | None], str]]] = {
    "money": _money,
    "money_cents": _money_cents,
    "price": formats.per_call,
    "percent": formats.percent,
    "ratio": formats.ratio,
    "months": formats.months,
    "count": _count,
    "number": _number,
    "parameter": _parameter,
}


def _present(frame: pl.DataFrame, table: Table) -> Table:
    return tuple(column for column in table if column.name in frame.columns)


def for_display(
    frame: pl.DataFrame, table: Table, *, segment_by: str = s.USAGE_TIER
) -> pl.DataFrame:
    """The table's columns of ``frame``, in the table's order, with percentages as percent
    (``0.843`` → ``84.3``: the app writes them ``84.3%``), undefined numbers as null and
    identifiers as words (segments read as segments of ``segment_by``)."""
    columns = _present(frame, table)
    shown = frame.select(_displayed(column, frame.schema[column.name]) for column in columns)
    return _readable(shown, columns, segment_by)


LABEL_KINDS: Final = frozenset({"feature", "category", "status", "segment", "plan"})
"""The text kinds whose identifiers are shown as words."""


def _readable(frame: pl.DataFrame, columns: Table, segment_by: str) -> pl.DataFrame:
    """Identifiers as words, in every column whose kind is a label kind."""
    for column in columns:
        if column.kind in LABEL_KINDS:
            relabel = labels.label_for(column.kind, segment_by)
            frame = labels.relabelled(frame, column.name, relabel)
    return frame


def _displayed(column: Column, dtype: pl.DataType) -> pl.Expr:
    if not dtype.is_float():
        return pl.col(column.name)
    value = pl.col(column.name).cast(pl.Float64)
    scaled = value * 100 if column.kind == "percent" else value
    return pl.when(scaled.is_finite()).then(scaled).otherwise(None).alias(column.name)


def for_export(
    frame: pl.DataFrame, table: Table, *, segment_by: str = s.USAGE_TIER
) -> pl.DataFrame:
    """The table for a spreadsheet: human headers with units (``Revenue ($)``), percentages as
    percent, values rounded to what their kind is read to, undefined numbers empty,
    identifiers as words."""
    columns = _present(frame, table)
    shown = for_display(frame, table, segment_by=segment_by)
    return shown.select(
        (
            pl.col(column.name).round(_EXPORT_DIGITS[column.kind])
            if column.kind in _EXPORT_DIGITS and shown.schema[column.name].is_numeric()
            else pl.col(column.name)
        ).alias(column.header)
        for column in columns
    )


def as_text(frame: pl.DataFrame, table: Table, *, segment_by: str = s.USAGE_TIER) -> pl.DataFrame:
    """Every cell written as a reader sees it (``$12,652``, ``84.3%``, ``3.0x``, ``—``), under
    the column labels, identifiers as words: for a document with no number formats of its own."""
    columns = _present(frame, table)
    readable = _readable(frame.select(c.name for c in columns), columns, segment_by)
    out: dict[str, list[str]] = {}
    for column in columns:
        values = readable.get_column(column.name).to_list()
        write = _TEXT.get(column.kind)
        out[column.label] = [_cell(value, write) for value in values]
    return pl.DataFrame(out, schema=dict.fromkeys(out, pl.String))


def _cell(value: object, write: Callable[[float | None], str] | None) -> str:
    if value is None:
        return formats.NULL_TEXT
    if write is None or not isinstance(value, int | float):
        return _text(value)
    number = float(value)
    if not math.isfinite(number):
        return formats.NULL_TEXT
    return write(number)


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%b %Y") if value.day == 1 else value.isoformat()
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "; ".join(str(item) for item in value)
    text = str(value)
    return text if text.strip() else formats.NULL_TEXT


def export_name(what: str, dataset: str, on: dt.date, extension: str) -> str:
    """A file name that says what it holds: ``segment-ltv_sample_2026-11-30.csv``. Only
    letters, digits, ``-`` and ``_`` survive from ``what`` and ``dataset``."""
    parts = [_slug(what), _slug(dataset), on.isoformat()]
    return "_".join(part for part in parts if part) + "." + extension.lstrip(".")


def _slug(text: str) -> str:
    kept = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in text.lower())
    while "--" in kept:
        kept = kept.replace("--", "-")
    return kept.strip("-")[:60]


# The tables, in the order of the pages that show them.

SEGMENTS: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("customers", "Customers", "count"),
    Column("arpa_usd", "ARPA", "money_cents", "Average MRR per active customer-month"),
    Column(
        "inference_usd",
        "Inference / customer-month",
        "money_cents",
        "Inference cost per active customer-month",
        short="Inference",
    ),
    Column(
        "gross_profit_usd",
        "Gross profit / customer-month",
        "money_cents",
        "ARPA − inference − AI infra − support − CS, per customer-month",
        short="Gross profit",
    ),
    Column("gross_margin", "Margin", "percent"),
    Column("churn", "Churn / month", "percent"),
    Column(
        "ltv_traditional_usd", "Traditional LTV", "money", "(ARPA − hosting − support − CS) ÷ churn"
    ),
    Column(
        "ltv_compute_adjusted_usd",
        "Compute-adjusted LTV",
        "money",
        "Gross profit ÷ churn",
        short="Compute-adj. LTV",
    ),
    Column("cac_usd", "CAC", "money"),
    Column("ltv_cac", "LTV:CAC", "ratio", "Compute-adjusted LTV ÷ CAC; 3:1 is the usual bar"),
    Column(
        "payback_months",
        "Payback (months)",
        "months",
        "CAC ÷ monthly gross profit",
        short="Payback",
    ),
)

FEATURES: Final[Table] = (
    Column("feature_id", "Feature", "feature"),
    Column("calls", "Calls", "count"),
    Column("cost_per_call_usd", "Cost / call", "price"),
    Column("cost_usd", "Inference cost", "money"),
    Column("revenue_usd", "Revenue", "money"),
    Column("gross_profit_usd", "Gross profit", "money"),
    Column("gross_margin", "Margin", "percent"),
    Column("category", "Category", "category"),
    Column("status", "Status", "status"),
)

FEATURES_BY_PLAN: Final[Table] = (
    Column("plan", "Plan", "plan"),
    *FEATURES,
)

LOSS_MAKERS: Final[Table] = (
    Column("customer_id", "Customer"),
    Column("segment", "Segment (latest)", "segment"),
    Column("customer_months", "Months", "count"),
    Column("revenue_usd", "Revenue", "money_cents"),
    Column("inference_usd", "Inference cost", "money_cents"),
    Column("gross_profit_usd", "Gross profit", "money_cents"),
    Column("monthly_gross_profit_usd", "Gross profit / month", "money_cents"),
)

RETENTION: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("customers", "Customers acquired", "count"),
    Column("alpha", "α", "parameter"),
    Column("beta", "β", "parameter"),
    Column("log_likelihood", "Log-likelihood", "number"),
    Column("first_month_churn", "Churn at first renewal", "percent", short="1st-renewal churn"),
    Column("discounted_lifetime_months", "Discounted lifetime", "months"),
    Column("ltv_simple_usd", "LTV, simple", "money"),
    Column("ltv_sbg_usd", "LTV, sBG", "money"),
    Column("base_customers", "Paying now", "count"),
    Column(
        "residual_value_usd",
        "Residual value of the base",
        "money",
        "The discounted gross profit today's customers are expected to bring",
        short="Value of the base",
    ),
)

PLAN_COMPARISON: Final[Table] = (
    Column("plan", "Plan", "plan"),
    Column("customers", "Customers", "count"),
    Column("revenue_current_usd", "Revenue now", "money"),
    Column("revenue_simulated_usd", "Revenue simulated", "money"),
    Column("gross_profit_current_usd", "Gross profit now", "money"),
    Column("gross_profit_simulated_usd", "Gross profit simulated", "money"),
    Column("gross_margin_current", "Margin now", "percent"),
    Column("gross_margin_simulated", "Margin simulated", "percent"),
    Column("ltv_compute_adjusted_current_usd", "LTV now", "money"),
    Column("ltv_compute_adjusted_simulated_usd", "LTV simulated", "money"),
)

SEGMENT_COMPARISON: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("customers", "Customers", "count"),
    Column("arpa_current_usd", "ARPA now", "money_cents"),
    Column("arpa_simulated_usd", "ARPA simulated", "money_cents"),
    Column("gross_margin_current", "Margin now", "percent"),
    Column("gross_margin_simulated", "Margin simulated", "percent"),
    Column("ltv_compute_adjusted_current_usd", "LTV now", "money"),
    Column("ltv_compute_adjusted_simulated_usd", "LTV simulated", "money"),
    Column(
        "lost_share",
        "Expected to leave",
        "percent",
        "Customers expected to leave at their new bill",
    ),
    Column(
        "ltv_compute_adjusted_after_response_usd",
        "LTV after response",
        "money",
        "The simulated LTV × the share expected to stay",
    ),
    Column("ltv_cac_current", "LTV:CAC now", "ratio"),
    Column("ltv_cac_simulated", "LTV:CAC simulated", "ratio"),
)

BILLS: Final[Table] = (
    Column("customer_id", "Customer"),
    Column("segment", "Segment", "segment"),
    Column("plan", "Plan", "plan"),
    Column("bill_current_usd", "Bill now (window)", "money_cents"),
    Column("bill_simulated_usd", "Bill simulated", "money_cents"),
    Column("change_usd", "Change", "money_cents"),
    Column("change_share", "Change %", "percent"),
)

PROJECTION: Final[Table] = (
    Column("month", "Month"),
    Column("segment", "Segment", "segment"),
    Column("customers", "Customers", "number"),
    Column("revenue_current_usd", "Revenue", "money"),
    Column("revenue_simulated_usd", "Revenue (simulated)", "money", short="Revenue (sim.)"),
    Column("inference_current_usd", "Inference cost", "money", short="Inference"),
    Column(
        "inference_simulated_usd", "Inference cost (simulated)", "money", short="Inference (sim.)"
    ),
    Column("gross_profit_current_usd", "Gross profit", "money"),
    Column(
        "gross_profit_simulated_usd",
        "Gross profit (simulated)",
        "money",
        short="Gross profit (sim.)",
    ),
    Column("gross_margin_current", "Margin", "percent"),
    Column("gross_margin_simulated", "Margin (simulated)", "percent", short="Margin (sim.)"),
)

TABLES: Final[dict[str, Table]] = {
    "segments": SEGMENTS,
    "features": FEATURES,
    "features_by_plan": FEATURES_BY_PLAN,
    "loss_makers": LOSS_MAKERS,
    "retention": RETENTION,
    "plan_comparison": PLAN_COMPARISON,
    "segment_comparison": SEGMENT_COMPARISON,
    "bills": BILLS,
    "projection": PROJECTION,
}
"""Every table by name (the tests check each against the frame that fills it)."""
