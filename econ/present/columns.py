"""Every table a person reads, column by column: its header in words, its kind, its help.

One definition serves three readers, so a number is written the same way wherever it appears:

- the app (``ui.tables`` turns a :data:`Table` into Streamlit column settings and shows
  :func:`for_display`'s frame);
- the spreadsheet exports (:func:`for_export`: human headers with their unit, values rounded to
  what the kind is read to, percentages as percent);
- the board pack (:func:`as_text`: every cell already written as text by :mod:`econ.formats`).

A column's kind decides all three: ``money`` is whole dollars (a total: revenue, gross profit,
LTV, CAC), ``money_cents`` keeps cents (an amount per customer-month or per bill), ``price``
keeps four significant digits (a cost per call), ``percent`` is a fraction shown to one decimal,
``ratio`` is "3.0x", ``months`` one decimal, ``count`` whole with thousands separators,
``number`` one decimal (an expected, fractional count), ``parameter`` three (a fitted
model's parameter), ``text`` as written. A change against a baseline carries its sign:
``money_change`` ("+$12,652", "no change"), ``points`` (a margin's change, a fraction shown in
percentage points: "+1.2 pp"), ``ratio_change`` ("+0.3x").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from econ import formats
from econ import schema as s
from econ.present import labels

Kind = Literal[
    "text",
    "feature",
    "category",
    "status",
    "segment",
    "plan",
    "money",
    "money_cents",
    "price",
    "percent",
    "ratio",
    "months",
    "count",
    "number",
    "parameter",
    "money_change",
    "points",
    "ratio_change",
]
"""How a column is read; ``feature``, ``category``, ``status``, ``segment`` and ``plan`` are
text whose identifiers are shown as words (:mod:`econ.present.labels`)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: the frame's column ``name``, the ``label`` a reader sees, its
    ``kind`` (see the module docstring), an optional ``help`` line and an optional ``short``
    header for the app."""

    name: str
    label: str
    kind: Kind = "text"
    help: str | None = None
    short: str | None = None

    @property
    def on_screen(self) -> str:
        """The header in the app, where a wide table must fit the page: ``short`` if given
        (its ``help`` says the rest), else the label."""
        return self.short or self.label

    @property
    def unit(self) -> str | None:
        """The unit an export's header names: ``$``, ``%``, ``x`` or ``months``."""
        return _UNITS.get(self.kind)

    @property
    def header(self) -> str:
        """The label with its unit, for a spreadsheet: ``Revenue ($)``, ``Margin (%)``."""
        unit = self.unit
        if unit is None or f"({unit}" in self.label:
            return self.label
        return f"{self.label} ({unit})"


Table = tuple[Column, ...]

_UNITS: Final[dict[Kind, str]] = {
    "money": "$",
    "money_cents": "$",
    "price": "$",
    "percent": "%",
    "ratio": "x",
    "months": "months",
    "money_change": "$",
    "points": "pp",
    "ratio_change": "x",
}

_EXPORT_DIGITS: Final[dict[Kind, int]] = {
    "money": 2,
    "money_cents": 2,
    "price": 6,
    "percent": 1,
    "ratio": 2,
    "months": 1,
    "number": 1,
    "parameter": 4,
    "money_change": 2,
    "points": 1,
    "ratio_change": 2,
}
"""Decimals kept in a spreadsheet: cents for money (a reader re-adds the rows), six for a
cost per call, and what each other kind is read to."""


def _money(value: float | None) -> str:
    return formats.money(value, cents=False)


def _money_cents(value: float | None) -> str:
    return formats.money(value)


def _number(value: float | None) -> str:
    return formats.NULL_TEXT if value is None else f"{value:,.1f}"


def _parameter(value: float | None) -> str:
    return formats.NULL_TEXT if value is None else f"{value:,.3f}"


def _count(value: float | None) -> str:
    return formats.count(None if value is None else round(value))


_TEXT: Final[dict[Kind, Callable[[float | None], str]]] = {
    "money": _money,
    "money_cents": _money_cents,
    "price": formats.per_call,
    "percent": formats.percent,
    "ratio": formats.ratio,
    "months": formats.months,
    "count": _count,
    "number": _number,
    "parameter": _parameter,
    "money_change": formats.money_change,
    "points": formats.points,
    "ratio_change": formats.ratio_change,
}


def _present(frame: pl.DataFrame, table: Table) -> Table:
    return tuple(column for column in table if column.name in frame.columns)


PERCENT_KINDS: Final = frozenset({"percent", "points"})
"""Kinds held as fractions and shown as percent (a margin) or percentage points (its change)."""


