"""Stage 1: read the two inputs, hold them to their contracts, and roll the ledger up.

1. :mod:`econ.inputs.readers` reads a parquet or CSV file safely (size limits, decompression bombs).
2. :mod:`econ.inputs.imports` turns a known export (Langfuse, LiteLLM, OpenAI, Helicone, Stripe, …)
   or
   a mapped layout into the contract's columns.
3. Here: values are converted to the contract's types, rows without a cost are priced from their
   tokens (:mod:`econ.inputs.token_prices`), and every row is checked against the contract's
   dataframely schema (:mod:`econ.schema`).

What happens to a row that breaks a rule is the caller's choice (:class:`IngestOptions`):
``"raise"`` refuses the file with an :class:`~econ.errors.InputError` naming the file, column,
rule, how many rows break it and one example; ``"drop"`` keeps every usable row and reports the
dropped ones (listed in :attr:`Dataset.dropped`, with their row numbers). A file that cannot be
read at all, or has no usable row, is always refused. Scenario changes never come back here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import dataframely as dy
import polars as pl

from econ import formats
from econ import schema as s
from econ.errors import InputError, Problem, ScenarioError
from econ.inputs.cache import RollupCache, cache_key, content_hash
from econ.inputs.dataset import DROPPED_SCHEMA, PRICING_SCHEMA, Dataset, IngestOptions
from econ.inputs.imports import (
    ROW,
    UNKNOWN_CUSTOMER,
    UNTAGGED,
    ImportSpec,
    revenue_to_contract,
    usage_to_contract,
)
from econ.inputs.imports.fields import parse_utc_text
from econ.inputs.imports.usage import Converted
from econ.inputs.prepare import prepare
from econ.inputs.readers import (
    READ_ERRORS,
    Source,
    Table,
    default_name,
    example_row,
    open_table,
    unreadable,
)
from econ.inputs.rollup import ROWS_READ, check_totals, finish, rollup_query, vouched_rollup
from econ.inputs.token_prices import GIVEN, NO_COST, PRICED_BY, UNPRICED, price_rows

__all__ = [
    "DROPPED_SCHEMA",
    "Dataset",
    "IngestOptions",
    "RevenueLoad",
    "Source",
    "UsageLoad",
    "load_dataset",
    "load_revenue",
    "load_usage",
    "rollup_usage",
    "segment_columns_of",
]

_TIME: Final = "_time"
_MAX_LISTED: Final = 100_000
"""Dropped rows listed (and downloadable) at most; all of them are counted."""

_RULE_TEXT: Final[dict[str, str]] = {
    "nullability": "must not be empty (null)",
    "min": "must be zero or more",
    "nan": "must be a number (NaN found)",
    "inf": "must be finite (infinity found)",
    f"check__{s.MAX_CHARS}": f"must be at most {s.ID_MAX_LENGTH} characters long",
    f"check__{s.NO_CONTROLS}": "must not hold control characters (a NUL, an escape, a line break)",
    "min_length": "must not be empty text",
}


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


@dataclass(frozen=True)
class RevenueLoad:
    """A revenue table, read: one row per customer-month, and what reading it found."""

    frame: pl.DataFrame
    format: str
    dropped: pl.DataFrame
    dropped_problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def load_dataset(
    usage: Source,
    revenue: Source,
    *,
    usage_name: str | None = None,
    revenue_name: str | None = None,
    usage_spec: ImportSpec | None = None,
    revenue_spec: ImportSpec | None = None,
    options: IngestOptions | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    content_hashes: tuple[str, str] | None = None,
) -> Dataset:
    """Read, validate and prepare both inputs; raise :class:`InputError` listing every problem.

    Problems in both files are collected before raising, so a user fixes them in one go.
    Subscriptions that have not ended run through the usage ledger's last month unless the
    revenue spec says otherwise.

    With ``cache_dir``, the result is kept there (see :mod:`econ.inputs.cache`) and the next load of
    the same bytes, read the same way, comes from it instead of from the files. Frames (which
    have no bytes to hash) are never cached. ``content_hashes`` are the BLAKE3 hashes of the
    two sources' bytes when the caller knows them already (the dataset store names its files
    by them); otherwise they are computed.
    """
    options = options or IngestOptions()
    usage_label = usage_name or default_name(usage, "usage ledger")
    revenue_label = revenue_name or default_name(revenue, "revenue table")
    usage_spec, revenue_spec = usage_spec or ImportSpec(), revenue_spec or ImportSpec()
    cache, key = None, None
    if cache_dir is not None:
        cache = RollupCache(Path(cache_dir))
        key = _cache_key(
            usage,
            revenue,
            content_hashes=content_hashes,
            usage_label=usage_label,
            revenue_label=revenue_label,
            usage_spec=usage_spec,
            revenue_spec=revenue_spec,
            options=options,
        )
        cached = cache.load(key) if key is not None else None
        if cached is not None:
            return cached
    data = _load_dataset(
        usage,
        revenue,
        usage_label=usage_label,
        revenue_label=revenue_label,
        usage_spec=usage_spec,
        revenue_spec=revenue_spec,
        options=options,
    )
    if cache is not None and key is not None:
        cache.save(key, data)
    return data


def _cache_key(
    usage: Source,
    revenue: Source,
    *,
    content_hashes: tuple[str, str] | None,
    usage_label: str,
    revenue_label: str,
    usage_spec: ImportSpec,
    revenue_spec: ImportSpec,
    options: IngestOptions,
) -> str | None:
    hashes: tuple[str | None, str | None] = content_hashes or (None, None)
    if content_hashes is None:
        try:
            hashes = content_hash(usage), content_hash(revenue)
        except (InputError, OSError):
            return None  # reading the files will say what is wrong with them
    usage_hash, revenue_hash = hashes
    if usage_hash is None or revenue_hash is None:
        return None
    return cache_key(
        usage_hash,
        revenue_hash,
        usage_name=usage_label,
        revenue_name=revenue_label,
        usage_spec=usage_spec,
        revenue_spec=revenue_spec,
        options=options,
    )


def _load_dataset(
    usage: Source,
    revenue: Source,
    *,
    usage_label: str,
    revenue_label: str,
    usage_spec: ImportSpec,
    revenue_spec: ImportSpec,
    options: IngestOptions,
) -> Dataset:
    problems: list[Problem] = []
    usage_load: UsageLoad | None = None
    revenue_load: RevenueLoad | None = None
    try:
        usage_load = load_usage(usage, name=usage_label, spec=usage_spec, options=options)
    except InputError as error:
        problems.extend(error.problems)
    if revenue_spec.through is None and usage_load is not None and usage_load.rollup.height:
        last = usage_load.rollup[s.MONTH].max()
        if isinstance(last, dt.date):
            revenue_spec = replace(revenue_spec, through=f"{last:%Y-%m}")
    try:
        revenue_load = load_revenue(revenue, name=revenue_label, spec=revenue_spec, options=options)
    except InputError as error:
        problems.extend(error.problems)
    if problems or usage_load is None or revenue_load is None:
        raise InputError(problems)
    segments = segment_columns_of(revenue_load.frame)
    return Dataset(
        usage_source=usage_load.rollup,
        revenue=revenue_load.frame,
        prepared=prepare(usage_load.rollup, revenue_load.frame, segments),
        segment_columns=segments,
        usage_rows=usage_load.rows_read,
        usage_name=usage_label,
        revenue_name=revenue_label,
        usage_format=usage_load.format,
        revenue_format=revenue_load.format,
        dropped=pl.concat([usage_load.dropped, revenue_load.dropped]),
        dropped_problems=usage_load.dropped_problems + revenue_load.dropped_problems,
        notes=usage_load.notes + revenue_load.notes,
        pricing=usage_load.pricing,
        unpriced_models=usage_load.unpriced_models,
        warnings=usage_load.warnings + revenue_load.warnings,
    )


def segment_columns_of(revenue: pl.DataFrame) -> tuple[str, ...]:
    """The segment dimensions of a validated revenue table."""
    return tuple(name for name in revenue.columns if name not in s.REVENUE_REQUIRED)


def rollup_usage(source: Source, *, name: str | None = None) -> tuple[pl.DataFrame, int]:
    """A contract-shaped ledger's rollup and its row count (strict: any bad row refuses it)."""
    loaded = load_usage(source, name=name)
    return loaded.rollup, loaded.rows_read


