"""Revenue lines: the shared reading of subscriptions and invoice lines.

A revenue layout (see :mod:`econ.inputs.imports.layout`) reads its file into :class:`Lines`, each an
amount in dollars over a run of months, with the helpers here; :mod:`econ.inputs.imports.revenue`
spreads them into customer-months.

- A **subscription** (:func:`subscription_lines`) brings amount × quantity per interval, as MRR,
  from the month it (or its trial's end) starts through the month before it ended (a month
  counts when it began before the end), or through ``through`` while it runs.
- An **invoice line** (:func:`period_lines`) covers its service period: an annual line counts a
  twelfth in each of its twelve months.

Seats (:data:`econ.schema.SEATS`): a line may carry its quantity (:data:`QUANTITY`; a
subscription item's or a recurring invoice line's ``quantity``, in Stripe's API reference the
number of units of the price the line bills). A line's quantity holds in every month it covers
(an annual line of 10 seats is 10 seats a month), and a customer-month's seats are the sum, over
the subscription items (:data:`SEAT_KEY`) of its lines *of its plan* (the plan of its largest
line; with AI lines tagged, of the lines on the same side as that one), of the quantity of each
item's largest line that month: two subscriptions of the plan add up, the trial line and the
first paid line of one item count once, and an add-on's quantity is not counted as seats. Lines
without a quantity (a layout without one, one-off items, prorations) count for none; a
customer-month none of whose plan's lines has one has no seat count (null).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl

from econ import schema as s
from econ.errors import InputError, Problem
from econ.inputs.imports.fields import Fields
from econ.inputs.imports.layout import ROW, Check, Lines, RevenueContext, Tally

BILLING_INTERVAL: Final = "billing_interval"
MONTHS_PER: Final = {"month": 1.0, "year": 12.0, "week": 12 / 52, "day": 12 / 365}
"""Months per billing interval, to turn a price per interval into a price per month."""
_MONTH_DAYS: Final = 365.25 / 12
QUANTITY: Final = "_quantity"
"""A line's quantity (its seats), when the layout and the line give one."""
SEAT_KEY: Final = "_seat_key"
"""What a line's quantity belongs to (a subscription item): lines of one key in one month (a
trial's line and the first paid one) count its quantity once."""
_LINE_COLUMNS: Final = (
    ROW,
    s.CUSTOMER_ID,
    s.PLAN,
    "_amount",
    "_first",
    "_months",
    BILLING_INTERVAL,
)
"""A line's columns once it has its months: what every layout's lines are made of."""


def month_of(value: str) -> dt.date:
    """``"2026-09"`` → the 1st of that month."""
    year, month = value.split("-")
    return dt.date(int(year), int(month), 1)


def running_through(through: str | None) -> dt.date:
    """The last month running subscriptions are counted in (default: this month)."""
    if through:
        return month_of(through)
    today = dt.datetime.now(dt.UTC).date()
    return today.replace(day=1)


def unreadable(raw: pl.Expr, parsed: pl.Expr) -> pl.Expr:
    """Rows whose raw value is given but could not be read."""
    text = raw.cast(pl.String).str.strip_chars()
    return text.is_not_null() & (text != "") & parsed.is_null()


