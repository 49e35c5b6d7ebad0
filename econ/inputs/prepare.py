"""Stage 1's last step: the per-dataset tables every scenario starts from.

A control change (a price, a churn rate, a weight, the window) must not go back to the ledger
rollup, which has a row per customer × feature × month. Everything a scenario needs from usage
is summed here, once per dataset, to the level the scenario works at:

- **per revenue row** (a potential customer-month): its calls and inference cost, its distinct
  users (when the ledger has a user column), and whether the same customer has a revenue row
  for the next calendar month (for churn);
- **cells**: usage per plan × month × feature, split by whether the revenue row was billed
  (MRR above zero), with the two sums that usage-weighted allocation needs (below);
- **unbilled**: per month, the usage of customer-months that have no revenue row at all.

Usage-weighted allocation gives feature f of customer-month c the revenue
``mrr(c) × calls(f, c) / calls(c)``. Summed over the customer-months of a cell that is
``Σ mrr × share`` (``mrr_share``); when a scenario prices the plan at P it is
``P × Σ share`` (``call_share``). So feature margins for any window, any plan prices and any
grouping by plan or month are sums over cells: a few hundred rows, not millions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ import schema as s

# Column names of the per-revenue-row table start with "_": normalized input column names
# never do, so they cannot collide with a revenue table's segment columns.
ROW_CALLS: Final = "_cm_calls"
ROW_INFERENCE: Final = "_cm_inference_usd"
HAS_NEXT: Final = "_has_next_month"
"""The same customer has a revenue row for the following calendar month."""
CUSTOMER_CODE: Final = "_customer_code"
"""A dense integer per customer (revenue rows are sorted by customer, so codes ascend)."""
UNBILLED_INFERENCE: Final = "inference_usd"
UNKNOWN_SEGMENT: Final = "unknown"
_ROW: Final = "_row"
"""The segment of a customer-month whose segment column is empty."""
BILLED: Final = "billed"
"""The revenue row's recorded MRR is above zero."""
MRR_SHARE: Final = "mrr_share"
CALL_SHARE: Final = "call_share"

REVENUE_USAGE_SCHEMA: Final = pl.Schema(
    {
        ROW_CALLS: pl.Int64(),
        ROW_INFERENCE: pl.Float64(),
        HAS_NEXT: pl.Boolean(),
        CUSTOMER_CODE: pl.UInt32(),
        s.USERS: pl.Int64(),
    }
)
CELL_SCHEMA: Final = pl.Schema(
    {
        s.PLAN: pl.String(),
        s.MONTH: pl.Date(),
        s.FEATURE_ID: pl.String(),
        BILLED: pl.Boolean(),
        s.CALLS: pl.Int64(),
        s.COST_USD: pl.Float64(),
        MRR_SHARE: pl.Float64(),
        CALL_SHARE: pl.Float64(),
    }
)
UNBILLED_SCHEMA: Final = pl.Schema(
    {s.MONTH: pl.Date(), s.CALLS: pl.Int64(), UNBILLED_INFERENCE: pl.Float64()}
)


@dataclass(frozen=True)
class Prepared:
    """The tables of the module docstring.

    Attributes:
        revenue_usage: one row per row of the dataset's revenue table, in its order
            (:data:`REVENUE_USAGE_SCHEMA`; ``users`` null when the ledger has no user column,
            0 for a revenue row without calls).
        cells: :data:`CELL_SCHEMA`, sorted by plan, month, feature and billed.
        unbilled: :data:`UNBILLED_SCHEMA`, sorted by month.
        segment_values: per revenue row, the plan and each segment column as categories
            (empty values as ``"unknown"``): grouping by them is cheaper than by text.
        plans: the plans of the revenue table, sorted.
        months: the first and last month of the revenue table.
    """

    revenue_usage: pl.DataFrame
    cells: pl.DataFrame
    unbilled: pl.DataFrame
    segment_values: pl.DataFrame
    plans: tuple[str, ...]
    months: tuple[dt.date, dt.date]