def for_display(
    frame: pl.DataFrame, table: Table, *, segment_by: str = s.USAGE_TIER
) -> pl.DataFrame:
    """The table's columns of ``frame``, in the table's order, with percentages as percent
    (``0.843`` → ``84.3``: the app writes them ``84.3%``), months as ``2026-03``, undefined
    numbers as null and identifiers as words (segments read as segments of ``segment_by``)."""
    columns = _present(frame, table)
    shown = frame.select(_displayed(column, frame.schema[column.name]) for column in columns)
    return _readable(shown, columns, segment_by)


LABEL_KINDS: Final = frozenset({"feature", "category", "status", "segment", "plan"})
"""The text kinds whose identifiers are shown as words."""


def _readable(frame: pl.DataFrame, columns: Table, segment_by: str) -> pl.DataFrame:
    """Identifiers as words, in every column whose kind is a label kind."""
    for column in columns:
        if column.kind in LABEL_KINDS:
            relabel = labels.label_for(column.kind, segment_by)
            frame = labels.relabelled(frame, column.name, relabel)
    return frame


def _displayed(column: Column, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date():  # every date of a table is a month (its 1st): shown as 2026-03
        return pl.col(column.name).dt.strftime("%Y-%m").alias(column.name)
    if not dtype.is_float():
        return pl.col(column.name)
    value = pl.col(column.name).cast(pl.Float64)
    scaled = value * 100 if column.kind in PERCENT_KINDS else value
    return pl.when(scaled.is_finite()).then(scaled).otherwise(None).alias(column.name)


def for_export(
    frame: pl.DataFrame, table: Table, *, segment_by: str = s.USAGE_TIER
) -> pl.DataFrame:
    """The table for a spreadsheet: human headers with units (``Revenue ($)``), percentages as
    percent, values rounded to what their kind is read to, undefined numbers empty,
    identifiers as words."""
    columns = _present(frame, table)
    shown = for_display(frame, table, segment_by=segment_by)
    return shown.select(
        (
            pl.col(column.name).round(_EXPORT_DIGITS[column.kind])
            if column.kind in _EXPORT_DIGITS and shown.schema[column.name].is_numeric()
            else pl.col(column.name)
        ).alias(column.header)
        for column in columns
    )


def as_text(frame: pl.DataFrame, table: Table, *, segment_by: str = s.USAGE_TIER) -> pl.DataFrame:
    """Every cell written as a reader sees it (``$12,652``, ``84.3%``, ``3.0x``, ``—``), under
    the column labels, identifiers as words: for a document with no number formats of its own."""
    columns = _present(frame, table)
    readable = _readable(frame.select(c.name for c in columns), columns, segment_by)
    out: dict[str, list[str]] = {}
    for column in columns:
        values = readable.get_column(column.name).to_list()
        write = _TEXT.get(column.kind)
        out[column.label] = [_cell(value, write) for value in values]
    return pl.DataFrame(out, schema=dict.fromkeys(out, pl.String))


def _cell(value: object, write: Callable[[float | None], str] | None) -> str:
    if value is None:
        return formats.NULL_TEXT
    if write is None or not isinstance(value, int | float):
        return _text(value)
    number = float(value)
    if not math.isfinite(number):
        return formats.NULL_TEXT
    return write(number)


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%b %Y") if value.day == 1 else value.isoformat()
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "; ".join(str(item) for item in value)
    text = str(value)
    return text if text.strip() else formats.NULL_TEXT


def export_name(what: str, dataset: str, on: dt.date, extension: str) -> str:
    """A file name that says what it holds: ``segment-ltv_sample_2026-11-30.csv``. Only
    letters, digits, ``-`` and ``_`` survive from ``what`` and ``dataset``."""
    parts = [_slug(what), _slug(dataset), on.isoformat()]
    return "_".join(part for part in parts if part) + "." + extension.lstrip(".")


def _slug(text: str) -> str:
    kept = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in text.lower())
    while "--" in kept:
        kept = kept.replace("--", "-")
    return kept.strip("-")[:60]


# The tables, in the order of the pages that show them.

