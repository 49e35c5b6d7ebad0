"""Cost levers: cheaper inference for a feature, with no change to any customer's bill.

- **route**: a feature below target sends a share of calls to a cheaper model: cost × share ×
  (1 − relative cost) saved. A route naming its ``model`` derives the relative cost from the
  feature's own tokens re-priced at that model's list rates
  (:func:`econ.decisions.model_swap.swap_model`), and falls back to the typed one (saying so)
  while none can be derived; a model that would cost more recommends nothing.
- **optimize**: ROI = (cost per call − cost per call after) × monthly calls × 12 ÷ investment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.model_swap import model_swaps
from econ.decisions.recommend.recommendation import Context, Recommendation, recommendation
from econ.formats import amount, money, per_call, percent
from econ.scenario.levers import Patch, Route


def cost_levers(context: Context) -> list[Recommendation]:
    """Route and optimize, for every feature with tagged calls."""
    features = context.report.features
    actionable = features.filter((pl.col(s.CALLS) > 0) & (pl.col(s.FEATURE_ID) != s.UNTAGGED))
    found = []
    for row in actionable.iter_rows(named=True):
        users = context.customers_of(row[s.FEATURE_ID])
        found += _route(context, row, users)
        found += _optimize(context, row, users)
    return found


def _route(context: Context, row: Mapping[str, Any], users: pl.Series) -> list[Recommendation]:
    """Send the levers' share of a below-target feature's calls to a cheaper model."""
    feature, cost, margin = row[s.FEATURE_ID], row["cost_usd"], row["gross_margin"]
    goal = context.report.scenario.target_of(feature)
    below_target = margin is not None and margin < goal
    if not below_target:
        return []
    route = context.report.scenario.levers.route_for(feature)
    relative_cost, source, note = _relative_cost(context, feature, route)
    factor = m.routed_cost_factor(route.share, relative_cost)
    if source == DERIVED and factor >= 1:
        return []  # the named model would cost more: nothing to save by routing to it
    saving = cost * (1 - factor) / context.months
    revenue = row["revenue_usd"]
    after = m.gross_margin(m.gross_profit(revenue, cost * factor, 0.0), revenue)
    share, relative = percent(route.share, digits=0), percent(relative_cost, digits=0)
    target = "a model" if route.model is None else route.model
    return [
        recommendation(
            context,
            kind="route",
            title=f"Route {share} of {feature} to {target} at {relative} of the cost",
            revenue_change=0.0,
            cost_change=-saving,
            customer_codes=users.head(0),
            evidence={
                "gross_margin": margin,
                "target_margin": goal,
                "cost_usd_per_month": cost / context.months,
                "users": users.n_unique(),
            },
            change={
                "share": route.share,
                "relative_cost": relative_cost,
                "model": route.model,
                "relative_cost_source": source,
            },
            arithmetic=[
                f"{feature} costs {money(cost / context.months)} a month at a "
                f"{percent(margin)} margin, below its {percent(goal, digits=0)} target.",
                *([note] if note else []),
                f"Sending {share} of its calls to {target} at {relative} of the cost multiplies "
                f"its cost by {factor:.2f}: {money(saving)} a month saved; margin "
                f"{percent(margin)} → {percent(after)}. No customer's bill changes.",
            ],
            patch=Patch(cost_multipliers={feature: factor}),
            feature=feature,
        )
    ]


DERIVED = "derived"
"""A route's relative cost re-priced from the feature's tokens at its named model's rates."""
TYPED = "typed"
"""A route's relative cost as the scenario types it."""


def _relative_cost(context: Context, feature: str, route: Route) -> tuple[float, str, str | None]:
    """The route's relative cost, where it came from (:data:`DERIVED` or :data:`TYPED`), and a
    sentence saying how it was derived, or why the typed one stands in (``None`` without a
    model)."""
    if route.model is None:
        return route.relative_cost, TYPED, None
    window = context.report.customer_months.window
    swap = model_swaps(context.model_usage, {feature: route.model}, window)[feature]
    if swap.multiplier is None or swap.repriced_usd is None:
        return (
            route.relative_cost,
            TYPED,
            f"{route.model}'s relative cost cannot be derived ({swap.reason}): the typed "
            f"{percent(route.relative_cost, digits=0)} is used.",
        )
    covered = ""
    if swap.covered is not None and swap.covered < 1:
        covered = f", measured on the {percent(swap.covered)} of its cost whose calls logged tokens"
    return (
        swap.multiplier,
        DERIVED,
        f"Its calls' tokens in {window.label}, re-priced at {route.model}'s list rates, cost "
        f"{amount(swap.repriced_usd)} against {amount(swap.recorded_with_tokens_usd)} as "
        f"recorded: {percent(swap.multiplier)} of the cost{covered}.",
    )


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
            customer_codes=users.head(0),
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
