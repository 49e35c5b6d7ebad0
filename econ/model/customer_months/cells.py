"""Feature cells: the usage of active customer-months summed per plan × month × feature.

Feature economics are built from cells. A report's cells come from the dataset's prepared cells
(:func:`cells_in_window`, no ledger read); any other grouping sums the ledger rows inside the
active cms (:func:`usage_in_customer_months`, then :func:`cells_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import polars as pl

from econ import schema as s
from econ.inputs.prepare import BILLED, CALL_SHARE, MRR_SHARE
from econ.model.customer_months.columns import (
    ALLOCATABLE_USD,
    CM_CALLS,
    DIRECT_REVENUE_USD,
    SEGMENT,
    USAGE_REVENUE_USD,
)

if TYPE_CHECKING:  # the build module imports this one to fill in its cells
    from econ.model.customer_months.build import Window

CELL_COLUMNS: Final = (
    s.PLAN,
    s.MONTH,
    s.FEATURE_ID,
    s.CALLS,
    s.COST_USD,
    USAGE_REVENUE_USD,
    DIRECT_REVENUE_USD,
)


def cells_of(usage: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Usage of active cms summed per ``keys`` × feature (columns as :data:`CELL_COLUMNS`)."""
    share = pl.col(s.CALLS) / pl.col(CM_CALLS)
    allocated = pl.when(pl.col(CM_CALLS) > 0).then(pl.col(ALLOCATABLE_USD) * share).otherwise(0.0)
    return (
        usage.group_by(*keys, s.FEATURE_ID)
        .agg(
            pl.col(s.CALLS).sum(),
            pl.col(s.COST_USD).sum(),
            allocated.sum().alias(USAGE_REVENUE_USD),
            pl.col(DIRECT_REVENUE_USD).sum(),
        )
        .sort(*keys, s.FEATURE_ID)
    )


def cells_in_window(
    cells: pl.DataFrame, window: Window, prices: Mapping[str, float]
) -> pl.DataFrame:
    """The prepared cells of the window's active cms, with revenue at the scenario's prices."""
    billed = pl.col(BILLED)
    revenue = pl.col(MRR_SHARE)
    if prices:
        price = pl.col(s.PLAN).replace_strict(dict(prices), default=None, return_dtype=pl.Float64)
        billed = pl.when(price.is_not_null()).then(price > 0).otherwise(billed)
        revenue = pl.when(price.is_not_null()).then(price * pl.col(CALL_SHARE)).otherwise(revenue)
    return (
        cells.filter(window.contains(), billed)
        .group_by(s.PLAN, s.MONTH, s.FEATURE_ID)
        .agg(
            pl.col(s.CALLS).sum(),
            pl.col(s.COST_USD).sum(),
            revenue.sum().alias(USAGE_REVENUE_USD),
            pl.lit(0.0).alias(DIRECT_REVENUE_USD),
        )
        .sort(s.PLAN, s.MONTH, s.FEATURE_ID)
    )


def usage_in_customer_months(ledger: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Ledger rows inside the cms of ``frame``, carrying what feature economics needs."""
    direct = (
        pl.col(DIRECT_REVENUE_USD)
        if DIRECT_REVENUE_USD in ledger.columns
        else pl.lit(0.0).alias(DIRECT_REVENUE_USD)
    )
    return (
        ledger.select(*s.ROLLUP_SCHEMA.names(), direct)
        .join(
            frame.select(
                s.CUSTOMER_ID,
                s.MONTH,
                SEGMENT,
                s.PLAN,
                s.MRR_USD,
                ALLOCATABLE_USD,
                pl.col(s.CALLS).alias(CM_CALLS),
            ),
            on=[s.CUSTOMER_ID, s.MONTH],
            how="inner",
        )
        .sort(s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH)
    )