def subscription_lines(
    rows: pl.LazyFrame,
    fields: Fields,
    context: RevenueContext,
    *,
    customer: tuple[str, ...],
    plan: tuple[str, ...],
    amount: tuple[str, ...],
    quantity: tuple[str, ...],
    interval: tuple[str, ...],
    interval_count: tuple[str, ...],
    start: tuple[str, ...],
    end: tuple[str, ...],
    trial_end: tuple[str, ...] = (),
    keep: pl.Expr | None = None,
    ended: pl.Expr | None = None,
    tallies: tuple[Tally, ...] = (),
    notes: tuple[str, ...] = (),
) -> Lines:
    """Subscriptions as lines: amount × quantity per interval, as MRR, from the month the
    subscription (or its trial's end) starts through the month before it ended, or through
    ``context.through`` while it runs.

    ``end`` paths are tried in order (e.g. the date it ended, then the date it was canceled);
    ``ended`` replaces them when the end needs more than the first date given (say, a cancel
    date that counts only once the subscription's status says it ended). ``keep`` selects the
    rows that are subscriptions to count; ``tallies`` report the others.
    """
    label = context.label
    checks: list[Check] = []
    for role, paths in (("customer", customer), ("amount", amount), ("start", start)):
        if not fields.has(*paths):
            raise InputError(
                [
                    Problem(
                        label,
                        paths[0],
                        f"is needed to read subscriptions (the {role}), and the file lacks it",
                    )
                ]
            )
    interval_text = fields.text(*interval).str.strip_chars().str.to_lowercase()
    unit, written_count = interval_parts(interval_text)
    given = interval_text.is_not_null() & (interval_text != "")
    per = (
        pl.when(given)
        .then(unit)
        .otherwise(pl.lit("month"))
        .replace_strict(MONTHS_PER, default=None)
    )
    count = pl.coalesce(fields.number(*interval_count), written_count, pl.lit(1.0))
    seats = fields.number(*quantity).fill_null(1.0)
    amount_value = fields.number(*amount) / context.divisor
    per_month = amount_value * seats / (per * count)
    started = fields.time(*start)
    if trial_end:
        trial = fields.time(*trial_end)
        started = pl.max_horizontal(started, trial.fill_null(started))
    if ended is None:
        ended = pl.coalesce([fields.time(path) for path in end]) if end else pl.lit(None)
    last_open = running_through(context.through)
    first = started.dt.month_start().cast(pl.Date)
    last = (
        pl.when(ended.is_not_null())
        .then((ended - pl.duration(microseconds=1)).dt.month_start().cast(pl.Date))
        .otherwise(pl.lit(last_open))
    )
    checks += [
        Check(
            fields.found(*start) or start[0],
            "must be a date the subscription started (e.g. 2026-03-02)",
            unreadable(fields.text(*start), fields.time(*start)),
        ),
        Check(
            fields.found(*amount) or amount[0],
            "must be a number (the price per interval)",
            unreadable(fields.text(*amount), fields.number(*amount)),
        ),
        Check(
            fields.found(*customer) or customer[0],
            "must name the customer",
            fields.text(*customer).fill_null("").str.strip_chars() == "",
        ),
        *(
            Check(
                fields.found(path) or path,
                "must be a date (e.g. 2026-03-02)",
                unreadable(fields.text(path), fields.time(path)),
            )
            for path in (*end, *trial_end)
            if fields.has(path)
        ),
    ]
    if fields.has(*interval):
        checks.append(
            Check(
                fields.found(*interval) or interval[0],
                f"must be one of {', '.join(MONTHS_PER)}",
                given & per.is_null(),
            )
        )
    selected = rows.filter(keep) if keep is not None else rows
    quantities = (
        [fields.number(*quantity).alias(QUANTITY), pl.col(ROW).cast(pl.String).alias(SEAT_KEY)]
        if fields.has(*quantity)
        else []
    )
    frame = selected.select(
        ROW,
        fields.text(*customer).alias(s.CUSTOMER_ID),
        plan_expr(fields, plan).alias(s.PLAN),
        per_month.alias("_per_month"),
        first.alias("_first"),
        last.alias("_last"),
        pl.when(given).then(unit).otherwise(pl.lit("month")).alias(BILLING_INTERVAL),
        ended.is_null().alias("_running"),
        *quantities,
    ).collect()
    months = (
        (pl.col("_last").dt.year() - pl.col("_first").dt.year()) * 12
        + pl.col("_last").dt.month().cast(pl.Int32)
        - pl.col("_first").dt.month().cast(pl.Int32)
        + 1
    ).clip(lower_bound=0)
    frame = frame.with_columns(months.alias("_months")).with_columns(
        (pl.col("_per_month") * pl.col("_months")).alias("_amount")
    )
    running = frame.filter(pl.col("_running") & (pl.col("_months") > 0)).height
    warnings: tuple[str, ...] = ()
    if running:
        warnings = (
            f"{running:,} subscriptions still running are counted through {last_open:%Y-%m}"
            + (" (the usage ledger's last month)" if context.through else " (this month)"),
        )
    return Lines(
        frame.select(*_LINE_COLUMNS, *([QUANTITY, SEAT_KEY] if quantities else [])),
        notes=notes,
        warnings=warnings,
        checks=tuple(checks),
        tallies=tallies,
    )


