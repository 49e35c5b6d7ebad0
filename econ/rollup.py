"""The ledger rollup: one row per customer × feature × month, in one streaming pass.

Stage 1 spends nearly all its time here, so there are two ways in:

- :func:`rollup_query` rolls up rows that were already converted and checked one by one (the
  general path, which can name the row that breaks a rule).
- :func:`vouched_rollup` rolls the file up directly when its own statistics (see
  :class:`econ.readers.ColumnFacts`) already answer every row rule: no null ids or times, no
  negative or infinite money, no negative counts, months inside the accepted range. What the
  statistics cannot answer is checked on the (much smaller) rollup: a NaN cost makes its
  group's sum NaN, and ids are checked for length once per distinct value. When anything is
  in doubt it returns ``None`` and the caller takes the general path, which finds and names the
  offending rows. Both paths give the same rollup for the same rows (the tests hold them to it).

Two details keep the pass cheap: the month of a timestamp is looked up in a table of days
(built from the file's time range) rather than computed per row, and rows are grouped by the
file's own id types (integers, categoricals), converted to text only once per group.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Final

import polars as pl

from econ import schema as s
from econ.readers import ColumnFacts

ROWS_READ: Final = "_rows_read"
"""How many ledger rows a rollup row stands for."""

_MAX_LOOKUP_DAYS: Final = 40 * 366
"""The longest time range whose months are looked up in a table of days (40 years)."""
_EPOCH: Final = dt.date(1970, 1, 1)


def rollup_query(usage: pl.LazyFrame) -> pl.LazyFrame:
    """Contract-typed ledger rows (with ``month``) rolled up; tokens summed where known."""
    return usage.group_by(s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH).agg(
        pl.col(s.CALLS).sum().cast(pl.Int64),
        pl.col(s.COST_USD).sum(),
        *(_known_sum(column) for column in s.TOKEN_COLUMNS),
        pl.len().alias(ROWS_READ),
    )


def finish(rollup: pl.DataFrame) -> pl.DataFrame:
    """The rollup's columns in :data:`econ.schema.ROLLUP_SCHEMA` order.

    Rows stay in the order the group-by left them: sorting 20 million calls' worth of groups
    by their text keys would cost a third of the whole pass, and nothing downstream needs it
    (what feeds a table or a chart is sorted there).
    """
    return rollup.select(*s.ROLLUP_SCHEMA.names())


def _known_sum(column: str) -> pl.Expr:
    """The sum of a count that may be missing: null when no row of the group knows it."""
    return (
        pl.when(pl.col(column).count() > 0)
        .then(pl.col(column).sum())
        .otherwise(None)
        .cast(pl.Int64)
        .alias(column)
    )


def vouched_rollup(
    frame: pl.LazyFrame, facts: Mapping[str, ColumnFacts], sources: Mapping[str, str]
) -> pl.DataFrame | None:
    """The rollup of ``frame`` with its rows' checks answered by ``facts``, or ``None``.

    Args:
        frame: the file's rows, columns named as in the file (normalized).
        facts: the file's statistics per column.
        sources: contract column → the file column holding it (only the contract columns the
            file has).

    Returns the rollup with :data:`ROWS_READ`, or ``None`` when a rule is in doubt.
    """
    schema = frame.collect_schema()
    time_column = next((c for c in s.USAGE_TIME_COLUMNS if c in sources), None)
    if time_column is None or s.COST_USD not in sources:
        return None

    def column(name: str) -> tuple[str, pl.DataType, ColumnFacts]:
        source = sources[name]
        return source, schema[source], facts.get(source, ColumnFacts(None))

    keys: list[pl.Expr] = []
    for name in s.USAGE_REQUIRED:
        source, dtype, fact = column(name)
        if fact.nulls != 0 or not _is_id_type(dtype):
            return None
        # A categorical key groups by its code; few distinct features make that much cheaper.
        key = pl.col(source).cast(pl.Categorical) if name == s.FEATURE_ID else pl.col(source)
        keys.append(key.alias(name))

    source, dtype, fact = column(time_column)
    month = _month(pl.col(source), dtype, fact)
    if month is None:
        return None

    source, dtype, fact = column(s.COST_USD)
    if not (_is_number(dtype) and fact.nulls == 0 and _at_least_zero(fact) and _finite(fact)):
        return None
    aggregations = [
        pl.col(source).cast(pl.Float64).sum().alias(s.COST_USD),
        pl.len().alias(ROWS_READ),
    ]

    if s.CALLS in sources:
        source, dtype, fact = column(s.CALLS)
        if not (dtype.is_integer() and fact.nulls == 0 and _at_least_zero(fact)):
            return None
        aggregations.append(pl.col(source).cast(pl.Int64).sum().alias(s.CALLS))
    else:
        aggregations.append(pl.len().cast(pl.Int64).alias(s.CALLS))

    for name in s.TOKEN_COLUMNS:
        if name not in sources:
            aggregations.append(pl.lit(None, pl.Int64).alias(name))
            continue
        source, dtype, fact = column(name)
        if fact.nulls is None or not dtype.is_integer():
            return None
        if fact.nulls == fact.rows:
            aggregations.append(pl.lit(None, pl.Int64).alias(name))
        elif not _at_least_zero(fact):
            return None
        elif fact.nulls == 0:
            aggregations.append(pl.col(source).sum().cast(pl.Int64).alias(name))
        else:
            aggregations.append(_known_sum(source).alias(name))

    rollup = (
        frame.group_by(*keys, month.alias(s.MONTH))
        .agg(aggregations)
        .with_columns(pl.col(s.CUSTOMER_ID).cast(pl.String), pl.col(s.FEATURE_ID).cast(pl.String))
        .collect()
    )
    return rollup if rollup.height and _rollup_holds(rollup) else None


def _is_id_type(dtype: pl.DataType) -> bool:
    """Ids the general path would take as they are: text, categories and whole numbers."""
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum) or dtype.is_integer()


def _is_number(dtype: pl.DataType) -> bool:
    return dtype.is_float() or dtype.is_integer()


def _at_least_zero(fact: ColumnFacts) -> bool:
    return isinstance(fact.low, int | float) and fact.low >= 0


def _finite(fact: ColumnFacts) -> bool:
    return isinstance(fact.high, int | float) and math.isfinite(fact.high)


def _month(time: pl.Expr, dtype: pl.DataType, fact: ColumnFacts) -> pl.Expr | None:
    """The first of each row's month (UTC), or ``None`` when its range is not vouched for."""
    if fact.nulls != 0:
        return None
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            time = time.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        day = time.cast(pl.Date)
    elif isinstance(dtype, pl.Date):
        day = time
    else:
        return None
    low, high = (_utc_date(value) for value in (fact.low, fact.high))
    if low is None or high is None:
        return None
    first = low.replace(day=1)
    if first < s.EARLIEST_MONTH or high.replace(day=1) > s.LATEST_MONTH:
        return None
    if (high - first).days > _MAX_LOOKUP_DAYS:
        return day.dt.month_start()
    months = pl.date_range(first, high, "1d", eager=True).dt.month_start()
    return pl.lit(months).gather(day.cast(pl.Int32) - (first - _EPOCH).days)


def _utc_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _rollup_holds(rollup: pl.DataFrame) -> bool:
    """What statistics cannot tell, checked per group: finite sums and well-formed ids."""
    checks = [pl.col(s.COST_USD).is_finite().all()]
    for name in s.USAGE_REQUIRED:
        length = pl.col(name).str.len_chars()
        checks.append(((length >= 1) & (length <= s.ID_MAX_LENGTH)).all())
    return all(rollup.select(checks).row(0))
