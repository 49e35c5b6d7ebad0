"""The ledger's tokens per feature, month and model: what a model swap re-prices.

The rollup (:mod:`econ.inputs.rollup`) keeps each customer × feature × month's tokens but not the
model that spent them, and sums a group's tokens over the rows that logged them while its cost
covers every row. Re-pricing a feature's past calls at another model's rates (article 002's model
routing, :mod:`econ.decisions.model_swap`) needs both things the rollup drops: the cost of the
calls that logged tokens, apart from the cost of those that did not, and the models the calls
ran on. So stage 1 also sums, per feature × month × model (:data:`MODEL_USAGE_SCHEMA`):

- ``calls`` and ``cost_usd``: every call;
- ``calls_with_tokens`` and ``cost_with_tokens_usd``: the calls of rows that logged input or
  output tokens (a row without them cannot be re-priced);
- ``input_tokens``, ``output_tokens`` and ``cached_input_tokens``: the tokens of those rows, an
  empty count read as 0 and cached tokens at most the row's input tokens (as
  :mod:`econ.inputs.token_prices` prices a row).

``model`` is null for calls that name no model (or when the ledger has no model column). It is
computed in the same pass as the rollup (:func:`model_usage_query` joins the rollup's
``collect_all``) when the ledger has a model or a token column; a ledger with neither gets an
empty table (nothing to re-price). A dataset loaded before this table existed has none at all
(``None``): its ledger must be read again to re-price its models.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import polars as pl

from econ import schema as s

CALLS_WITH_TOKENS: Final = "calls_with_tokens"
"""Calls of the rows that logged input or output tokens."""
COST_WITH_TOKENS_USD: Final = "cost_with_tokens_usd"
"""Recorded cost of those calls."""

MODEL_USAGE_SCHEMA: Final = pl.Schema(
    {
        s.FEATURE_ID: pl.String(),
        s.MONTH: pl.Date(),
        s.MODEL: pl.String(),
        s.CALLS: pl.Int64(),
        s.COST_USD: pl.Float64(),
        CALLS_WITH_TOKENS: pl.Int64(),
        COST_WITH_TOKENS_USD: pl.Float64(),
        s.INPUT_TOKENS: pl.Int64(),
        s.OUTPUT_TOKENS: pl.Int64(),
        s.CACHED_INPUT_TOKENS: pl.Int64(),
    }
)
"""One row per feature × month × model (null: the calls name none), sorted in that order."""


def has_model_usage(columns: pl.Schema | list[str] | tuple[str, ...]) -> bool:
    """Whether a ledger with these (contract) columns has a per-model token summary worth
    summing: it names models or logs tokens."""
    names = columns.names() if isinstance(columns, pl.Schema) else list(columns)
    return any(name in names for name in (s.MODEL, s.INPUT_TOKENS, s.OUTPUT_TOKENS))


def model_usage_query(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Ledger rows in the contract's columns, with ``month``, summed per feature × month × model
    (:data:`MODEL_USAGE_SCHEMA` once :func:`finish_model_usage` types and orders it; ids may be
    text or categorical).

    Columns the rows lack count as missing: no model, one call a row, no tokens.
    """
    columns = rows.collect_schema().names()

    def column(name: str, default: pl.Expr) -> pl.Expr:
        return pl.col(name) if name in columns else default

    calls = column(s.CALLS, pl.lit(1, pl.Int64)).cast(pl.Int64, strict=False)
    tokens_in = column(s.INPUT_TOKENS, pl.lit(None, pl.Int64)).cast(pl.Int64, strict=False)
    tokens_out = column(s.OUTPUT_TOKENS, pl.lit(None, pl.Int64)).cast(pl.Int64, strict=False)
    cached = column(s.CACHED_INPUT_TOKENS, pl.lit(None, pl.Int64)).cast(pl.Int64, strict=False)
    with_tokens = tokens_in.is_not_null() | tokens_out.is_not_null()
    cost = pl.col(s.COST_USD).cast(pl.Float64, strict=False)
    return rows.group_by(
        pl.col(s.FEATURE_ID),
        pl.col(s.MONTH),
        column(s.MODEL, pl.lit(None, pl.String)).alias(s.MODEL),
    ).agg(
        calls.sum().alias(s.CALLS),
        cost.sum().alias(s.COST_USD),
        calls.filter(with_tokens).sum().alias(CALLS_WITH_TOKENS),
        cost.filter(with_tokens).sum().alias(COST_WITH_TOKENS_USD),
        tokens_in.fill_null(0).sum().alias(s.INPUT_TOKENS),
        tokens_out.fill_null(0).sum().alias(s.OUTPUT_TOKENS),
        pl.min_horizontal(cached.fill_null(0), tokens_in.fill_null(0))
        .sum()
        .alias(s.CACHED_INPUT_TOKENS),
    )


def file_model_usage_query(
    frame: pl.LazyFrame, month: pl.Expr, sources: Mapping[str, str]
) -> pl.LazyFrame:
    """:func:`model_usage_query` of a file read as it is (the rollup's vouched path, whose
    statistics vouch for every row): ``sources`` maps each contract column to the file column
    holding it, ``month`` is each row's month. Ids are taken as text, as the general path
    takes them (a whole-number float model id as its integer)."""
    wanted = (s.FEATURE_ID, s.MODEL, s.CALLS, s.COST_USD, *s.TOKEN_COLUMNS)
    schema = frame.collect_schema()
    columns = []
    for name in wanted:
        if name not in sources:
            continue
        value = pl.col(sources[name])
        if name in (s.FEATURE_ID, s.MODEL):
            dtype = schema[sources[name]]
            if dtype.is_float():
                value = value.cast(pl.Int64, strict=False)
            # A few distinct features and models: grouping by their codes is cheaper.
            value = value.cast(pl.String) if dtype.is_numeric() else value.cast(pl.Categorical)
        columns.append(value.alias(name))
    return model_usage_query(frame.select(month.alias(s.MONTH), *columns))


def finish_model_usage(summary: pl.DataFrame) -> pl.DataFrame:
    """The summary in :data:`MODEL_USAGE_SCHEMA`'s columns and types, sorted by feature, month
    and model (calls that name no model last)."""
    return summary.select(
        pl.col(name).cast(dtype) for name, dtype in MODEL_USAGE_SCHEMA.items()
    ).sort(s.FEATURE_ID, s.MONTH, s.MODEL, nulls_last=True)


def empty_model_usage() -> pl.DataFrame:
    """The summary of a ledger that names no model and logs no tokens: no rows."""
    return pl.DataFrame(schema=MODEL_USAGE_SCHEMA)
