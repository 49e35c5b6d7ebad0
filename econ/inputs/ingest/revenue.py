"""The revenue table read: one row per customer-month, held to the revenue contract.

Money comes out as float64 dollars and ``month`` on the 1st; every text column other than the
required ones and the optional AI revenue columns (:data:`econ.schema.REVENUE_MONEY`) is kept as a
segment dimension. The optional ``seats`` count (:data:`econ.schema.SEATS`) is never a segment:
text seats are read as whole numbers (or refused), and an empty one stays null, with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.dataset import IngestOptions
from econ.inputs.imports import ROW, ImportSpec, revenue_to_contract
from econ.inputs.imports.mapping import SYNONYMS
from econ.inputs.imports.usage import Converted
from econ.inputs.ingest.coerce import (
    coerce_id,
    coerce_money,
    coerce_time,
    coerce_whole,
    convert,
    is_text,
)
from econ.inputs.ingest.currency import in_reporting_currency
from econ.inputs.ingest.failures import Dropped, listed, row_failures
from econ.inputs.ingest.refusals import (
    readable,
    refuse_missing,
    refuse_nested,
    refuse_overlong_text,
)
from econ.inputs.readers import Source, default_name, open_table


@dataclass(frozen=True)
class RevenueLoad:
    """A revenue table, read: one row per customer-month, and what reading it found."""

    frame: pl.DataFrame
    format: str
    dropped: pl.DataFrame
    dropped_problems: tuple[Problem, ...]
    notes: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    reporting: str = "usd"
    """The currency the money is in (a code, lowercase): :mod:`econ.inputs.ingest.currency`."""
    conversion: pl.DataFrame | None = None
    """What converting to it did (:data:`econ.inputs.imports.currencies.CONVERSION_SCHEMA`)."""


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
    with readable(label):
        return _load_revenue(source, label, spec or ImportSpec(), options or IngestOptions())


def _load_revenue(
    source: Source, label: str, spec: ImportSpec, options: IngestOptions
) -> RevenueLoad:
    """The table in the contract's columns, its rows converted and checked, sorted by customer
    and month."""
    table = open_table(source, label, options.limits)
    converted = revenue_to_contract(table.frame, spec, label, spec.through, table.hints)
    converted = replace(converted, warnings=(*table.warnings, *converted.warnings))
    if converted.problems and options.on_invalid == "raise":
        raise InputError(converted.problems)
    frame = converted.frame
    columns = frame.collect_schema()
    named = _currency_column(columns)
    if named is not None:
        # A currency under another name would otherwise be a segment, its amounts taken as
        # the reporting currency's.
        frame = frame.rename({named: s.CURRENCY})
        columns = frame.collect_schema()
        converted = replace(
            converted, notes=(*converted.notes, f"{label}: '{named}' read as the currency.")
        )
    refuse_missing(columns, [c for c in s.REVENUE_REQUIRED if c not in columns], label)
    segments = _segments(columns)
    money = tuple(c for c in s.REVENUE_MONEY if c in columns)
    seats = (s.SEATS,) if s.SEATS in columns else ()
    used = (*s.REVENUE_REQUIRED, *money, *seats, *segments)
    refuse_nested(columns, used, label)
    if table.kind == "parquet":
        refuse_overlong_text(frame, columns, used, label)
    good, dropped = _checked_rows(
        frame.select(ROW, *used),
        columns,
        (segments, money, seats),
        converted,
        label=label,
        options=options,
    )
    out = good.sort(s.CUSTOMER_ID, s.MONTH)
    empty = _empty_money_notes(out, money, label)
    out = out.with_columns(pl.col(money).fill_null(0.0))
    if out.height == 0:
        raise InputError(dropped.problems or [Problem(label, None, "has no rows")])
    currency = in_reporting_currency(out, converted, spec, label)
    out = currency.frame
    notes = [*converted.notes, *currency.notes, *empty, *_empty_seats_notes(out, label)]
    if dropped.problems:
        notes.append(dropped.kept_note(label, out.height))
    return RevenueLoad(
        frame=out,
        format=converted.format,
        dropped=dropped.listed(),
        dropped_problems=dropped.problems,
        notes=tuple(notes),
        warnings=(*converted.warnings, *currency.warnings, *_single_month(out, label)),
        reporting=currency.reporting,
        conversion=currency.conversion,
    )


def _currency_column(columns: pl.Schema) -> str | None:
    """A text column named as a currency (``currency_code``, ``Currency``, …) in a table
    without a ``currency`` column; ``None`` when there is none to rename."""
    if s.CURRENCY in columns:
        return None
    names = {column.strip().lower(): column for column, dtype in columns.items() if is_text(dtype)}
    return next((names[name] for name in SYNONYMS[s.CURRENCY] if name in names), None)


def _segments(columns: pl.Schema) -> tuple[str, ...]:
    """The table's segment dimensions: its text columns other than the required ones and the
    usage tier."""
    return tuple(
        column
        for column, dtype in columns.items()
        if column not in (*s.REVENUE_REQUIRED, *s.REVENUE_MONEY, s.SEATS, ROW, s.USAGE_TIER)
        and is_text(dtype)
    )


def _empty_money_notes(out: pl.DataFrame, money: tuple[str, ...], label: str) -> list[str]:
    """A note per AI revenue column with empty values, which count as $0."""
    notes = []
    for column in money:
        empty = out[column].null_count()
        if empty:
            notes.append(
                f"{label}: {column} is empty in {empty:,} of {out.height:,} customer-months; "
                "they count $0 of it."
            )
    return notes


def _empty_seats_notes(out: pl.DataFrame, label: str) -> list[str]:
    """A note when the seats column is empty in some customer-months: their seats are not
    known (null), never taken as 0."""
    if s.SEATS not in out.columns:
        return []
    empty = out[s.SEATS].null_count()
    if not empty:
        return []
    return [
        f"{label}: seats is empty in {empty:,} of {out.height:,} customer-months; their seat "
        "count is unknown (per-seat prices cannot bill them)."
    ]


def _checked_rows(
    selected: pl.LazyFrame,
    columns: pl.Schema,
    kept: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    converted: Converted,
    *,
    label: str,
    options: IngestOptions,
) -> tuple[pl.DataFrame, Dropped]:
    """The rows converted and held to the revenue contract, and every row left out: by the
    import, for a value that cannot be converted, or for a broken rule (with ``options`` that
    refuse such rows, the file is refused)."""
    segments, money, seats = kept
    coercions = [coerce_id(c, columns[c]) for c in (s.CUSTOMER_ID, s.PLAN, *segments)]
    coercions.append(coerce_time(s.MONTH, columns[s.MONTH]))
    coercions.extend(coerce_money(c, columns[c]) for c in money)
    coercions.extend(coerce_whole(c, columns[c]) for c in seats)
    prepared, unconvertible, _ = convert(
        selected, selected.collect_schema(), coercions, label, options
    )
    imported = tuple(
        listed(rows.lazy(), label, problem.column, problem.rule)
        for problem, rows in zip(converted.problems, converted.dropped, strict=True)
    )
    dropped = Dropped(
        (*converted.problems, *unconvertible.problems), (*unconvertible.rows, *imported)
    )
    schema = s.revenue_schema(segments, money, seats=bool(seats))
    good, broken = row_failures(prepared.collect(), schema, label)
    if broken.problems:
        if options.on_invalid == "raise":
            raise InputError(broken.problems)
        dropped += broken
    return good, dropped


def _single_month(out: pl.DataFrame, label: str) -> list[str]:
    """The warning for a table of a single month, from which churn cannot be estimated."""
    if out[s.MONTH].n_unique() == 1:
        return [
            f"{label} covers a single month: churn cannot be estimated from it, so LTV is "
            "undefined unless you set a churn rate."
        ]
    return []