# --- usage ---------------------------------------------------------------------------------


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
    with _readable(label):
        return _load_usage(source, label, spec or ImportSpec(), options or IngestOptions())


@contextlib.contextmanager
def _readable(label: str) -> Iterator[None]:
    """What the readers raise on a file they cannot read (polars, pyarrow, the file system)
    ends as a problem naming the file, never a traceback; anything else is a bug, and shows."""
    try:
        yield
    except (InputError, ScenarioError):
        raise
    except READ_ERRORS as error:
        problem = Problem(label, None, unreadable(error))
        raise InputError([problem]) from None


def _load_usage(source: Source, label: str, spec: ImportSpec, options: IngestOptions) -> UsageLoad:
    table = open_table(source, label, options.limits)
    converted = usage_to_contract(table.frame, spec, label, table.hints)
    converted = replace(converted, warnings=(*table.warnings, *converted.warnings))
    frame = converted.frame
    columns = frame.collect_schema()
    _refuse_nested(columns, [c for c in columns.names() if c != ROW], label)
    time_column = next((c for c in s.USAGE_TIME_COLUMNS if c in columns), "")
    missing = [c for c in s.USAGE_REQUIRED if c not in columns]
    if not time_column:
        missing.append("timestamp or month")
    if s.COST_USD not in columns and not {s.MODEL, s.INPUT_TOKENS} <= set(columns.names()):
        missing.append("cost_usd (or model and input_tokens to price from)")
    if missing:
        found = ", ".join(c for c in columns.names() if c != ROW) or "none"
        raise InputError(
            [
                Problem(label, c, f"is required but missing (columns found: {found})")
                for c in missing
            ]
        )
    if options.use_statistics and converted.sources is not None:
        vouched = _vouched_load(table, converted.sources, converted, label)
        if vouched is not None:
            return vouched
    if table.kind == "parquet":
        used = (*s.USAGE_REQUIRED, *s.USAGE_OPTIONAL, time_column)
        _refuse_overlong_text(frame, columns, used, label)
    coercions = [
        _coerce_id(s.CUSTOMER_ID, columns[s.CUSTOMER_ID], UNKNOWN_CUSTOMER),
        _coerce_id(s.FEATURE_ID, columns[s.FEATURE_ID], UNTAGGED),
    ]
    if s.MODEL in columns:
        coercions.append(_coerce_id(s.MODEL, columns[s.MODEL]))
    coercions += [_coerce_count(c, columns[c]) for c in (s.CALLS, *s.TOKEN_COLUMNS) if c in columns]
    cost: pl.Expr = pl.lit(None, pl.Float64)
    if s.COST_USD in columns:
        money = _coerce_money(s.COST_USD, columns[s.COST_USD])
        coercions.append(money)
        cost = money.expr
    coercions.append(_coerce_time(time_column, columns[time_column]))
    tokens = [pl.col(c).is_not_null() for c in (s.INPUT_TOKENS, s.OUTPUT_TOKENS) if c in columns]
    tally = _time_zone_flags(columns, time_column) | {
        _TO_PRICE: cost.is_null() & pl.any_horizontal(tokens) if tokens else pl.lit(False)
    }
    prepared, dropped, dropped_problems, tallied = _convert(
        frame, columns, coercions, label, options, tally=tally
    )
    defaults = {
        s.COST_USD: pl.lit(None, pl.Float64),
        s.CALLS: pl.lit(1, pl.Int64),
        s.MODEL: pl.lit(None, pl.String),
        **{c: pl.lit(None, pl.Int64) for c in s.TOKEN_COLUMNS},
    }
    prepared = prepared.with_columns(
        expr.alias(c) for c, expr in defaults.items() if c not in prepared.collect_schema()
    )
    notes = list(converted.notes) + _time_zone_notes(tallied, label)
    unpriced = pl.col(PRICED_BY) == UNPRICED
    priced, unpriced_models = _priced(prepared, spec, to_price=tallied[_TO_PRICE])
    if unpriced_models.height:
        problem = _unpriced_problem(priced, unpriced_models, label)
        if options.on_invalid == "raise":
            raise InputError([problem])
        dropped_problems.append(problem)
        dropped.append(_listed(priced.filter(unpriced), label, s.MODEL, problem.rule))
        priced = priced.filter(~unpriced)

    typed = priced.with_columns(
        pl.col(name).cast(column.dtype, strict=False)
        for name, column in s.UsageSchema.columns().items()
    )
    try:
        rollup, pricing, broken = pl.collect_all(
            [rollup_query(typed), _pricing_query(priced), priced.select(_rule_breaks(priced))]
        )
    except READ_ERRORS as error:
        problem = Problem(label, None, unreadable(error, table.kind))
        raise InputError([problem]) from None
    if any(broken.row(0)):
        # The streaming count only says that some row breaks a rule; an eager pass says which
        # rows and rules (and keeps the good rows).
        good, rule_problems, rule_dropped = _row_failures(priced.collect(), s.UsageSchema, label)
        if options.on_invalid == "raise":
            raise InputError(rule_problems) from None
        dropped_problems += rule_problems
        dropped.append(rule_dropped)
        rollup, pricing = pl.collect_all([rollup_query(good.lazy()), _pricing_query(priced)])
    rows_read = int(rollup[ROWS_READ].sum())
    if rows_read == 0:
        raise InputError(dropped_problems or [Problem(label, None, "has no rows")])
    check_totals(rollup, label)
    notes += _pricing_notes(pricing, label)
    if dropped_problems:
        notes.append(_kept_note(label, rows_read, dropped))
    warnings = (*converted.warnings, *_unattributed(rollup, label))
    return UsageLoad(
        rollup=finish(rollup),
        rows_read=rows_read,
        format=converted.format,
        dropped=_concat_dropped(dropped),
        dropped_problems=tuple(dropped_problems),
        notes=tuple(notes),
        pricing=pricing,
        unpriced_models=tuple(m for m in unpriced_models[s.MODEL].to_list() if m),
        warnings=warnings,
    )


