"""The ledger rollup: one row per customer × feature × month, in one streaming pass.

Stage 1 spends nearly all its time here, so there are two ways in:

- :func:`rollup_query` rolls up rows that were already converted and checked one by one (the
  general path, which can name the row that breaks a rule).
- :func:`vouched_rollup` rolls the file up directly when its own statistics (see
  :class:`econ.inputs.readers.ColumnFacts`) already answer every row rule: no null ids or times, no
  negative or infinite money, no negative counts, months inside the accepted range. What the
  statistics cannot answer is checked on the (much smaller) rollup: a NaN cost makes its
  group's sum NaN, and ids are checked for length once per distinct value. When anything is
  in doubt it returns ``None`` and the caller takes the general path, which finds and names the
  offending rows. Both paths give the same rollup for the same rows (the tests hold them to it).

Outcomes (the ledger's optional ``outcome`` column, see :mod:`econ.schema`) are summed per group
as ``outcomes``: null when the ledger has no outcome column, an empty value counting as 0. The
vouched path takes a column of flags or whole numbers of at least zero, and counts in the same
pass the rows whose outcomes exceed their calls (a rule no statistic answers): any such row
sends the file down the general path, which names it.

Users (the ledger's optional ``user_id``) do not add up across features, so they are counted
per customer × month beside the rollup (:data:`USERS_SCHEMA`), only when the ledger has a user
column: the general path adds one group-by (:func:`users_query`) to the rollup's ``collect_all``,
which shares its pass over the rows; the vouched path keeps each group's distinct users as a
list in its own group-by and counts them per customer-month from the groups
(:func:`users_of_groups`), so the rows are still read once. A call without a user (null, or
empty text) names none; a customer-month whose calls name none has 0 users.

Two details keep the pass cheap: the month of a timestamp is looked up in a table of days
(built from the file's time range) rather than computed per row, and rows are grouped by the
file's own id types (integers, categoricals), converted to text only once per group. When the
per-model token summary is wanted (:mod:`econ.inputs.model_usage`), the vouched path groups by
the model as well and sums those groups both ways, rather than reading the rows twice.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.model_usage import (
    GROUP_ONLY,
    file_group_sums,
    file_model_key,
    summary_of_groups,
)
from econ.inputs.readers import ColumnFacts

ROWS_READ: Final = "_rows_read"
"""How many ledger rows a rollup row stands for."""

_KEYS: Final = (s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH)
_SEEN: Final = "_seen_"
"""The prefix of a rollup's check columns (a group's smallest and largest values, its nulls);
:func:`finish` leaves them out."""
_MAX_LOOKUP_DAYS: Final = 40 * 366
"""The longest time range whose months are looked up in a table of days (40 years)."""
_EPOCH: Final = dt.date(1970, 1, 1)


USERS_SCHEMA: Final = pl.Schema(
    {s.CUSTOMER_ID: pl.String(), s.MONTH: pl.Date(), s.USERS: pl.Int64()}
)
"""Distinct users per customer × month of a ledger with a user column, sorted by both."""
_USER_SET: Final = "_user_set"
"""A vouched group's distinct users (a list), counted per customer-month from the groups."""


def users_query(usage: pl.LazyFrame) -> pl.LazyFrame:
    """Contract-typed ledger rows with ``user_id`` (an empty id already null): distinct users
    per customer × month (:data:`USERS_SCHEMA` once :func:`finish_users` types and sorts it)."""
    return usage.group_by(s.CUSTOMER_ID, s.MONTH).agg(
        pl.col(s.USER_ID).drop_nulls().n_unique().cast(pl.Int64).alias(s.USERS)
    )


def finish_users(users: pl.DataFrame) -> pl.DataFrame:
    """Per-customer-month users in :data:`USERS_SCHEMA`'s columns and types, sorted."""
    return users.select(pl.col(name).cast(dtype) for name, dtype in USERS_SCHEMA.items()).sort(
        s.CUSTOMER_ID, s.MONTH
    )


