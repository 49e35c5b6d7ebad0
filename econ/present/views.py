"""Chart- and table-ready views of a report: sorting, stacking and binning, tested here so the
app's chart builders only draw.

Every frame returned is explicitly sorted: polars' streaming engine does not keep row order, and
a chart fed rows in a different order each run would reshuffle on every slider move.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ import schema as s
from econ.inputs.ingest import Dataset
from econ.measures import LTV_CAC_BENCHMARK, compute_burdens, gross_profit
from econ.model.customer_months import (
    INFERENCE_USD,
    CustomerMonths,
    Window,
    list_prices,
    per_customer,
)
from econ.model.features import feature_table
from econ.model.report import Report
from econ.present.labels import feature_label, labelled, segment_label

TRADITIONAL: Final = "Traditional LTV"
COMPUTE_ADJUSTED: Final = "Compute-adjusted LTV"


ALL_CUSTOMERS: Final = "All customers"


NET_LABEL: Final = "Net gross profit"
"""The last bar of the margin stack: every feature's gross profit added up."""

STACK_SCHEMA: Final = pl.Schema(
    {
        "group": pl.String(),
        "order": pl.Int64(),
        "feature_id": pl.String(),
        "label": pl.String(),
        "gross_profit_usd": pl.Float64(),
        "start_usd": pl.Float64(),
        "end_usd": pl.Float64(),
        "kind": pl.String(),
    }
)
"""The margin stack as a waterfall: one step per feature, then the net (``kind`` ``"total"``)."""

STACK_KINDS: Final = ("profit", "loss", "total")


def distinct_labels(ids: Iterable[str], label: Callable[[str], str]) -> dict[str, str]:
    """Each id → its label; ids whose labels collide (``deep_research`` and ``deep-research``
    both read "Deep research") keep their id beside it, so a chart still has one row each."""
    unique = sorted(set(ids))
    named = {identifier: label(identifier) for identifier in unique}
    seen: dict[str, int] = {}
    for text in named.values():
        seen[text] = seen.get(text, 0) + 1
    return {
        identifier: text if seen[text] == 1 else f"{text} ({identifier})"
        for identifier, text in named.items()
    }


def margin_stack(features: pl.DataFrame, *, by: str | None = None) -> pl.DataFrame:
    """The margin stack of article 002 ("Step 4: Visualize the Margin Stack") as a waterfall.

    Features are sorted by gross profit contribution, highest first; each one is a step from
    the running total before it (``start_usd``) to the running total after it (``end_usd``), so
    the profitable features climb and the loss-makers bring the total back down. The last row
    of each group (``kind`` ``"total"``, ``label`` :data:`NET_LABEL`) runs from zero to the sum,
    the company's gross profit over the window. Returns :data:`STACK_SCHEMA` sorted by group and
    ``order``; ``group`` is the ``by`` column's value, or ``"All customers"`` without ``by``;
    ``label`` is the feature's name in words (:func:`econ.present.labels.feature_label`).
    """
    group = pl.col(by).cast(pl.String) if by else pl.lit(ALL_CUSTOMERS)
    profit = pl.col("gross_profit_usd")
    names = distinct_labels(features[s.FEATURE_ID].to_list(), feature_label)
    steps = (
        features.select(
            group.alias("group"), pl.col(s.FEATURE_ID), profit.cast(pl.Float64).fill_null(0.0)
        )
        .sort("group", "gross_profit_usd", s.FEATURE_ID, descending=[False, True, False])
        .with_columns(
            profit.cum_sum().over("group").alias("end_usd"),
            pl.int_range(pl.len(), dtype=pl.Int64).over("group").alias("order"),
            pl.col(s.FEATURE_ID).replace_strict(names, return_dtype=pl.String).alias("label"),
            pl.when(profit < 0).then(pl.lit("loss")).otherwise(pl.lit("profit")).alias("kind"),
        )
        .with_columns((pl.col("end_usd") - profit).alias("start_usd"))
    )
    totals = steps.group_by("group").agg(
        pl.len().cast(pl.Int64).alias("order"),
        pl.lit(None, dtype=pl.String).alias(s.FEATURE_ID),
        pl.lit(NET_LABEL).alias("label"),
        profit.sum().alias("gross_profit_usd"),
        pl.lit(0.0).alias("start_usd"),
        profit.sum().alias("end_usd"),
        pl.lit("total").alias("kind"),
    )
    columns = STACK_SCHEMA.names()
    return (
        pl.concat([steps.select(columns), totals.select(columns)])
        .cast(dict(STACK_SCHEMA))  # type: ignore[arg-type]
        .sort("group", "order")
    )


