"""ChartMogul: invoices as its Import API takes them (and lists them back).

Source of truth: ChartMogul's API reference, "Import Invoices"
(``POST /v1/import/customers/{uuid}/invoices``, dev.chartmogul.com) and the line-item fields of
its Python client (``chartmogul/chartmogul-python``, ``chartmogul/api/invoice.py``): a body
``{"invoices": [...]}`` whose invoices carry ``customer_external_id``, ``currency`` (upper case),
``date`` and ``line_items``; a line has ``type`` (``subscription`` or ``one_time``),
``service_period_start``/``_end`` (``"2022-11-10 00:00:00"``), ``amount_in_cents`` (the final
amount, after discounts, with tax), ``tax_amount_in_cents``, ``discount_amount_in_cents``,
``quantity``, ``prorated`` and ``plan_uuid``. ChartMogul's CSV templates are not published, so
only the JSON form is read.

MRR here: ``amount_in_cents`` less its tax, spread over the service period; prorated lines left
out unless asked for; one-time lines counted in the month of the invoice.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from econ import schema as s
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import ROW, Check, Layout, Lines, RevenueContext, Tally
from econ.inputs.imports.lines import period_lines, plan_expr, unreadable


def read_invoices(rows: pl.LazyFrame, fields: Fields, context: RevenueContext) -> Lines:
    """Each line's amount less tax over its service period (one-time lines: the invoice's
    month)."""
    amount = fields.number("amount_in_cents")
    tax = fields.number("tax_amount_in_cents").fill_null(0.0)
    prorated = fields.flag("prorated").fill_null(False)
    one_time = (fields.text("type").str.to_lowercase() == "one_time").fill_null(False)
    keep = prorated.not_() | pl.lit(context.spec.include_prorations)
    invoice_date = fields.time("date", "invoice_date")
    start = pl.coalesce(fields.time("service_period_start"), invoice_date)
    end = pl.coalesce(fields.time("service_period_end"), start)
    # ChartMogul's own customer uuid would never match a usage ledger's ids: no stand-in.
    customer = ("customer_external_id", "external_customer_id")
    frame = (
        rows.filter(keep)
        .select(
            ROW,
            fields.text(*customer).alias(s.CUSTOMER_ID),
            plan_expr(fields, ("plan_external_id", "plan_uuid", "description")).alias(s.PLAN),
            ((amount - tax) / context.divisor).alias("_amount"),
            start.alias("_start"),
            end.alias("_end"),
            pl.lit(None, pl.String).alias("_interval"),
        )
        .collect()
    )
    divisor = context.divisor
    return Lines(
        period_lines(frame),
        notes=("MRR is each line's amount_in_cents less its tax, after discounts",),
        checks=(
            Check(
                fields.found(*customer) or customer[0],
                "must name the customer",
                fields.text(*customer).fill_null("") == "",
            ),
            Check(
                "amount_in_cents",
                "must be a whole number of cents",
                unreadable(fields.text("amount_in_cents"), amount) | amount.is_null(),
            ),
            Check(
                "service_period_start",
                "must give the service period's start (or the invoice a date)",
                start.is_null(),
            ),
        ),
        tallies=(
            Tally(
                prorated & pl.lit(not context.spec.include_prorations),
                "{rows} prorated line{s} ({cost}) left out (count them with include prorations)",
                cost=amount / divisor,
            ),
            Tally(
                one_time & keep,
                "{rows} one-time line{s} ({cost}): counted in the month of their invoice",
                cost=amount / divisor,
            ),
        ),
    )


INVOICES: Final = Layout(
    id="chartmogul",
    title="ChartMogul invoices (Import API JSON)",
    side="revenue",
    truth="ChartMogul API reference: Import Invoices; chartmogul/chartmogul-python "
    "chartmogul/api/invoice.py",
    signatures=(
        frozenset({"customer_external_id", "amount_in_cents"}),
        frozenset({"amount_in_cents", "service_period_start"}),
    ),
    amounts="cents",
    amount_fields=("amount_in_cents",),
    currency_fields=("currency", "invoice_currency"),
    read_revenue=read_invoices,
)

LAYOUTS: Final = (INVOICES,)
