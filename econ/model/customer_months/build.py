"""Building the customer-months: the scenario's window, plan prices, segments and cost burdens
applied to a dataset's prepared tables.

An active customer-month (cm) is a revenue row inside the window whose MRR, after the scenario's
plan prices, is above zero. A cm is at risk when its month is not the window's last (whether
the customer stayed is observable), and churned when it is at risk and the customer's next
month is not an active cm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

import polars as pl

from econ import formats
from econ import schema as s
from econ.errors import ScenarioError
from econ.inputs.dataset import Dataset, Frame, resolve
from econ.inputs.prepare import (
    CUSTOMER_CODE,
    HAS_NEXT,
    ROW_CALLS,
    ROW_INFERENCE,
    UNBILLED_INFERENCE,
    Prepared,
)
from econ.model.customer_months.ai_revenue import (
    COUNTED_REVENUE_USD,
    Uplifts,
    check_basis,
    counted_revenue,
    list_prices,
    uplifts,
)
from econ.model.customer_months.cells import (
    cells_in_window,
    cells_of,
    usage_in_customer_months,
)
from econ.model.customer_months.columns import (
    ALLOCATABLE_USD,
    AT_RISK,
    CHURNED,
    INFERENCE_USD,
    SEGMENT,
)
from econ.model.customer_months.runs import customer_spells, with_usage_tiers
from econ.scenario.assumptions import ALL, BURDENS, SHAPING_FIELDS, Cogs, PerSegment, Scenario

_ACTIVE: Final = "_active"


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
            columns (and the AI revenue columns the revenue table has), ``seats`` and
            ``users`` (nullable Int64, always present: the revenue table's seat count and the
            ledger's distinct users of the month, null where unknown), ``calls``,
            ``inference_usd``, ``segment`` (categorical, as every scenario groups by it), one
            column per burden, ``at_risk``, ``churned``, ``counted_revenue_usd`` (the AI revenue
            unit economics count, :mod:`.ai_revenue`), ``allocatable_usd`` and
            ``_customer_code`` (a dense integer per customer, cheaper to count than the id);
            sorted by customer and month.
        ledger_source: ledger rollup rows, among them those of the active cms (:attr:`usage`
            keeps only those), with ``direct_revenue_usd`` when a simulated price book bills
            uses; or a function returning them (the dataset's rollup is only read when needed).
        window: the months covered.
        tier_thresholds: the usage-tier cut points (q1, q2) in dollars per month, when the
            segments are usage tiers.
        unbilled_inference_usd, unbilled_calls: usage in the window outside active cms.
        warnings: assumptions the user should know were filled in.
        feature_cells: :data:`~econ.model.customer_months.cells.CELL_COLUMNS` when already
            known (from the dataset's prepared cells); otherwise :attr:`cells` sums them from
            :attr:`usage`.
        shaped_by: the part of the scenario they were built with (:func:`shaping`).
        list_prices: each plan's price per customer-month (the scenario's, else its most common
            MRR in the window): what attributed AI revenue is worked out from.
        uplifts: each AI plan's attributed uplift, under the attributed basis.
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
    list_prices: Mapping[str, float] = field(default_factory=dict)
    uplifts: Uplifts | None = None

    @cached_property
    def usage(self) -> pl.DataFrame:
        """The ledger rows inside active cms, with the cm's ``segment``, ``plan``, ``mrr_usd``,
        ``allocatable_usd``, total ``cm_calls`` and ``_customer_code``, and the row's
        ``direct_revenue_usd``; sorted by customer, feature and month.

        Built on first use: the report itself needs only :attr:`cells`, and on a large ledger
        this join is most of a scenario's work.
        """
        return usage_in_customer_months(resolve(self.ledger_source), self.frame)

    @cached_property
    def segment_sums(self) -> pl.DataFrame:
        """Per segment: ``customers``, ``customer_months``, and the sums segment figures and
        totals are made of: ``revenue`` (the counted AI revenue), ``inference``, one per burden,
        ``at_risk_mrr``,
        ``churned_mrr``, ``calls`` and ``idle_usd`` (allocatable revenue of cms without calls).
        """
        return _segment_sums(self.frame)

    @cached_property
    def spells(self) -> pl.DataFrame:
        """Per customer, its runs of consecutive active months (:data:`CUSTOMER_SPELLS_SCHEMA`):
        cohort, acquisition segment, first spell and current spell; what retention is
        measured and fitted on, computed once per customer-months."""
        return customer_spells(self.frame, self.window.last)

    @cached_property
    def customers(self) -> int:
        """Distinct customers with at least one active cm."""
        return self.frame[CUSTOMER_CODE].n_unique()

    @cached_property
    def cells(self) -> pl.DataFrame:
        """Usage per plan × month × feature
        (:data:`~econ.model.customer_months.cells.CELL_COLUMNS`), sorted by those keys: calls,
        cost, usage-weighted revenue and revenue billed per use."""
        if self.feature_cells is not None:
            return self.feature_cells
        return cells_of(self.usage, [s.PLAN, s.MONTH])


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
        pl.col(COUNTED_REVENUE_USD).sum().alias("revenue"),
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
    segmentation and cost burdens (every other field at its default): the fields
    :data:`~econ.scenario.assumptions.SHAPING_FIELDS` classifies as shaping.

    Scenarios with the same shaping part give the same :class:`CustomerMonths`, so a change of
    churn, CAC, allocation or categories can reuse them (the app caches them under it).
    """
    return Scenario(**{name: getattr(scenario, name) for name in SHAPING_FIELDS})