def net_gross_profit(features: pl.DataFrame, *, by: str | None = None) -> pl.DataFrame:
    """What each margin stack adds up to: ``group, net_usd, gains_usd, losses_usd``.

    ``gains_usd`` is the profitable features' gross profit, ``losses_usd`` the loss-makers'
    loss (a positive number): whether the first covers the second is which features fund which
    (article 002, "What is the margin stack").
    """
    group = pl.col(by).cast(pl.String) if by else pl.lit(ALL_CUSTOMERS)
    profit = pl.col("gross_profit_usd")
    return (
        features.group_by(group.alias("group"))
        .agg(
            profit.sum().alias("net_usd"),
            profit.filter(profit > 0).sum().alias("gains_usd"),
            (-profit.filter(profit < 0).sum()).alias("losses_usd"),
        )
        .sort("group")
    )


def feature_rows(features: pl.DataFrame) -> pl.DataFrame:
    """The feature table as a reader sees it: ``features`` with the feature, its category and
    its status in words (:mod:`econ.present.labels`), rows in the report's order."""
    names = distinct_labels(features[s.FEATURE_ID].to_list(), feature_label)
    return (
        features.with_columns(pl.col(s.FEATURE_ID).replace_strict(names, return_dtype=pl.String))
        .pipe(labelled, "category")
        .pipe(labelled, "status")
    )


MARGIN_CLIP: Final = 1.0
"""The band chart's margin axis runs from −100% to +100%; a margin beyond is drawn at the edge."""

BAND_SCHEMA: Final = pl.Schema(
    {
        "order": pl.Int64(),
        "feature_id": pl.String(),
        "feature": pl.String(),
        "category": pl.String(),
        "status": pl.String(),
        "gross_margin": pl.Float64(),
        "margin_shown": pl.Float64(),
        "clipped": pl.Boolean(),
        "band_low": pl.Float64(),
        "band_high": pl.Float64(),
        "act_below": pl.Float64(),
    }
)


def margin_bands(features: pl.DataFrame) -> pl.DataFrame:
    """One row per feature for the band chart, in the margin stack's order (gross profit,
    highest first): its margin against its category's target band and action threshold
    (README, Feature status). ``feature``, ``category`` and ``status`` are words
    (:mod:`econ.present.labels`); ``margin_shown`` is the margin clipped to ±
    :data:`MARGIN_CLIP` (``clipped`` says so). Returns :data:`BAND_SCHEMA`."""
    names = distinct_labels(features[s.FEATURE_ID].to_list(), feature_label)
    margin = pl.col("gross_margin")
    ordered = features.sort("gross_profit_usd", s.FEATURE_ID, descending=[True, False])
    return (
        ordered.with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("order"),
            pl.col(s.FEATURE_ID).replace_strict(names, return_dtype=pl.String).alias("feature"),
            margin.clip(-MARGIN_CLIP, MARGIN_CLIP).alias("margin_shown"),
            (margin.abs() > MARGIN_CLIP).fill_null(False).alias("clipped"),
        )
        .pipe(labelled, "category")
        .pipe(labelled, "status")
        .select(BAND_SCHEMA.names())
        .cast(dict(BAND_SCHEMA))  # type: ignore[arg-type]
        .sort("order")
    )


