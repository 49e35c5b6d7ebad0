"""What every recommendation is made of: the :class:`Recommendation` type, the :class:`Context`
each family of levers reads (the report and the window's per-month totals), and
:func:`recommendation`, which adds the id, the company's gross margin before and after, and
the customers affected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.model.customer_months import INFERENCE_USD
from econ.model.features import feature_table
from econ.model.report import Report, clean
from econ.scenario.levers import Patch

Kind = Literal[
    "gate", "allowance", "remove", "fair_use", "ltv_cac", "route", "optimize", "price_signal"
]


@dataclass(frozen=True)
class Recommendation:
    """One proposed change, with its evidence, arithmetic and monthly impact.

    Dollar figures are per month: the window's totals divided by its number of months. Impacts
    are each measured alone against current pricing, not stacked.
    """

    id: str
    kind: Kind
    title: str
    feature: str | None
    plan: str | None
    segment: str | None
    evidence: Mapping[str, Any]
    change: Mapping[str, Any]
    revenue_change_usd: float
    cost_change_usd: float
    gross_margin_before: float | None
    gross_margin_after: float | None
    customers_affected: int
    revenue_share_affected: float | None
    arithmetic: tuple[str, ...]
    patch: Patch | None

    @property
    def gross_profit_change_usd(self) -> float:
        return self.revenue_change_usd - self.cost_change_usd

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["gross_profit_change_usd"] = self.gross_profit_change_usd
        data["patch"] = asdict(self.patch) if self.patch else None
        cleaned: dict[str, Any] = _cleaned(data)
        return cleaned


def _cleaned(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return clean(value)


@dataclass(frozen=True)
class Context:
    """The report, and what every family of levers reads from it, computed once."""

    report: Report
    months: int
    revenue: float  # per month
    gross_profit: float  # per month
    plans: pl.DataFrame  # plan, customer_months, revenue, price (ascending)
    plan_features: pl.DataFrame
    usage: pl.DataFrame  # per cm × feature: customer_id, month, plan, feature_id, calls, cost


def context_of(report: Report) -> Context:
    """The window's revenue and compute-adjusted gross profit per month, the plans from the
    cheapest up, the feature table per plan, and the usage every lever filters."""
    cms = report.customer_months
    months = cms.window.months
    frame = cms.frame
    revenue = float(frame[s.MRR_USD].sum())
    inference = float(frame[INFERENCE_USD].sum())
    burdens = float(frame.select(m.compute_burdens().sum()).item())
    gross_profit = m.gross_profit(revenue, inference, burdens)
    plans = (
        frame.group_by(s.PLAN)
        .agg(pl.len().alias("customer_months"), pl.col(s.MRR_USD).sum().alias("revenue"))
        .with_columns((pl.col("revenue") / pl.col("customer_months")).alias("price"))
        .sort("price", s.PLAN)
    )
    plan_features, _ = feature_table(cms, report.scenario, by=[s.PLAN])
    return Context(
        report=report,
        months=months,
        revenue=revenue / months,
        gross_profit=gross_profit / months,
        plans=plans,
        plan_features=plan_features,
        usage=cms.usage.select(
            s.CUSTOMER_ID, s.MONTH, s.PLAN, s.FEATURE_ID, s.CALLS, s.COST_USD, s.MRR_USD
        ),
    )


def _margins(
    context: Context, revenue_change: float, cost_change: float
) -> tuple[float | None, float | None]:
    """The company's gross margin per month before the change, and after it."""
    before = m.gross_margin(context.gross_profit, context.revenue)
    revenue_after = context.revenue + revenue_change
    profit_after = context.gross_profit + revenue_change - cost_change
    return before, m.gross_margin(profit_after, revenue_after)


def _affected(context: Context, customers: pl.Series) -> tuple[int, float | None]:
    """How many customers, and what share of the window's revenue they bring."""
    frame = context.report.customer_months.frame
    theirs = frame.filter(pl.col(s.CUSTOMER_ID).is_in(customers.implode()))
    total = float(frame[s.MRR_USD].sum())
    return customers.n_unique(), m.share(float(theirs[s.MRR_USD].sum()), total)


def recommendation(
    context: Context,
    *,
    kind: Kind,
    title: str,
    revenue_change: float,
    cost_change: float,
    customers: pl.Series,
    evidence: Mapping[str, Any],
    change: Mapping[str, Any],
    arithmetic: list[str],
    patch: Patch | None,
    feature: str | None = None,
    plan: str | None = None,
    segment: str | None = None,
) -> Recommendation:
    """A recommendation with its id, the margins before and after, and whom it affects."""
    before, after = _margins(context, revenue_change, cost_change)
    count, share = _affected(context, customers)
    return Recommendation(
        id=":".join(part for part in (kind, plan, segment, feature) if part),
        kind=kind,
        title=title,
        feature=feature,
        plan=plan,
        segment=segment,
        evidence=evidence,
        change=change,
        revenue_change_usd=revenue_change,
        cost_change_usd=cost_change,
        gross_margin_before=before,
        gross_margin_after=after,
        customers_affected=count,
        revenue_share_affected=share,
        arithmetic=tuple(arithmetic),
        patch=patch,
    )
