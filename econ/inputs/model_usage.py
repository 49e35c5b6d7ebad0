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
computed in the same pass as the rollup when the ledger has a model or a token column: the
general path's :func:`model_usage_query` joins the rollup's ``collect_all``; the vouched path
groups the rows by model as well as by customer × feature × month (:func:`file_model_key`,
:func:`file_group_sums`), then sums those groups both ways (:func:`summary_of_groups`), since a
second query over the ledger's rows would read and decode them again (on a 20-million-call
ledger, 1.3 s against 0.2 s); a ledger with neither gets an
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
    cost = pl.col(s.COST_USD).cast(pl.Float64, strict=False)
    return (
        rows.group_by(
            pl.col(s.FEATURE_ID),
            pl.col(s.MONTH),
            column(s.MODEL, pl.lit(None, pl.String)).alias(s.MODEL),
        )
        .agg(
            calls.sum().alias(s.CALLS),
            cost.sum().alias(s.COST_USD),
            tokens_in.fill_null(0).sum().alias(s.INPUT_TOKENS),
            tokens_out.fill_null(0).sum().alias(s.OUTPUT_TOKENS),
            *_with_tokens_sums(calls, cost, tokens_in, tokens_out, cached),
        )
        .rename({_CLIPPED_CACHED: s.CACHED_INPUT_TOKENS})
    )


_CLIPPED_CACHED: Final = "_cached_input_tokens_clipped"
"""A group's cached input tokens, each row's at most its input tokens."""
GROUP_ONLY: Final = (CALLS_WITH_TOKENS, COST_WITH_TOKENS_USD, _CLIPPED_CACHED)
"""The columns :func:`file_group_sums` adds to a rollup group, which the rollup itself drops."""


def _with_tokens_sums(
    calls: pl.Expr, cost: pl.Expr, tokens_in: pl.Expr, tokens_out: pl.Expr, cached: pl.Expr
) -> list[pl.Expr]:
    """A group's calls and cost of the rows that logged tokens, and its cached input tokens
    (an empty count read as 0, each row's at most its input tokens), named as in
    :data:`GROUP_ONLY`."""
    with_tokens = tokens_in.is_not_null() | tokens_out.is_not_null()
    return [
        # masked sums: filtered ones took a 20-million-row group-by from 1.8 s to 3.2 s
        pl.when(with_tokens).then(calls).otherwise(0).sum().alias(CALLS_WITH_TOKENS),
        pl.when(with_tokens).then(cost).otherwise(0.0).sum().alias(COST_WITH_TOKENS_USD),
        pl.min_horizontal(cached.fill_null(0), tokens_in.fill_null(0)).sum().alias(_CLIPPED_CACHED),
    ]


def file_model_key(schema: pl.Schema, sources: Mapping[str, str]) -> pl.Expr | None:
    """The model of each row of a file read as it is (the rollup's vouched path), to group
    by: categorical for text (few distinct models make grouping by their codes cheaper),
    text for numbers (a whole-number float as its integer), as the general path takes ids;
    ``None`` when the file has no model column."""
    if s.MODEL not in sources:
        return None
    value = pl.col(sources[s.MODEL])
    dtype = schema[sources[s.MODEL]]
    if dtype.is_float():
        value = value.cast(pl.Int64, strict=False)
    value = value.cast(pl.String) if dtype.is_numeric() else value.cast(pl.Categorical)
    return value.alias(s.MODEL)


def file_group_sums(schema: pl.Schema, sources: Mapping[str, str]) -> list[pl.Expr]:
    """What a rollup group of a file read as it is sums for the summary besides the rollup's
    own calls, cost and tokens: the :data:`GROUP_ONLY` columns. ``sources`` maps each
    contract column to the file column holding it."""

    def column(name: str, default: pl.Expr) -> pl.Expr:
        return pl.col(sources[name]) if name in sources else default

    missing = pl.lit(None, pl.Int64)
    return _with_tokens_sums(
        column(s.CALLS, pl.lit(1, pl.Int64)).cast(pl.Int64, strict=False),
        pl.col(sources[s.COST_USD]).cast(pl.Float64),
        *(column(name, missing).cast(pl.Int64, strict=False) for name in s.TOKEN_COLUMNS),
    )


def summary_of_groups(groups: pl.DataFrame) -> pl.DataFrame:
    """The summary from rollup groups kept apart per model (customer × feature × month ×
    model, each with the rollup's sums and :func:`file_group_sums`): one group-by over groups,
    not another pass over the ledger's rows."""
    model = pl.col(s.MODEL) if s.MODEL in groups.columns else pl.lit(None, pl.String)
    return groups.group_by(s.FEATURE_ID, s.MONTH, model.alias(s.MODEL)).agg(
        pl.col(s.CALLS).sum(),
        pl.col(s.COST_USD).sum(),
        pl.col(CALLS_WITH_TOKENS).sum(),
        pl.col(COST_WITH_TOKENS_USD).sum(),
        pl.col(s.INPUT_TOKENS).fill_null(0).sum(),
        pl.col(s.OUTPUT_TOKENS).fill_null(0).sum(),
        pl.col(_CLIPPED_CACHED).sum().alias(s.CACHED_INPUT_TOKENS),
    )


def finish_model_usage(summary: pl.DataFrame) -> pl.DataFrame:
    """The summary in :data:`MODEL_USAGE_SCHEMA`'s columns and types, sorted by feature, month
    and model (calls that name no model last)."""
    return summary.select(
        pl.col(name).cast(dtype) for name, dtype in MODEL_USAGE_SCHEMA.items()
    ).sort(s.FEATURE_ID, s.MONTH, s.MODEL, nulls_last=True)


def empty_model_usage() -> pl.DataFrame:
    """The summary of a ledger that names no model and logs no tokens: no rows."""
    return pl.DataFrame(schema=MODEL_USAGE_SCHEMA)
