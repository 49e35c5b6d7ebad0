"""The unit every figure is built from: the active customer-month.

An active customer-month (cm) is a revenue row inside the window whose MRR, after the scenario's
plan prices, is above zero. Each cm carries its customer's usage in that calendar month (UTC),
its segment, and the scenario's cost burdens for that segment. Usage that falls outside every
active cm (free trials, churned or unknown customers, zero-MRR months) is *unbilled*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import polars as pl

from econ import schema as s
from econ.errors import ScenarioError
from econ.ingest import Dataset
from econ.scenario import ALL, BURDENS, PerSegment, Scenario

SEGMENT: Final = "segment"
INFERENCE_USD: Final = "inference_usd"
CM_CALLS: Final = "cm_calls"
ALLOCATABLE_USD: Final = "allocatable_usd"
"""The part of a cm's revenue split over features (all of it, unless a simulated price book
bills some of it per use: that part is the feature's own)."""
DIRECT_REVENUE_USD: Final = "direct_revenue_usd"
"""Revenue a usage row earns by itself (per-use prices in a simulation; 0 otherwise)."""
MONTHLY_INFERENCE: Final = "monthly_inference_usd"
CHURNED: Final = "churned"
AT_RISK: Final = "at_risk"
"""A cm whose month is not the window's last, so whether the customer stayed is observable."""

TIER_LIGHT: Final = "light"
TIER_CORE: Final = "core"
TIER_POWER: Final = "power"
TIERS: Final = (TIER_LIGHT, TIER_CORE, TIER_POWER)
UNKNOWN_SEGMENT: Final = "unknown"


@dataclass(frozen=True)
class Window:
    """The inclusive range of months a report covers (both on the 1st)."""

    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m} to {self.last:%Y-%m}"

    @property
    def months(self) -> int:
        """Calendar months in the window, both ends included."""
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    def contains(self) -> pl.Expr:
        return pl.col(s.MONTH).is_between(self.first, self.last)


@dataclass(frozen=True)
class CustomerMonths:
    """Active customer-months with everything segment and feature economics need.

    Attributes:
        frame: one row per active cm: ``customer_id, month, plan, mrr_usd``, the segment
            columns, ``calls``, ``inference_usd``, ``segment``, one column per burden,
            ``at_risk`` and ``churned``; sorted by customer and month.
        usage: the ledger rollup rows that fall in active cms, with the cm's ``segment``,
            ``plan``, ``mrr_usd``, ``allocatable_usd`` and total ``cm_calls``, and the row's
            ``direct_revenue_usd``; sorted by its keys.
        window: the months covered.
        tier_thresholds: the usage-tier cut points (q1, q2) in dollars per month, when the
            segments are usage tiers.
        unbilled_inference_usd, unbilled_calls: usage in the window outside active cms.
        warnings: assumptions the user should know were filled in.
    """

    frame: pl.DataFrame
    usage: pl.DataFrame
    window: Window
    tier_thresholds: tuple[float, float] | None
    unbilled_inference_usd: float
    unbilled_calls: int
    warnings: tuple[str, ...]


def resolve_window(revenue: pl.DataFrame, months: tuple[str, str] | None) -> Window:
    """The scenario's window, or every revenue month when it has none."""
    if months is None:
        first, last = revenue.select(
            pl.col(s.MONTH).min().alias("first"), pl.col(s.MONTH).max().alias("last")
        ).row(0)
        return Window(first, last)
    start, end = (dt.date(int(m[:4]), int(m[5:7]), 1) for m in months)
    return Window(start, end)


