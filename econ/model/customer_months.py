"""The unit every figure is built from: the active customer-month.

An active customer-month (cm) is a revenue row inside the window whose MRR, after the scenario's
plan prices, is above zero. Each cm carries its customer's usage in that calendar month (UTC),
its segment, and the scenario's cost burdens for that segment. Usage that falls outside every
active cm (free trials, churned or unknown customers, zero-MRR months) is *unbilled*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

import numpy as np
import numpy.ma  # see the comment below the imports
import polars as pl

from econ import schema as s
from econ.errors import ScenarioError
from econ.inputs.dataset import Frame, resolve
from econ.inputs.ingest import Dataset
from econ.inputs.prepare import (
    BILLED,
    CALL_SHARE,
    CUSTOMER_CODE,
    HAS_NEXT,
    MRR_SHARE,
    ROW_CALLS,
    ROW_INFERENCE,
    UNBILLED_INFERENCE,
)
from econ.scenario.assumptions import ALL, BURDENS, PerSegment, Scenario

# polars checks numpy data for masked arrays, which imports numpy.ma (25 ms) the first time;
# importing it above moves that cost out of the first report a user waits for.

SEGMENT: Final = "segment"
INFERENCE_USD: Final = "inference_usd"
CM_CALLS: Final = "cm_calls"
ALLOCATABLE_USD: Final = "allocatable_usd"
"""The part of a cm's revenue split over features (all of it, unless a simulated price book
bills some of it per use: that part is the feature's own)."""
DIRECT_REVENUE_USD: Final = "direct_revenue_usd"
"""Revenue a usage row earns by itself (per-use prices in a simulation; 0 otherwise)."""
USAGE_REVENUE_USD: Final = "usage_revenue_usd"
"""A cell's share of its cms' allocatable revenue, split by calls (usage-weighted allocation)."""
_ACTIVE: Final = "_active"
MONTHLY_INFERENCE: Final = "monthly_inference_usd"
CHURNED: Final = "churned"
AT_RISK: Final = "at_risk"
"""A cm whose month is not the window's last, so whether the customer stayed is observable."""

