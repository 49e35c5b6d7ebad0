"""Fixes for a feature that loses money on a plan: include an allowance and bill the overage,
gate it to a higher plan, or remove it.

Targets: a feature should reach ``scenario.target_of(feature)`` (its own target, else the low end
of its category's band). Per plan p and feature f, over the window:

- c = f's inference cost on p ÷ p's customer-months; R = f's revenue on p ÷ p's customer-months;
  s = f's share of p's revenue; u = f's cost per use on p; t = f's target margin.
- **gate**: f loses money or sits below its category's action threshold on p. Minimum price of
  a tier that carries f at its target: c ÷ (s × (1 − t)). Gating f to the cheapest higher plan
  where it meets its target saves its cost on p (customers are assumed to stay; upgrades would
  only add to the impact).
- **allowance**: include N = ⌊R × (1 − t) ÷ u⌋ uses a month (at N uses f's margin is at least t)
  and bill each further use at u ÷ (1 − t) (margin t on every extra use). The impact is the
  overage each customer-month would have paid on its actual usage. The bills it raises meet the
  price book's customer response: the impact that survives it is told beside the impact
  (:mod:`econ.decisions.recommend.recommendation`).
- **remove**: not even one use a month pays for itself (⌊R ÷ u′⌋ < 1, with u′ the cost per use
  after the optimization lever) on a plan below the top one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.recommend.recommendation import Context, Recommendation, recommendation
from econ.formats import money, per_call, percent
from econ.inputs.prepare import CUSTOMER_CODE
from econ.scenario.levers import Patch

LOSING: Final = ("negative", "act")
"""The feature statuses a plan's fixes start from: a loss, or below the action threshold."""


def losing_features(context: Context) -> list[Recommendation]:
    """Allowance + overage, and gate or remove, for every feature losing money on a plan."""
    found: list[Recommendation] = []
    for row in context.plan_features.iter_rows(named=True):
        if _is_losing(row):
            found += _plan_feature(context, row)
    return found


def _is_losing(row: Mapping[str, Any]) -> bool:
    """Below its action threshold on the plan, with calls someone tagged (no one can gate or
    price calls nobody tagged)."""
    if row["status"] not in LOSING or row["calls"] == 0:
        return False
    return bool(row[s.FEATURE_ID] != s.UNTAGGED)


@dataclass(frozen=True)
class _LosingFeature:
    """A feature below its action threshold on a plan, with the figures every fix starts from."""

    plan: str
    feature: str
    cost: float
    revenue: float
    calls: int
    customer_months: int
    plan_revenue: float
    target: float
    users: pl.Series  # the codes of the customers who called it on the plan
    evidence: Mapping[str, Any]
    facts: tuple[str, ...]

    @property
    def cost_per_month(self) -> float:  # c
        return self.cost / self.customer_months

    @property
    def revenue_per_month(self) -> float:  # R
        return self.revenue / self.customer_months

    @property
    def share(self) -> float:  # s
        share = m.share(self.revenue, self.plan_revenue)
        return 0.0 if share is None else share

    @property
    def cost_per_use(self) -> float:  # u
        """Defined: a losing feature made calls (:func:`_is_losing`)."""
        per_use = m.cost_per_call(self.cost, self.calls)
        return 0.0 if per_use is None else per_use


def _losing_feature(context: Context, row: Mapping[str, Any]) -> _LosingFeature:
    plan, feature = row[s.PLAN], row[s.FEATURE_ID]
    plan_row = context.plans.filter(pl.col(s.PLAN) == plan).row(0, named=True)
    users = context.usage.filter(
        (pl.col(s.PLAN) == plan) & (pl.col(s.FEATURE_ID) == feature) & (pl.col(s.CALLS) > 0)
    )[CUSTOMER_CODE]
    loser = _LosingFeature(
        plan=plan,
        feature=feature,
        cost=row["cost_usd"],
        revenue=row["revenue_usd"],
        calls=row["calls"],
        customer_months=plan_row["customer_months"],
        plan_revenue=plan_row["revenue"],
        target=context.report.scenario.target_of(feature),
        users=users,
        evidence={},
        facts=(),
    )
    return replace(loser, evidence=_evidence(loser, row), facts=_facts(loser, row))


def _facts(loser: _LosingFeature, row: Mapping[str, Any]) -> tuple[str, ...]:
    """The sentences every fix of the feature opens with: its cost and its revenue on the plan."""
    plan, feature = loser.plan, loser.feature
    return (
        f"{feature} on {plan}: {money(loser.cost)} of inference over "
        f"{loser.customer_months:,} customer-months = {money(loser.cost_per_month)} per "
        f"customer-month, {loser.calls:,} uses at {per_call(loser.cost_per_use)} each.",
        f"It earns {percent(loser.share, digits=2)} of {plan}'s revenue = "
        f"{money(loser.revenue_per_month)} per customer-month: margin "
        f"{percent(row['gross_margin'])} against a {percent(loser.target, digits=0)} target "
        f"({row['category']}).",
    )