def period_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Invoice-style lines (``row, customer_id, plan, _amount, _start, _end, _interval``, and
    :data:`QUANTITY` when known) with their months: the period's length in months (at least
    one), from the month it starts; the billing interval is ``_interval`` where known, else told
    from that length."""
    days = (pl.col("_end") - pl.col("_start")).dt.total_seconds() / 86_400
    months = (days / _MONTH_DAYS).round(0).clip(lower_bound=1).cast(pl.Int64)
    inferred = pl.when(months >= 12).then(pl.lit("year")).otherwise(pl.lit("month"))
    return frame.with_columns(
        pl.col("_start").dt.month_start().cast(pl.Date).alias("_first"),
        months.fill_null(1).alias("_months"),
        pl.coalesce(pl.col("_interval"), inferred).alias(BILLING_INTERVAL),
    ).select(*_LINE_COLUMNS, *(c for c in frame.columns if c in (QUANTITY, SEAT_KEY)))


def interval_parts(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """A billing interval as written (``month``, ``Monthly``, ``3 months``, ``every 2 weeks``)
    as its unit (``day``/``week``/``month``/``year``, null if unreadable) and its count (null
    when the text gives none)."""
    clean = text.str.strip_chars().str.to_lowercase()
    unit = clean.str.extract(r"(day|week|month|year|annual|quarter)", 1).replace({"annual": "year"})
    quarter = unit == "quarter"
    count = clean.str.extract(r"(\d+)", 1).cast(pl.Float64, strict=False)
    return (
        pl.when(quarter).then(pl.lit("month")).otherwise(unit),
        pl.when(quarter).then(3.0 * count.fill_null(1.0)).otherwise(count),
    )


def plan_expr(fields: Fields, paths: tuple[str, ...], *more: pl.Expr) -> pl.Expr:
    """The first of the plan paths (then ``more``) with a value in the row; ``"subscription"``
    when none has one."""
    found = [fields.text(path) for path in paths if fields.has(path)]
    cleaned = [
        pl.when(expr.str.strip_chars() == "").then(None).otherwise(expr) for expr in [*found, *more]
    ]
    return pl.coalesce([*cleaned, pl.lit("subscription")])


MAX_CUSTOMER_MONTHS: Final = 5_000_000
"""The most customer-months invoice or subscription lines may be spread over (50,000
customers over eight years): a line per customer starting in 1990 would otherwise become
hundreds of rows each, gigabytes from a small file."""


def months_covered(lines: pl.DataFrame) -> int:
    """How many customer-month rows :func:`spread` would make of ``lines``."""
    return int(lines.select(pl.col("_months").clip(0, None).cast(pl.Int64).sum()).item() or 0)


AI_LINE: Final = "_ai_line"
"""Whether a line is AI revenue (:attr:`~econ.inputs.imports.spec.ImportSpec.ai_lines`)."""


def tag_ai_lines(lines: pl.DataFrame, pattern: str | None) -> pl.DataFrame:
    """Lines with :data:`AI_LINE`: whether their plan matches ``pattern`` (case-insensitive);
    unchanged when there is no pattern."""
    if pattern is None:
        return lines
    matches = pl.col(s.PLAN).str.contains(f"(?i){pattern}").fill_null(False)
    return lines.with_columns(matches.alias(AI_LINE))


def spread(lines: pl.DataFrame, last: dt.date | None = None) -> pl.DataFrame:
    """One row per line per month it covers, each with its share of the amount (months after
    ``last`` left out); an AI line's share is also its month's direct AI revenue. A line's
    currency, when it has one, goes with each share (they are converted month by month)."""
    extra = [
        c for c in lines.columns if c in (BILLING_INTERVAL, AI_LINE, QUANTITY, SEAT_KEY, s.CURRENCY)
    ]
    out = (
        lines.filter(pl.col("_months") > 0)
        .with_columns(pl.int_ranges(0, pl.col("_months")).alias("_offset"))
        .explode("_offset")
        .select(
            ROW,
            s.CUSTOMER_ID,
            s.PLAN,
            pl.col("_first").dt.offset_by(pl.format("{}mo", pl.col("_offset"))).alias(s.MONTH),
            (pl.col("_amount") / pl.col("_months")).round(6).alias(s.MRR_USD),
            *extra,
        )
    )
    return out if last is None else out.filter(pl.col(s.MONTH) <= last)


def customer_months(rows: pl.DataFrame) -> pl.LazyFrame:
    """Sum each customer-month; its plan (and interval) is that of its largest line. With AI
    lines tagged, the month's AI lines add up to its ``ai_revenue_usd`` and its plan is that of
    its largest other line (an AI add-on is not the plan), or of its largest AI line when it
    has no other. With quantities, its ``seats`` are those of its plan's lines (see the
    module's docstring)."""
    extra = [c for c in rows.columns if c == BILLING_INTERVAL]
    tagged = AI_LINE in rows.columns
    seats = [_plan_seats(tagged).alias(s.SEATS)] if QUANTITY in rows.columns else []
    first = [AI_LINE] if tagged else []
    ai = (
        [
            pl.when(pl.col(AI_LINE))
            .then(pl.col(s.MRR_USD))
            .otherwise(0.0)
            .sum()
            .alias(s.AI_REVENUE_USD)
        ]
        if tagged
        else []
    )
    return (
        rows.sort(
            s.CUSTOMER_ID,
            s.MONTH,
            *first,
            s.MRR_USD,
            ROW,
            descending=[False, False, *(False for _ in first), True, False],
        )
        .group_by(s.CUSTOMER_ID, s.MONTH, maintain_order=True)
        .agg(
            pl.col(ROW).first(),
            pl.col(s.MRR_USD).sum(),
            pl.col(s.PLAN).first(),
            *ai,
            *(pl.col(c).first() for c in extra),
            *seats,
        )
        .select(
            ROW,
            s.CUSTOMER_ID,
            s.MONTH,
            s.MRR_USD,
            s.PLAN,
            *((s.AI_REVENUE_USD,) if tagged else ()),
            *extra,
            *((s.SEATS,) if seats else ()),
        )
        .lazy()
    )


def _plan_seats(tagged: bool) -> pl.Expr:
    """In a customer-month's group, its lines sorted largest first: the sum, over the seat keys
    of the lines of the plan of its first line (and, with AI lines tagged, on the same side of
    that tag), of the quantity of each key's first line that has one; null when none has."""
    same = pl.col(s.PLAN) == pl.col(s.PLAN).first()
    if tagged:
        same = same & (pl.col(AI_LINE) == pl.col(AI_LINE).first())
    known = pl.col(QUANTITY).is_not_null()
    first_of_key = pl.struct(pl.col(SEAT_KEY), known).is_first_distinct()
    quantity = pl.col(QUANTITY).filter(same & known & first_of_key)
    return pl.when(quantity.count() > 0).then(quantity.sum()).otherwise(None)