def _unattributed(rollup: pl.DataFrame, label: str) -> list[str]:
    """Warnings for calls that named no customer or no feature (counted under a placeholder)."""
    out = []
    for column, placeholder, what, effect in (
        (
            s.CUSTOMER_ID,
            UNKNOWN_CUSTOMER,
            "customer",
            "no revenue row matches it, so their usage counts as unbilled",
        ),
        (s.FEATURE_ID, UNTAGGED, "feature", "they are a feature of their own in every table"),
    ):
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


def _priced(
    prepared: pl.LazyFrame, spec: ImportSpec, *, to_price: int
) -> tuple[pl.LazyFrame, pl.DataFrame]:
    """Rows without a cost priced from their tokens (:func:`econ.inputs.token_prices.price_rows`),
    and the rows per model no price is known for. ``to_price`` rows need one: when none does,
    no pass over the ledger is made."""
    if not to_price:
        no_cost = pl.col(s.COST_USD).is_null()
        priced = prepared.with_columns(
            pl.when(no_cost).then(pl.lit(NO_COST)).otherwise(pl.lit(GIVEN)).alias(PRICED_BY)
        )
        return priced, pl.DataFrame(schema={s.MODEL: pl.String, "rows": pl.UInt32})
    priced = price_rows(prepared, spec.price_overrides)
    unpriced_models = (
        priced.filter(pl.col(PRICED_BY) == UNPRICED)
        .group_by(s.MODEL)
        .agg(pl.len().alias("rows"))
        .sort("rows", descending=True)
        .collect()
    )
    return priced, unpriced_models