SEGMENTS: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("customers", "Customers", "count"),
    Column("arpa_usd", "ARPA", "money_cents", "Average MRR per active customer-month"),
    Column(
        "inference_usd",
        "Inference / customer-month",
        "money_cents",
        "Inference cost per active customer-month",
        short="Inference",
    ),
    Column(
        "gross_profit_usd",
        "Gross profit / customer-month",
        "money_cents",
        "ARPA − inference − AI infra − support − CS, per customer-month",
        short="Gross profit",
    ),
    Column("gross_margin", "Margin", "percent"),
    Column("churn", "Churn / month", "percent"),
    Column(
        "ltv_traditional_usd", "Traditional LTV", "money", "(ARPA − hosting − support − CS) ÷ churn"
    ),
    Column(
        "ltv_compute_adjusted_usd",
        "Compute-adjusted LTV",
        "money",
        "Gross profit ÷ churn",
        short="Compute-adj. LTV",
    ),
    Column("cac_usd", "CAC", "money"),
    Column("ltv_cac", "LTV:CAC", "ratio", "Compute-adjusted LTV ÷ CAC; 3:1 is the usual bar"),
    Column(
        "payback_months",
        "Payback (months)",
        "months",
        "CAC ÷ monthly gross profit",
        short="Payback",
    ),
)

FEATURES: Final[Table] = (
    Column("feature_id", "Feature", "feature"),
    Column("calls", "Calls", "count"),
    Column("cost_per_call_usd", "Cost / call", "price"),
    Column("cost_usd", "Inference cost", "money"),
    Column("revenue_usd", "Revenue", "money"),
    Column("gross_profit_usd", "Gross profit", "money"),
    Column("gross_margin", "Margin", "percent"),
    Column("category", "Category", "category"),
    Column("status", "Status", "status"),
)

FEATURES_BY_PLAN: Final[Table] = (
    Column("plan", "Plan", "plan"),
    *FEATURES,
)

LOSS_MAKERS: Final[Table] = (
    Column("customer_id", "Customer"),
    Column("segment", "Segment (latest)", "segment"),
    Column("customer_months", "Months", "count"),
    Column("revenue_usd", "Revenue", "money_cents"),
    Column("inference_usd", "Inference cost", "money_cents"),
    Column("gross_profit_usd", "Gross profit", "money_cents"),
    Column("monthly_gross_profit_usd", "Gross profit / month", "money_cents"),
)

AI_ADJUSTED_CAC: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("customers_acquired", "Customers acquired", "count", short="Acquired"),
    Column(
        "trial_compute_usd",
        "Trial compute of those acquired",
        "money",
        help="Their inference before their first paid month",
        short="Their trials",
    ),
    Column(
        "non_converting_compute_usd",
        "Share of non-converting trials",
        "money",
        help="Inference of customers who never paid, spread over the month's acquisitions",
        short="Never-paid trials",
    ),
    Column(
        "trial_cost_per_customer_usd",
        "Trial cost per acquired customer",
        "money_cents",
        short="Trial cost / customer",
    ),
    Column("cac_usd", "CAC", "money"),
    Column("ai_adjusted_cac_usd", "AI-adjusted CAC", "money"),
    Column("ltv_cac", "LTV:CAC", "ratio"),
    Column("ltv_cac_ai_adjusted", "LTV:AI-adjusted CAC", "ratio", short="LTV:CAC, AI-adjusted"),
    Column("payback_months", "Payback", "months"),
    Column(
        "payback_months_ai_adjusted",
        "Payback on AI-adjusted CAC",
        "months",
        short="Payback, AI-adjusted",
    ),
)

AI_REVENUE_BUCKETS: Final[Table] = (
    Column("bucket", "AI revenue bucket", short="Bucket"),
    Column("total_usd", "Total over the window", "money", short="Total"),
    Column("per_month_usd", "Per month", "money"),
    Column("per_customer_month_usd", "Per customer-month", "money_cents"),
    Column("share_of_mrr", "Share of MRR", "percent"),
    Column(
        "in_ltv",
        "In LTV and margins",
        help="The one bucket segment LTV, feature margins and recommendations count",
        short="In LTV",
    ),
    Column("note", "How it is measured", short="How"),
)

SCORECARD_FEATURES: Final[Table] = (
    Column("feature_id", "Feature", "feature"),
    Column("calls", "Calls", "count"),
    Column("cost_per_call_usd", "Cost per call", "price"),
    Column("revenue_per_call_usd", "Revenue per call", "price"),
    Column(
        "inference_margin_per_call_usd",
        "Inference margin per call",
        "price",
        help="Revenue per call − cost per call, of the revenue allocated to the feature",
        short="Margin / call",
    ),
    Column(
        "tokens_per_dollar",
        "Tokens per dollar",
        "count",
        help="Input + output tokens ÷ the cost of the calls whose tokens are recorded",
    ),
    Column(
        "cost_per_customer_month_usd",
        "Cost per customer-month",
        "money_cents",
        help="The feature's inference ÷ every active customer-month",
        short="Cost / customer-month",
    ),
    Column(
        "outcomes",
        "Successful outcomes",
        "count",
        help="Calls the usage ledger's outcome column marks as successful",
        short="Outcomes",
    ),
    Column("success_rate", "Success rate", "percent", help="Successful outcomes ÷ calls"),
    Column(
        "cost_per_outcome_usd",
        "Cost per outcome",
        "price",
        help="Inference cost ÷ successful outcomes: what a result costs, where cost per call is "
        "what an attempt costs",
        short="Cost / outcome",
    ),
)
"""The last three columns come from the usage ledger's outcome column: the page leaves them out
when it has none (:data:`SCORECARD_OUTCOME_COLUMNS`)."""