def users_of_groups(groups: pl.DataFrame) -> pl.DataFrame:
    """Distinct users per customer × month from vouched groups that kept theirs as a list
    (ids as text; an empty one names no user)."""
    user = pl.col(_USER_SET).cast(pl.String)
    return finish_users(
        groups.select(pl.col(s.CUSTOMER_ID).cast(pl.String), s.MONTH, _USER_SET)
        .explode(_USER_SET)
        .with_columns(pl.when(user != "").then(user).alias(_USER_SET))
        .group_by(s.CUSTOMER_ID, s.MONTH)
        .agg(pl.col(_USER_SET).drop_nulls().n_unique().alias(s.USERS))
    )


def rollup_query(usage: pl.LazyFrame) -> pl.LazyFrame:
    """Contract-typed ledger rows (with ``month``) rolled up; tokens summed where known,
    outcomes where the ledger has them (and each count's largest value per group, for
    :func:`check_totals`)."""
    counts = (s.CALLS, *s.TOKEN_COLUMNS)
    return usage.group_by(s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH).agg(
        pl.col(s.CALLS).sum().cast(pl.Int64),
        pl.col(s.COST_USD).sum(),
        *(_known_sum(column) for column in s.TOKEN_COLUMNS),
        _known_sum(s.OUTCOME).alias(s.OUTCOMES),
        pl.len().alias(ROWS_READ),
        *(pl.col(column).max().alias(f"{_SEEN}{column}_max") for column in counts),
    )


_LARGEST_SUM: Final = 2.0**62
"""Counts are added up as 64-bit integers: every group's sum, and every total of them, must
stay below 2**63 (with a margin for the float arithmetic that checks it)."""


def check_totals(rollup: pl.DataFrame, label: str) -> None:
    """Refuse counts whose sums a 64-bit integer cannot hold: a group's (its largest value
    times its rows bounds it) or the file's total (of the groups' sums).

    Raises:
        InputError: naming the column and an example group.
    """
    for name in (s.CALLS, *s.TOKEN_COLUMNS):
        largest = f"{_SEEN}{name}_max"
        if largest not in rollup.columns:
            continue
        bound = pl.col(largest).cast(pl.Float64) * pl.col(ROWS_READ).cast(pl.Float64)
        over = rollup.filter(bound >= _LARGEST_SUM)
        total = rollup[name].cast(pl.Float64).sum() if not over.height else _LARGEST_SUM
        if over.height or total >= _LARGEST_SUM:
            example = (over if over.height else rollup).select(*_KEYS, largest).row(0, named=True)
            problem = Problem(
                label,
                name,
                f"adds up to more than {_LARGEST_SUM:,.0f}, more than can be counted exactly: "
                f"no real ledger counts that many; the largest value in the group "
                f"{example[s.CUSTOMER_ID]!r} · {example[s.FEATURE_ID]!r} · {example[s.MONTH]} "
                f"is {example[largest]:,}",
            )
            raise InputError([problem])


def finish(rollup: pl.DataFrame) -> pl.DataFrame:
    """The rollup's columns in :data:`econ.schema.ROLLUP_SCHEMA` order.

    Rows stay in the order the group-by left them: sorting 20 million calls' worth of groups
    by their text keys would cost a third of the whole pass, and nothing downstream needs it
    (what feeds a table or a chart is sorted there).
    """
    return rollup.select(*s.ROLLUP_SCHEMA.names())


def _known_sum(column: str | pl.Expr) -> pl.Expr:
    """The sum of a count that may be missing: null when no row of the group knows it."""
    value = pl.col(column) if isinstance(column, str) else column
    summed = pl.when(value.count() > 0).then(value.sum()).otherwise(None).cast(pl.Int64)
    return summed.alias(column) if isinstance(column, str) else summed