def _vouched_load(
    table: Table, sources: Mapping[str, str], converted: Converted, label: str
) -> UsageLoad | None:
    """The load of a file whose statistics vouch for every row (see :mod:`econ.inputs.rollup`)."""
    try:
        rollup = vouched_rollup(table.frame, table.facts, sources)
    except READ_ERRORS:
        return None  # the general path reads it again and names what is wrong
    if rollup is None:
        return None
    check_totals(rollup, label)
    rows_read = int(rollup[ROWS_READ].sum())
    pricing = pl.DataFrame(
        {
            PRICED_BY: [GIVEN],
            "rows": [rows_read],
            "calls": [int(rollup[s.CALLS].sum())],
            "cost_usd": [float(rollup[s.COST_USD].sum())],
        },
        schema=PRICING_SCHEMA,
    )
    return UsageLoad(
        rollup=finish(rollup),
        rows_read=rows_read,
        format=converted.format,
        dropped=pl.DataFrame(schema=DROPPED_SCHEMA),
        dropped_problems=(),
        notes=converted.notes,
        pricing=pricing,
        warnings=converted.warnings,
    )


def _rule_breaks(frame: pl.LazyFrame) -> list[pl.Expr]:
    """How many rows break each rule of the usage contract (dataframely's own rules, and
    values that cannot be cast to the contract's types), as streaming sums.

    The contract's lazy validation keeps the rows' order, which holds every row in memory;
    counting its rules instead lets a ledger of any size stream through, and a file with broken
    rows goes to :func:`_row_failures`, which names them.
    """
    present = frame.collect_schema()
    out = []
    for name, column in s.UsageSchema.columns().items():
        if name not in present:
            continue
        typed = pl.col(name).cast(column.dtype, strict=False)
        out.append((pl.col(name).is_not_null() & typed.is_null()).sum().alias(f"{name}|dtype"))
        out += [
            ok.not_().fill_null(False).sum().alias(f"{name}|{rule}")
            for rule, ok in column.validation_rules(typed).items()
        ]
    return out


def _pricing_query(priced: pl.LazyFrame) -> pl.LazyFrame:
    return (
        priced.group_by(PRICED_BY)
        .agg(
            pl.len().cast(pl.Int64).alias("rows"),
            pl.col(s.CALLS).cast(pl.Int64, strict=False).sum().alias("calls"),
            pl.col(s.COST_USD).sum().alias("cost_usd"),
        )
        .sort(PRICED_BY)
    )


def _pricing_notes(pricing: pl.DataFrame, label: str) -> list[str]:
    priced = pricing.filter(pl.col(PRICED_BY) != GIVEN)
    if priced.height == 0:
        return []
    parts = [
        f"{row['rows']:,} row{'' if row['rows'] == 1 else 's'} "
        f"({formats.amount(row['cost_usd'])}) priced by {row[PRICED_BY]}"
        for row in priced.iter_rows(named=True)
    ]
    return [f"{label}: rows without a logged cost were priced from tokens: {'; '.join(parts)}."]