SCORECARD_OUTCOME_COLUMNS: Final = ("outcomes", "success_rate", "cost_per_outcome_usd")
"""The scorecard's columns that need an outcome column in the usage ledger."""

SCORECARD_MONTHLY: Final[Table] = (
    Column("month", "Month"),
    Column("feature_id", "Feature", "feature"),
    Column("customer_months", "Customer-months", "count"),
    *SCORECARD_FEATURES[1:],
)

SCORECARD_UNIT_PROFIT: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("lifetime_months", "Expected lifetime", "months", help="1 ÷ the segment's churn"),
    Column(
        "ltv_before_compute_usd",
        "LTV before compute",
        "money_cents",
        help="(ARPA − support − CS) × lifetime",
        short="LTV before compute",
    ),
    Column(
        "model_efficiency_value_usd",
        "Model-efficiency value",
        "money_cents",
        help="Your estimate a month ÷ active customers × lifetime (0 = not set)",
        short="+ Model value",
    ),
    Column(
        "compute_usd",
        "Compute",
        "money_cents",
        help="(Inference + AI infra) per customer-month × lifetime",
        short="− Compute",
    ),
    Column(
        "data_acquisition_usd",
        "Data acquisition",
        "money_cents",
        help="Your estimate a month ÷ active customers × lifetime (0 = not set)",
        short="− Data",
    ),
    Column(
        "model_maintenance_usd",
        "Model maintenance",
        "money_cents",
        help="Your estimate a month ÷ active customers × lifetime (0 = not set)",
        short="− Maintenance",
    ),
    Column(
        "ai_unit_profit_usd",
        "AI unit profit",
        "money_cents",
        help="LTV + model-efficiency value − compute − data acquisition − model maintenance, "
        "per active customer (article 000)",
    ),
    Column(
        "ltv_compute_adjusted_usd",
        "Compute-adjusted LTV",
        "money_cents",
        help="Gross profit ÷ churn: the AI unit profit with the three estimates at 0",
        short="Compute-adj. LTV",
    ),
)
"""AI unit profit per segment (:func:`econ.present.scorecard.unit_profit_table`)."""

RETENTION: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("customers", "Customers acquired", "count"),
    Column("alpha", "α", "parameter"),
    Column("beta", "β", "parameter"),
    Column("log_likelihood", "Log-likelihood", "number"),
    Column("first_month_churn", "Churn at first renewal", "percent", short="1st-renewal churn"),
    Column("discounted_lifetime_months", "Discounted lifetime", "months"),
    Column("ltv_simple_usd", "LTV, simple", "money"),
    Column("ltv_sbg_usd", "LTV, sBG", "money"),
    Column("base_customers", "Paying now", "count"),
    Column(
        "residual_value_usd",
        "Residual value of the base",
        "money",
        "The discounted gross profit today's customers are expected to bring",
        short="Value of the base",
    ),
)

PLAN_COMPARISON: Final[Table] = (
    Column("plan", "Plan", "plan"),
    Column("customers", "Customers", "count"),
    Column("revenue_current_usd", "Revenue now", "money"),
    Column("revenue_simulated_usd", "Revenue simulated", "money"),
    Column("gross_profit_current_usd", "Gross profit now", "money"),
    Column("gross_profit_simulated_usd", "Gross profit simulated", "money"),
    Column("gross_margin_current", "Margin now", "percent"),
    Column("gross_margin_simulated", "Margin simulated", "percent"),
    Column("ltv_compute_adjusted_current_usd", "LTV now", "money"),
    Column("ltv_compute_adjusted_simulated_usd", "LTV simulated", "money"),
)