def _evidence(loser: _LosingFeature, row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "gross_margin": row["gross_margin"],
        "target_margin": loser.target,
        "cost_per_customer_month_usd": loser.cost_per_month,
        "revenue_per_customer_month_usd": loser.revenue_per_month,
        "revenue_share": loser.share,
        "cost_per_use_usd": loser.cost_per_use,
        "uses": loser.calls,
        "customer_months": loser.customer_months,
    }


def _plan_feature(context: Context, row: Mapping[str, Any]) -> list[Recommendation]:
    """Allowance + overage, and gate or remove, for a feature losing money on a plan."""
    loser = _losing_feature(context, row)
    found = []
    allowance = m.included_uses(loser.revenue_per_month, loser.target, loser.cost_per_use)
    if allowance >= 1:
        found.append(_allowance(context, loser, allowance))
    found += _gate_or_remove(context, loser)
    return found


def _min_tier_price(loser: _LosingFeature) -> tuple[float | None, str]:
    """c ÷ (s × (1 − t)), and the sentence that shows it."""
    if loser.share <= 0:
        return None, "It earns no revenue on this plan, so no price carries it."
    price = m.minimum_price(loser.cost_per_month, loser.share, loser.target)
    target = percent(loser.target, digits=0)
    return price, (
        f"A tier that carries it at {target} must cost at least {money(loser.cost_per_month)} ÷ "
        f"({percent(loser.share, digits=2)} × (1 − {target})) = {money(price)} a month."
    )


def _optimized_cost_per_use(context: Context, loser: _LosingFeature) -> float:
    """u′: the cost per use after the scenario's optimization lever for the feature."""
    optimize = context.report.scenario.levers.optimize_for(loser.feature)
    return loser.cost_per_use * (1 - optimize.cost_reduction)


def _break_even_uses(context: Context, loser: _LosingFeature) -> int:
    """⌊R ÷ u′⌋: the uses a month the feature's revenue pays for, even after optimization."""
    optimized_u = _optimized_cost_per_use(context, loser)
    return math.floor(loser.revenue_per_month / optimized_u) if optimized_u > 0 else 1


def _gate_or_remove(context: Context, loser: _LosingFeature) -> list[Recommendation]:
    """Remove the feature when no use pays for itself (below the top plan); otherwise gate it
    to the cheapest higher plan where it meets its target, or take it off the plan."""
    higher = _higher_plan_meeting_target(context, loser.plan, loser.feature, loser.target)
    is_top_plan = loser.plan == context.plans[s.PLAN][-1]
    if _break_even_uses(context, loser) < 1 and not is_top_plan:
        return [_remove(context, loser, higher)]
    if is_top_plan and not higher:
        return []
    return [_gate(context, loser, higher)]


def _remove(context: Context, loser: _LosingFeature, higher: str | None) -> Recommendation:
    plan, feature, cost = loser.plan, loser.feature, loser.cost
    saving = cost / context.months
    _, price_line = _min_tier_price(loser)
    return recommendation(
        context,
        kind="remove",
        title=f"Remove {feature} from {plan}: not even one use a month pays for itself",
        revenue_change=0.0,
        cost_change=-saving,
        customer_codes=loser.users,
        evidence={**loser.evidence, "break_even_uses": 0},
        change={"plan": plan, "remove": feature, "upgrade_path": higher},
        arithmetic=[
            *loser.facts,
            f"Even after optimization one use costs "
            f"{per_call(_optimized_cost_per_use(context, loser))}, more than the "
            f"{money(loser.revenue_per_month)} it earns per customer-month: no allowance is "
            "margin-positive.",
            price_line,
            f"Removing it saves {money(cost)} over {context.months} months = "
            f"{money(saving)} a month"
            + (f"; offer {higher} as the upgrade path." if higher else "."),
        ],
        patch=Patch(plan=plan, removed=(feature,)),
        feature=feature,
        plan=plan,
    )