def _unpriced_problem(priced: pl.LazyFrame, models: pl.DataFrame, label: str) -> Problem:
    """Rows with tokens but no cost, that no price is known for: name the models (or say that
    the rows name none, which no price can fix)."""
    named = [(m, n) for m, n in models.iter_rows() if m]
    unnamed = sum(n for m, n in models.iter_rows() if not m)
    reasons = []
    if named:
        listed = ", ".join(f"{m} ({n:,} row{'' if n == 1 else 's'})" for m, n in named)
        reasons.append(f"no price is known for {listed}: add a price override for these models")
    if unnamed:
        reasons.append(
            f"{formats.count_of(unnamed, 'row')} with tokens "
            f"{'names' if unnamed == 1 else 'name'} no model, so no price applies: give their "
            "cost, or the column that names their model (--map usage.model=COLUMN)"
        )
    example = example_row(
        priced.filter(pl.col(PRICED_BY) == UNPRICED)
        .sort(pl.col(s.MODEL).is_null())
        .select(ROW, s.CUSTOMER_ID, s.FEATURE_ID, s.MODEL, s.INPUT_TOKENS, s.OUTPUT_TOKENS)
        .head(1)
        .collect()
    )
    return Problem(
        label,
        s.COST_USD,
        "must be logged, or priced from tokens; " + "; ".join(reasons),
        int(models["rows"].sum()),
        example,
        tuple(m for m, _ in named),
    )


_ZONED: Final = "_zoned"
_NAIVE: Final = "_naive"
_TO_PRICE: Final = "_to_price"
"""Rows with tokens and no cost: when none has, the pricing passes are skipped."""


def _time_zone_flags(columns: pl.Schema, time_column: str) -> dict[str, pl.Expr]:
    """For text timestamps: which carry a time-zone offset and which do not."""
    if time_column != s.TIMESTAMP or not _is_text(columns[s.TIMESTAMP]):
        return {}
    text = pl.col(s.TIMESTAMP).cast(pl.String).str.strip_chars().str.strip_chars('"')
    zoned = text.str.contains(r"(Z|[+-]\d\d(:?\d\d)?)$")
    return {_ZONED: zoned, _NAIVE: text.is_not_null() & ~zoned}


def _time_zone_notes(tallied: Mapping[str, int], label: str) -> list[str]:
    """Text timestamps that mix time zones are converted to UTC: say so, with counts."""
    zoned, naive = tallied.get(_ZONED, 0), tallied.get(_NAIVE, 0)
    if zoned and naive:
        return [
            f"{label}: column 'timestamp' mixes time zones: {zoned:,} rows carry an offset "
            f"(converted to UTC) and {naive:,} carry none (read as UTC)."
        ]
    if zoned:
        return [f"{label}: timestamps with time-zone offsets were converted to UTC."]
    return []


# --- revenue -------------------------------------------------------------------------------


def load_revenue(
    source: Source,
    *,
    name: str | None = None,
    spec: ImportSpec | None = None,
    options: IngestOptions | None = None,
) -> RevenueLoad:
    """Read and validate a revenue table (any supported layout); see :mod:`econ.schema`.

    Returns one row per customer-month, money as float64 dollars, ``month`` on the 1st, every
    text column other than the required ones kept as a segment dimension (nulls allowed).
    """
    label = name or default_name(source, "revenue table")
    with _readable(label):
        return _load_revenue(source, label, spec or ImportSpec(), options or IngestOptions())