SEGMENT_COMPARISON: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("customers", "Customers", "count"),
    Column("arpa_current_usd", "ARPA now", "money_cents"),
    Column("arpa_simulated_usd", "ARPA simulated", "money_cents"),
    Column("gross_margin_current", "Margin now", "percent"),
    Column("gross_margin_simulated", "Margin simulated", "percent"),
    Column("ltv_compute_adjusted_current_usd", "LTV now", "money"),
    Column("ltv_compute_adjusted_simulated_usd", "LTV simulated", "money"),
    Column(
        "lost_share",
        "Expected to leave",
        "percent",
        "Customers expected to leave at their new bill",
    ),
    Column(
        "ltv_compute_adjusted_after_response_usd",
        "LTV after response",
        "money",
        "The simulated LTV × the share expected to stay",
    ),
    Column("ltv_cac_current", "LTV:CAC now", "ratio"),
    Column("ltv_cac_simulated", "LTV:CAC simulated", "ratio"),
)

BILLS: Final[Table] = (
    Column("customer_id", "Customer"),
    Column("segment", "Segment", "segment"),
    Column("plan", "Plan", "plan"),
    Column("bill_current_usd", "Bill now (window)", "money_cents"),
    Column("bill_simulated_usd", "Bill simulated", "money_cents"),
    Column("change_usd", "Change", "money_cents"),
    Column("change_share", "Change %", "percent"),
)

BILL_PARTS: Final[Table] = (
    Column("plan", "Plan", "plan"),
    Column("customer_months", "Customer-months", "count"),
    Column("bill_current_usd", "Bill now", "money", "Today's recorded MRR of the plan, per month"),
    Column(
        "base_usd",
        "Base price",
        "money",
        "The simulated base price (else the recorded MRR), per month",
        short="Base",
    ),
    Column("seats_usd", "Seats", "money", "Price per seat × seats billed (at least the minimum)"),
    Column(
        "per_use_usd",
        "Per use and overage",
        "money",
        "Per-use prices from the first use, and overage beyond the allowances",
        short="Per use",
    ),
    Column("tiers_usd", "Tiers", "money", "Graduated or volume tiers on calls or tokens"),
    Column("outcomes_usd", "Outcomes", "money", "Price per successful outcome × outcomes"),
    Column(
        "commitment_usd",
        "Commitment top-up",
        "money",
        "What the prepaid commitment adds above the usage it covers",
        short="Commitment",
    ),
    Column("fair_use_usd", "Fair use", "money", "Inference above the fair-use threshold, billed"),
    Column("discounts_usd", "Discounts", "money", "Volume discounts (negative)"),
    Column("bill_simulated_usd", "Bill simulated", "money", "The sum of the parts, per month"),
    Column(
        "deferred_usd",
        "Deferred",
        "money",
        "Commitment billed but unused and carried over: not revenue of the window",
    ),
)
"""Per plan, per month: what each part of the simulated bill adds
(:data:`econ.decisions.pricing.PARTS_SCHEMA`)."""

FREE_TIER_PLANS: Final[Table] = (
    Column("plan", "Plan", "plan", "A $0 plan, or no revenue row at all"),
    Column("customers", "Customers", "count"),
    Column("customer_months", "Customer-months", "count"),
    Column("calls", "Calls", "count"),
    Column("cost_usd", "Inference cost", "money", "Over the window"),
)
"""The free tier per plan (:data:`econ.decisions.freemium.FREE_PLANS_SCHEMA`)."""

PROJECTION: Final[Table] = (
    Column("month", "Month"),
    Column("segment", "Segment", "segment"),
    Column("customers", "Customers", "number"),
    Column("revenue_current_usd", "Revenue", "money"),
    Column("revenue_simulated_usd", "Revenue (simulated)", "money", short="Revenue (sim.)"),
    Column("inference_current_usd", "Inference cost", "money", short="Inference"),
    Column(
        "inference_simulated_usd", "Inference cost (simulated)", "money", short="Inference (sim.)"
    ),
    Column("gross_profit_current_usd", "Gross profit", "money"),
    Column(
        "gross_profit_simulated_usd",
        "Gross profit (simulated)",
        "money",
        short="Gross profit (sim.)",
    ),
    Column("gross_margin_current", "Margin", "percent"),
    Column("gross_margin_simulated", "Margin (simulated)", "percent", short="Margin (sim.)"),
)

CUSTOMER_MONTHS: Final[Table] = (
    Column("month", "Month"),
    Column("plan", "Plan", "plan"),
    Column("segment", "Segment", "segment"),
    Column("calls", "Calls", "count"),
    Column("revenue_usd", "Revenue (MRR)", "money_cents"),
    Column("inference_usd", "Inference cost", "money_cents", short="Inference"),
    Column(
        "burdens_usd",
        "AI infra + support + CS",
        "money_cents",
        "The cost burdens of the customer-month besides inference",
        short="Other costs",
    ),
    Column(
        "gross_profit_usd",
        "Gross profit",
        "money_cents",
        "Revenue − inference − AI infra − support − CS",
    ),
    Column("gross_margin", "Margin", "percent"),
    Column(
        "simulated_bill_usd",
        "Simulated bill",
        "money_cents",
        "What the scenario's price book would have billed this month",
    ),
)