def vouched_rollup(
    frame: pl.LazyFrame,
    facts: Mapping[str, ColumnFacts],
    sources: Mapping[str, str],
    *,
    models: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame | None, pl.DataFrame | None] | None:
    """The rollup of ``frame`` with its rows' checks answered by ``facts``, or ``None``.

    Args:
        frame: the file's rows, columns named as in the file (normalized).
        facts: the file's statistics per column.
        sources: contract column → the file column holding it (only the contract columns the
            file has).
        models: also sum the rows per feature × month × model
            (:mod:`econ.inputs.model_usage`), in the same pass: the rows are grouped by their
            model too, and those groups summed both ways.

    Returns the rollup with :data:`ROWS_READ`, the per-model summary (``None`` without
    ``models``) and the users per customer-month (:data:`USERS_SCHEMA`; ``None`` when the file
    has no user column), or ``None`` when a rule is in doubt.
    """
    columns = _Columns(frame.collect_schema(), facts, sources)
    time_column = next((c for c in s.USAGE_TIME_COLUMNS if c in sources), None)
    if time_column is None or s.COST_USD not in sources:
        return None
    keys = _vouched_keys(columns)
    if keys is None:
        return None
    source, dtype, fact = columns[time_column]
    month = _month(pl.col(source), dtype, fact)
    if month is None:
        return None
    aggregations = _vouched_sums(columns)
    if aggregations is None:
        return None
    if models:
        model = file_model_key(columns.schema, sources)
        keys += [] if model is None else [model]
        aggregations += file_group_sums(columns.schema, sources)
    groups = frame.group_by(*keys, month.alias(s.MONTH)).agg(aggregations).collect()
    with_users = _USER_SET in groups.columns
    users = users_of_groups(groups) if with_users else None
    users_hold = not with_users or _valid_users(groups)
    groups = groups.drop(_USER_SET, strict=False)
    summary = summary_of_groups(groups) if models else None
    rollup = _per_customer_feature_month(groups) if s.MODEL in groups.columns else groups
    rollup = rollup.drop(GROUP_ONLY, strict=False).with_columns(
        pl.col(s.CUSTOMER_ID).cast(pl.String), pl.col(s.FEATURE_ID).cast(pl.String)
    )
    rows = facts.get(sources[s.COST_USD], ColumnFacts(None)).rows  # the footer's row count
    if not (rollup.height and users_hold and _rollup_holds(rollup, rows)):
        return None
    return rollup, summary, users


def _user_set(columns: _Columns) -> list[pl.Expr] | None:
    """A group's distinct users, when the file has a user column of an id type (``[]`` when it
    has none; ``None`` when its type is one the general path would convert)."""
    if s.USER_ID not in columns.sources:
        return []
    source, dtype, _ = columns[s.USER_ID]
    if not _is_id_type(dtype):
        return None
    return [pl.col(source).unique().alias(_USER_SET)]


def _valid_users(groups: pl.DataFrame) -> bool:
    """Whether every user id the groups name keeps the id rules (checked once per distinct
    id; an empty one names no user): else the general path names the rows."""
    ids = groups.select(pl.col(_USER_SET).explode().cast(pl.String).unique().alias("id"))
    named = ids.filter(pl.col("id").is_not_null() & (pl.col("id") != ""))
    return bool(named.select(s.valid_id(pl.col("id")).all()).item())


def _per_customer_feature_month(groups: pl.DataFrame) -> pl.DataFrame:
    """Groups kept apart per model summed into the rollup's groups: each sum, count and null
    count added up, the smallest and largest values seen kept, a token or outcome sum null
    where no group knew it.

    Most customer × feature × months ran on one model; only those that ran on several are
    grouped again (finding them costs a fifth of grouping them all)."""
    columns = [name for name in groups.columns if name != s.MODEL]
    repeated = groups.select(pl.struct(*_KEYS).is_duplicated()).to_series()
    if not repeated.any():
        return groups.select(columns)
    sums: list[pl.Expr] = []
    for name, dtype in groups.schema.items():
        if name in (*_KEYS, s.MODEL, *GROUP_ONLY):
            continue
        if name.startswith(_SEEN) and name.endswith("_min"):
            summed = pl.col(name).min()
        elif name.startswith(_SEEN) and name.endswith("_max"):
            summed = pl.col(name).max()
        elif name in (*s.TOKEN_COLUMNS, s.OUTCOMES):
            summed = _known_sum(name)
        else:
            summed = pl.col(name).sum()
        sums.append(summed.cast(dtype).alias(name))
    merged = groups.filter(repeated).group_by(*_KEYS).agg(sums)
    return pl.concat([groups.filter(~repeated).select(columns), merged], how="diagonal")


