"""The usage ledger read: converted, priced and checked, and rolled up to customer × feature ×
month (:data:`econ.schema.ROLLUP_SCHEMA`).

There are two paths to the rollup (see :mod:`econ.inputs.rollup`): the vouched one, for a
parquet file whose own statistics answer every row rule, and the general one, which converts,
prices and checks every row and can name the rows that break a rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

import polars as pl

from econ import formats
from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.dataset import DROPPED_SCHEMA, IngestOptions
from econ.inputs.imports import ROW, UNKNOWN_CUSTOMER, UNTAGGED, ImportSpec, usage_to_contract
from econ.inputs.imports.usage import Converted
from econ.inputs.ingest.coerce import (
    Coercion,
    coerce_count,
    coerce_id,
    coerce_money,
    coerce_time,
    convert,
    is_text,
)
from econ.inputs.ingest.failures import Dropped, row_failures, rule_breaks
from econ.inputs.ingest.pricing import given_pricing, price_or_drop, pricing_notes, pricing_query
from econ.inputs.ingest.refusals import (
    readable,
    refuse_missing,
    refuse_nested,
    refuse_overlong_text,
)
from econ.inputs.ingest.time_zones import time_zone_flags, time_zone_notes
from econ.inputs.model_usage import (
    empty_model_usage,
    finish_model_usage,
    has_model_usage,
    model_usage_query,
)
from econ.inputs.readers import READ_ERRORS, Source, Table, default_name, open_table, unreadable
from econ.inputs.rollup import (
    ROWS_READ,
    check_totals,
    finish,
    finish_users,
    rollup_query,
    users_query,
    vouched_rollup,
)

_TO_PRICE: Final = "_to_price"
"""Rows with tokens and no cost: when none has, the pricing passes are skipped."""


@dataclass(frozen=True)
class UsageLoad:
    """A usage ledger, read: its rollup and what reading it found."""

    rollup: pl.DataFrame
    rows_read: int
    format: str
    dropped: pl.DataFrame
    dropped_problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    pricing: pl.DataFrame
    unpriced_models: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    model_usage: pl.DataFrame | None = None
    """Tokens per feature × month × model (:mod:`econ.inputs.model_usage`)."""
    users: pl.DataFrame | None = None
    """Distinct users per customer × month (:data:`econ.inputs.rollup.USERS_SCHEMA`); ``None``
    when the ledger has no user column."""


def rollup_usage(source: Source, *, name: str | None = None) -> tuple[pl.DataFrame, int]:
    """A contract-shaped ledger's rollup and its row count (strict: any bad row refuses it)."""
    loaded = load_usage(source, name=name)
    return loaded.rollup, loaded.rows_read


def load_usage(
    source: Source,
    *,
    name: str | None = None,
    spec: ImportSpec | None = None,
    options: IngestOptions | None = None,
) -> UsageLoad:
    """Read a usage ledger (any supported layout), price rows without a cost, check every row,
    and roll it up to customer × feature × month (:data:`econ.schema.ROLLUP_SCHEMA`).

    Tokens are summed where known and null where a group has none.
    """
    label = name or default_name(source, "usage ledger")
    with readable(label):
        return _load_usage(source, label, spec or ImportSpec(), options or IngestOptions())


def _load_usage(source: Source, label: str, spec: ImportSpec, options: IngestOptions) -> UsageLoad:
    """The ledger in the contract's columns, then rolled up: vouched for by its statistics
    when they can (and ``options`` let them), else row by row."""
    table = open_table(source, label, options.limits)
    converted = usage_to_contract(table.frame, spec, label, table.hints)
    converted = replace(converted, warnings=(*table.warnings, *converted.warnings))
    columns = converted.frame.collect_schema()
    time_column = _time_column(columns, label)
    if options.use_statistics and converted.sources is not None:
        vouched = _vouched_load(table, converted.sources, converted, label)
        if vouched is not None:
            return vouched
    return _load_rows(table, converted, columns, time_column, label, spec=spec, options=options)