def prepare(
    usage: pl.DataFrame,
    revenue: pl.DataFrame,
    segment_columns: Sequence[str],
    users: pl.DataFrame | None = None,
) -> Prepared:
    """The prepared tables of a validated rollup and revenue table, and of the ledger's users
    per customer-month (:data:`econ.inputs.rollup.USERS_SCHEMA`) when it names them.

    ``revenue`` must be sorted by customer and month (as :func:`econ.inputs.ingest.load_revenue`
    returns it).
    """
    keys = [s.CUSTOMER_ID, s.MONTH]
    rows = revenue.lazy().select(*keys, s.PLAN, s.MRR_USD).with_row_index(_ROW)
    # The one join on text keys: each usage row learns its revenue row (null when none).
    matched = (
        usage.lazy()
        .select(*keys, s.FEATURE_ID, s.CALLS, s.COST_USD)
        .join(rows, on=keys, how="left")
        .cache()
    )
    billed_usage = matched.filter(pl.col(_ROW).is_not_null())
    per_row = billed_usage.group_by(_ROW).agg(
        pl.col(s.CALLS).sum().alias(ROW_CALLS), pl.col(s.COST_USD).sum().alias(ROW_INFERENCE)
    )
    same_customer = pl.col(s.CUSTOMER_ID) == pl.col(s.CUSTOMER_ID).shift(-1)
    following = pl.col(s.MONTH).dt.offset_by("1mo") == pl.col(s.MONTH).shift(-1)
    with_usage = rows.join(per_row, on=_ROW, how="left", maintain_order="left")
    if users is None:
        row_users = pl.lit(None, pl.Int64).alias(s.USERS)
    else:
        with_usage = with_usage.join(
            users.lazy().select(*keys, s.USERS), on=keys, how="left", maintain_order="left"
        )
        row_users = pl.col(s.USERS).fill_null(0)
    revenue_usage = with_usage.select(
        row_users,
        pl.col(ROW_CALLS).fill_null(0),
        pl.col(ROW_INFERENCE).fill_null(0.0),
        (same_customer & following).fill_null(False).alias(HAS_NEXT),
        (pl.col(s.CUSTOMER_ID) != pl.col(s.CUSTOMER_ID).shift(1))
        .fill_null(True)
        .cum_sum()
        .sub(1)
        .cast(pl.UInt32)
        .alias(CUSTOMER_CODE),
    )
    share = pl.when(pl.col(ROW_CALLS) > 0).then(pl.col(s.CALLS) / pl.col(ROW_CALLS)).otherwise(0.0)
    cells = (
        billed_usage.join(per_row, on=_ROW, how="left")
        .group_by(s.PLAN, s.MONTH, s.FEATURE_ID, (pl.col(s.MRR_USD) > 0).alias(BILLED))
        .agg(
            pl.col(s.CALLS).sum(),
            pl.col(s.COST_USD).sum(),
            (pl.col(s.MRR_USD) * share).sum().alias(MRR_SHARE),
            share.sum().alias(CALL_SHARE),
        )
        .sort(s.PLAN, s.MONTH, s.FEATURE_ID, BILLED)
    )
    unbilled = (
        matched.filter(pl.col(_ROW).is_null())
        .group_by(s.MONTH)
        .agg(pl.col(s.CALLS).sum(), pl.col(s.COST_USD).sum().alias(UNBILLED_INFERENCE))
        .sort(s.MONTH)
    )
    revenue_usage_frame, cells_frame, unbilled_frame = pl.collect_all(
        [revenue_usage, cells, unbilled]
    )
    first, last = revenue.select(
        pl.col(s.MONTH).min().alias("first"), pl.col(s.MONTH).max().alias("last")
    ).row(0)
    return Prepared(
        # One chunk each: every scenario reads them whole, side by side with the revenue table.
        revenue_usage=revenue_usage_frame.select(REVENUE_USAGE_SCHEMA.names()).rechunk(),
        cells=cells_frame.select(CELL_SCHEMA.names()).rechunk(),
        unbilled=unbilled_frame.select(UNBILLED_SCHEMA.names()).rechunk(),
        segment_values=revenue.select(
            pl.col(name).fill_null(UNKNOWN_SEGMENT).cast(pl.Categorical)
            for name in (s.PLAN, *segment_columns)
        ),
        plans=tuple(sorted(revenue[s.PLAN].unique().to_list())),
        months=(first, last),
    )