TIER_LIGHT: Final = "light"
TIER_CORE: Final = "core"
TIER_POWER: Final = "power"
TIERS: Final = (TIER_LIGHT, TIER_CORE, TIER_POWER)


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
            columns, ``calls``, ``inference_usd``, ``segment`` (categorical, as every scenario
            groups by it), one column per burden, ``at_risk``, ``churned``,
            ``allocatable_usd`` and ``_customer_code`` (a dense integer per customer, cheaper
            to count than the id); sorted by customer and month.
        ledger_source: ledger rollup rows, among them those of the active cms (:attr:`usage`
            keeps only those), with ``direct_revenue_usd`` when a simulated price book bills
            uses; or a function returning them (the dataset's rollup is only read when needed).
        window: the months covered.
        tier_thresholds: the usage-tier cut points (q1, q2) in dollars per month, when the
            segments are usage tiers.
        unbilled_inference_usd, unbilled_calls: usage in the window outside active cms.
        warnings: assumptions the user should know were filled in.
        feature_cells: :data:`CELL_COLUMNS` when already known (from the dataset's prepared
            cells); otherwise :attr:`cells` sums them from :attr:`usage`.
        shaped_by: the part of the scenario they were built with (:func:`shaping`).
    """

    frame: pl.DataFrame
    ledger_source: Frame
    window: Window
    tier_thresholds: tuple[float, float] | None
    unbilled_inference_usd: float
    unbilled_calls: int
    warnings: tuple[str, ...]
    feature_cells: pl.DataFrame | None = None
    shaped_by: Scenario = field(default_factory=Scenario)

    @cached_property
    def usage(self) -> pl.DataFrame:
        """The ledger rows inside active cms, with the cm's ``segment``, ``plan``, ``mrr_usd``,
        ``allocatable_usd`` and total ``cm_calls``, and the row's ``direct_revenue_usd``;
        sorted by customer, feature and month.

        Built on first use: the report itself needs only :attr:`cells`, and on a large ledger
        this join is most of a scenario's work.
        """
        return usage_in_customer_months(resolve(self.ledger_source), self.frame)

    @cached_property
    def segment_sums(self) -> pl.DataFrame:
        """Per segment: ``customers``, ``customer_months``, and the sums segment figures and
        totals are made of: ``revenue``, ``inference``, one per burden, ``at_risk_mrr``,
        ``churned_mrr``, ``calls`` and ``idle_usd`` (allocatable revenue of cms without calls).
        """
        return _segment_sums(self.frame)

    @cached_property
    def customers(self) -> int:
        """Distinct customers with at least one active cm."""
        return self.frame[CUSTOMER_CODE].n_unique()

    @cached_property
    def cells(self) -> pl.DataFrame:
        """Usage per plan × month × feature (:data:`CELL_COLUMNS`), sorted by those keys:
        calls, cost, usage-weighted revenue and revenue billed per use."""
        if self.feature_cells is not None:
            return self.feature_cells
        return cells_of(self.usage, [s.PLAN, s.MONTH])


CELL_COLUMNS: Final = (
    s.PLAN,
    s.MONTH,
    s.FEATURE_ID,
    s.CALLS,
    s.COST_USD,
    USAGE_REVENUE_USD,
    DIRECT_REVENUE_USD,
)


def cells_of(usage: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Usage of active cms summed per ``keys`` × feature (columns as :data:`CELL_COLUMNS`)."""
    share = pl.col(s.CALLS) / pl.col(CM_CALLS)
    allocated = pl.when(pl.col(CM_CALLS) > 0).then(pl.col(ALLOCATABLE_USD) * share).otherwise(0.0)
    return (
        usage.group_by(*keys, s.FEATURE_ID)
        .agg(
            pl.col(s.CALLS).sum(),
            pl.col(s.COST_USD).sum(),
            allocated.sum().alias(USAGE_REVENUE_USD),
            pl.col(DIRECT_REVENUE_USD).sum(),
        )
        .sort(*keys, s.FEATURE_ID)
    )


def _segment_sums(frame: pl.DataFrame) -> pl.DataFrame:
    code, segment, mrr = pl.col(CUSTOMER_CODE), pl.col(SEGMENT), pl.col(s.MRR_USD)
    idle = pl.when(pl.col(s.CALLS) == 0).then(pl.col(ALLOCATABLE_USD)).otherwise(0.0)
    first_row = (code != code.shift(1)).fill_null(True)
    switched = (~first_row & (segment != segment.shift(1))).fill_null(False)
    flagged = frame.with_columns(
        pl.when(pl.col(AT_RISK)).then(mrr).otherwise(0.0).alias("at_risk_mrr"),
        pl.when(pl.col(CHURNED)).then(mrr).otherwise(0.0).alias("churned_mrr"),
        idle.alias("idle_usd"),
        first_row.alias("_first"),
        switched.alias("_switched"),
    )
    sums = flagged.group_by(SEGMENT).agg(
        pl.col("_first").sum().cast(pl.UInt32).alias("customers"),
        pl.len().alias("customer_months"),
        mrr.sum().alias("revenue"),
        pl.col(INFERENCE_USD).sum().alias("inference"),
        *(pl.col(name).sum() for name in BURDENS),
        pl.col("at_risk_mrr").sum(),
        pl.col("churned_mrr").sum(),
        pl.col(s.CALLS).sum(),
        pl.col("idle_usd").sum(),
    )
    if not flagged["_switched"].any():
        return sums
    # Some customer moved between segments (a plan change, say): count distinct customers
    # per segment. Otherwise each customer has one segment and its first row counts it.
    customers = frame.group_by(SEGMENT).agg(code.n_unique().alias("customers"))
    return sums.drop("customers").join(customers, on=SEGMENT).select(sums.columns)


def resolve_window(
    revenue_months: tuple[dt.date, dt.date], months: tuple[str, str] | None
) -> Window:
    """The scenario's window, or every revenue month (first and last given) when it has none."""
    if months is None:
        return Window(*revenue_months)
    start, end = (dt.date(int(m[:4]), int(m[5:7]), 1) for m in months)
    return Window(start, end)


def shaping(scenario: Scenario) -> Scenario:
    """The part of a scenario that shapes the customer-months: the window, plan prices,
    segmentation and cost burdens (every other field at its default).

    Scenarios with the same shaping part give the same :class:`CustomerMonths`, so a change of
    churn, CAC, allocation or categories can reuse them (the app caches them under it).
    """
    return Scenario(
        segment_by=scenario.segment_by,
        usage_tier_percentiles=scenario.usage_tier_percentiles,
        cogs=scenario.cogs,
        prices=scenario.prices,
        months=scenario.months,
    )


def build_customer_months(data: Dataset, scenario: Scenario) -> CustomerMonths:
    """Apply the scenario's window, prices, segmentation and burdens to the dataset.

    Works from the dataset's prepared tables (:mod:`econ.inputs.prepare`), never from the ledger:
    a revenue table's worth of rows and a few hundred feature cells.
    """
    _check_segment_by(data, scenario)
    prepared = data.prepared
    window = resolve_window(prepared.months, scenario.months)
    warnings: list[str] = list(data.warnings)
    unknown_plans = sorted(set(scenario.prices) - set(prepared.plans))
    if unknown_plans:
        warnings.append(f"prices name plans that are not in the revenue table: {unknown_plans}")

    prices = dict(scenario.prices)
    mrr = pl.col(s.MRR_USD)
    if prices:
        price = pl.col(s.PLAN).replace_strict(prices, default=None, return_dtype=pl.Float64)
        mrr = pl.coalesce(price, mrr)
    active = window.contains() & (pl.col(s.MRR_USD) > 0)
    at_risk = pl.col(s.MONTH) < window.last
    # Revenue rows are sorted by customer and month, so the next row is the next month's
    # whenever HAS_NEXT says so.
    stays = pl.col(HAS_NEXT) & pl.col(_ACTIVE).shift(-1).fill_null(False)
    segment = (
        [prepared.segment_values[scenario.segment_by].alias(SEGMENT)]
        if scenario.segment_by != s.USAGE_TIER
        else []
    )
    every_row = (
        pl.concat([data.revenue, prepared.revenue_usage], how="horizontal")
        .with_columns(mrr.alias(s.MRR_USD), *segment)
        .with_columns(active.alias(_ACTIVE))
        .with_columns(at_risk.alias(AT_RISK), (at_risk & ~stays).alias(CHURNED))
    )
    frame = every_row.filter(pl.col(_ACTIVE)).rename(
        {ROW_CALLS: s.CALLS, ROW_INFERENCE: INFERENCE_USD}
    )
    # Usage outside active cms: revenue rows of the window that are not active, and
    # customer-months with no revenue row at all.
    idle = every_row.filter(window.contains() & ~pl.col(_ACTIVE)).select(
        pl.col(ROW_CALLS).sum().alias(s.CALLS), pl.col(ROW_INFERENCE).sum().alias(INFERENCE_USD)
    )
    unbilled = prepared.unbilled.filter(window.contains()).select(
        pl.col(s.CALLS).sum(), pl.col(UNBILLED_INFERENCE).sum().alias(INFERENCE_USD)
    )
    outside = pl.concat([idle, unbilled]).sum()

    thresholds: tuple[float, float] | None = None
    if scenario.segment_by == s.USAGE_TIER:
        frame, thresholds = _with_usage_tiers(frame, scenario.usage_tier_percentiles)
    per_segment = any(not isinstance(getattr(scenario.cogs, name), float) for name in BURDENS)
    segments = frame[SEGMENT].unique().to_list() if per_segment else []
    frame = frame.with_columns(
        *(_burden_expr(name, getattr(scenario.cogs, name), segments, warnings) for name in BURDENS),
        pl.col(s.MRR_USD).alias(ALLOCATABLE_USD),
    ).select(
        *data.revenue.columns,
        s.CALLS,
        INFERENCE_USD,
        SEGMENT,
        *BURDENS,
        AT_RISK,
        CHURNED,
        ALLOCATABLE_USD,
        CUSTOMER_CODE,
    )

    return CustomerMonths(
        frame=frame,
        ledger_source=lambda: data.usage,
        window=window,
        tier_thresholds=thresholds,
        unbilled_inference_usd=float(outside[INFERENCE_USD][0]),
        unbilled_calls=int(outside[s.CALLS][0]),
        warnings=tuple(warnings),
        feature_cells=_cells(prepared.cells, window, prices),
        shaped_by=shaping(scenario),
    )


def _cells(cells: pl.DataFrame, window: Window, prices: Mapping[str, float]) -> pl.DataFrame:
    """The prepared cells of the window's active cms, with revenue at the scenario's prices."""
    billed = pl.col(BILLED)
    revenue = pl.col(MRR_SHARE)
    if prices:
        price = pl.col(s.PLAN).replace_strict(dict(prices), default=None, return_dtype=pl.Float64)
        billed = pl.when(price.is_not_null()).then(price > 0).otherwise(billed)
        revenue = pl.when(price.is_not_null()).then(price * pl.col(CALL_SHARE)).otherwise(revenue)
    return (
        cells.filter(window.contains(), billed)
        .group_by(s.PLAN, s.MONTH, s.FEATURE_ID)
        .agg(
            pl.col(s.CALLS).sum(),
            pl.col(s.COST_USD).sum(),
            revenue.sum().alias(USAGE_REVENUE_USD),
            pl.lit(0.0).alias(DIRECT_REVENUE_USD),
        )
        .sort(s.PLAN, s.MONTH, s.FEATURE_ID)
    )


def usage_in_customer_months(ledger: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """Ledger rows inside the cms of ``frame``, carrying what feature economics needs."""
    direct = (
        pl.col(DIRECT_REVENUE_USD)
        if DIRECT_REVENUE_USD in ledger.columns
        else pl.lit(0.0).alias(DIRECT_REVENUE_USD)
    )
    return (
        ledger.select(*s.ROLLUP_SCHEMA.names(), direct)
        .join(
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
        .sort(s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH)
    )


def _check_segment_by(data: Dataset, scenario: Scenario) -> None:
    allowed = (s.USAGE_TIER, s.PLAN, *data.segment_columns)
    if scenario.segment_by not in allowed:
        raise ScenarioError(
            f"segment_by {scenario.segment_by!r} is not a segment of "
            f"{data.revenue_name}; choose one of {list(allowed)}"
        )


def per_customer(
    frame: pl.DataFrame, sums: Mapping[str, pl.Expr], latest: Sequence[str] = (SEGMENT,)
) -> pl.DataFrame:
    """Per customer of a cm frame: ``customer_id``, the ``latest`` columns (from its latest
    cm, as text), ``customer_months``, and the sum of each expression in ``sums``; in customer
    order.

    The frame is sorted by customer, so each customer's cms are one run of rows and the sums
    are sums over runs: much cheaper than grouping by the id.
    """
    starts, months = _runs(frame)
    values = frame.select(expr.cast(pl.Float64).alias(name) for name, expr in sums.items())
    last = pl.Series(starts + months - 1)
    return pl.DataFrame(
        {
            s.CUSTOMER_ID: frame[s.CUSTOMER_ID].gather(pl.Series(starts)),
            **{name: frame[name].gather(last).cast(pl.String) for name in latest},
            "customer_months": pl.Series(months, dtype=pl.UInt32),
            **{
                name: np.add.reduceat(values[name].to_numpy(), starts)
                if starts.size
                else np.zeros(0)
                for name in sums
            },
        }
    )


def _runs(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Where each customer's run of rows starts in a frame sorted by customer, and its length."""
    codes = frame[CUSTOMER_CODE].to_numpy()
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))[: codes.size]
    return starts, np.diff(starts, append=codes.size)


def _with_usage_tiers(
    frame: pl.DataFrame, percentiles: tuple[float, float]
) -> tuple[pl.DataFrame, tuple[float, float] | None]:
    """Tier each customer by its mean monthly inference cost over its active cms."""
    if frame.height == 0:
        return frame.with_columns(pl.lit(TIER_CORE, pl.Categorical).alias(SEGMENT)), None
    # Per-customer figures are sums over runs of rows; per-row ones repeat them.
    starts, months = _runs(frame)
    spend = np.add.reduceat(frame[INFERENCE_USD].to_numpy(), starts)
    means = spend / months
    per_customer = pl.Series(MONTHLY_INFERENCE, means)
    low, high = (per_customer.quantile(p / 100, interpolation="linear") for p in percentiles)
    if low is None or high is None:
        return frame.with_columns(pl.lit(TIER_CORE, pl.Categorical).alias(SEGMENT)), None
    q1, q2 = float(low), float(high)
    # below q1 → light (0), below q2 → core (1), else power (2)
    tier = np.where(means < q1, 0, np.where(means < q2, 1, 2)).astype(np.uint32)
    tiers = pl.Series(SEGMENT, TIERS, pl.Categorical).gather(pl.Series(np.repeat(tier, months)))
    return frame.with_columns(tiers), (q1, q2)


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