def build_customer_months(data: Dataset, scenario: Scenario) -> CustomerMonths:
    """Apply the scenario's window, prices, segmentation and burdens to the dataset.

    Works from the dataset's prepared tables (:mod:`econ.inputs.prepare`), never from the ledger:
    a revenue table's worth of rows and a few hundred feature cells. Every revenue row is
    priced, segmented and flagged; the active ones become the cms, which are tiered when the
    segments are usage tiers and then carry their burdens; usage outside them is unbilled.
    """
    _check_segment_by(data, scenario)
    check_basis(scenario.ai_revenue, data.revenue.columns, data.revenue_name)
    prepared = data.prepared
    window = resolve_window(prepared.months, scenario.months)
    warnings = [*data.warnings, *_unknown_plan_warnings(prepared, scenario)]
    every_row = _flagged_revenue_rows(data, scenario, window)
    frame, thresholds = _segmented(_active(every_row), scenario)
    prices = list_prices(frame, scenario.prices)
    found = uplifts(scenario.ai_revenue, prices)
    if scenario.ai_revenue.basis == "attributed":
        warnings.extend(found.warnings)
    frame = frame.with_columns(
        counted_revenue(scenario.ai_revenue.basis, pl.col(s.MRR_USD), found.amounts).alias(
            COUNTED_REVENUE_USD
        )
    )
    warnings.extend(_uncounted_inference(frame, scenario))
    frame = _in_frame_order(_with_burdens(frame, scenario.cogs, warnings), data.revenue.columns)
    unbilled_inference, unbilled_calls = _unbilled(every_row, prepared, window)
    every_month_counted = scenario.ai_revenue.basis == "all"
    return CustomerMonths(
        frame=frame,
        ledger_source=lambda: data.usage,
        window=window,
        tier_thresholds=thresholds,
        unbilled_inference_usd=unbilled_inference,
        unbilled_calls=unbilled_calls,
        warnings=tuple(warnings),
        # The prepared cells split MRR; any other basis is split from the usage rows.
        feature_cells=(
            cells_in_window(prepared.cells, window, scenario.prices)
            if every_month_counted
            else None
        ),
        shaped_by=shaping(scenario),
        list_prices=prices,
        uplifts=found if scenario.ai_revenue.basis == "attributed" else None,
    )


def _uncounted_inference(frame: pl.DataFrame, scenario: Scenario) -> list[str]:
    """Under a basis other than all revenue: a note of the inference of customer-months that
    count no AI revenue (it still counts as cost), so nobody reads their margin as an error."""
    if scenario.ai_revenue.basis == "all":
        return []
    uncounted = frame.filter(pl.col(COUNTED_REVENUE_USD) <= 0)
    inference = float(uncounted[INFERENCE_USD].sum())
    if uncounted.height == 0 or inference <= 0:
        return []
    return [
        f"AI revenue: {uncounted.height:,} customer-months count no AI revenue under the "
        f"{scenario.ai_revenue.basis} basis; their inference ({formats.money(inference)}) "
        "still counts as cost"
    ]


def _check_segment_by(data: Dataset, scenario: Scenario) -> None:
    allowed = (s.USAGE_TIER, s.PLAN, *data.segment_columns)
    if scenario.segment_by not in allowed:
        raise ScenarioError(
            f"segment_by {scenario.segment_by!r} is not a segment of "
            f"{data.revenue_name}; choose one of {list(allowed)}"
        )


def _unknown_plan_warnings(prepared: Prepared, scenario: Scenario) -> list[str]:
    """A warning when the scenario prices plans the revenue table does not have."""
    unknown_plans = sorted(set(scenario.prices) - set(prepared.plans))
    if unknown_plans:
        return [f"prices name plans that are not in the revenue table: {unknown_plans}"]
    return []


