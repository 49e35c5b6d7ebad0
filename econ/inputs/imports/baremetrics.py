"""Baremetrics: its manual subscription import file.

Source of truth: Baremetrics' "Manual Subscription Import Guide" (help.baremetrics.com, article
5380088) and its template sheet: thirteen columns, ``plan_oid, plan_name, plan_currency,
plan_amount, plan_interval, plan_interval_count, customer_oid, customer_name, customer_email,
subscription_oid, subscription_started_at, subscription_canceled_at, subscription_quantity``;
``plan_amount`` in cents ("$50.00 = 5000"), dates as ``YYYY-MM-DD``, ``plan_interval`` one of
day, week, month, year; an empty ``subscription_canceled_at`` means the subscription runs; the
quantity defaults to 1. The file has no discount or add-on columns.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import Layout, Lines, RevenueContext
from econ.inputs.imports.lines import subscription_lines


def read_subscriptions(rows: pl.LazyFrame, fields: Fields, context: RevenueContext) -> Lines:
    """plan_amount × subscription_quantity per plan interval, from start to cancellation."""
    return subscription_lines(
        rows,
        fields,
        context,
        customer=("customer_oid",),
        plan=("plan_name", "plan_oid"),
        amount=("plan_amount",),
        quantity=("subscription_quantity",),
        interval=("plan_interval",),
        interval_count=("plan_interval_count",),
        start=("subscription_started_at",),
        end=("subscription_canceled_at",),
        notes=("MRR is plan_amount × subscription_quantity per month of the plan's interval",),
    )


SUBSCRIPTIONS: Final = Layout(
    id="baremetrics",
    title="Baremetrics manual subscription import",
    side="revenue",
    truth="Baremetrics help: Manual Subscription Import Guide (template columns plan_oid … "
    "subscription_quantity)",
    signatures=(frozenset({"plan_oid", "customer_oid", "subscription_started_at"}),),
    amounts="cents",
    amount_fields=("plan_amount",),
    currency_fields=("plan_currency",),
    read_revenue=read_subscriptions,
)

LAYOUTS: Final = (SUBSCRIPTIONS,)