NO_CHURN_NOTE: Final = "No churn observed:\nLTV is undefined —\nset a churn assumption"
NO_ESTIMATE_NOTE: Final = "Churn cannot be estimated\nfrom one month:\nset a churn assumption"
"""What the LTV chart says in place of a bar it cannot draw (README, Definitions: LTV is
undefined when churn is 0 or unknown); lines are split at ``\n``."""


def _segment_names(segments: pl.DataFrame, segment_by: str) -> pl.Expr:
    names = {
        name: segment_label(name, segment_by)
        for name in segments["segment"].unique().drop_nulls().to_list()
    }
    return pl.col("segment").replace_strict(names, default=None, return_dtype=pl.String)


def ltv_bars(segments: pl.DataFrame, *, segment_by: str = s.USAGE_TIER) -> pl.DataFrame:
    """Traditional and compute-adjusted LTV per segment, long form, in the table's order.

    Columns ``segment, label, order, view, ltv_usd, ltv_cac, note``: ``label`` is the
    segment's name in words (:func:`econ.present.labels.segment_label` for ``segment_by``).
    A segment whose LTV is undefined keeps its rows with ``ltv_usd`` null and a ``note``
    saying why (:data:`NO_CHURN_NOTE`, :data:`NO_ESTIMATE_NOTE`), so the chart can say it
    where the bar would be.
    """
    ordered = segments.with_row_index("order").with_columns(
        pl.col("order").cast(pl.Int64), _segment_names(segments, segment_by).alias("label")
    )
    churn = pl.col("churn")
    note = (
        pl.when(pl.col("ltv_usd").is_not_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(churn == 0)
        .then(pl.lit(NO_CHURN_NOTE))
        .otherwise(pl.lit(NO_ESTIMATE_NOTE))
    )
    return (
        pl.concat(
            [
                ordered.select(
                    "segment",
                    "label",
                    "order",
                    pl.lit(view).alias("view"),
                    pl.col(column).cast(pl.Float64).alias("ltv_usd"),
                    pl.col(ratio).cast(pl.Float64).alias("ltv_cac"),
                    churn,
                )
                for view, column, ratio in (
                    (TRADITIONAL, "ltv_traditional_usd", "ltv_cac_traditional"),
                    (COMPUTE_ADJUSTED, "ltv_compute_adjusted_usd", "ltv_cac"),
                )
            ]
        )
        .with_columns(note.alias("note"))
        .drop("churn")
        .sort("order", "view")
    )


def benchmark_marks(segments: pl.DataFrame, *, segment_by: str = s.USAGE_TIER) -> pl.DataFrame:
    """Where each segment's LTV would sit at 3:1 LTV:CAC: ``segment, label, order,
    ltv_at_benchmark`` (``label`` as in :func:`ltv_bars`)."""
    return (
        segments.with_row_index("order")
        .filter(pl.col("cac_usd").is_not_null())
        .select(
            "segment",
            _segment_names(segments, segment_by).alias("label"),
            pl.col("order").cast(pl.Int64),
            (pl.col("cac_usd") * LTV_CAC_BENCHMARK).alias("ltv_at_benchmark"),
        )
        .sort("order")
    )


def below_benchmark(segments: pl.DataFrame) -> pl.DataFrame:
    """Segments whose compute-adjusted LTV:CAC is below 3:1, worst first."""
    return (
        segments.filter(pl.col("ltv_cac") < LTV_CAC_BENCHMARK)
        .select("segment", "ltv_cac", "ltv_cac_traditional", "customers")
        .sort("ltv_cac", "segment")
    )


def customer_profits(cms: CustomerMonths) -> pl.DataFrame:
    """Per customer over the window: ``customer_id, segment, customer_months, revenue_usd,
    inference_usd, burdens_usd, gross_profit_usd, monthly_gross_profit_usd``.

    Gross profit is compute-adjusted (revenue − inference − AI infra − support − CS); the
    segment is the one of the customer's latest active month. Sorted by monthly gross profit.
    """
    sums = {
        "revenue_usd": pl.col(s.MRR_USD),
        INFERENCE_USD: pl.col(INFERENCE_USD),
        "burdens_usd": compute_burdens(),
    }
    profit = gross_profit(pl.col("revenue_usd"), pl.col(INFERENCE_USD), pl.col("burdens_usd"))
    return (
        per_customer(cms.frame, sums)
        .with_columns(profit.alias("gross_profit_usd"))
        .with_columns(
            (pl.col("gross_profit_usd") / pl.col("customer_months")).alias(
                "monthly_gross_profit_usd"
            )
        )
        .sort("monthly_gross_profit_usd", s.CUSTOMER_ID)
    )


def nice_step(span: float, bins: int) -> float:
    """A round bin width (1, 2 or 5 × a power of ten) giving about ``bins`` bins."""
    if span <= 0:
        return 1.0
    raw = span / bins
    power = 10.0 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


MIN_BINS: Final = 5
"""The fewest bins a histogram of a few customers gets (it gets no more bins than customers
beyond that, so three customers are not spread over forty slivers)."""


def histogram_bins(customers: int, bins: int) -> int:
    """How many bins to aim for: ``bins``, but no more than the customers (at least
    :data:`MIN_BINS`)."""
    return max(1, min(bins, max(MIN_BINS, customers)))


def profit_histogram(customers: pl.DataFrame, *, bins: int = 40) -> pl.DataFrame:
    """Customers binned by monthly gross profit, with zero always on a bin edge.

    Aims at :func:`histogram_bins` bins of a round width (:func:`nice_step`). Columns
    ``bin_start, bin_end, customers, side`` (``"loss"`` for bins below zero).
    """
    values = customers["monthly_gross_profit_usd"]
    if values.len() == 0:
        return pl.DataFrame(
            schema={
                "bin_start": pl.Float64,
                "bin_end": pl.Float64,
                "customers": pl.UInt32,
                "side": pl.String,
            }
        )
    low, high = float(values.min()), float(values.max())  # type: ignore[arg-type]
    step = nice_step(high - low, histogram_bins(values.len(), bins))
    return (
        customers.select(
            ((pl.col("monthly_gross_profit_usd") / step).floor() * step).alias("bin_start")
        )
        .group_by("bin_start")
        .agg(pl.len().alias("customers"))
        .with_columns(
            (pl.col("bin_start") + step).alias("bin_end"),
            pl.when(pl.col("bin_start") < 0)
            .then(pl.lit("loss"))
            .otherwise(pl.lit("profit"))
            .alias("side"),
        )
        .select("bin_start", "bin_end", "customers", "side")
        .sort("bin_start")
    )


def loss_makers(
    customers: pl.DataFrame, *, most: int = 10, segment_by: str = s.USAGE_TIER
) -> pl.DataFrame:
    """The ``most`` customers who lose the most money over the window, worst first: only those
    whose compute-adjusted gross profit is below zero (none when nobody loses money). Columns
    of :func:`customer_profits`, ``segment`` as words."""
    losing = customers.filter(pl.col("gross_profit_usd") < 0).sort(
        "gross_profit_usd", s.CUSTOMER_ID
    )
    return labelled(losing.head(most), "segment", segment_by=segment_by)


@dataclass(frozen=True)
class LossConcentration:
    """How many customers lose money and how concentrated the losses are.

    Attributes:
        customers: customers with at least one active month.
        losing: customers whose compute-adjusted gross profit over the window is negative.
        loss_usd: their combined loss (a positive number).
        worst: how many of the worst loss-makers make up ``worst_share`` of the loss: the
            worst tenth of the losing customers (at least one).
        worst_share: the share of all losses those customers account for.
    """

    customers: int
    losing: int
    loss_usd: float
    worst: int
    worst_share: float | None

    @property
    def losing_share(self) -> float | None:
        return self.losing / self.customers if self.customers else None


def loss_concentration(customers: pl.DataFrame) -> LossConcentration:
    losses = (
        customers.filter(pl.col("gross_profit_usd") < 0)
        .select((-pl.col("gross_profit_usd")).alias("loss"))
        .sort("loss", descending=True)["loss"]
    )
    total = float(losses.sum())
    worst = max(1, math.ceil(losses.len() / 10)) if losses.len() else 0
    return LossConcentration(
        customers=customers.height,
        losing=losses.len(),
        loss_usd=total,
        worst=worst,
        worst_share=float(losses.head(worst).sum()) / total if total > 0 else None,
    )


def feature_trend(report: Report) -> pl.DataFrame:
    """Each feature's margin per month: ``month, feature_id, feature, revenue_usd, cost_usd,
    gross_profit_usd, gross_margin, crossed_negative`` sorted by feature then month
    (``feature`` is its name in words).

    ``crossed_negative`` marks a month whose margin is below zero after a month at or above
    zero: the monthly review's "crossed from positive to negative" flag.
    """
    monthly, _ = feature_table(report.customer_months, report.scenario, by=[s.MONTH])
    previous = pl.col("gross_margin").shift(1).over(s.FEATURE_ID, order_by=s.MONTH)
    names = distinct_labels(monthly[s.FEATURE_ID].to_list(), feature_label)
    return (
        monthly.select(
            s.MONTH,
            s.FEATURE_ID,
            pl.col(s.FEATURE_ID).replace_strict(names, return_dtype=pl.String).alias("feature"),
            "revenue_usd",
            "cost_usd",
            "gross_profit_usd",
            "gross_margin",
        )
        .sort(s.FEATURE_ID, s.MONTH)
        .with_columns(
            ((pl.col("gross_margin") < 0) & (previous >= 0))
            .fill_null(False)
            .alias("crossed_negative")
        )
    )


def crossings(trend: pl.DataFrame) -> pl.DataFrame:
    """Features that crossed from positive to negative margin: ``feature_id, crossed_in,
    latest_margin`` (the latest crossing month, and the margin in the last month)."""
    latest = (
        trend.sort(s.MONTH)
        .group_by(s.FEATURE_ID)
        .agg(pl.col("gross_margin").last().alias("latest_margin"))
    )
    return (
        trend.filter("crossed_negative")
        .group_by(s.FEATURE_ID)
        .agg(pl.col(s.MONTH).max().alias("crossed_in"))
        .join(latest, on=s.FEATURE_ID, how="left")
        .sort("crossed_in", s.FEATURE_ID)
    )


def features_by_plan(report: Report) -> pl.DataFrame:
    """Feature margins within each plan: ``plan`` then :data:`econ.model.features.FEATURE_SCHEMA`.

    A feature can be healthy on the top plan and lose money on the cheapest.
    """
    table, _ = feature_table(report.customer_months, report.scenario, by=[s.PLAN])
    return table


def bill_diagonal(customers: pl.DataFrame) -> pl.DataFrame:
    """The "no change" line of a current-vs-simulated bill chart: ``bill_usd`` at both ends of
    the range the positive bills span (the chart is on log scales; $0 bills sit on its edge)."""
    bills = pl.concat([customers["bill_current_usd"], customers["bill_simulated_usd"]])
    positive = bills.filter(bills > 0)
    low, high = (positive.min(), positive.max()) if positive.len() else (1.0, 1.0)
    return pl.DataFrame({"bill_usd": [low, high]}, schema={"bill_usd": pl.Float64})


def losing_by_plan(by_plan: pl.DataFrame) -> pl.DataFrame:
    """Plan × feature pairs that lose money, worst loss first: ``plan, feature_id,
    gross_profit_usd, gross_margin``."""
    return (
        by_plan.filter(pl.col("gross_profit_usd") < 0)
        .select(s.PLAN, s.FEATURE_ID, "gross_profit_usd", "gross_margin")
        .sort("gross_profit_usd", s.PLAN, s.FEATURE_ID)
    )


def observed_prices(data: Dataset, window: Window) -> dict[str, float]:
    """Each plan's most common recorded MRR in the window (ties: the higher price)."""
    return list_prices(data.revenue.filter(window.contains()), {})