def _time_column(columns: pl.Schema, label: str) -> str:
    """The ledger's time column, once its columns are known to hold plain values and to
    include every required one (else the file is refused, naming what is missing)."""
    refuse_nested(columns, [c for c in columns.names() if c != ROW], label)
    time_column = next((c for c in s.USAGE_TIME_COLUMNS if c in columns), "")
    missing = [c for c in s.USAGE_REQUIRED if c not in columns]
    if not time_column:
        missing.append("timestamp or month")
    if s.COST_USD not in columns and not {s.MODEL, s.INPUT_TOKENS} <= set(columns.names()):
        missing.append("cost_usd (or model and input_tokens to price from)")
    refuse_missing(columns, missing, label)
    return time_column


def _vouched_load(
    table: Table, sources: Mapping[str, str], converted: Converted, label: str
) -> UsageLoad | None:
    """The load of a file whose statistics vouch for every row (see :mod:`econ.inputs.rollup`)."""
    with_models = has_model_usage(tuple(sources))
    try:
        vouched = vouched_rollup(table.frame, table.facts, sources, models=with_models)
    except READ_ERRORS:
        return None  # the general path reads it again and names what is wrong
    if vouched is None:
        return None
    rollup, models, users = vouched
    check_totals(rollup, label)
    return UsageLoad(
        rollup=finish(rollup),
        rows_read=int(rollup[ROWS_READ].sum()),
        format=converted.format,
        dropped=pl.DataFrame(schema=DROPPED_SCHEMA),
        dropped_problems=(),
        notes=converted.notes,
        pricing=given_pricing(rollup),
        # A pre-aggregated file (a Spark or warehouse rollup) may hold the placeholders itself.
        warnings=(*converted.warnings, *_unattributed(rollup, label)),
        model_usage=empty_model_usage() if models is None else finish_model_usage(models),
        users=users,
    )


def _load_rows(
    table: Table,
    converted: Converted,
    columns: pl.Schema,
    time_column: str,
    label: str,
    *,
    spec: ImportSpec,
    options: IngestOptions,
) -> UsageLoad:
    """The general path: every row converted, priced and checked, then rolled up."""
    frame = converted.frame
    if table.kind == "parquet":
        used = (*s.USAGE_REQUIRED, *s.USAGE_OPTIONAL, s.USER_ID, time_column)
        refuse_overlong_text(frame, columns, used, label)
    coercions, cost = _coercions(columns, time_column)
    tally = time_zone_flags(columns, time_column) | {_TO_PRICE: _to_price(columns, cost)}
    prepared, unconvertible, tallied = convert(
        frame, columns, coercions, label, options, tally=tally
    )
    priced, unpriced_models, unpriced = price_or_drop(
        _with_defaults(prepared), spec, label, options, to_price=tallied[_TO_PRICE]
    )
    with_models = has_model_usage(columns)
    rollup, pricing, broken, models, users = _rolled_up(
        priced, table.kind, label, options, with_models=with_models
    )
    dropped = unconvertible + unpriced + broken
    rows_read = int(rollup[ROWS_READ].sum())
    if rows_read == 0:
        raise InputError(dropped.problems or [Problem(label, None, "has no rows")])
    check_totals(rollup, label)
    notes = [*converted.notes, *time_zone_notes(tallied, label), *pricing_notes(pricing, label)]
    if dropped.problems:
        notes.append(dropped.kept_note(label, rows_read))
    return UsageLoad(
        rollup=finish(rollup),
        rows_read=rows_read,
        format=converted.format,
        dropped=dropped.listed(),
        dropped_problems=dropped.problems,
        notes=tuple(notes),
        pricing=pricing,
        unpriced_models=unpriced_models,
        warnings=(*converted.warnings, *_unattributed(rollup, label)),
        model_usage=empty_model_usage() if models is None else finish_model_usage(models),
        users=None if users is None else finish_users(users),
    )


