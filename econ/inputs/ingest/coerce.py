"""Values converted to the contract's types, and the rows whose values cannot be.

Each used column gets a :class:`Coercion`: the expression that converts it, and the rows it
cannot convert (a fractional id, ``"n/a"`` as a cost, a month that is not a date), which
:func:`convert` refuses or drops, per the caller's :class:`~econ.inputs.dataset.IngestOptions`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.dataset import IngestOptions
from econ.inputs.imports import ROW
from econ.inputs.imports.fields import parse_utc_text
from econ.inputs.ingest.failures import Dropped, at_most, listed
from econ.inputs.readers import example_row

TIME: Final = "_time"
"""The converted rows' own UTC time (used to price each row by its date)."""
_MONTH_TEXT: Final = r"^\d{4}-\d{2}(-\d{2})?([T ].*)?$"


def is_text(dtype: pl.DataType) -> bool:
    """Whether a column holds text (plain, categorical or enumerated)."""
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


@dataclass(frozen=True)
class Coercion:
    """How one column becomes its contract type, and which rows cannot be converted."""

    column: str
    expr: pl.Expr
    unconvertible: pl.Expr | None = None
    rule: str = ""
    source: str = ""
    time: pl.Expr | None = None
    """For the time column: the row's own UTC time (used to price it by date)."""


def coerce_id(column: str, dtype: pl.DataType, missing: str | None = None) -> Coercion:
    """An id as text. With ``missing``, a row with no id (null or empty) gets that placeholder
    instead of being refused: a call without a customer or feature is still a call."""
    value = pl.col(column)
    unconvertible = None
    rule = ""
    if dtype == pl.String:
        expr = value
    elif dtype.is_float():
        # Exports that passed through pandas often turn integer ids into floats (1001.0).
        unconvertible = value.is_not_null() & (~value.is_finite() | (value != value.round(0)))
        expr = pl.when(unconvertible).then(None).otherwise(value).cast(pl.Int64).cast(pl.String)
        rule = "must be text or a whole number (a fractional number cannot be an id)"
    else:
        expr = value.cast(pl.String)
    if missing is not None:
        expr = pl.when(expr.is_null() | (expr == "")).then(pl.lit(missing)).otherwise(expr)
    return Coercion(column, expr, unconvertible, rule)


def coerce_count(column: str, dtype: pl.DataType) -> Coercion:
    """A count as a whole number; a fraction, or an unsigned count no Int64 holds, is refused."""
    value = pl.col(column)
    if dtype == pl.UInt64:
        # Past 2**63 - 1 an unsigned count has no 64-bit signed form: refused as too large.
        huge = value > s.MAX_COUNT
        return Coercion(column, pl.when(huge).then(None).otherwise(value), huge, at_most(column))
    if dtype.is_float():
        fractional = value.is_not_null() & value.is_finite() & (value != value.round(0))
        return Coercion(
            column,
            pl.when(fractional).then(None).otherwise(value),
            fractional,
            "must be a whole number",
        )
    return Coercion(column, value)


WHOLE_RULE: Final = (
    "must be a whole number of at least 0 (text such as '3.5' or 'n/a' cannot be read)"
)


def coerce_whole(column: str, dtype: pl.DataType) -> Coercion:
    """A count that may be written as text (a revenue table's ``seats``) as a whole number; an
    empty value is null, and a value that is no whole number (a fraction, ``"n/a"``, a flag) is
    refused. Negative numbers are converted and then break the contract's own rule."""
    value = pl.col(column)
    if dtype == pl.Null:
        return Coercion(column, value.cast(pl.Int64))
    if dtype.is_integer() and dtype != pl.UInt64:
        return Coercion(column, value.cast(pl.Int64))
    if is_text(dtype):
        text = value.cast(pl.String).str.strip_chars()
        number = text.cast(pl.Float64, strict=False)
        given = text.is_not_null() & (text != "")
    elif dtype.is_numeric():
        number = value.cast(pl.Float64)
        given = value.is_not_null()
    else:
        number = pl.lit(None, pl.Float64)
        given = value.is_not_null()
    whole = number.is_finite() & (number == number.round(0)) & (number.abs() <= s.MAX_COUNT)
    bad = given & ~whole.fill_null(False)
    return Coercion(column, pl.when(given & ~bad).then(number).cast(pl.Int64), bad, WHOLE_RULE)


def coerce_money(column: str, dtype: pl.DataType) -> Coercion:
    """Dollars as float64; text that is not a plain number (``"n/a"``, ``"$1,200"``) is refused."""
    value = pl.col(column)
    if is_text(dtype):
        text = value.cast(pl.String).str.strip_chars()
        parsed = text.cast(pl.Float64, strict=False)
        return Coercion(
            column,
            parsed,
            text.is_not_null() & (text != "") & parsed.is_null(),
            "must be a plain number of dollars (text such as 'n/a' or '$1,200' cannot be read)",
        )
    if dtype == pl.Null:
        return Coercion(column, value.cast(pl.Float64))
    return Coercion(column, value.cast(pl.Float64, strict=False))


