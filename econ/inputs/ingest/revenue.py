"""The revenue table read: one row per customer-month, held to the revenue contract.

Money comes out as float64 dollars and ``month`` on the 1st; every text column other than the
required ones and the optional AI revenue columns (:data:`econ.schema.REVENUE_MONEY`) is kept as a
segment dimension.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.dataset import IngestOptions
from econ.inputs.imports import ROW, ImportSpec, revenue_to_contract
from econ.inputs.imports.usage import Converted
from econ.inputs.ingest.coerce import coerce_id, coerce_money, coerce_time, convert, is_text
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
    refuse_missing(columns, [c for c in s.REVENUE_REQUIRED if c not in columns], label)
    segments = _segments(columns)
    money = tuple(c for c in s.REVENUE_MONEY if c in columns)
    used = (*s.REVENUE_REQUIRED, *money, *segments)
    refuse_nested(columns, used, label)
    if table.kind == "parquet":
        refuse_overlong_text(frame, columns, used, label)
    good, dropped = _checked_rows(
        frame.select(ROW, *used),
        columns,
        (segments, money),
        converted,
        label=label,
        options=options,
    )
    out = good.sort(s.CUSTOMER_ID, s.MONTH)
    empty = _empty_money_notes(out, money, label)
    out = out.with_columns(pl.col(money).fill_null(0.0))
    if out.height == 0:
        raise InputError(dropped.problems or [Problem(label, None, "has no rows")])
    notes = [*converted.notes, *empty]
    if dropped.problems:
        notes.append(dropped.kept_note(label, out.height))
    return RevenueLoad(
        frame=out,
        format=converted.format,
        dropped=dropped.listed(),
        dropped_problems=dropped.problems,
        notes=tuple(notes),
        warnings=(*converted.warnings, *_single_month(out, label)),
    )


def _segments(columns: pl.Schema) -> tuple[str, ...]:
    """The table's segment dimensions: its text columns other than the required ones and the
    usage tier."""
    return tuple(
        column
        for column, dtype in columns.items()
        if column not in (*s.REVENUE_REQUIRED, *s.REVENUE_MONEY, ROW, s.USAGE_TIER)
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


def _checked_rows(
    selected: pl.LazyFrame,
    columns: pl.Schema,
    kept: tuple[tuple[str, ...], tuple[str, ...]],
    converted: Converted,
    *,
    label: str,
    options: IngestOptions,
) -> tuple[pl.DataFrame, Dropped]:
    """The rows converted and held to the revenue contract, and every row left out: by the
    import, for a value that cannot be converted, or for a broken rule (with ``options`` that
    refuse such rows, the file is refused)."""
    segments, money = kept
    coercions = [coerce_id(c, columns[c]) for c in (s.CUSTOMER_ID, s.PLAN, *segments)]
    coercions.append(coerce_time(s.MONTH, columns[s.MONTH]))
    coercions.extend(coerce_money(c, columns[c]) for c in money)
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
    good, broken = row_failures(prepared.collect(), s.revenue_schema(segments, money), label)
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
