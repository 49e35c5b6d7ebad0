"""Chart- and table-ready views of a report: sorting, stacking and binning, tested here so the
app's chart builders only draw.

Every frame returned is explicitly sorted: polars' streaming engine does not keep row order, and
a chart fed rows in a different order each run would reshuffle on every slider move.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ import schema as s
from econ.inputs.ingest import Dataset
from econ.measures import LTV_CAC_BENCHMARK, compute_burdens, gross_profit
from econ.model.customer_months import INFERENCE_USD, CustomerMonths, Window, per_customer
from econ.model.features import feature_table
from econ.model.report import Report

TRADITIONAL: Final = "Traditional LTV"
COMPUTE_ADJUSTED: Final = "Compute-adjusted LTV"


ALL_CUSTOMERS: Final = "All customers"


def margin_stack(features: pl.DataFrame, *, by: str | None = None) -> pl.DataFrame:
    """Stack features' gross profit: profits above zero, losses below, one stack per group.

    Profits are stacked upward from zero in ascending order and losses downward from zero in
    order of size, so reading a stack from top to bottom lists features from the largest profit
    to the largest loss (the margin-stack order). Returns ``group, feature_id,
    gross_profit_usd, y_start, y_end, side`` sorted by group and position (top first);
    ``group`` is the ``by`` column's value, or ``"All customers"`` without ``by``.
    """
    group = pl.col(by).cast(pl.String) if by else pl.lit(ALL_CUSTOMERS)
    frame = features.with_columns(group.alias("group"))
    profit = pl.col("gross_profit_usd")

    def stacked(rows: pl.DataFrame, side: str, *, descending: bool) -> pl.DataFrame:
        return (
            rows.sort(
                "group", "gross_profit_usd", "feature_id", descending=[False, descending, False]
            )
            .with_columns(profit.cum_sum().over("group").alias("y_end"))
            .with_columns((pl.col("y_end") - profit).alias("y_start"), pl.lit(side).alias("side"))
            .select("group", "feature_id", "gross_profit_usd", "y_start", "y_end", "side")
        )

    gains = stacked(frame.filter(profit >= 0), "profit", descending=False)
    losses = stacked(frame.filter(profit < 0), "loss", descending=True)
    return pl.concat([gains, losses]).sort("group", "y_end", descending=[False, True])


def net_gross_profit(features: pl.DataFrame, *, by: str | None = None) -> pl.DataFrame:
    """The net of each stack (Σ gross profit): ``group, net_usd``."""
    group = pl.col(by).cast(pl.String) if by else pl.lit(ALL_CUSTOMERS)
    return (
        features.group_by(group.alias("group"))
        .agg(pl.col("gross_profit_usd").sum().alias("net_usd"))
        .sort("group")
    )


def ltv_bars(segments: pl.DataFrame) -> pl.DataFrame:
    """Traditional and compute-adjusted LTV per segment, long form, in the table's order.

    Columns ``segment, order, view, ltv_usd, ltv_cac``; segments with undefined LTV are left
    out (the table says why).
    """
    ordered = segments.with_row_index("order")
    return (
        pl.concat(
            [
                ordered.select(
                    "segment",
                    "order",
                    pl.lit(view).alias("view"),
                    pl.col(column).alias("ltv_usd"),
                    pl.col(ratio).alias("ltv_cac"),
                )
                for view, column, ratio in (
                    (TRADITIONAL, "ltv_traditional_usd", "ltv_cac_traditional"),
                    (COMPUTE_ADJUSTED, "ltv_compute_adjusted_usd", "ltv_cac"),
                )
            ]
        )
        .filter(pl.col("ltv_usd").is_not_null())
        .sort("order", "view")
    )


def benchmark_marks(segments: pl.DataFrame) -> pl.DataFrame:
    """Where each segment's LTV would sit at 3:1 LTV:CAC: ``segment, order, ltv_at_benchmark``."""
    return (
        segments.with_row_index("order")
        .filter(pl.col("cac_usd").is_not_null())
        .select(
            "segment", "order", (pl.col("cac_usd") * LTV_CAC_BENCHMARK).alias("ltv_at_benchmark")
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


def profit_histogram(customers: pl.DataFrame, *, bins: int = 40) -> pl.DataFrame:
    """Customers binned by monthly gross profit, with zero always on a bin edge.

    Columns ``bin_start, bin_end, customers, side`` (``"loss"`` for bins below zero).
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
    step = nice_step(high - low, bins)
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
    """Each feature's margin per month: ``month, feature_id, revenue_usd, cost_usd,
    gross_profit_usd, gross_margin, crossed_negative`` sorted by feature then month.

    ``crossed_negative`` marks a month whose margin is below zero after a month at or above
    zero: the monthly review's "crossed from positive to negative" flag.
    """
    monthly, _ = feature_table(report.customer_months, report.scenario, by=[s.MONTH])
    previous = pl.col("gross_margin").shift(1).over(s.FEATURE_ID, order_by=s.MONTH)
    return (
        monthly.select(
            s.MONTH, s.FEATURE_ID, "revenue_usd", "cost_usd", "gross_profit_usd", "gross_margin"
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
    counted = (
        data.revenue.filter(window.contains(), pl.col(s.MRR_USD) > 0)
        .group_by(s.PLAN, s.MRR_USD)
        .len()
        .sort(s.PLAN, "len", s.MRR_USD, descending=[False, True, True])
        .group_by(s.PLAN, maintain_order=True)
        .first()
    )
    return dict(zip(counted[s.PLAN].to_list(), counted[s.MRR_USD].to_list(), strict=True))