def coerce_time(column: str, dtype: pl.DataType) -> Coercion:
    """``month`` (and the row's UTC time) from a timestamp or a month column."""
    value = pl.col(column)
    if isinstance(dtype, pl.Datetime):
        utc = (
            value
            if dtype.time_zone is None
            else value.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        )
        return _time_coercion(column, utc)
    if dtype == pl.Date:
        return _time_coercion(column, value.cast(pl.Datetime("us")))
    if is_text(dtype):
        return _text_time(column, value)
    return Coercion(
        s.MONTH, pl.lit(None, pl.Date), value.is_not_null(), f"must be a date, not {dtype}", column
    )


def _time_coercion(column: str, utc: pl.Expr) -> Coercion:
    return Coercion(s.MONTH, utc.dt.month_start().cast(pl.Date), source=column, time=utc)


def _text_time(column: str, value: pl.Expr) -> Coercion:
    """``month`` (and the row's UTC time) from text: a month, or an ISO 8601 date-time."""
    # JSON-stringified cells (Langfuse's CSV export) hold the quotes: "2026-03-02T…Z".
    text = value.cast(pl.String).str.strip_chars().str.strip_chars('"')
    if column == s.MONTH:
        parsed = (
            pl.when(text.str.contains(_MONTH_TEXT))
            .then((text.str.slice(0, 7) + "-01").str.to_datetime("%Y-%m-%d", strict=False))
            .otherwise(None)
        )
        rule = "must be a date (YYYY-MM-DD or YYYY-MM)"
    else:
        parsed = parse_utc_text(text)
        rule = "must be an ISO 8601 date-time (e.g. 2025-03-15T10:00:00Z)"
    return Coercion(
        s.MONTH,
        parsed.dt.month_start().cast(pl.Date),
        text.is_not_null() & parsed.is_null(),
        rule,
        column,
        parsed,
    )


def convert(
    frame: pl.LazyFrame,
    columns: pl.Schema,
    coercions: Sequence[Coercion],
    label: str,
    options: IngestOptions,
    *,
    tally: Mapping[str, pl.Expr] | None = None,
) -> tuple[pl.LazyFrame, Dropped, dict[str, int]]:
    """Convert columns to the contract's types; rows whose values cannot be converted are
    refused or dropped (per ``options``). Returns the frame, the dropped rows, and the number
    of rows each ``tally`` flag holds (counted in the same pass over the file)."""
    checks = [c for c in coercions if c.unconvertible is not None]
    tally = dict(tally or {})
    dropped = Dropped()
    tallied: dict[str, int] = {}
    if checks or tally:
        counts, tallied = _counts(frame, checks, tally)
        dropped, bad_any = _unconvertible(frame, columns, checks, counts, label)
        if dropped.problems:
            if options.on_invalid == "raise":
                raise InputError(dropped.problems)
            frame = frame.filter(~bad_any)
    converted = {c.column: c.expr.alias(c.column) for c in coercions}
    time = [c.time.alias(TIME) for c in coercions if c.time is not None]
    passthrough = [pl.col(c) for c in columns.names() if c not in converted and c != s.TIMESTAMP]
    return frame.select(*passthrough, *converted.values(), *time), dropped, tallied


def _flags(checks: Sequence[Coercion]) -> list[pl.Expr]:
    return [c.unconvertible for c in checks if c.unconvertible is not None]


def _counts(
    frame: pl.LazyFrame, checks: Sequence[Coercion], tally: Mapping[str, pl.Expr]
) -> tuple[list[int], dict[str, int]]:
    """In one pass over the file: how many rows each check refuses, and each tally flag holds."""
    flags = _flags(checks)
    row = (
        frame.select(
            *(flag.sum().alias(f"_check{i}") for i, flag in enumerate(flags)),
            *(flag.fill_null(False).sum().alias(name) for name, flag in tally.items()),
        )
        .collect()
        .row(0, named=True)
    )
    counts = [row[f"_check{i}"] for i in range(len(flags))]
    return counts, {name: int(row[name] or 0) for name in tally}


def _unconvertible(
    frame: pl.LazyFrame,
    columns: pl.Schema,
    checks: Sequence[Coercion],
    counts: Sequence[int],
    label: str,
) -> tuple[Dropped, pl.Expr]:
    """The rows no check could convert (a problem and the listed rows per check that refused
    any), and the flag of a row any check refuses."""
    problems, rows = [], []
    bad_any = pl.lit(False)
    for check, flag, count in zip(checks, _flags(checks), counts, strict=True):
        if not count:
            continue
        column = check.source or check.column
        bad = frame.filter(flag)
        example = bad.select(ROW, *(c for c in columns.names() if c != ROW)).head(1).collect()
        problems.append(Problem(label, column, check.rule, int(count), example_row(example)))
        rows.append(listed(bad, label, column, check.rule))
        bad_any = bad_any | flag
    return Dropped(tuple(problems), tuple(rows)), bad_any