def _coercions(columns: pl.Schema, time_column: str) -> tuple[list[Coercion], pl.Expr]:
    """How each of the ledger's columns becomes its contract type, and each row's logged cost
    (null when the ledger logs none)."""
    coercions = [
        coerce_id(s.CUSTOMER_ID, columns[s.CUSTOMER_ID], UNKNOWN_CUSTOMER),
        coerce_id(s.FEATURE_ID, columns[s.FEATURE_ID], UNTAGGED),
    ]
    if s.MODEL in columns:
        coercions.append(coerce_id(s.MODEL, columns[s.MODEL]))
    if s.USER_ID in columns:
        coercions.append(_coerce_user(columns[s.USER_ID]))
    coercions += [coerce_count(c, columns[c]) for c in (s.CALLS, *s.TOKEN_COLUMNS) if c in columns]
    if s.OUTCOME in columns:
        coercions.append(coerce_outcome(columns))
    cost: pl.Expr = pl.lit(None, pl.Float64)
    if s.COST_USD in columns:
        money = coerce_money(s.COST_USD, columns[s.COST_USD])
        coercions.append(money)
        cost = money.expr
    coercions.append(coerce_time(time_column, columns[time_column]))
    return coercions, cost


def _coerce_user(dtype: pl.DataType) -> Coercion:
    """``user_id`` as text, as ids are; an empty one (or none) names no user (null), which is
    not refused: a call without a user is still a call."""
    user = coerce_id(s.USER_ID, dtype)
    text = user.expr
    return replace(user, expr=pl.when(text != "").then(text))


_OUTCOME_WORDS: Final = {"true": 1, "yes": 1, "false": 0, "no": 0, "": 0}
OUTCOME_RULE: Final = (
    "must be true or false (yes / no, 1 / 0) for one call, or how many of the row's calls "
    "succeeded: a whole number no larger than its calls"
)


def coerce_outcome(columns: pl.Schema) -> Coercion:
    """``outcome`` as the number of the row's calls that succeeded (see :mod:`econ.schema`): a
    flag (true / false, yes / no, 1 / 0) for one call, a whole number for an aggregated row; an
    empty value is 0. A value that is neither, or more than the row's calls, is refused (a
    negative one breaks the contract's own rule)."""
    value, dtype = pl.col(s.OUTCOME), columns[s.OUTCOME]
    if dtype == pl.Boolean or dtype.is_integer():
        count = value.cast(pl.Int64, strict=False)
    elif dtype.is_float():
        count = pl.when(value.is_finite() & (value == value.round(0))).then(value)
    elif is_text(dtype):
        text = value.cast(pl.String).str.strip_chars().str.to_lowercase()
        words = text.replace_strict(_OUTCOME_WORDS, default=None, return_dtype=pl.Int64)
        number = text.cast(pl.Float64, strict=False)
        whole = pl.when(number.is_finite() & (number == number.round(0))).then(number)
        count = pl.coalesce(words, whole)
        value = pl.when(text != "").then(text)
    else:
        count = pl.lit(None, pl.Int64)
    count = count.cast(pl.Int64, strict=False)
    calls = pl.col(s.CALLS).cast(pl.Float64, strict=False) if s.CALLS in columns else pl.lit(1.0)
    unreadable = value.is_not_null() & count.is_null()
    over = count.cast(pl.Float64) > calls
    return Coercion(
        s.OUTCOME, count.fill_null(0), (unreadable | over).fill_null(False), OUTCOME_RULE
    )


def _to_price(columns: pl.Schema, cost: pl.Expr) -> pl.Expr:
    """The rows to price from their tokens: tokens known, cost not."""
    tokens = [pl.col(c).is_not_null() for c in (s.INPUT_TOKENS, s.OUTPUT_TOKENS) if c in columns]
    return cost.is_null() & pl.any_horizontal(tokens) if tokens else pl.lit(False)


def _with_defaults(prepared: pl.LazyFrame) -> pl.LazyFrame:
    """The contract's optional columns the ledger lacks: no cost, one call, no model, no
    tokens."""
    defaults = {
        s.COST_USD: pl.lit(None, pl.Float64),
        s.CALLS: pl.lit(1, pl.Int64),
        s.MODEL: pl.lit(None, pl.String),
        **{c: pl.lit(None, pl.Int64) for c in s.TOKEN_COLUMNS},
        s.OUTCOME: pl.lit(None, pl.Int64),
    }
    return prepared.with_columns(
        expr.alias(c) for c, expr in defaults.items() if c not in prepared.collect_schema()
    )