def _load_revenue(
    source: Source, label: str, spec: ImportSpec, options: IngestOptions
) -> RevenueLoad:
    table = open_table(source, label, options.limits)
    converted = revenue_to_contract(table.frame, spec, label, spec.through, table.hints)
    converted = replace(converted, warnings=(*table.warnings, *converted.warnings))
    if converted.problems and options.on_invalid == "raise":
        raise InputError(converted.problems)
    frame = converted.frame
    columns = frame.collect_schema()
    missing = [c for c in s.REVENUE_REQUIRED if c not in columns]
    if missing:
        found = ", ".join(c for c in columns.names() if c != ROW) or "none"
        raise InputError(
            [
                Problem(label, c, f"is required but missing (columns found: {found})")
                for c in missing
            ]
        )
    segments = tuple(
        column
        for column, dtype in columns.items()
        if column not in (*s.REVENUE_REQUIRED, ROW) and _is_text(dtype) and column != s.USAGE_TIER
    )
    used = (*s.REVENUE_REQUIRED, *segments)
    _refuse_nested(columns, used, label)
    if table.kind == "parquet":
        _refuse_overlong_text(frame, columns, used, label)
    coercions = [_coerce_id(c, columns[c]) for c in (s.CUSTOMER_ID, s.PLAN, *segments)]
    coercions.append(_coerce_time(s.MONTH, columns[s.MONTH]))
    selected = frame.select(ROW, *used)
    prepared, dropped, dropped_problems, _ = _convert(
        selected, selected.collect_schema(), coercions, label, options
    )
    dropped_problems = [*converted.problems, *dropped_problems]
    dropped += [
        _listed(rows.lazy(), label, problem.column, problem.rule)
        for problem, rows in zip(converted.problems, converted.dropped, strict=True)
    ]
    contract = s.revenue_schema(segments)
    good, rule_problems, rule_dropped = _row_failures(prepared.collect(), contract, label)
    if rule_problems:
        if options.on_invalid == "raise":
            raise InputError(rule_problems)
        dropped_problems += rule_problems
        dropped.append(rule_dropped)
    out = good.sort(s.CUSTOMER_ID, s.MONTH)
    if out.height == 0:
        raise InputError(dropped_problems or [Problem(label, None, "has no rows")])
    notes = list(converted.notes)
    warnings = list(converted.warnings)
    if dropped_problems:
        notes.append(_kept_note(label, out.height, dropped))
    if out[s.MONTH].n_unique() == 1:
        warnings.append(
            f"{label} covers a single month: churn cannot be estimated from it, so LTV is "
            "undefined unless you set a churn rate."
        )
    return RevenueLoad(
        frame=out,
        format=converted.format,
        dropped=_concat_dropped(dropped),
        dropped_problems=tuple(dropped_problems),
        notes=tuple(notes),
        warnings=tuple(warnings),
    )


# --- shared checks -------------------------------------------------------------------------


_OVERLONG_TOTAL: Final = 64 * 1_000_000
"""How many bytes of over-long text a file's used columns may hold before it is refused
unread."""


def _refuse_overlong_text(
    frame: pl.LazyFrame, columns: pl.Schema, names: Sequence[str], label: str
) -> None:
    """Refuse a parquet file whose used text columns hold over-long values in bulk, before any
    row is converted: a value stored once in a column's dictionary can stand for millions of
    rows, and converting it (trimming a cost written as text, reading an id) copies it for
    each (a 14 KB file holding a 10 KB id a million times is 10 GB once read). Lengths are read
    through the dictionary, without copies, so this pass costs little. No value of these columns
    is longer than :data:`econ.schema.ID_MAX_LENGTH` characters in a real file; a few such
    values are left to the row rules, which name them."""
    lengths = {}
    for name in dict.fromkeys(names):
        dtype = columns.get(name)
        if isinstance(dtype, pl.Categorical | pl.Enum):
            lengths[name] = (pl.col(name).cat.len_chars(), pl.col(name).cat.len_bytes())
        elif dtype == pl.String:
            lengths[name] = (pl.col(name).str.len_chars(), pl.col(name).str.len_bytes())
    if not lengths:
        return
    checks = []
    for name, (chars, size) in lengths.items():
        over = chars > s.ID_MAX_LENGTH
        checks += [
            size.filter(over).cast(pl.Int64).sum().alias(f"{name}|bytes"),
            over.sum().alias(f"{name}|rows"),
            chars.max().alias(f"{name}|longest"),
        ]
    found = frame.select(checks).collect(engine="streaming").row(0, named=True)
    problems = [
        Problem(
            label,
            name,
            f"holds {found[f'{name}|rows']:,} values longer than {s.ID_MAX_LENGTH} characters "
            f"(up to {found[f'{name}|longest']:,}; {found[f'{name}|bytes']:,} bytes of text "
            f"once read): no value of this column is that long, so none of these rows could be "
            "used; refused before reading them",
        )
        for name in lengths
        if (found[f"{name}|bytes"] or 0) > _OVERLONG_TOTAL
    ]
    if problems:
        raise InputError(problems)


def _refuse_nested(columns: pl.Schema, used: Sequence[str], label: str) -> None:
    """Lists, records and raw bytes cannot be ids, times or money: refuse the file."""

    def kind(dtype: pl.DataType) -> str:
        if isinstance(dtype, pl.Binary):
            return "raw bytes"
        return "records" if isinstance(dtype, pl.Struct) else "lists"

    problems = [
        Problem(
            label,
            column,
            f"must hold plain values, not {kind(columns[column])} (found {columns[column]})",
        )
        for column in used
        if column in columns and (columns[column].is_nested() or columns[column] == pl.Binary)
    ]
    if problems:
        raise InputError(problems)


