"""Cost levers: cheaper inference for a feature, with no change to any customer's bill.

- **route**: a feature below target sends a share of calls to a cheaper model: cost × share ×
  (1 − relative cost) saved.
- **optimize**: ROI = (cost per call − cost per call after) × monthly calls × 12 ÷ investment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.recommend.recommendation import Context, Recommendation, recommendation
from econ.formats import money, per_call, percent
from econ.scenario.levers import Patch


def cost_levers(context: Context) -> list[Recommendation]:
    """Route and optimize, for every feature with tagged calls."""
    features = context.report.features
    usage = context.report.customer_months.usage
    actionable = features.filter((pl.col(s.CALLS) > 0) & (pl.col(s.FEATURE_ID) != s.UNTAGGED))
    found = []
    for row in actionable.iter_rows(named=True):
        users = usage.filter(pl.col(s.FEATURE_ID) == row[s.FEATURE_ID])[s.CUSTOMER_ID]
        found += _route(context, row, users)
        found += _optimize(context, row, users)
    return found


def _route(context: Context, row: Mapping[str, Any], users: pl.Series) -> list[Recommendation]:
    """Send the levers' share of a below-target feature's calls to a cheaper model."""
    feature, cost, margin = row[s.FEATURE_ID], row["cost_usd"], row["gross_margin"]
    target = context.report.scenario.target_of(feature)
    below_target = margin is not None and margin < target
    if not below_target:
        return []
    route = context.report.scenario.levers.route_for(feature)
    factor = m.routed_cost_factor(route.share, route.relative_cost)
    saving = cost * (1 - factor) / context.months
    revenue = row["revenue_usd"]
    after = m.gross_margin(m.gross_profit(revenue, cost * factor, 0.0), revenue)
    share, relative = percent(route.share, digits=0), percent(route.relative_cost, digits=0)
    return [
        recommendation(
            context,
            kind="route",
            title=f"Route {share} of {feature} to a model at {relative} of the cost",
            revenue_change=0.0,
            cost_change=-saving,
            customers=users.head(0),
            evidence={
                "gross_margin": margin,
                "target_margin": target,
                "cost_usd_per_month": cost / context.months,
                "users": users.n_unique(),
            },
            change={"share": route.share, "relative_cost": route.relative_cost},
            arithmetic=[
                f"{feature} costs {money(cost / context.months)} a month at a "
                f"{percent(margin)} margin, below its {percent(target, digits=0)} target.",
                f"Sending {share} of its calls to a model at {relative} of the cost multiplies "
                f"its cost by {factor:.2f}: {money(saving)} a month saved; margin "
                f"{percent(margin)} → {percent(after)}. No customer's bill changes.",
            ],
            patch=Patch(cost_multipliers={feature: factor}),
            feature=feature,
        )
    ]


def _optimize(context: Context, row: Mapping[str, Any], users: pl.Series) -> list[Recommendation]:
    """Invest in making the feature's calls cheaper, when the first year pays the investment."""
    feature = row[s.FEATURE_ID]
    optimize = context.report.scenario.levers.optimize_for(feature)
    u = m.cost_per_call(float(row["cost_usd"]), float(row["calls"]))
    if u is None:  # a feature without calls has nothing to optimize
        return []
    after_u = u * (1 - optimize.cost_reduction)
    monthly_calls = row["calls"] / context.months
    yearly = (u - after_u) * monthly_calls * 12
    roi = m.optimization_roi(u, after_u, monthly_calls, optimize.investment_usd)
    if roi is None or roi < 1:
        return []
    investment = money(optimize.investment_usd, cents=False)
    return [
        recommendation(
            context,
            kind="optimize",
            title=f"Optimize {feature}: ROI {roi:.1f}x in the first year",
            revenue_change=0.0,
            cost_change=-yearly / 12,
            customers=users.head(0),
            evidence={
                "cost_per_call_usd": u,
                "cost_per_call_after_usd": after_u,
                "monthly_calls": monthly_calls,
                "investment_usd": optimize.investment_usd,
                "roi": roi,
            },
            change={
                "cost_reduction": optimize.cost_reduction,
                "investment_usd": optimize.investment_usd,
            },
            arithmetic=[
                f"ROI = ({per_call(u)} − {per_call(after_u)}) × {monthly_calls:,.0f} calls a "
                f"month × 12 ÷ {investment} = {money(yearly, cents=False)} ÷ {investment} = "
                f"{roi:.1f}x.",
            ],
            patch=Patch(cost_multipliers={feature: 1 - optimize.cost_reduction}),
            feature=feature,
        )
    ]
