"""A validated dataset: what stage 1 produces and every scenario is computed from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, Literal, TypeAlias

import polars as pl

from econ.errors import Problem
from econ.inputs.imports.currencies import CONVERSION_SCHEMA
from econ.inputs.prepare import Prepared
from econ.inputs.readers import Limits
from econ.inputs.token_prices import PRICED_BY

__all__ = [
    "DROPPED_SCHEMA",
    "PRICING_SCHEMA",
    "Dataset",
    "Frame",
    "IngestOptions",
    "OnInvalid",
    "resolve",
]

OnInvalid = Literal["raise", "drop"]

DROPPED_SCHEMA: Final = pl.Schema(
    {
        "file": pl.String(),
        "row": pl.Int64(),
        "column": pl.String(),
        "rule": pl.String(),
        "values": pl.String(),
    }
)
"""One row per dropped input row and rule: which file, which row (from 1), and why."""

PRICING_SCHEMA: Final = pl.Schema(
    {PRICED_BY: pl.String(), "rows": pl.Int64(), "calls": pl.Int64(), "cost_usd": pl.Float64()}
)


@dataclass(frozen=True)
class IngestOptions:
    """How strict reading is.

    Attributes:
        on_invalid: ``"raise"`` refuses a file with any invalid row; ``"drop"`` keeps the
            usable rows and lists the rest.
        limits: file size and row limits (:class:`econ.inputs.readers.Limits`).
        use_statistics: let a parquet file's own statistics answer the row checks they can
            (see :mod:`econ.inputs.rollup`); off, every row is converted and checked one by one. The
            results are the same either way.
    """

    on_invalid: OnInvalid = "raise"
    limits: Limits = field(default_factory=Limits.from_environment)
    use_statistics: bool = True


@dataclass(frozen=True)
class Dataset:
    """Both inputs after validation: what every scenario is computed from.

    Attributes:
        usage_source: the ledger rolled up to one row per customer × feature × month
            (:data:`econ.schema.ROLLUP_SCHEMA`), in no particular order; or a function that
            returns it (a dataset re-opened from the rollup cache reads it in the background,
            since no report needs it). Read it as :attr:`usage`.
        revenue: one row per customer-month: ``customer_id, month, mrr_usd, plan`` and the
            segment columns, sorted by customer and month.
        prepared: what every scenario starts from (:mod:`econ.inputs.prepare`).
        segment_columns: the revenue table's segment dimensions, in file order.
        usage_rows: how many ledger rows were used.
        usage_name, revenue_name: the inputs' names as the user knows them.
        usage_format, revenue_format: the layouts they were read as (see
        :mod:`econ.inputs.imports`). dropped: rows left out (:data:`DROPPED_SCHEMA`), when reading
        kept the usable rows. dropped_problems: the same, summarized per file, column and rule.
        notes: what reading did that the user should know (formats, pricing, skipped rows).
        pricing: ledger rows by how their cost was known (given / genai-prices / override).
        unpriced_models: models with tokens but no known price (their rows were dropped).
        warnings: assumptions reading made that change numbers (an amount unit told from the
            amounts, calls without a customer, a source standing in for a missing one, …);
            every report of the dataset repeats them.
        model_usage: the ledger's calls, cost and tokens per feature × month × model
            (:data:`econ.inputs.model_usage.MODEL_USAGE_SCHEMA`), what a model swap re-prices
            (:mod:`econ.decisions.model_swap`); empty when the ledger names no model and logs no
            tokens; ``None`` for a dataset loaded before the table existed (read its ledger
            again to re-price its models).
        users: the ledger's distinct users per customer × month
            (:data:`econ.inputs.rollup.USERS_SCHEMA`: ``customer_id, month, users``), every
            customer-month with calls; ``None`` when the ledger has no user column (or the
            dataset was loaded before users were counted). The revenue rows' counts are in
            :attr:`prepared` (``revenue_usage``).
        reporting_currency: the currency every amount is in (a code, lowercase; ``"usd"``
            unless the revenue was in another: :mod:`econ.inputs.imports.currencies`).
        currency_conversion: what reading converted into it
            (:data:`econ.inputs.imports.currencies.CONVERSION_SCHEMA`): per side (revenue,
            usage cost), original currency and, for per-month rates, month: the amount before,
            the rate and the amount after.
    """

    usage_source: Frame = field(repr=False)
    revenue: pl.DataFrame
    prepared: Prepared
    segment_columns: tuple[str, ...]
    usage_rows: int
    usage_name: str
    revenue_name: str
    usage_format: str = "native"
    revenue_format: str = "native"
    dropped: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DROPPED_SCHEMA))
    dropped_problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    pricing: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PRICING_SCHEMA))
    unpriced_models: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    model_usage: pl.DataFrame | None = field(default=None, repr=False)
    users: pl.DataFrame | None = field(default=None, repr=False)
    reporting_currency: str = "usd"
    currency_conversion: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=CONVERSION_SCHEMA), repr=False
    )

    @cached_property
    def usage(self) -> pl.DataFrame:
        """The ledger rollup (see :attr:`usage_source`)."""
        return resolve(self.usage_source)


Frame: TypeAlias = pl.DataFrame | Callable[[], pl.DataFrame]
"""A frame, or a function that returns it when it is first needed."""


def resolve(frame: Frame) -> pl.DataFrame:
    return frame if isinstance(frame, pl.DataFrame) else frame()
