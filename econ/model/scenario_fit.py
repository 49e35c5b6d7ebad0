"""Fitting a scenario written for one version of the data to the data as it is now.

A saved scenario outlives the data it was saved on: the dataset may gain columns, months,
plans or features, or lose some. Gaining changes nothing: what the scenario does not name takes
its default. What the scenario names and the data no longer has is taken out, each removal said
in words (never a silent guess), so the scenario opens rather than failing:

- a ``segment_by`` column that is gone: segments become usage tiers, and the per-segment values
  set for the old segments go with them;
- a segment, plan or feature that is gone: its entries in ``churn``, ``cac_usd``, ``cogs``,
  ``prices``, ``price_book``, ``allocation.weights``, ``feature_categories``, ``targets`` and the
  levers' per-feature overrides;
- a custom allocation left with no weight: the usage allocation;
- a window (``months``) the data no longer reaches: every month of the data;
- direct AI revenue on a revenue table without ``ai_revenue_usd``: all revenue counts; an AI
  plan (or its base) that is gone: its attributed uplift, and all revenue counts when no AI
  plan is left.

A window that still fits but ends before the data's last month is kept, with a note: the
scenario then looks at fewer months than the data now holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

import polars as pl

from econ import schema as s
from econ.inputs.ingest import Dataset
from econ.model.customer_months.runs import TIERS
from econ.scenario.ai import AiRevenue
from econ.scenario.assumptions import ALL, BURDENS, PerSegment, Scenario
from econ.scenario.levers import ALL_FEATURES, PlanPrice, PriceBook

V = TypeVar("V")


@dataclass(frozen=True)
class FittedScenario:
    """A scenario fitted to a dataset.

    Attributes:
        scenario: the scenario, without what names something the data no longer has.
        dropped: what was taken out, one sentence each (empty when it fitted as it was).
        notes: what still fits but the user should know (a window shorter than the data).
    """

    scenario: Scenario
    dropped: tuple[str, ...]
    notes: tuple[str, ...]


def fit_scenario(scenario: Scenario, data: Dataset) -> FittedScenario:
    """``scenario`` without the plans, features, segments, segment column and window ``data``
    no longer has (see the module docstring)."""
    dropped: list[str] = []
    notes: list[str] = []
    plans = set(data.prepared.plans)
    features = set(data.prepared.cells[s.FEATURE_ID].unique().to_list())

    segment_by = scenario.segment_by
    if segment_by not in (s.USAGE_TIER, s.PLAN, *data.segment_columns):
        dropped.append(
            f"segments by {segment_by!r}, a column {data.revenue_name} no longer has: segmented "
            "by usage tier instead, and the values set for its segments are dropped"
        )
        segment_by = s.USAGE_TIER
    segments = _segments(data, segment_by)

    def keep_segments(value: PerSegment, what: str) -> PerSegment:
        if not isinstance(value, Mapping):
            return value
        return _kept(value, segments | {ALL}, f"{what} for segments", dropped)

    churn = None if scenario.churn is None else keep_segments(scenario.churn, "churn")
    cac = None if scenario.cac_usd is None else keep_segments(scenario.cac_usd, "CAC")
    cogs = replace(
        scenario.cogs,
        **{
            burden: keep_segments(getattr(scenario.cogs, burden), burden.replace("_usd", ""))
            for burden in BURDENS
        },
    )
    allocation = scenario.allocation
    weights = _kept(allocation.weights, features, "allocation weights for features", dropped)
    if allocation.method == "custom" and not any(weight > 0 for weight in weights.values()):
        dropped.append("the custom allocation has no feature left: revenue is split by usage")
        allocation = replace(allocation, method="usage", weights={})
    else:
        allocation = replace(allocation, weights=weights)
    levers = scenario.levers
    levers = replace(
        levers,
        route_by_feature=_kept(
            levers.route_by_feature, features, "routing set for features", dropped
        ),
        optimize_by_feature=_kept(
            levers.optimize_by_feature, features, "optimization set for features", dropped
        ),
    )
    fitted = scenario.replace(
        segment_by=segment_by,
        churn=churn,
        cac_usd=cac,
        cogs=cogs,
        allocation=allocation,
        prices=_kept(scenario.prices, plans, "prices for plans", dropped),
        feature_categories=_kept(
            scenario.feature_categories, features, "categories for features", dropped
        ),
        targets=_kept(scenario.targets, features, "margin targets for features", dropped),
        price_book=_fit_book(scenario.price_book, plans, features, data.segment_columns, dropped),
        levers=levers,
        months=_fit_window(scenario.months, data.prepared.months, dropped, notes),
        ai_revenue=_fit_ai_revenue(scenario.ai_revenue, data, plans, dropped),
    )
    return FittedScenario(fitted, tuple(dropped), tuple(notes))


def _segments(data: Dataset, segment_by: str) -> set[str]:
    """The segment names a per-segment value may name under ``segment_by``."""
    if segment_by == s.USAGE_TIER:
        return set(TIERS)
    if segment_by == s.PLAN:
        return set(data.prepared.plans)
    values = data.revenue[segment_by].cast(pl.String).fill_null("unknown").unique()
    return set(values.to_list()) | {"unknown"}


def _kept(values: Mapping[str, V], known: set[str], what: str, dropped: list[str]) -> dict[str, V]:
    """``values`` without the keys that are not ``known``; what went is added to ``dropped``."""
    gone = sorted(key for key in values if key not in known)
    if gone:
        dropped.append(f"{what} the data no longer has: {', '.join(map(repr, gone))}")
    return {key: value for key, value in values.items() if key in known}


def _fit_book(
    book: PriceBook,
    plans: set[str],
    features: set[str],
    columns: tuple[str, ...],
    dropped: list[str],
) -> PriceBook:
    """The price book without plans and features the data no longer has."""
    kept = _kept(book.plans, plans, "simulated prices for plans", dropped)
    fitted: dict[str, PlanPrice] = {}
    for plan, price in kept.items():
        what = f"simulated prices on {plan!r} for features"
        removed = [feature for feature in price.removed if feature in features]
        if len(removed) < len(price.removed):
            gone = sorted(set(price.removed) - set(removed))
            dropped.append(f"{what} the data no longer has: {', '.join(map(repr, gone))}")
        plan_price = replace(
            price,
            included=_kept(price.included, features, what, dropped),
            overage_usd=_kept(price.overage_usd, features, what, dropped),
            per_call_usd=_kept(price.per_call_usd, features, what, dropped),
            outcome_usd=_kept(price.outcome_usd, features, what, dropped),
            tiers=_kept(price.tiers, features | {ALL_FEATURES}, what, dropped),
            removed=tuple(removed),
        )
        if not plan_price.is_empty:
            fitted[plan] = plan_price
    multipliers = _kept(book.cost_multipliers, features, "cost changes for features", dropped)
    swaps = _kept(book.model_swaps, features, "model swaps for features", dropped)
    discounts = tuple(
        item for item in book.discounts if item.column is None or item.column in columns
    )
    if len(discounts) < len(book.discounts):
        gone = sorted({str(item.column) for item in book.discounts} - set(columns))
        dropped.append(f"volume discounts by columns the data no longer has: {gone}")
    return replace(
        book, plans=fitted, cost_multipliers=multipliers, model_swaps=swaps, discounts=discounts
    )


def _fit_ai_revenue(
    ai_revenue: AiRevenue, data: Dataset, plans: set[str], dropped: list[str]
) -> AiRevenue:
    """The AI revenue basis, when the data still has what it reads; else all revenue."""
    if ai_revenue.basis == "direct" and s.AI_REVENUE_USD not in data.revenue.columns:
        dropped.append(
            f"direct AI revenue: {data.revenue_name} has no {s.AI_REVENUE_USD} column, so all "
            "revenue counts as AI revenue"
        )
        return AiRevenue()
    over = {
        plan: base
        for plan, base in ai_revenue.uplift_over.items()
        if plan in plans and base in plans
    }
    if len(over) < len(ai_revenue.uplift_over):
        gone = sorted(set(ai_revenue.uplift_over) - set(over))
        dropped.append(
            "AI plan uplifts over plans the data no longer has: " + ", ".join(map(repr, gone))
        )
    given = _kept(ai_revenue.uplift_usd, plans, "AI plan uplifts for plans", dropped)
    if ai_revenue.basis == "attributed" and not (over or given):
        dropped.append("attributed AI revenue has no AI plan left: all revenue counts")
        return AiRevenue()
    return replace(ai_revenue, uplift_over=over, uplift_usd=given)


def _fit_window(
    months: tuple[str, str] | None,
    data_months: tuple[dt.date, dt.date],
    dropped: list[str],
    notes: list[str],
) -> tuple[str, str] | None:
    """The window, when the data still has months in it; else every month of the data."""
    if months is None:
        return None
    first, last = (f"{day:%Y-%m}" for day in data_months)
    start, end = months
    if end < first or start > last:
        dropped.append(
            f"the window {start} to {end}: the data now runs from {first} to {last}, so every "
            "month is shown"
        )
        return None
    if end < last:
        notes.append(
            f"this scenario looks at {start} to {end}; the data now runs to {last} (widen the "
            "window to see the newer months)"
        )
    return months
