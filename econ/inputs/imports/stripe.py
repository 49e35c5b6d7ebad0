"""Stripe: invoice line items, subscriptions from its API, and its Dashboard subscriptions export.

Sources of truth:

- **Invoice line items**: Stripe's API reference (``InvoiceLineItem``) and its OpenAPI spec
  (``stripe/openapi``), with the 2025-03-31 "basil" changelog. A line's ``amount`` (cents) is
  quantity × unit price, before discounts, which ``discount_amounts`` lists; ``plan.amount`` /
  ``price.unit_amount`` are *unit* prices. From basil on, ``price``, ``plan``, ``proration`` and
  ``type`` are gone: proration sits under ``parent.subscription_item_details`` (or
  ``parent.invoice_item_details``) and the price id under ``pricing.price_details``. A line has
  no customer: it is on the invoice, so invoices listed with their lines (``GET /v1/invoices``)
  are read one row per line, carrying the invoice's customer, currency and status. API lists
  come as ``{"object": "list", "data": [...]}``.
- **Subscriptions** (API objects, ``items`` read one row per item, or the same fields
  flattened): amount × quantity per interval; ``ended_at`` ends one, and ``canceled_at`` only
  once it no longer runs (a cancellation at the period's end leaves it running until then).
- **Dashboard subscriptions export** (CSV): headers ``Customer ID``, ``Plan`` (the price id),
  ``Product`` (its name), ``Quantity``, ``Interval``, ``Amount``, ``Status``, and dates with a
  ``(UTC)`` suffix (``Start (UTC)``, ``Trial End (UTC)``, ``Canceled At (UTC)``, ``Ended At
  (UTC)``); amounts in dollars (``199.00``). Column lists come from code that reads real
  exports; Stripe publishes none. ``Amount`` is taken as the unit price (× ``Quantity``).

MRR here: subscription and invoice-item lines net of their discounts, before tax; prorations
left out unless asked for; draft and void invoices left out.

Seats: a subscription item's ``quantity`` (Stripe's ``SubscriptionItem``: the quantity of the
plan the customer is subscribed to), or a recurring invoice line's ``quantity`` (one-off items
and prorations give none); a customer-month's seats are those of its plan's lines
(:mod:`econ.inputs.imports.lines`). The Dashboard export's ``Quantity`` is the same number.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import ROW, Check, Layout, Lines, RevenueContext, Tally
from econ.inputs.imports.lines import (
    QUANTITY,
    SEAT_KEY,
    interval_parts,
    period_lines,
    plan_expr,
    subscription_lines,
    unreadable,
)

_API: Final = "Stripe API reference: InvoiceLineItem, Invoice, Subscription; stripe/openapi"
_NICKNAMES: Final = (
    "price.nickname",
    "plan.nickname",
    "price_nickname",
    "plan_nickname",
    "nickname",
    "plan_name",
)
_IDS: Final = ("pricing.price_details.price", "price.id", "plan.id", "price_id", "plan_id")
_NOT_BILLED: Final = ("draft", "void")
_NEVER_STARTED: Final = ("incomplete", "incomplete_expired")


def _described_product(fields: Fields) -> pl.Expr:
    """The product named in a line's description: ``3 × Team Plan (at $20.00 / month)``,
    ``Unused time on Team Plan after 20 Dec 2024`` and ``Trial period for Team Plan`` all name
    ``Team Plan``."""
    text = fields.text("description")
    return pl.coalesce(
        text.str.extract(r"^\d+\s*×\s*(.+?)\s*\(at .+\)$", 1),
        text.str.extract(r"^(?:Unused|Remaining) time on (.+?) after .+$", 1),
        text.str.extract(r"^Trial period for (.+)$", 1),
    )


def read_invoice_lines(rows: pl.LazyFrame, fields: Fields, context: RevenueContext) -> Lines:
    """Each line's amount net of its discounts, spread over its service period."""
    customer = fields.found("customer", "customer_id", "invoice_customer")
    if customer is None:
        raise InputError(
            [
                Problem(
                    context.label,
                    "customer",
                    "is missing: Stripe invoice lines carry no customer (it is on the invoice). "
                    "Export invoices with their lines (GET /v1/invoices, which embeds them), "
                    "or add the invoice's customer to each line, or map a column to it "
                    "(--map revenue.customer_id=COLUMN)",
                )
            ]
        )
    gross = fields.number("amount")
    discounts = fields.list_sum("discount_amounts", "amount").fill_null(0.0)
    if not fields.has("discount_amounts"):
        discounts = fields.number("discount_amount", "discount").fill_null(0.0)
    proration = pl.coalesce(
        fields.flag("proration"),
        fields.flag("parent.subscription_item_details.proration"),
        fields.flag("parent.invoice_item_details.proration"),
    ).fill_null(False)
    one_off = (
        pl.coalesce(
            fields.text("type") == "invoiceitem",
            fields.text("parent.type") == "invoice_item_details",
        ).fill_null(False)
        & ~proration
    )
    status = fields.text("status").str.to_lowercase()
    not_billed = status.is_in(_NOT_BILLED).fill_null(False)
    prorations = context.spec.include_prorations
    keep = ~not_billed & (proration.not_() | pl.lit(prorations))
    start = fields.time("period.start", "period_start")
    end = fields.time("period.end", "period_end")
    unit, _ = interval_parts(
        fields.text(
            "price.recurring.interval",
            "plan.interval",
            "price_recurring_interval",
            "plan_interval",
            "interval",
        )
    )
    net = (gross - discounts) / context.divisor
    # Seats: the quantity of a recurring line (a subscription item's line); a one-off item or a
    # proration bills a quantity, but not the seats the month runs on.
    quantities = (
        [
            pl.when(~one_off & ~proration).then(fields.number("quantity")).alias(QUANTITY),
            pl.coalesce(
                fields.text("subscription_item"),
                fields.text("parent.subscription_item_details.subscription_item"),
                plan_expr(fields, _NICKNAMES, _described_product(fields), *_ids(fields)),
            ).alias(SEAT_KEY),
        ]
        if fields.has("quantity")
        else []
    )
    frame = (
        rows.filter(keep)
        .select(
            ROW,
            fields.text(customer).alias(s.CUSTOMER_ID),
            plan_expr(fields, _NICKNAMES, _described_product(fields), *_ids(fields)).alias(s.PLAN),
            net.alias("_amount"),
            start.alias("_start"),
            end.alias("_end"),
            unit.alias("_interval"),
            *quantities,
        )
        .collect()
    )
    divisor = context.divisor
    tallies = (
        Tally(
            proration & ~not_billed & pl.lit(not prorations),
            "{rows} proration line{s} ({cost}) left out (count them with include prorations)",
            cost=gross / divisor,
        ),
        Tally(
            not_billed,
            "{rows} line{s} of draft or void invoices ({cost}) left out",
            cost=gross / divisor,
        ),
        Tally(
            (discounts != 0) & keep,
            "{rows} line{s} with discounts ({cost} in all): taken off their amounts",
            cost=discounts / divisor,
        ),
        Tally(
            one_off & keep,
            "{rows} one-off invoice item{s} ({cost}): counted in the month of their period",
            cost=gross / divisor,
        ),
    )
    checks = (
        Check(customer, "must name the customer", fields.text(customer).fill_null("") == ""),
        Check(
            "amount", "must be a whole number of cents", unreadable(fields.text("amount"), gross)
        ),
        Check(
            fields.found("period.start", "period_start") or "period",
            "must give the period's start (Unix seconds or a date)",
            start.is_null() & keep,
        ),
    )
    return Lines(
        period_lines(frame),
        notes=("MRR is each line's amount net of its discounts, before tax",),
        checks=checks,
        tallies=tallies,
    )