def _flagged_revenue_rows(data: Dataset, scenario: Scenario, window: Window) -> pl.DataFrame:
    """Every revenue row with its usage, its MRR at the scenario's plan prices, its segment
    (unless usage tiers, which need the active cms first), and whether it is an active cm,
    at risk and churned."""
    prepared = data.prepared
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
    return (
        pl.concat([data.revenue, prepared.revenue_usage], how="horizontal")
        .with_columns(*_counts(data))
        .with_columns(_priced_mrr(scenario).alias(s.MRR_USD), *segment)
        .with_columns(active.alias(_ACTIVE))
        .with_columns(at_risk.alias(AT_RISK), (at_risk & ~stays).alias(CHURNED))
    )


def _counts(data: Dataset) -> list[pl.Expr]:
    """Each revenue row's seats and users (:data:`econ.schema.SEATS`, :data:`econ.schema.USERS`)
    as nullable Int64, null where the dataset does not know them: the revenue table has no
    seats column, or the ledger no user column (a dataset prepared before users were counted
    has none either)."""
    known = (*data.revenue.columns, *data.prepared.revenue_usage.columns)
    return [
        pl.col(name).cast(pl.Int64) if name in known else pl.lit(None, pl.Int64).alias(name)
        for name in (s.SEATS, s.USERS)
    ]


def _priced_mrr(scenario: Scenario) -> pl.Expr:
    """A row's MRR: its plan's price in the scenario, else what the revenue table says."""
    prices = dict(scenario.prices)
    mrr = pl.col(s.MRR_USD)
    if not prices:
        return mrr
    price = pl.col(s.PLAN).replace_strict(prices, default=None, return_dtype=pl.Float64)
    return pl.coalesce(price, mrr)


def _active(every_row: pl.DataFrame) -> pl.DataFrame:
    """The active cms, their usage columns under the cm frame's names."""
    return every_row.filter(pl.col(_ACTIVE)).rename(
        {ROW_CALLS: s.CALLS, ROW_INFERENCE: INFERENCE_USD}
    )


def _segmented(
    frame: pl.DataFrame, scenario: Scenario
) -> tuple[pl.DataFrame, tuple[float, float] | None]:
    """The cms with their usage tier when those are the segments (and the tiers' cut points);
    other segments are already on every row."""
    if scenario.segment_by == s.USAGE_TIER:
        return with_usage_tiers(frame, scenario.usage_tier_percentiles)
    return frame, None


def _with_burdens(frame: pl.DataFrame, cogs: Cogs, warnings: list[str]) -> pl.DataFrame:
    """The cms with one column per cost burden, per segment where the scenario says so."""
    per_segment = any(not isinstance(getattr(cogs, name), float) for name in BURDENS)
    segments = frame[SEGMENT].unique().to_list() if per_segment else []
    return frame.with_columns(
        _burden_expr(name, getattr(cogs, name), segments, warnings) for name in BURDENS
    )


def _burden_expr(name: str, value: PerSegment, segments: list[str], warnings: list[str]) -> pl.Expr:
    if isinstance(value, float):
        return pl.lit(value, pl.Float64).alias(name)
    fallback = value.get(ALL)
    missing = sorted(set(segments) - set(value))
    if missing and fallback is None:
        warnings.append(f"cogs.{name} gives no value for segments {missing}; $0 used")
    mapping: dict[str, float] = {k: v for k, v in value.items() if k != ALL}
    return (
        pl.col(SEGMENT)
        .replace_strict(mapping, default=fallback or 0.0, return_dtype=pl.Float64)
        .alias(name)
    )


def _in_frame_order(frame: pl.DataFrame, revenue_columns: list[str]) -> pl.DataFrame:
    """The cm frame's columns, in order, with all of each cm's counted revenue allocatable."""
    return frame.with_columns(pl.col(COUNTED_REVENUE_USD).alias(ALLOCATABLE_USD)).select(
        *(name for name in revenue_columns if name != s.SEATS),
        s.SEATS,
        s.USERS,
        s.CALLS,
        INFERENCE_USD,
        SEGMENT,
        *BURDENS,
        AT_RISK,
        CHURNED,
        COUNTED_REVENUE_USD,
        ALLOCATABLE_USD,
        CUSTOMER_CODE,
    )


def _unbilled(every_row: pl.DataFrame, prepared: Prepared, window: Window) -> tuple[float, int]:
    """Inference cost and calls in the window outside active cms: revenue rows of the window
    that are not active, and customer-months with no revenue row at all."""
    idle = every_row.filter(window.contains() & ~pl.col(_ACTIVE)).select(
        pl.col(ROW_CALLS).sum().alias(s.CALLS), pl.col(ROW_INFERENCE).sum().alias(INFERENCE_USD)
    )
    unbilled = prepared.unbilled.filter(window.contains()).select(
        pl.col(s.CALLS).sum(), pl.col(UNBILLED_INFERENCE).sum().alias(INFERENCE_USD)
    )
    outside = pl.concat([idle, unbilled]).sum()
    return float(outside[INFERENCE_USD][0]), int(outside[s.CALLS][0])
