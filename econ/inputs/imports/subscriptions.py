"""A plain subscriptions table: one row per subscription, from a billing database or a sheet.

Not any one tool's export: the columns most subscription tables have (a customer, a plan, its
amount and billing interval, a quantity, the start and the cancellation dates), under their
common names. Whether amounts are cents or dollars is not said by the layout, so it comes from a
header suffix (``amount (cents)``), the import's choice, or the amounts themselves (with a
warning).
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import Layout, Lines, RevenueContext
from econ.inputs.imports.lines import subscription_lines


def read_table(rows: pl.LazyFrame, fields: Fields, context: RevenueContext) -> Lines:
    """amount × quantity per interval, from start (or trial end) to cancellation."""
    return subscription_lines(
        rows,
        fields,
        context,
        customer=("customer_id", "customer", "account_id"),
        plan=("plan_name", "plan", "tier", "product"),
        amount=("plan_amount", "amount", "price"),
        quantity=("quantity", "seats"),
        interval=("plan_interval", "interval", "billing_interval"),
        interval_count=("plan_interval_count", "interval_count"),
        start=("started_at", "start_date", "start", "created_at"),
        trial_end=("trial_end", "trial_ends_at"),
        end=("ended_at", "canceled_at", "cancelled_at", "end_date"),
        notes=("MRR is amount × quantity per month of the interval",),
    )


TABLE: Final = Layout(
    id="subscriptions",
    title="Subscriptions table (one row per subscription)",
    side="revenue",
    truth="econ's own: the columns most subscription tables share",
    signatures=(
        frozenset({"customer_id", "plan_amount", "plan_interval"}),
        frozenset({"customer_id", "amount", "interval", "started_at"}),
    ),
    amount_fields=("plan_amount", "amount", "price"),
    read_revenue=read_table,
)

LAYOUTS: Final = (TABLE,)