def _ids(fields: Fields) -> list[pl.Expr]:
    return [fields.text(path) for path in _IDS if fields.has(path)]


def _lifecycle(fields: Fields) -> tuple[pl.Expr, pl.Expr, Tally]:
    """When a subscription ended, which rows are subscriptions to count, and the tally of the
    others: ``ended_at`` ends one; ``canceled_at`` only once its status says it no longer runs
    (a cancellation at the period's end leaves it running until then; without a status, a
    cancellation is taken as the end); incomplete checkouts never started."""
    status = fields.text("status").str.to_lowercase()
    never = status.is_in(_NEVER_STARTED).fill_null(False)
    over = (
        status.is_in(["canceled", "cancelled", "ended"]) if fields.has("status") else pl.lit(True)
    )
    ended = pl.coalesce(
        fields.time("ended_at"), pl.when(over).then(fields.time("canceled_at", "cancelled_at"))
    )
    tally = Tally(never, "{rows} subscription{s} that never started (status incomplete) left out")
    return ended, ~never, tally


def read_subscriptions(rows: pl.LazyFrame, fields: Fields, context: RevenueContext) -> Lines:
    """Subscriptions (API objects or flattened): unit amount × quantity per interval."""
    ended, keep, tally = _lifecycle(fields)
    return subscription_lines(
        rows,
        fields,
        context,
        customer=("customer", "customer_id"),
        plan=(*_NICKNAMES, *_IDS, "price.product", "plan.product", "product"),
        amount=(
            "price.unit_amount",
            "plan.amount",
            "plan_amount",
            "unit_amount",
            "price_unit_amount",
            "amount",
        ),
        quantity=("quantity", "subscription_quantity"),
        interval=(
            "price.recurring.interval",
            "plan.interval",
            "plan_interval",
            "price_recurring_interval",
            "interval",
        ),
        interval_count=(
            "price.recurring.interval_count",
            "plan.interval_count",
            "plan_interval_count",
            "price_recurring_interval_count",
            "interval_count",
        ),
        start=("start_date", "started_at", "start", "created"),
        trial_end=("trial_end",),
        end=("ended_at", "canceled_at"),
        ended=ended,
        keep=keep,
        tallies=(tally,),
        notes=("MRR is each subscription's price × quantity per month, before discounts and tax",),
    )