@dataclass(frozen=True)
class _Columns:
    """The file's contract columns, each looked up as the file column holding it, its type and
    its statistics."""

    schema: pl.Schema
    facts: Mapping[str, ColumnFacts]
    sources: Mapping[str, str]

    def __getitem__(self, name: str) -> tuple[str, pl.DataType, ColumnFacts]:
        source = self.sources[name]
        return source, self.schema[source], self.facts.get(source, ColumnFacts(None))


def _vouched_keys(columns: _Columns) -> list[pl.Expr] | None:
    """The customer and feature keys to group by, or ``None`` when an id may be missing or is
    of a type the general path would convert."""
    keys: list[pl.Expr] = []
    for name in s.USAGE_REQUIRED:
        source, dtype, fact = columns[name]
        if fact.nulls != 0 or not _is_id_type(dtype):
            return None
        # A categorical key groups by its code; few distinct features make that much cheaper.
        key = pl.col(source).cast(pl.Categorical) if name == s.FEATURE_ID else pl.col(source)
        keys.append(key.alias(name))
    return keys


def _vouched_sums(columns: _Columns) -> list[pl.Expr] | None:
    """Each group's cost, rows, calls, tokens, outcomes and users (and the values seen, to check
    the statistics on the rollup), or ``None`` when a rule on any of them is in doubt."""
    aggregations: list[pl.Expr] = []
    for sums in (_cost_sums, _calls_sums, _token_sums, _outcome_sums, _user_set):
        found = sums(columns)
        if found is None:
            return None
        aggregations += found
    return aggregations


def _cost_sums(columns: _Columns) -> list[pl.Expr] | None:
    """A group's cost and rows, when every cost is a number, known, at least zero and finite."""
    source, dtype, fact = columns[s.COST_USD]
    if not (_is_number(dtype) and fact.nulls == 0 and _at_least_zero(fact) and _finite(fact)):
        return None
    cost = pl.col(source).cast(pl.Float64)
    return [cost.sum().alias(s.COST_USD), pl.len().alias(ROWS_READ), *_seen(s.COST_USD, cost)]


def _calls_sums(columns: _Columns) -> list[pl.Expr] | None:
    """A group's calls (one a row when the file has no calls column), when every count is a
    known whole number of at least zero."""
    if s.CALLS not in columns.sources:
        return [pl.len().cast(pl.Int64).alias(s.CALLS)]
    source, dtype, fact = columns[s.CALLS]
    if not (_is_count(dtype) and fact.nulls == 0 and _at_least_zero(fact)):
        return None
    calls = pl.col(source).cast(pl.Int64, strict=False)
    return [calls.sum().alias(s.CALLS), *_seen(s.CALLS, calls)]


def _token_sums(columns: _Columns) -> list[pl.Expr] | None:
    """A group's tokens of each kind (null where the file has none), when every count is a
    whole number of at least zero."""
    aggregations: list[pl.Expr] = []
    for name in s.TOKEN_COLUMNS:
        if name not in columns.sources:
            aggregations.append(pl.lit(None, pl.Int64).alias(name))
            continue
        source, dtype, fact = columns[name]
        if not (_is_count(dtype) and (fact.nulls == fact.rows or _at_least_zero(fact))):
            return None
        tokens = pl.col(source).cast(pl.Int64, strict=False)
        aggregations += [_known_sum(tokens).alias(name), *_seen(name, tokens)]
    return aggregations