CUSTOMER_HISTORY: Final[Table] = (
    Column("from_month", "From"),
    Column("to_month", "To"),
    Column("months", "Months", "count"),
    Column("plan", "Plan", "plan"),
    Column("segment", "Segment", "segment"),
)

CUSTOMER_FEATURES: Final[Table] = (
    Column("feature_id", "Feature", "feature"),
    Column("calls", "Calls", "count"),
    Column("cost_usd", "Inference cost", "money_cents", "Over the window"),
    Column(
        "cost_per_month_usd",
        "Cost / active month",
        "money_cents",
        "Inference cost ÷ the customer's active months",
        short="Cost / month",
    ),
    Column(
        "plan_median_usd",
        "Plan median / month",
        "money_cents",
        "The median customer of its latest plan: cost per month on the plan ($0 if unused)",
        short="Plan median",
    ),
    Column(
        "ratio_to_median",
        "× plan median",
        "ratio",
        "Cost / active month ÷ the plan's median; blank when the median is $0",
    ),
    Column("inference_share", "Share of its inference", "percent", short="Share"),
)

COMPANY_MONTHS: Final[Table] = (
    Column("month", "Month"),
    Column("revenue_usd", "Revenue", "money"),
    Column("inference_usd", "Inference cost", "money", short="Inference"),
    Column("inference_share", "Inference share", "percent", "Inference cost ÷ revenue"),
    Column(
        "gross_profit_usd",
        "Gross profit",
        "money",
        "Revenue − inference − AI infra − support − CS",
    ),
    Column("gross_margin", "Gross margin", "percent", short="Margin"),
    Column("customers", "Customers", "count", "Paying customers active in the month"),
    Column(
        "new_customers",
        "New customers",
        "count",
        "First active month in the window; blank in the window's first month",
        short="New",
    ),
    Column(
        "returning_customers",
        "Returning customers",
        "count",
        "Back after a pause: active now, not the month before, but earlier in the window",
        short="Returning",
    ),
    Column(
        "churned_customers",
        "Churned customers",
        "count",
        "Active the month before and not this month",
        short="Churned",
    ),
)

COMPANY_SPIRAL: Final[Table] = (
    Column("month", "Month"),
    Column("feature_id", "Feature", "feature"),
    Column("cost_growth", "Cost growth", "percent", "Inference cost against the month before"),
    Column(
        "revenue_growth",
        "Revenue growth",
        "percent",
        "Revenue allocated to the feature against the month before",
    ),
    Column(
        "growth_gap",
        "Cost growth − revenue growth",
        "percent",
        "In percentage points: how much faster cost grew than revenue",
        short="Gap",
    ),
    Column("cost_usd", "Inference cost", "money", short="Cost"),
    Column("revenue_usd", "Revenue", "money"),
)

COMPANY_SPIRAL_TRENDS: Final[Table] = (
    Column("name", "Feature or cohort"),
    Column(
        "cost_growth",
        "Cost growth a month",
        "percent",
        "Inference cost per customer-month, log-linear trend over the last N months",
        short="Cost growth",
    ),
    Column(
        "revenue_growth",
        "Revenue growth a month",
        "percent",
        "Revenue (allocated, for a feature) per customer-month, log-linear trend over the last "
        "N months",
        short="Revenue growth",
    ),
    Column(
        "started",
        "Spiral since",
        help="The first month of the latest run of months where "
        "cost per customer-month grew faster than revenue month over month",
    ),
    Column("margin_now", "Margin now", "percent", "The trends' margin after inference today"),
    Column("margin_6", "Margin in 6 months", "percent", short="In 6 months"),
    Column("margin_12", "Margin in 12 months", "percent", short="In 12 months"),
    Column(
        "at_stake_usd",
        "Gross profit a month lost in 6 months",
        "money",
        "Against a cost that kept pace with its revenue, at today's customer-months",
        short="At stake",
    ),
)

_VS: Final = "against the baseline"

