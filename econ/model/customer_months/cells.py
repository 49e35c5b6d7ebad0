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
from econ.inputs.prepare import BILLED, CALL_SHARE, CUSTOMER_CODE, MRR_SHARE
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
    """Ledger rows inside the cms of ``frame``, carrying what feature economics needs and the
    cm's ``_customer_code``; sorted by customer, feature and month (:func:`_in_row_order`)."""
    direct = (
        pl.col(DIRECT_REVENUE_USD)
        if DIRECT_REVENUE_USD in ledger.columns
        else pl.lit(0.0).alias(DIRECT_REVENUE_USD)
    )
    joined = ledger.select(*s.ROLLUP_SCHEMA.names(), direct).join(
        frame.select(
            s.CUSTOMER_ID,
            s.MONTH,
            SEGMENT,
            s.PLAN,
            s.MRR_USD,
            ALLOCATABLE_USD,
            pl.col(s.CALLS).alias(CM_CALLS),
            CUSTOMER_CODE,
        ),
        on=[s.CUSTOMER_ID, s.MONTH],
        how="inner",
    )
    return _in_row_order(joined)


def _in_row_order(usage: pl.DataFrame) -> pl.DataFrame:
    """``usage`` sorted by customer, feature and month, as sorting by the text would.

    A cm frame is sorted by customer, so its customer codes ascend with the ids; a feature's
    place among the features sorted ascends with its id. The three integers make one key
    (customer, then feature, then day), and one integer sort costs a fraction of sorting
    text; a key that would not fit 64 bits is sorted as the three columns. The ids are marked
    sorted, as sorting by them would: a group-by on the customer then sums each customer's
    run of rows, with the rounding of that sum.
    """
    features = usage[s.FEATURE_ID].unique().drop_nulls().sort()
    # 0 for a missing feature, which sorts first as it would among the ids.
    feature = pl.col(s.FEATURE_ID).cast(pl.Enum(features)).to_physical().cast(pl.UInt64) + 1
    day = pl.col(s.MONTH).cast(pl.Int32)
    bounds = usage.select(
        pl.col(CUSTOMER_CODE).max().alias("code"), day.min().alias("first"), day.max().alias("last")
    ).row(0, named=True)
    if bounds["code"] is None:  # no rows
        return usage
    days = bounds["last"] - bounds["first"] + 1
    places = len(features) + 1
    if (bounds["code"] + 1) * places * days >= 2**64:
        ordered = usage.sort(CUSTOMER_CODE, feature.fill_null(0), s.MONTH)
    else:
        key = (pl.col(CUSTOMER_CODE).cast(pl.UInt64) * places + feature.fill_null(0)) * days + (
            day - bounds["first"]
        ).cast(pl.UInt64)
        ordered = usage[usage.select(key.arg_sort()).to_series()]
    return ordered.with_columns(pl.col(s.CUSTOMER_ID).set_sorted())