def _is_text(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


@dataclass(frozen=True)
class _Coercion:
    """How one column becomes its contract type, and which rows cannot be converted."""

    column: str
    expr: pl.Expr
    unconvertible: pl.Expr | None = None
    rule: str = ""
    source: str = ""
    time: pl.Expr | None = None
    """For the time column: the row's own UTC time (used to price it by date)."""


def _coerce_id(column: str, dtype: pl.DataType, missing: str | None = None) -> _Coercion:
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
    return _Coercion(column, expr, unconvertible, rule)


def _coerce_count(column: str, dtype: pl.DataType) -> _Coercion:
    value = pl.col(column)
    if dtype == pl.UInt64:
        # Past 2**63 - 1 an unsigned count has no 64-bit signed form: refused as too large.
        huge = value > s.MAX_COUNT
        return _Coercion(column, pl.when(huge).then(None).otherwise(value), huge, _at_most(column))
    if dtype.is_float():
        fractional = value.is_not_null() & value.is_finite() & (value != value.round(0))
        return _Coercion(
            column,
            pl.when(fractional).then(None).otherwise(value),
            fractional,
            "must be a whole number",
        )
    return _Coercion(column, value)


def _coerce_money(column: str, dtype: pl.DataType) -> _Coercion:
    """Dollars as float64; text that is not a plain number (``"n/a"``, ``"$1,200"``) is refused."""
    value = pl.col(column)
    if _is_text(dtype):
        text = value.cast(pl.String).str.strip_chars()
        parsed = text.cast(pl.Float64, strict=False)
        return _Coercion(
            column,
            parsed,
            text.is_not_null() & (text != "") & parsed.is_null(),
            "must be a plain number of dollars (text such as 'n/a' or '$1,200' cannot be read)",
        )
    if dtype == pl.Null:
        return _Coercion(column, value.cast(pl.Float64))
    return _Coercion(column, value.cast(pl.Float64, strict=False))


_MONTH_TEXT: Final = r"^\d{4}-\d{2}(-\d{2})?([T ].*)?$"


def _coerce_time(column: str, dtype: pl.DataType) -> _Coercion:
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
    if _is_text(dtype):
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
        return _Coercion(
            s.MONTH,
            parsed.dt.month_start().cast(pl.Date),
            text.is_not_null() & parsed.is_null(),
            rule,
            column,
            parsed,
        )
    return _Coercion(
        s.MONTH, pl.lit(None, pl.Date), value.is_not_null(), f"must be a date, not {dtype}", column
    )


def _time_coercion(column: str, utc: pl.Expr) -> _Coercion:
    return _Coercion(s.MONTH, utc.dt.month_start().cast(pl.Date), source=column, time=utc)


def _convert(
    frame: pl.LazyFrame,
    columns: pl.Schema,
    coercions: Sequence[_Coercion],
    label: str,
    options: IngestOptions,
    *,
    tally: Mapping[str, pl.Expr] | None = None,
) -> tuple[pl.LazyFrame, list[pl.DataFrame], list[Problem], dict[str, int]]:
    """Convert columns to the contract's types; rows whose values cannot be converted are
    refused or dropped (per ``options``). Returns the frame, dropped rows, their problems, and
    the number of rows each ``tally`` flag holds (counted in the same pass over the file)."""
    dropped: list[pl.DataFrame] = []
    problems: list[Problem] = []
    checks = [c for c in coercions if c.unconvertible is not None]
    tally = dict(tally or {})
    tallied: dict[str, int] = {}
    if checks or tally:
        flags = [c.unconvertible for c in checks if c.unconvertible is not None]
        row = (
            frame.select(
                *(flag.sum().alias(f"_check{i}") for i, flag in enumerate(flags)),
                *(flag.fill_null(False).sum().alias(name) for name, flag in tally.items()),
            )
            .collect()
            .row(0, named=True)
        )
        counts = [row[f"_check{i}"] for i in range(len(flags))]
        tallied = {name: int(row[name] or 0) for name in tally}
        bad_any = pl.lit(False)
        for check, flag, count in zip(checks, flags, counts, strict=True):
            if not count:
                continue
            column = check.source or check.column
            bad = frame.filter(flag)
            example = bad.select(ROW, *(c for c in columns.names() if c != ROW)).head(1).collect()
            problems.append(Problem(label, column, check.rule, int(count), example_row(example)))
            dropped.append(_listed(bad, label, column, check.rule))
            bad_any = bad_any | flag
        if problems:
            if options.on_invalid == "raise":
                raise InputError(problems)
            frame = frame.filter(~bad_any)
    converted = {c.column: c.expr.alias(c.column) for c in coercions}
    time = [c.time.alias(_TIME) for c in coercions if c.time is not None]
    passthrough = [pl.col(c) for c in columns.names() if c not in converted and c != s.TIMESTAMP]
    return frame.select(*passthrough, *converted.values(), *time), dropped, problems, tallied


def _row_failures(
    frame: pl.DataFrame, contract: type[dy.Schema], label: str
) -> tuple[pl.DataFrame, list[Problem], pl.DataFrame]:
    """Check every row rule of ``contract``: the valid rows, one problem per broken rule (count
    and example row), and the invalid rows listed per rule."""
    numbered: type[dy.Schema] = type(
        f"{contract.__name__}Numbered", (contract,), {ROW: dy.Int64(nullable=False)}
    )
    good, failure = numbered.filter(frame, cast=True)
    counts = failure.counts()
    if not counts:
        return good.drop(ROW), [], pl.DataFrame(schema=DROPPED_SCHEMA)
    details = failure.details()
    shown = [ROW, *contract.column_names()]
    problems, listed = [], []
    for key, count in sorted(counts.items()):
        column, rule = _describe(key, numbered)
        invalid = details.filter(pl.col(key) == "invalid") if key in details.columns else details
        example = example_row(invalid.select(shown)) if invalid.height else None
        problems.append(Problem(label, column, rule, int(count), example))
        listed.append(_listed(invalid.select(shown).lazy(), label, column, rule))
    return good.drop(ROW), problems, _concat_dropped(listed)


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
    if column == s.MONTH and rule in ("min", "max"):
        return column, (
            f"must fall between {s.EARLIEST_MONTH:%Y-%m} and {s.LATEST_MONTH:%Y-%m} "
            "(earlier or later dates are typos or placeholders)"
        )
    if rule in ("max", f"check__{s.AT_MOST}"):
        return column, _at_most(column)
    return column, _RULE_TEXT.get(rule, rule)


def _at_most(column: str) -> str:
    """The rule for a value too large to be real, or to be added up."""
    if column in (s.COST_USD, s.MRR_USD):
        return f"must be at most ${s.MAX_MONEY:,.0f} (no real row is; larger sums overflow)"
    return f"must be at most {s.MAX_COUNT:,} (no real row is; larger sums overflow)"


def _type_name(dtype: pl.DataType) -> str:
    names: dict[type[pl.DataType], str] = {
        pl.Float64: "a number",
        pl.Int64: "a whole number",
        pl.String: "text",
        pl.Date: "a date",
    }
    return names.get(type(dtype), str(dtype))


def _listed(rows: pl.LazyFrame, label: str, column: str | None, rule: str) -> pl.DataFrame:
    """Dropped rows in :data:`DROPPED_SCHEMA` form (values as JSON), at most ``_MAX_LISTED``."""
    head = rows.head(_MAX_LISTED).collect()
    shown = [k for k in head.columns if k != ROW and not k.startswith("_")]
    # Dates and times as text (a damaged file's year -48210 has no Python form), long text cut
    # to a length a reader can use.
    text = head.select(
        pl.col(shown).cast(pl.String).str.slice(0, _LISTED_TEXT) if shown else pl.lit(None)
    )
    texts = {k: text[k].to_list() for k in shown}
    numbers = {
        k: head[k].to_list()
        for k in shown
        if head.schema[k].is_numeric() or head.schema[k] == pl.Boolean
    }

    def cell(name: str, index: int) -> object:
        """Finite numbers and flags as they are; everything else (NaN too) as text."""
        if name in numbers:
            value = numbers[name][index]
            if not (isinstance(value, float) and not math.isfinite(value)):
                return value
        return texts[name][index]

    values = [json.dumps({k: cell(k, i) for k in shown}) for i in range(head.height)]
    return pl.DataFrame(
        {
            "file": [label] * head.height,
            "row": head[ROW] if ROW in head.columns else [None] * head.height,
            "column": [column] * head.height,
            "rule": [rule] * head.height,
            "values": values,
        },
        schema=DROPPED_SCHEMA,
    )


_LISTED_TEXT: Final = 1_000
"""The most characters of one value a dropped row lists."""


def _concat_dropped(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    frames = [p for p in parts if p.height]
    if not frames:
        return pl.DataFrame(schema=DROPPED_SCHEMA)
    return pl.concat(frames).sort("file", "row", "rule")


def _kept_note(label: str, kept: int, dropped: Sequence[pl.DataFrame]) -> str:
    rows = _concat_dropped(dropped)["row"].n_unique()
    more = "at least " if rows >= _MAX_LISTED else ""
    return (
        f"{label}: {kept:,} rows kept, {more}{rows:,} left out because they break a rule "
        "(listed with their row numbers under the dropped rows)."
    )