def _rolled_up(
    priced: pl.LazyFrame, kind: str, label: str, options: IngestOptions, *, with_models: bool
) -> tuple[pl.DataFrame, pl.DataFrame, Dropped, pl.DataFrame | None, pl.DataFrame | None]:
    """The rollup and the pricing table of the priced rows, in one streaming pass that also
    counts the rows breaking each rule; when any does, the rows that break a rule are refused
    or left out (per ``options``) and the rest rolled up. With ``with_models``, the same pass
    sums the tokens per feature × month × model (:mod:`econ.inputs.model_usage`); with a user
    column, it counts the distinct users per customer × month (:func:`users_query`; ``None``
    without one)."""
    with_users = s.USER_ID in priced.collect_schema()
    schema = s.UsageWithUsersSchema if with_users else s.UsageSchema
    typed = priced.with_columns(
        pl.col(name).cast(column.dtype, strict=False) for name, column in schema.columns().items()
    )
    extra = [
        # from the priced rows, not the typed ones: the plan then shares their pass
        *([model_usage_query(priced)] if with_models else []),
        *([users_query(typed)] if with_users else []),
    ]
    queries = [
        rollup_query(typed),
        pricing_query(priced),
        priced.select(rule_breaks(priced, schema)),
        *extra,
    ]
    try:
        rollup, pricing, broken, *found = pl.collect_all(queries)
    except READ_ERRORS as error:
        problem = Problem(label, None, unreadable(error, kind))
        raise InputError([problem]) from None
    if not any(broken.row(0)):
        return rollup, pricing, Dropped(), *_extras(found, with_models, with_users)
    # The streaming count only says that some row breaks a rule; an eager pass says which rows
    # and rules (and keeps the good rows).
    good, dropped = row_failures(priced.collect(), schema, label)
    if options.on_invalid == "raise":
        raise InputError(dropped.problems) from None
    kept = good.lazy()
    rollup, pricing, *found = pl.collect_all(
        [rollup_query(kept), pricing_query(priced)]
        + ([model_usage_query(kept)] if with_models else [])
        + ([users_query(kept)] if with_users else [])
    )
    return rollup, pricing, dropped, *_extras(found, with_models, with_users)


def _extras(
    found: list[pl.DataFrame], with_models: bool, with_users: bool
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """The per-model summary and the users among the extra queries' results (``None`` for one
    not asked for)."""
    models = found[0] if with_models else None
    users = found[-1] if with_users else None
    return models, users


_PLACEHOLDERS: Final[Sequence[tuple[str, str, str, str]]] = (
    (
        s.CUSTOMER_ID,
        UNKNOWN_CUSTOMER,
        "customer",
        "no revenue row matches it, so their usage counts as unbilled",
    ),
    (s.FEATURE_ID, UNTAGGED, "feature", "they are a feature of their own in every table"),
)
"""Per id column: the placeholder of a row that names none, what the id names, and what
counting such rows under the placeholder means."""


def _unattributed(rollup: pl.DataFrame, label: str) -> list[str]:
    """Warnings for calls that named no customer or no feature (counted under a placeholder)."""
    out = []
    for column, placeholder, what, effect in _PLACEHOLDERS:
        part = rollup.filter(pl.col(column) == placeholder)
        if part.height == 0:
            continue
        rows = int(part[ROWS_READ].sum())
        calls = int(part[s.CALLS].sum())
        cost = float(part[s.COST_USD].sum())
        rows_text = "1 row" if rows == 1 else f"{rows:,} rows"
        verb = "names" if rows == 1 else "name"
        out.append(
            f"{label}: {rows_text} ({calls:,} calls, {formats.amount(cost)}) {verb} no {what}; "
            f"they are counted as {what} {placeholder!r}: {effect}."
        )
    return out