def read_dashboard(rows: pl.LazyFrame, fields: Fields, context: RevenueContext) -> Lines:
    """The Dashboard's subscriptions export: ``Amount`` × ``Quantity`` per ``Interval``."""
    ended, keep, tally = _lifecycle(fields)
    return subscription_lines(
        rows,
        fields,
        context,
        customer=("customer_id", "customer"),
        plan=("product", "plan"),
        amount=("amount",),
        quantity=("quantity",),
        interval=("interval",),
        interval_count=("interval_count",),
        start=("start", "start_date", "created"),
        trial_end=("trial_end",),
        end=("ended_at", "canceled_at"),
        ended=ended,
        keep=keep,
        tallies=(tally,),
        notes=("MRR is Amount × Quantity per month of the Interval, before discounts and tax",),
    )


INVOICE_LINES: Final = Layout(
    id="stripe_invoices",
    title="Stripe invoice line items (API, or invoices with their lines)",
    side="revenue",
    truth=f"{_API}; the 2025-03-31 basil changelog (parent, pricing)",
    signatures=(
        frozenset({"period", "amount", "object"}),
        frozenset({"period_start", "period_end", "amount"}),
    ),
    excludes=frozenset({"amount_in_cents"}),
    amounts="cents",
    amount_fields=("amount",),
    currency_fields=("currency", "invoice_currency"),
    read_revenue=read_invoice_lines,
)

SUBSCRIPTIONS: Final = Layout(
    id="stripe_subscriptions",
    title="Stripe subscriptions (API objects, or their fields flattened)",
    side="revenue",
    truth=_API,
    signatures=(
        frozenset({"customer", "items", "start_date"}),
        frozenset({"customer", "price", "start_date"}),
        frozenset({"customer", "plan", "start_date", "status"}),
        frozenset({"customer", "plan_amount", "plan_interval"}),
    ),
    amounts="cents",
    amount_fields=("price.unit_amount", "plan.amount", "plan_amount", "unit_amount"),
    currency_fields=("currency", "price.currency", "plan.currency"),
    read_revenue=read_subscriptions,
)

DASHBOARD_SUBSCRIPTIONS: Final = Layout(
    id="stripe_dashboard",
    title="Stripe Dashboard subscriptions export (CSV)",
    side="revenue",
    truth="Stripe Dashboard subscriptions export: headers as code reading real exports checks "
    "them (Customer ID, Plan, Product, Quantity, Interval, Amount, Status, … (UTC))",
    signatures=(
        frozenset({"customer_id", "interval", "amount", "status", "start"}),
        frozenset({"customer_id", "interval", "amount", "current_period_start"}),
        # The columns are chosen when exporting: a reduced set may keep only Created (UTC).
        frozenset({"customer_id", "interval", "amount", "status", "created"}),
    ),
    amounts="dollars",
    amount_fields=("amount",),
    read_revenue=read_dashboard,
)

LAYOUTS: Final = (INVOICE_LINES, SUBSCRIPTIONS, DASHBOARD_SUBSCRIPTIONS)