_OVER_CALLS: Final = f"{_SEEN}{s.OUTCOME}_over_calls"
"""How many of a group's rows count more outcomes than calls (checked on the rollup)."""


def _outcome_sums(columns: _Columns) -> list[pl.Expr] | None:
    """A group's outcomes (null where the file has no outcome column; an empty value counts as
    0), when every value is a flag, or a whole number of at least zero; and how many of its
    rows count more outcomes than calls."""
    if s.OUTCOME not in columns.sources:
        return [pl.lit(None, pl.Int64).alias(s.OUTCOMES)]
    source, dtype, fact = columns[s.OUTCOME]
    flags = dtype == pl.Boolean
    if not (flags or (_is_count(dtype) and (fact.nulls == fact.rows or _at_least_zero(fact)))):
        return None
    outcome = pl.col(source).cast(pl.Int64, strict=False).fill_null(0)
    calls = (
        pl.col(columns.sources[s.CALLS]).cast(pl.Int64, strict=False)
        if s.CALLS in columns.sources
        else pl.lit(1, pl.Int64)
    )
    over = (outcome > calls).fill_null(False).sum().alias(_OVER_CALLS)
    return [outcome.sum().alias(s.OUTCOMES), over, *_seen(s.OUTCOME, outcome)]


def _seen(name: str, value: pl.Expr) -> list[pl.Expr]:
    """What a group's values were, to check what the statistics said: their smallest and
    largest, and how many were null (or could not be read as the contract's type)."""
    return [
        value.min().alias(f"{_SEEN}{name}_min"),
        value.max().alias(f"{_SEEN}{name}_max"),
        value.null_count().alias(f"{_SEEN}{name}_nulls"),
    ]


def _is_id_type(dtype: pl.DataType) -> bool:
    """Ids the general path would take as they are: text, categories and whole numbers."""
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum) or dtype.is_integer()


def _is_count(dtype: pl.DataType) -> bool:
    """Whole numbers every value of which an Int64 holds (unsigned 64-bit ones go the general
    way, which names a value too large)."""
    return dtype.is_integer() and dtype != pl.UInt64


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
    # A day outside the vouched range (the statistics were wrong) looks up nothing (null), which
    # the rollup's checks catch; it must never wrap round to another day's month.
    index = day.cast(pl.Int32) - (first - _EPOCH).days
    inside = pl.when((index >= 0) & (index < months.len())).then(index)
    return pl.lit(months).gather(inside)


def _utc_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _rollup_holds(rollup: pl.DataFrame, rows: int | None) -> bool:
    """What the statistics said, checked on the rollup (statistics are hints, not facts: a
    footer can be wrong, or forged): every row was read, no key is null, and every group's
    values keep the contract's rules. Also what statistics cannot tell: finite sums and
    well-formed ids."""
    checks = [
        pl.col(s.COST_USD).is_finite().all(),
        *(pl.col(key).is_not_null().all() for key in (*s.USAGE_REQUIRED, s.MONTH)),
        pl.col(ROWS_READ).sum() == rows,
    ]
    checks += [s.valid_id(pl.col(name)).all() for name in s.USAGE_REQUIRED]
    if _OVER_CALLS in rollup.columns:
        checks.append((pl.col(_OVER_CALLS) == 0).all())
    for name in (s.COST_USD, s.CALLS, *s.TOKEN_COLUMNS, s.OUTCOME):
        low = f"{_SEEN}{name}_min"
        if low not in rollup.columns:
            continue
        high = pl.col(f"{_SEEN}{name}_max")
        checks.append((pl.col(low) >= 0).all())
        checks.append((high <= (s.MAX_MONEY if name == s.COST_USD else s.MAX_COUNT)).all())
        if name in (s.COST_USD, s.CALLS):
            checks.append((pl.col(f"{_SEEN}{name}_nulls") == 0).all())
    return all(rollup.select(check.alias(str(i)) for i, check in enumerate(checks)).row(0))