def build_customer_months(data: Dataset, scenario: Scenario) -> CustomerMonths:
    """Apply the scenario's window, prices, segmentation and burdens to the dataset."""
    _check_segment_by(data, scenario)
    window = resolve_window(data.revenue, scenario.months)
    warnings: list[str] = []
    unknown_plans = sorted(set(scenario.prices) - set(data.revenue[s.PLAN].unique().to_list()))
    if unknown_plans:
        warnings.append(f"prices name plans that are not in the revenue table: {unknown_plans}")

    revenue = data.revenue.filter(window.contains())
    if scenario.prices:
        price = pl.col(s.PLAN).replace_strict(dict(scenario.prices), default=None)
        revenue = revenue.with_columns(pl.coalesce(price, pl.col(s.MRR_USD)).alias(s.MRR_USD))
    active = revenue.filter(pl.col(s.MRR_USD) > 0)

    usage = data.usage.filter(window.contains())
    per_cm = usage.group_by(s.CUSTOMER_ID, s.MONTH).agg(
        pl.col(s.CALLS).sum(), pl.col(s.COST_USD).sum().alias(INFERENCE_USD)
    )
    unbilled = per_cm.join(active, on=[s.CUSTOMER_ID, s.MONTH], how="anti")
    frame = active.join(per_cm, on=[s.CUSTOMER_ID, s.MONTH], how="left").with_columns(
        pl.col(s.CALLS).fill_null(0), pl.col(INFERENCE_USD).fill_null(0.0)
    )

    thresholds: tuple[float, float] | None = None
    if scenario.segment_by == s.USAGE_TIER:
        frame, thresholds = _with_usage_tiers(frame, scenario.usage_tier_percentiles)
    else:
        frame = frame.with_columns(
            pl.col(scenario.segment_by).fill_null(UNKNOWN_SEGMENT).alias(SEGMENT)
        )
    segments = frame[SEGMENT].unique().to_list()
    frame = frame.with_columns(
        _burden_expr(name, getattr(scenario.cogs, name), segments, warnings) for name in BURDENS
    )
    frame = (
        _with_churn_flags(frame, window)
        .with_columns(pl.col(s.MRR_USD).alias(ALLOCATABLE_USD))
        .sort(s.CUSTOMER_ID, s.MONTH)
    )
    cm_usage = usage_in_customer_months(usage, frame)

    return CustomerMonths(
        frame=frame,
        usage=cm_usage,
        window=window,
        tier_thresholds=thresholds,
        unbilled_inference_usd=float(unbilled[INFERENCE_USD].sum()),
        unbilled_calls=int(unbilled[s.CALLS].sum()),
        warnings=tuple(warnings),
    )


def usage_in_customer_months(usage: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Usage rows inside the cms of ``frame``, carrying what feature economics needs."""
    return (
        usage.join(
            frame.select(
                s.CUSTOMER_ID,
                s.MONTH,
                SEGMENT,
                s.PLAN,
                s.MRR_USD,
                ALLOCATABLE_USD,
                pl.col(s.CALLS).alias(CM_CALLS),
            ),
            on=[s.CUSTOMER_ID, s.MONTH],
            how="inner",
        )
        .with_columns(pl.lit(0.0).alias(DIRECT_REVENUE_USD))
        .sort(s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH)
    )


def _check_segment_by(data: Dataset, scenario: Scenario) -> None:
    allowed = (s.USAGE_TIER, s.PLAN, *data.segment_columns)
    if scenario.segment_by not in allowed:
        raise ScenarioError(
            f"segment_by {scenario.segment_by!r} is not a segment of "
            f"{data.revenue_name}; choose one of {list(allowed)}"
        )


def _with_usage_tiers(
    frame: pl.DataFrame, percentiles: tuple[float, float]
) -> tuple[pl.DataFrame, tuple[float, float] | None]:
    """Tier each customer by its mean monthly inference cost over its active cms."""
    per_customer = frame.group_by(s.CUSTOMER_ID).agg(
        pl.col(INFERENCE_USD).mean().alias(MONTHLY_INFERENCE)
    )
    low, high = (
        per_customer[MONTHLY_INFERENCE].quantile(p / 100, interpolation="linear")
        for p in percentiles
    )
    if low is None or high is None:
        return frame.with_columns(pl.lit(TIER_CORE).alias(SEGMENT)), None
    q1, q2 = float(low), float(high)
    x = pl.col(MONTHLY_INFERENCE)
    tiers = per_customer.with_columns(
        pl.when(x < q1)
        .then(pl.lit(TIER_LIGHT))
        .when(x < q2)
        .then(pl.lit(TIER_CORE))
        .otherwise(pl.lit(TIER_POWER))
        .alias(SEGMENT)
    )
    return frame.join(tiers, on=s.CUSTOMER_ID, how="left"), (q1, q2)


def _burden_expr(name: str, value: PerSegment, segments: list[str], warnings: list[str]) -> pl.Expr:
    if isinstance(value, float):
        return pl.lit(value, pl.Float64).alias(name)
    fallback = value.get(ALL)
    missing = sorted(set(segments) - set(value))
    if missing and fallback is None:
        warnings.append(f"cogs.{name} gives no value for segments {missing}; $0 used")
    mapping: Mapping[str, float] = {k: v for k, v in value.items() if k != ALL}
    return (
        pl.col(SEGMENT)
        .replace_strict(dict(mapping), default=fallback or 0.0, return_dtype=pl.Float64)
        .alias(name)
    )


def _with_churn_flags(frame: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Flag cms whose customer has no active cm the next calendar month."""
    next_month = frame.select(
        s.CUSTOMER_ID,
        pl.col(s.MONTH).dt.offset_by("-1mo").alias(s.MONTH),
        pl.lit(True).alias("_stays"),
    )
    at_risk = pl.col(s.MONTH) < window.last
    return (
        frame.join(next_month, on=[s.CUSTOMER_ID, s.MONTH], how="left")
        .with_columns(
            at_risk.alias(AT_RISK),
            (at_risk & pl.col("_stays").is_null()).alias(CHURNED),
        )
        .drop("_stays")
    )
