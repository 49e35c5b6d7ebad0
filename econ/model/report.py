"""The report: segment LTVs, feature margins and totals for one dataset and one scenario."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.errors import StaleCustomerMonthsError, UnknownNameError
from econ.inputs.ingest import Dataset, Source, load_dataset
from econ.model.customer_months import (
    CustomerMonths,
    build_customer_months,
    shaping,
)
from econ.model.features import feature_table
from econ.model.retention.cohorts import cohort_table, monthly_grr_nrr
from econ.model.retention.sbg import SbgFit
from econ.model.retention.value import retention_table, with_ltv_method
from econ.model.segments import segment_table
from econ.scenario.assumptions import Scenario

_SIGNIFICANT_DIGITS = 12


@dataclass(frozen=True)
class Totals:
    """Company-wide figures for the window.

    Attributes:
        revenue_usd: Σ MRR of active customer-months.
        allocated_revenue_usd: revenue split over features (Σ of feature revenue).
        unallocated_revenue_usd: revenue of cms with no calls under usage allocation.
        inference_usd: inference cost inside active customer-months.
        unbilled_inference_usd: inference cost in the window outside any active cm.
        gross_profit_usd: revenue − inference − AI infra − support − CS.
        gross_margin: gross profit / revenue (the blended row's margin).
        inference_margin: (revenue − inference) / revenue, the features' aggregate margin.
        inference_share: inference / revenue; above 10% the compute-adjusted view matters.
    """

    revenue_usd: float
    allocated_revenue_usd: float
    unallocated_revenue_usd: float
    inference_usd: float
    unbilled_inference_usd: float
    unbilled_calls: int
    calls: int
    gross_profit_usd: float
    gross_margin: float | None
    inference_margin: float | None
    inference_share: float | None
    customers: int
    customer_months: int
    first_month: str
    last_month: str


@dataclass(frozen=True)
class Report:
    """Everything ``econ analyze`` shows.

    Attributes:
        segments: :data:`econ.model.segments.SEGMENT_SCHEMA` rows, the blended ``"all"`` row last.
        features: :data:`econ.model.features.FEATURE_SCHEMA` rows in margin-stack order.
        totals: company-wide figures.
        scenario: the scenario used, with the window and feature categories filled in.
        warnings: assumptions that were filled in or inputs that look off.
        customer_months: the active customer-months the figures were built from.
        tier_thresholds: monthly inference cost cut points of the usage tiers, if used.
        fits: the sBG fit per segment when they were known beforehand (the app caches them per
            customer-months; they do not depend on the rest of the scenario).

    :attr:`retention` is computed when first asked for (the segment table's LTV:CAC needs it
    only with the ``sbg`` LTV method), so a scenario change that shows no retention figure
    does not pay for the fits.
    """

    segments: pl.DataFrame
    features: pl.DataFrame
    totals: Totals
    scenario: Scenario
    warnings: tuple[str, ...]
    customer_months: CustomerMonths
    tier_thresholds: tuple[float, float] | None
    fits: Mapping[str, SbgFit] | None = field(default=None, repr=False, compare=False)
    known_retention: pl.DataFrame | None = field(default=None, repr=False, compare=False)

    @cached_property
    def retention(self) -> pl.DataFrame:
        """:data:`econ.model.retention.value.RETENTION_SCHEMA` rows: the sBG fit, the discounted
        LTV and the value of the current base per segment, the blended row last."""
        if self.known_retention is not None:
            return self.known_retention
        fitted = dict(self.fits) if self.fits is not None else None
        return retention_table(self.customer_months, self.scenario, self.segments, fitted=fitted)

    def segment(self, name: str) -> dict[str, Any]:
        """One segment's row as a dict (``"all"`` for the blended row)."""
        rows = self.segments.filter(pl.col("segment") == name)
        if rows.height != 1:
            raise UnknownNameError(
                f"no segment {name!r}; segments are {self.segments['segment'].to_list()}"
            )
        return rows.row(0, named=True)

    def feature(self, feature_id: str) -> dict[str, Any]:
        rows = self.features.filter(pl.col(s.FEATURE_ID) == feature_id)
        if rows.height != 1:
            raise UnknownNameError(f"no feature {feature_id!r}")
        return rows.row(0, named=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``segments``, ``features``, ``retention`` (the sBG fit and values per
        segment, the cohort table, monthly GRR and NRR), ``totals``, ``scenario``,
        ``warnings``."""
        return {
            "segments": records(self.segments),
            "features": records(self.features),
            "retention": {
                "segments": records(self.retention),
                "cohorts": records(cohort_table(self.customer_months)),
                "monthly": records(monthly_grr_nrr(self.customer_months)),
            },
            "totals": {key: clean(value) for key, value in asdict(self.totals).items()},
            "scenario": self.scenario.to_dict(),
            "tier_thresholds_usd": (
                [clean(value) for value in self.tier_thresholds] if self.tier_thresholds else None
            ),
            "warnings": list(self.warnings),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


def analyze(usage: Source, revenue: Source, scenario: Scenario | None = None) -> Report:
    """The full report for a usage ledger and a revenue table.

    ``usage`` and ``revenue`` are parquet paths, parquet bytes or polars frames (eager or lazy).
    Raises :class:`~econ.errors.InputError` for bad inputs and
    :class:`~econ.errors.ScenarioError` for a scenario that does not fit the data. To try many
    scenarios on one dataset, load it once with :func:`~econ.inputs.ingest.load_dataset` and call
    :func:`analyze_dataset`.
    """
    return analyze_dataset(load_dataset(usage, revenue), scenario or Scenario())


def analyze_dataset(data: Dataset, scenario: Scenario) -> Report:
    """Stage 2: every figure from an already validated dataset (what a control change runs)."""
    return analyze_customer_months(build_customer_months(data, scenario), scenario)


def analyze_customer_months(
    cms: CustomerMonths, scenario: Scenario, *, fits: Mapping[str, SbgFit] | None = None
) -> Report:
    """The report from customer-months already built for this scenario's shaping part (see
    :func:`econ.model.customer_months.shaping`): what a change of churn, CAC, allocation or
    categories needs to recompute. ``fits`` are the sBG fits of these customer-months'
    segments (:func:`econ.model.retention.value.fits`) when already known: they depend on the
    customer-months alone, and fitting is the slow part of a report. Raises
    :class:`~econ.errors.StaleCustomerMonthsError` for customer-months built with another
    window, prices, segmentation or burdens.
    """
    if shaping(scenario) != cms.shaped_by:
        raise StaleCustomerMonthsError(
            "these customer-months were built for another window, prices, segmentation or "
            "burdens; build them from this scenario"
        )
    segments = segment_table(cms, scenario)
    retention: pl.DataFrame | None = None
    method_warnings: tuple[str, ...] = ()
    if scenario.retention.ltv_method == "sbg":
        retention = retention_table(cms, scenario, segments, fitted=dict(fits) if fits else None)
        segments, method_warnings = with_ltv_method(segments, retention, scenario)
    features, allocation_warnings = feature_table(cms, scenario)
    filled = scenario.replace(
        months=(f"{cms.window.first:%Y-%m}", f"{cms.window.last:%Y-%m}"),
        feature_categories={
            feature: scenario.category_of(feature) for feature in features[s.FEATURE_ID]
        }
        | dict(scenario.feature_categories),
    )
    totals = _totals(cms, scenario)
    warnings = [*cms.warnings, *allocation_warnings, *method_warnings]
    if cms.frame.height == 0:
        warnings.append(f"no customer-month with MRR above 0 in {cms.window.label}")
    return Report(
        segments=segments,
        features=features,
        totals=totals,
        scenario=filled,
        warnings=tuple(warnings),
        customer_months=cms,
        tier_thresholds=cms.tier_thresholds,
        fits=fits,
        known_retention=retention,
    )


def _totals(cms: CustomerMonths, scenario: Scenario) -> Totals:
    # Unallocated revenue is counted directly rather than as revenue − Σ feature revenue, so
    # that "nothing left unallocated" is exactly 0 and not the rounding noise of two sums.
    sums = cms.segment_sums.select(
        pl.col("revenue").sum(),
        pl.col("inference").sum(),
        m.compute_burdens().sum().alias("burdens"),
        pl.col("idle_usd").sum().alias("unallocated"),
        pl.col(s.CALLS).sum(),
        pl.col("customer_months").sum(),
    ).row(0, named=True)
    revenue, inference = float(sums["revenue"]), float(sums["inference"])
    unallocated = float(sums["unallocated"]) if scenario.allocation.method == "usage" else 0.0
    gross_profit = m.gross_profit(revenue, inference, float(sums["burdens"]))
    return Totals(
        revenue_usd=revenue,
        allocated_revenue_usd=revenue - unallocated,
        unallocated_revenue_usd=unallocated,
        inference_usd=inference,
        unbilled_inference_usd=cms.unbilled_inference_usd,
        unbilled_calls=cms.unbilled_calls,
        calls=int(sums["calls"]),
        gross_profit_usd=gross_profit,
        gross_margin=m.gross_margin(gross_profit, revenue),
        inference_margin=m.gross_margin(m.gross_profit(revenue, inference, 0.0), revenue),
        inference_share=m.inference_share(inference, revenue),
        customers=cms.customers,
        customer_months=int(sums["customer_months"]),
        first_month=f"{cms.window.first:%Y-%m}",
        last_month=f"{cms.window.last:%Y-%m}",
    )


def clean(value: Any) -> Any:
    """JSON-ready value: floats trimmed of binary noise, dates as ISO text."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite value {value!r} reached the report")
        return float(f"{value:.{_SIGNIFICANT_DIGITS}g}") + 0.0  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {key: clean(value) for key, value in row.items()} for row in frame.iter_rows(named=True)
    ]