COMPARE_TOTALS: Final[Table] = (
    Column("scenario", "Scenario"),
    Column(
        "role",
        "Role",
        help="The baseline every other option is measured against, and "
        "the option with the most gross profit once the customers expected to leave go",
    ),
    Column("revenue_usd", "Revenue / month", "money", short="Revenue"),
    Column("revenue_change_usd", "Revenue change", "money_change", _VS, short="Δ revenue"),
    Column("inference_usd", "Inference / month", "money", short="Inference"),
    Column("inference_change_usd", "Inference change", "money_change", _VS, short="Δ inference"),
    Column(
        "gross_profit_usd",
        "Gross profit / month",
        "money",
        "Revenue − inference − AI infra − support − CS, per month of the window",
        short="Gross profit",
    ),
    Column(
        "gross_profit_change_usd",
        "Gross profit change",
        "money_change",
        _VS,
        short="Δ gross profit",
    ),
    Column("gross_margin", "Gross margin", "percent", short="Margin"),
    Column(
        "gross_margin_change",
        "Margin change",
        "points",
        f"In percentage points, {_VS}",
        short="Δ margin",
    ),
    Column(
        "customers_expected_lost",
        "Expected to leave",
        "number",
        "Customers expected to leave at their new bill (the option's customer response)",
    ),
    Column(
        "gross_profit_after_response_usd",
        "Gross profit after response / month",
        "money",
        "Gross profit a month less what the customers expected to leave bring",
        short="GP after response",
    ),
    Column(
        "gross_profit_after_response_change_usd",
        "Gross profit after response, change",
        "money_change",
        _VS,
        short="Δ GP after response",
    ),
)

COMPARE_MONTHLY: Final[Table] = (
    Column("month", "Month"),
    Column("scenario", "Scenario"),
    Column("revenue_usd", "Revenue", "money"),
    Column("inference_usd", "Inference cost", "money", short="Inference"),
    Column("gross_profit_usd", "Gross profit", "money"),
    Column("gross_margin", "Gross margin", "percent", short="Margin"),
    Column(
        "gross_profit_change_usd",
        "Gross profit change",
        "money_change",
        f"{_VS}, the same month",
        short="Δ gross profit",
    ),
)

COMPARE_SEGMENTS: Final[Table] = (
    Column("segment", "Segment", "segment"),
    Column("scenario", "Scenario"),
    Column("customers", "Customers", "count"),
    Column("gross_margin", "Gross margin", "percent", short="Margin"),
    Column(
        "gross_margin_change",
        "Margin change",
        "points",
        f"In percentage points, {_VS}",
        short="Δ margin",
    ),
    Column(
        "ltv_simple_usd",
        "LTV, simple",
        "money",
        "Compute-adjusted: monthly gross profit ÷ monthly churn",
    ),
    Column("ltv_simple_change_usd", "LTV, simple: change", "money_change", _VS, short="Δ"),
    Column("ltv_cac_simple", "LTV:CAC, simple", "ratio"),
    Column(
        "ltv_cac_simple_change",
        "LTV:CAC, simple: change",
        "ratio_change",
        _VS,
        short="Δ LTV:CAC",
    ),
    Column(
        "ltv_sbg_usd",
        "LTV, sBG",
        "money",
        "Monthly gross profit × the discounted expected lifetime of the segment's fitted "
        "shifted-beta-geometric retention curve; blank without a fit",
    ),
    Column("ltv_sbg_change_usd", "LTV, sBG: change", "money_change", _VS, short="Δ sBG"),
    Column("ltv_cac_sbg", "LTV:CAC, sBG", "ratio"),
    Column(
        "ltv_cac_sbg_change",
        "LTV:CAC, sBG: change",
        "ratio_change",
        _VS,
        short="Δ LTV:CAC sBG",
    ),
    Column("cac_usd", "CAC", "money"),
    Column(
        "ltv_method",
        "LTV method in use",
        help="The method the option's scenario reads LTV with (its other pages and LTV:CAC)",
        short="Method in use",
    ),
)

COMPARE_PLANS: Final[Table] = (
    Column("plan", "Plan", "plan"),
    Column("scenario", "Scenario"),
    Column("revenue_usd", "Revenue / month", "money", short="Revenue"),
    Column("revenue_change_usd", "Revenue change", "money_change", _VS, short="Δ revenue"),
    Column("gross_profit_usd", "Gross profit / month", "money", short="Gross profit"),
    Column(
        "gross_profit_change_usd",
        "Gross profit change",
        "money_change",
        _VS,
        short="Δ gross profit",
    ),
    Column("gross_margin", "Gross margin", "percent", short="Margin"),
    Column(
        "gross_margin_change",
        "Margin change",
        "points",
        f"In percentage points, {_VS}",
        short="Δ margin",
    ),
)

