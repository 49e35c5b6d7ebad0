"""Rows without a logged cost priced from their tokens, and what that pricing found.

Rows the ledger gives no cost are priced by :func:`econ.inputs.token_prices.price_rows`; rows
that no known price fits (an unknown model, or none named) are refused or dropped with one
problem naming the models. The pricing table (:data:`~econ.inputs.dataset.PRICING_SCHEMA`) says
how many rows, calls and dollars each way of pricing covers.
"""

from __future__ import annotations

import polars as pl

from econ import formats
from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.dataset import PRICING_SCHEMA, IngestOptions
from econ.inputs.imports import ROW, ImportSpec
from econ.inputs.ingest.failures import Dropped, listed
from econ.inputs.readers import example_row
from econ.inputs.rollup import ROWS_READ
from econ.inputs.token_prices import GIVEN, NO_COST, PRICED_BY, UNPRICED, price_rows


def price_or_drop(
    prepared: pl.LazyFrame, spec: ImportSpec, label: str, options: IngestOptions, *, to_price: int
) -> tuple[pl.LazyFrame, tuple[str, ...], Dropped]:
    """The rows priced (see :func:`_priced`), the models no price is known for, and the rows
    left out for want of one (with ``options`` that refuse such rows, the file is refused)."""
    priced, unpriced_models = _priced(prepared, spec, to_price=to_price)
    models = tuple(m for m in unpriced_models[s.MODEL].to_list() if m)
    if not unpriced_models.height:
        return priced, models, Dropped()
    problem = _unpriced_problem(priced, unpriced_models, label)
    if options.on_invalid == "raise":
        raise InputError([problem])
    unpriced = pl.col(PRICED_BY) == UNPRICED
    rows = listed(priced.filter(unpriced), label, s.MODEL, problem.rule)
    return priced.filter(~unpriced), models, Dropped((problem,), (rows,))


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


def _unpriced_problem(priced: pl.LazyFrame, models: pl.DataFrame, label: str) -> Problem:
    """Rows with tokens but no cost, that no price is known for: name the models (or say that
    the rows name none, which no price can fix)."""
    named = [(m, n) for m, n in models.iter_rows() if m]
    unnamed = sum(n for m, n in models.iter_rows() if not m)
    reasons = []
    if named:
        listed_models = ", ".join(f"{m} ({n:,} row{'' if n == 1 else 's'})" for m, n in named)
        reasons.append(
            f"no price is known for {listed_models}: add a price override for these models"
        )
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


def pricing_query(priced: pl.LazyFrame) -> pl.LazyFrame:
    """The pricing table: rows, calls and cost per way of pricing."""
    return (
        priced.group_by(PRICED_BY)
        .agg(
            pl.len().cast(pl.Int64).alias("rows"),
            pl.col(s.CALLS).cast(pl.Int64, strict=False).sum().alias("calls"),
            pl.col(s.COST_USD).sum().alias("cost_usd"),
        )
        .sort(PRICED_BY)
    )


def given_pricing(rollup: pl.DataFrame) -> pl.DataFrame:
    """The pricing table of a rollup whose every row logged its cost."""
    return pl.DataFrame(
        {
            PRICED_BY: [GIVEN],
            "rows": [int(rollup[ROWS_READ].sum())],
            "calls": [int(rollup[s.CALLS].sum())],
            "cost_usd": [float(rollup[s.COST_USD].sum())],
        },
        schema=PRICING_SCHEMA,
    )


def pricing_notes(pricing: pl.DataFrame, label: str) -> list[str]:
    """The note that says how many rows were priced from their tokens, and how."""
    priced = pricing.filter(pl.col(PRICED_BY) != GIVEN)
    if priced.height == 0:
        return []
    parts = [
        f"{row['rows']:,} row{'' if row['rows'] == 1 else 's'} "
        f"({formats.amount(row['cost_usd'])}) priced by {row[PRICED_BY]}"
        for row in priced.iter_rows(named=True)
    ]
    return [f"{label}: rows without a logged cost were priced from tokens: {'; '.join(parts)}."]
