"""Stage 1: read the two inputs, hold them to their contracts, and roll the ledger up.

Everything a user can get wrong about a file ends here as an :class:`~econ.errors.InputError`
naming the file, the column, the rule, how many rows break it and one example row. What leaves
this module is clean: a revenue table with one row per customer-month and a usage rollup with
one row per customer × feature × month. Scenario changes never come back here.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeAlias

import dataframely as dy
import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem

Source: TypeAlias = str | os.PathLike[str] | bytes | pl.DataFrame | pl.LazyFrame
"""A parquet path, the bytes of a parquet file, or a polars frame (eager or lazy)."""

_ROW: Final = "row"
_ROWS_READ: Final = "_rows_read"
_TIMESTAMP_FORMATS: Final = (
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d",
)
_MONTH_TEXT: Final = r"^\d{4}-\d{2}(-\d{2})?([T ].*)?$"

_RULE_TEXT: Final[dict[str, str]] = {
    "nullability": "must not be empty (null)",
    "min": "must be zero or more",
    "nan": "must be a number (NaN found)",
    "inf": "must be finite (infinity found)",
}


@dataclass(frozen=True)
class Dataset:
    """Both inputs after validation: what every scenario is computed from.

    Attributes:
        usage: the ledger rolled up to one row per customer × feature × month
            (:data:`econ.schema.ROLLUP_SCHEMA`), sorted by those keys.
        revenue: one row per customer-month: ``customer_id, month, mrr_usd, plan`` and the
            segment columns, sorted by customer and month.
        segment_columns: the revenue table's segment dimensions, in file order.
        usage_rows: how many ledger rows were read.
        usage_name, revenue_name: the inputs' names as the user knows them.
    """

    usage: pl.DataFrame
    revenue: pl.DataFrame
    segment_columns: tuple[str, ...]
    usage_rows: int
    usage_name: str
    revenue_name: str


def load_dataset(
    usage: Source,
    revenue: Source,
    *,
    usage_name: str | None = None,
    revenue_name: str | None = None,
) -> Dataset:
    """Read, validate and prepare both inputs; raise :class:`InputError` listing every problem.

    Problems in both files are collected before raising, so a user fixes them in one go.
    """
    usage_label = usage_name or _default_name(usage, "usage ledger")
    revenue_label = revenue_name or _default_name(revenue, "revenue table")
    problems: list[Problem] = []
    rollup: tuple[pl.DataFrame, int] | None = None
    revenue_frame: pl.DataFrame | None = None
    try:
        rollup = rollup_usage(usage, name=usage_label)
    except InputError as error:
        problems.extend(error.problems)
    try:
        revenue_frame = load_revenue(revenue, name=revenue_label)
    except InputError as error:
        problems.extend(error.problems)
    if problems or rollup is None or revenue_frame is None:
        raise InputError(problems)
    usage_frame, usage_rows = rollup
    return Dataset(
        usage=usage_frame,
        revenue=revenue_frame,
        segment_columns=segment_columns_of(revenue_frame),
        usage_rows=usage_rows,
        usage_name=usage_label,
        revenue_name=revenue_label,
    )


def segment_columns_of(revenue: pl.DataFrame) -> tuple[str, ...]:
    """The segment dimensions of a validated revenue table."""
    return tuple(name for name in revenue.columns if name not in s.REVENUE_REQUIRED)


def load_revenue(source: Source, *, name: str | None = None) -> pl.DataFrame:
    """Read and validate a revenue table; see :mod:`econ.schema` for the contract.

    Returns one row per customer-month, money as float64 dollars, ``month`` on the 1st, every
    text column other than the required ones kept as a segment dimension (nulls allowed).
    """
    label = name or _default_name(source, "revenue table")
    frame = _scan(source, label)
    columns = _schema_of(frame, label)
    _require(columns, s.REVENUE_REQUIRED, label)
    segments = tuple(
        column
        for column, dtype in columns.items()
        if column not in s.REVENUE_REQUIRED and _is_text(dtype) and column != s.USAGE_TIER
    )
    used = (*s.REVENUE_REQUIRED, *segments)
    _refuse_nested(columns, used, label)
    coercions = [_coerce_id(column, columns[column]) for column in (s.CUSTOMER_ID, s.PLAN)]
    coercions += [_coerce_id(column, columns[column]) for column in segments]
    coercions.append(_coerce_month(s.MONTH, columns[s.MONTH]))
    contract = s.revenue_schema(segments)
    prepared = _apply(frame, columns, coercions, used, label).collect()
    good, failure = contract.filter(prepared, cast=True)
    if failure.counts():
        raise InputError(_row_failures(prepared, contract, label))
    out = good.sort(s.CUSTOMER_ID, s.MONTH)
    if out.height == 0:
        raise InputError([Problem(label, None, "has no rows")])
    return out


def rollup_usage(source: Source, *, name: str | None = None) -> tuple[pl.DataFrame, int]:
    """Read and validate a usage ledger and roll it up to customer × feature × month.

    Returns the rollup (:data:`econ.schema.ROLLUP_SCHEMA`, sorted by its keys) and the number of
    ledger rows read. Tokens are summed where known and null where a group has none.
    """
    label = name or _default_name(source, "usage ledger")
    frame = _scan(source, label)
    columns = _schema_of(frame, label)
    _require(columns, s.USAGE_REQUIRED, label)
    time_column = next((c for c in s.USAGE_TIME_COLUMNS if c in columns), None)
    if time_column is None:
        raise InputError(
            [Problem(label, None, "needs a 'timestamp' (datetime) or a 'month' (date) column")]
        )
    present_optional = tuple(column for column in s.USAGE_OPTIONAL if column in columns)
    used = (*s.USAGE_REQUIRED, time_column, *present_optional)
    _refuse_nested(columns, used, label)
    coercions = [
        _coerce_id(column, columns[column])
        for column in (s.CUSTOMER_ID, s.FEATURE_ID, s.MODEL)
        if column in columns
    ]
    coercions += [
        _coerce_count(column, columns[column])
        for column in (s.CALLS, *s.TOKEN_COLUMNS)
        if column in columns
    ]
    if time_column == s.TIMESTAMP:
        coercions.append(_coerce_timestamp_to_month(columns[s.TIMESTAMP]))
    else:
        coercions.append(_coerce_month(s.MONTH, columns[s.MONTH]))
    prepared = _apply(frame, columns, coercions, used, label)
    defaults = [
        pl.lit(1, pl.Int64).alias(s.CALLS),
        pl.lit(None, pl.String).alias(s.MODEL),
        pl.lit(None, pl.Int64).alias(s.INPUT_TOKENS),
        pl.lit(None, pl.Int64).alias(s.OUTPUT_TOKENS),
    ]
    prepared = prepared.with_columns(
        [default for default in defaults if default.meta.output_name() not in columns]
    )
    validated = s.UsageSchema.validate(prepared, cast=True, eager=False)
    try:
        rollup = _rollup_query(validated).collect()
    except pl.exceptions.ComputeError as error:
        if "failed validation" not in str(error):
            problem = Problem(label, None, f"could not be read ({_first_line(error)})")
            raise InputError([problem]) from None
        # The lazy check only says that something failed; an eager pass says what and where.
        raise InputError(_row_failures(prepared, s.UsageSchema, label)) from None
    usage_rows = int(rollup[_ROWS_READ].sum())
    if usage_rows == 0:
        raise InputError([Problem(label, None, "has no rows")])
    return rollup.drop(_ROWS_READ).sort(s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH), usage_rows


def _rollup_query(usage: pl.LazyFrame) -> pl.LazyFrame:
    def known_sum(column: str) -> pl.Expr:
        return (
            pl.when(pl.col(column).count() > 0)
            .then(pl.col(column).sum())
            .otherwise(None)
            .cast(pl.Int64)
            .alias(column)
        )

    return (
        usage.group_by(s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH)
        .agg(
            pl.col(s.CALLS).sum().cast(pl.Int64),
            pl.col(s.COST_USD).sum(),
            *(known_sum(column) for column in s.TOKEN_COLUMNS),
            pl.len().alias(_ROWS_READ),
        )
        .select(*s.ROLLUP_SCHEMA.names(), _ROWS_READ)
    )


# --- reading -------------------------------------------------------------------------------


def _default_name(source: Source, fallback: str) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return fallback


def _scan(source: Source, label: str) -> pl.LazyFrame:
    if isinstance(source, pl.LazyFrame):
        return source
    if isinstance(source, pl.DataFrame):
        return source.lazy()
    if isinstance(source, bytes):
        if not source:
            raise InputError([Problem(label, None, "is empty (0 bytes)")])
        return pl.scan_parquet(io.BytesIO(source))
    path = Path(source)
    if not path.exists():
        raise InputError([Problem(label, None, f"was not found at {path}")])
    if path.is_dir():
        raise InputError([Problem(label, None, f"is a folder, not a parquet file: {path}")])
    if path.stat().st_size == 0:
        raise InputError([Problem(label, None, "is empty (0 bytes)")])
    return pl.scan_parquet(path)


def _schema_of(frame: pl.LazyFrame, label: str) -> pl.Schema:
    try:
        return frame.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as error:
        detail = _first_line(error)
        raise InputError(
            [Problem(label, None, f"is not a readable parquet file ({detail})")]
        ) from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _require(columns: pl.Schema, required: Sequence[str], label: str) -> None:
    missing = [column for column in required if column not in columns]
    if missing:
        found = ", ".join(columns.names()) or "none"
        problems = [
            Problem(label, column, f"is required but missing (columns found: {found})")
            for column in missing
        ]
        raise InputError(problems)


def _refuse_nested(columns: pl.Schema, used: Sequence[str], label: str) -> None:
    def kind(dtype: pl.DataType) -> str:
        return "records" if isinstance(dtype, pl.Struct) else "lists"

    problems = [
        Problem(
            label,
            column,
            f"must hold plain values, not {kind(columns[column])} (found {columns[column]})",
        )
        for column in used
        if columns[column].is_nested()
    ]
    if problems:
        raise InputError(problems)


def _is_text(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


# --- coercion: making acceptable types the contract's types --------------------------------


@dataclass(frozen=True)
class _Coercion:
    """How one column becomes its contract type, and which rows cannot be converted."""

    column: str
    expr: pl.Expr
    unconvertible: pl.Expr | None = None
    rule: str = ""


def _coerce_id(column: str, dtype: pl.DataType) -> _Coercion:
    value = pl.col(column)
    if dtype == pl.String:
        return _Coercion(column, value)
    if dtype.is_float():
        # Exports that passed through pandas often turn integer ids into floats (1001.0).
        fractional = value.is_not_null() & (~value.is_finite() | (value != value.round(0)))
        return _Coercion(
            column,
            pl.when(fractional).then(None).otherwise(value).cast(pl.Int64).cast(pl.String),
            fractional,
            "must be text or a whole number (a fractional number cannot be an id)",
        )
    return _Coercion(column, value.cast(pl.String))


def _coerce_count(column: str, dtype: pl.DataType) -> _Coercion:
    value = pl.col(column)
    if dtype.is_float():
        fractional = value.is_not_null() & value.is_finite() & (value != value.round(0))
        return _Coercion(
            column,
            pl.when(fractional).then(None).otherwise(value),
            fractional,
            "must be a whole number",
        )
    return _Coercion(column, value)


def _month_from_text(value: pl.Expr) -> pl.Expr:
    return (
        pl.when(value.str.contains(_MONTH_TEXT))
        .then((value.str.slice(0, 7) + "-01").str.to_date("%Y-%m-%d", strict=False))
        .otherwise(None)
    )


def _coerce_month(column: str, dtype: pl.DataType) -> _Coercion:
    value = pl.col(column)
    if dtype == pl.Date:
        return _Coercion(column, value.dt.month_start())
    if isinstance(dtype, pl.Datetime):
        return _Coercion(column, _to_utc(value, dtype).dt.month_start().cast(pl.Date))
    if _is_text(dtype):
        text = value.cast(pl.String)
        parsed = _month_from_text(text)
        return _Coercion(
            column,
            parsed,
            text.is_not_null() & parsed.is_null(),
            "must be a date (YYYY-MM-DD or YYYY-MM)",
        )
    return _Coercion(
        column,
        pl.lit(None, pl.Date),
        value.is_not_null(),
        f"must be a date, not {dtype}",
    )


def _coerce_timestamp_to_month(dtype: pl.DataType) -> _Coercion:
    value = pl.col(s.TIMESTAMP)
    if dtype == pl.Date:
        month = value.dt.month_start()
    elif isinstance(dtype, pl.Datetime):
        month = _to_utc(value, dtype).dt.month_start().cast(pl.Date)
    elif _is_text(dtype):
        text = value.cast(pl.String)
        parsed = pl.coalesce(
            text.str.to_datetime(fmt, strict=False, time_zone="UTC", time_unit="us")
            for fmt in _TIMESTAMP_FORMATS
        )
        month = parsed.dt.replace_time_zone(None).dt.month_start().cast(pl.Date)
        return _Coercion(
            s.MONTH,
            month,
            text.is_not_null() & parsed.is_null(),
            "must be an ISO 8601 date-time (e.g. 2025-03-15T10:00:00Z)",
        )
    else:
        return _Coercion(
            s.MONTH,
            pl.lit(None, pl.Date),
            value.is_not_null(),
            f"must be a date-time, not {dtype}",
        )
    return _Coercion(s.MONTH, month)


def _to_utc(value: pl.Expr, dtype: pl.Datetime) -> pl.Expr:
    if dtype.time_zone is None:
        return value
    return value.dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def _refuse_unconvertible(
    frame: pl.LazyFrame, checks: Sequence[_Coercion], used: Sequence[str], label: str
) -> None:
    flags = [check.unconvertible for check in checks if check.unconvertible is not None]
    counts = frame.select(flag.sum() for flag in flags).collect().row(0)
    problems = []
    for check, flag, count in zip(checks, flags, counts, strict=True):
        if not count:
            continue
        example = (
            frame.with_row_index(_ROW, offset=1)
            .filter(flag)
            .select(_ROW, *used)
            .head(1)
            .collect()
            .row(0, named=True)
        )
        # The usage month is derived from the timestamp: name the column the user wrote.
        column = s.TIMESTAMP if check.column == s.MONTH and s.TIMESTAMP in used else check.column
        problems.append(Problem(label, column, check.rule, int(count), example))
    if problems:
        raise InputError(problems)


def _apply(
    frame: pl.LazyFrame,
    columns: pl.Schema,
    coercions: Sequence[_Coercion],
    used: Sequence[str],
    label: str,
) -> pl.LazyFrame:
    """Select the used columns, converted; refuse values that cannot be converted."""
    checks = [c for c in coercions if c.unconvertible is not None]
    if checks:
        _refuse_unconvertible(frame, checks, used, label)
    converted = {c.column: c.expr.alias(c.column) for c in coercions}
    passthrough = [
        pl.col(column)
        for column in used
        if column not in converted and column in columns and column != s.TIMESTAMP
    ]
    return frame.select(*passthrough, *converted.values())


# --- row rules -----------------------------------------------------------------------------


def _row_failures(
    frame: pl.LazyFrame | pl.DataFrame, contract: type[dy.Schema], label: str
) -> list[Problem]:
    """Every row rule of ``contract`` that ``frame`` breaks, with counts and an example row.

    Rows are numbered from 1 in file order so the user can find the example.
    """
    numbered: type[dy.Schema] = type(
        f"{contract.__name__}Numbered", (contract,), {_ROW: dy.Int64(nullable=False)}
    )
    with_rows = (
        frame.lazy().with_row_index(_ROW, offset=1).with_columns(pl.col(_ROW).cast(pl.Int64))
    )
    _, failure = numbered.filter(with_rows.collect(), cast=True)
    details = failure.details()
    shown = [_ROW, *contract.column_names()]
    problems = []
    for key, count in sorted(failure.counts().items()):
        column, rule = _describe(key, numbered)
        invalid = details.filter(pl.col(key) == "invalid") if key in details.columns else details
        example = invalid.select(shown).head(1).row(0, named=True) if invalid.height else None
        problems.append(Problem(label, column, rule, int(count), example))
    return problems


def _describe(key: str, contract: type[dy.Schema]) -> tuple[str | None, str]:
    if key == "primary_key":
        keys = ", ".join(contract.primary_key())
        return keys, "must identify one row: each customer may have only one row per month"
    if "|" not in key:
        return None, key.replace("_", " ")
    column, rule = key.split("|", 1)
    if rule == "dtype":
        wanted = contract.columns()[column].dtype
        return column, f"must hold values convertible to {_type_name(wanted)}"
    return column, _RULE_TEXT.get(rule, rule)


def _type_name(dtype: pl.DataType) -> str:
    names: dict[type[pl.DataType], str] = {
        pl.Float64: "a number",
        pl.Int64: "a whole number",
        pl.String: "text",
        pl.Date: "a date",
    }
    return names.get(type(dtype), str(dtype))