COMPARE_BILLS: Final[Table] = (
    Column("scenario", "Scenario"),
    Column("customers", "Customers", "count"),
    Column("paying_more", "Paying more", "count"),
    Column("paying_less", "Paying less", "count"),
    Column(
        "at_risk",
        "Churn risk",
        "count",
        "Customers whose bill rises by more than the option's churn-risk threshold",
    ),
    Column(
        "at_risk_threshold",
        "Risk above",
        "percent",
        "The option's churn-risk threshold: a rise above it puts a customer at risk",
    ),
    Column(
        "change_p10",
        "Change p10",
        "percent",
        "The 10th percentile of the change of each customer's bill over the window against "
        "the baseline's, as a share of it",
        short="p10",
    ),
    Column("change_p50", "Change p50", "percent", "The median change", short="p50"),
    Column("change_p90", "Change p90", "percent", "The 90th percentile", short="p90"),
    Column(
        "change_max",
        "Largest change",
        "percent",
        "The largest rise (or smallest fall)",
        short="Max",
    ),
    Column(
        "change_usd",
        "Bills change / month",
        "money_change",
        f"Every customer's bill, summed, {_VS}, per month",
        short="Δ bills / month",
    ),
)

COMPARE_AFFECTED: Final[Table] = (
    Column("customer_id", "Customer"),
    Column("segment", "Segment", "segment"),
    Column("plan", "Plan", "plan"),
    Column("bill_baseline_usd", "Bill, baseline (window)", "money_cents", short="Baseline bill"),
    Column("bill_usd", "Bill, this option (window)", "money_cents", short="Bill"),
    Column("change_usd", "Change", "money_change"),
    Column("change_share", "Change %", "percent"),
)

LAUNCH_ESTIMATE: Final[Table] = (
    Column("plan", "Plan", "plan"),
    Column("uses", "Uses / customer-month", "number", short="Uses / month"),
    Column("cost_usd", "Cost / customer-month", "money_cents", short="Cost / month"),
    Column(
        "revenue_usd",
        "Allocated revenue / customer-month",
        "money_cents",
        help="The value weight's share of the plan's revenue per customer-month",
        short="Revenue / month",
    ),
    Column("gross_profit_usd", "Gross profit / customer-month", "money_cents", short="Profit"),
    Column("gross_margin", "Feature margin", "percent"),
    Column("status", "Status", "status"),
    Column("plan_margin_before", "Plan margin before", "percent"),
    Column("plan_margin_after", "Plan margin after", "percent"),
    Column("ltv_before_usd", "Compute-adjusted LTV before", "money", short="LTV before"),
    Column("ltv_after_usd", "Compute-adjusted LTV after", "money", short="LTV after"),
    Column(
        "included_uses",
        "Included uses",
        "count",
        help="The allowance a recommendation would set at the category's target margin",
    ),
    Column("overage_usd", "Overage / use", "price"),
    Column(
        "minimum_price_usd",
        "Lowest plan price at target",
        "money_cents",
        help="The plan price at which the feature meets its target margin",
        short="Price at target",
    ),
)
"""A new feature's pre-launch estimate per plan (:func:`econ.decisions.estimate.estimate`)."""

TABLES: Final[dict[str, Table]] = {
    "segments": SEGMENTS,
    "features": FEATURES,
    "features_by_plan": FEATURES_BY_PLAN,
    "loss_makers": LOSS_MAKERS,
    "retention": RETENTION,
    "plan_comparison": PLAN_COMPARISON,
    "segment_comparison": SEGMENT_COMPARISON,
    "bills": BILLS,
    "bill_parts": BILL_PARTS,
    "free_tier_plans": FREE_TIER_PLANS,
    "projection": PROJECTION,
    "company_months": COMPANY_MONTHS,
    "company_spiral": COMPANY_SPIRAL,
    "company_spiral_trends": COMPANY_SPIRAL_TRENDS,
    "customer_months": CUSTOMER_MONTHS,
    "customer_history": CUSTOMER_HISTORY,
    "customer_features": CUSTOMER_FEATURES,
    "compare_totals": COMPARE_TOTALS,
    "compare_monthly": COMPARE_MONTHLY,
    "compare_segments": COMPARE_SEGMENTS,
    "compare_plans": COMPARE_PLANS,
    "compare_bills": COMPARE_BILLS,
    "compare_affected": COMPARE_AFFECTED,
    "ai_adjusted_cac": AI_ADJUSTED_CAC,
    "ai_revenue_buckets": AI_REVENUE_BUCKETS,
    "scorecard_features": SCORECARD_FEATURES,
    "scorecard_monthly": SCORECARD_MONTHLY,
    "scorecard_unit_profit": SCORECARD_UNIT_PROFIT,
    "launch_estimate": LAUNCH_ESTIMATE,
}
"""Every table by name (the tests check each against the frame that fills it)."""