def _gate(context: Context, loser: _LosingFeature, higher: str | None) -> Recommendation:
    plan, feature, cost = loser.plan, loser.feature, loser.cost
    saving = cost / context.months
    min_price, price_line = _min_tier_price(loser)
    gate_line = (
        f"Gating it to {higher}, where it meets its target, saves its {money(cost)} of cost on "
        f"{plan}: {money(saving)} a month (upgrades would add revenue on top)."
        if higher
        else f"No higher plan carries it at its target; taking it off {plan} saves "
        f"{money(saving)} a month."
    )
    title = f"Gate {feature} on {plan} to {higher}" if higher else f"Take {feature} off {plan}"
    if min_price is not None:
        title += f", or price {plan} at {money(min_price)}+"
    return recommendation(
        context,
        kind="gate",
        title=title,
        revenue_change=0.0,
        cost_change=-saving,
        customer_codes=loser.users,
        evidence=loser.evidence,
        change={"plan": plan, "gate_to": higher, "min_tier_price_usd": min_price},
        arithmetic=[*loser.facts, price_line, gate_line],
        patch=Patch(plan=plan, removed=(feature,)),
        feature=feature,
        plan=plan,
    )


def _higher_plan_meeting_target(
    context: Context, plan: str, feature: str, target: float
) -> str | None:
    """The cheapest plan above ``plan`` where the feature meets its target margin, if any."""
    names = context.plans[s.PLAN].to_list()
    for candidate in names[names.index(plan) + 1 :]:
        row = context.plan_features.filter(
            (pl.col(s.PLAN) == candidate) & (pl.col(s.FEATURE_ID) == feature)
        )
        if row.height and (row["gross_margin"][0] or -math.inf) >= target:
            return str(candidate)
    return None


def _allowance(context: Context, loser: _LosingFeature, allowance: int) -> Recommendation:
    """Include ``allowance`` uses a month and bill the rest at the target margin; the impact is
    the overage the window's customer-months would have paid (less the uses that would stop)."""
    plan, feature = loser.plan, loser.feature
    overage = m.overage_price(loser.cost_per_use, loser.target)
    drop = context.report.scenario.price_book.metered_usage_drop
    over = _months_over(context, loser, allowance)
    over_uses = float(over["over"].sum())
    revenue_change = over_uses * (1 - drop) * overage / context.months
    return recommendation(
        context,
        kind="allowance",
        title=f"Include {allowance} {feature} use{'' if allowance == 1 else 's'} a month on "
        f"{plan}, then {money(overage)} a use",
        revenue_change=revenue_change,
        cost_change=-over_uses * drop * loser.cost_per_use / context.months,
        customer_codes=over[CUSTOMER_CODE],
        evidence={**loser.evidence, "overage_uses": over_uses, "months_over": over.height},
        change={"plan": plan, "included_uses": allowance, "overage_usd": overage},
        arithmetic=[
            *loser.facts,
            *_allowance_lines(loser, allowance, overage),
            f"On actual usage, {over.height:,} customer-months went over: {over_uses:,.0f} uses"
            + (f", of which {percent(drop, digits=0)} are assumed to stop" if drop else "")
            + f", billing {money(revenue_change)} a month.",
        ],
        patch=Patch(plan=plan, included={feature: allowance}, overage_usd={feature: overage}),
        feature=feature,
        plan=plan,
        bill_rises=over.select(
            s.CUSTOMER_ID,
            (pl.col("over") * (1 - drop) * overage).alias("revenue_change_usd"),
            (-pl.col("over") * drop * loser.cost_per_use).alias("cost_change_usd"),
        ),
    )


def _months_over(context: Context, loser: _LosingFeature, allowance: int) -> pl.DataFrame:
    """The feature's usage rows on the plan that went over the allowance, with the uses over."""
    return (
        context.usage.filter(
            (pl.col(s.PLAN) == loser.plan) & (pl.col(s.FEATURE_ID) == loser.feature)
        )
        .with_columns((pl.col(s.CALLS) - allowance).clip(lower_bound=0).alias("over"))
        .filter(pl.col("over") > 0)
    )


def _allowance_lines(loser: _LosingFeature, allowance: int, overage: float) -> list[str]:
    """N = ⌊R × (1 − t) ÷ u⌋ and the overage price u ÷ (1 − t), each shown with its numbers."""
    u, r, t = loser.cost_per_use, loser.revenue_per_month, percent(loser.target, digits=0)
    margin_at_allowance = 1 - allowance * u / r
    return [
        f"Include N = ⌊{money(r)} × (1 − {t}) ÷ {per_call(u)}⌋ = {allowance} uses a month: "
        f"at {allowance} uses it costs {money(allowance * u)} against {money(r)}, a "
        f"{percent(margin_at_allowance)} margin.",
        f"Bill each further use at {per_call(u)} ÷ (1 − {t}) = {money(overage)} (rounded up "
        f"to the cent): {t} or more on every extra use.",
    ]
