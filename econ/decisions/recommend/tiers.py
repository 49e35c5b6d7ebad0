"""Graduated tiers: a feature below its target margin whose usage is long-tailed is billed in
graduated bands rather than one flat price (the tiered pricing of articles 000 and 003).

- **graduated**: on plan p, feature f misses its target margin t and its monthly uses per
  customer-month are long-tailed (the 90th percentile at least :data:`LONG_TAIL` × the median,
  over at least :data:`MIN_MONTHS` customer-months with uses). Bands: the median number of
  uses included; up to the 90th percentile at the target-margin price u ÷ (1 − t)
  (:func:`econ.measures.overage_price`); beyond it at :data:`HEAVY_DISCOUNT` of that price,
  never below cost u. Most customers pay nothing more; the heavy tail pays for its cost, and the
  heaviest get a volume break. The impact is each customer-month's graduated charge
  (:func:`econ.measures.tiered_charge`) on its own uses, less the uses the price book's
  ``metered_usage_drop`` stops, as the simulator bills them.
"""

from __future__ import annotations

import math
from typing import Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.recommend.recommendation import Context, Recommendation, recommendation
from econ.formats import money, per_call, percent
from econ.inputs.prepare import CUSTOMER_CODE
from econ.scenario.levers import Patch, TierBand, Tiers

LONG_TAIL: Final = 4.0
"""How many times the median the 90th percentile of monthly uses must be to call the usage
long-tailed (an assumption; a flat allowance fits usage closer to its median)."""
MIN_MONTHS: Final = 10
"""The fewest customer-months with uses a feature needs on a plan before its tail is read."""
HEAVY_DISCOUNT: Final = 0.75
"""The share of the target-margin price the heaviest band pays (its volume break)."""


def graduated_tiers(context: Context) -> list[Recommendation]:
    """Graduated tiers for each feature below target with long-tailed usage on a plan."""
    scenario = context.report.scenario
    below = [
        (row[s.PLAN], row[s.FEATURE_ID])
        for row in context.plan_features.iter_rows(named=True)
        if row["gross_margin"] is not None
        and row["gross_margin"] < scenario.target_of(row[s.FEATURE_ID])
        and row["calls"] > 0
        and row[s.FEATURE_ID] != s.UNTAGGED
    ]
    if not below:
        return []
    # Every plan × feature's tail in one pass over the usage; rows only for those it proposes.
    calls = pl.col(s.CALLS)
    tails = (
        context.usage.filter(calls > 0)
        .group_by(s.PLAN, s.FEATURE_ID)
        .agg(
            pl.len().alias("months"),
            calls.quantile(0.5, interpolation="linear").alias("median"),
            calls.quantile(0.9, interpolation="linear").alias("tail"),
        )
        .filter((pl.col("months") >= MIN_MONTHS) & (pl.col("tail") >= LONG_TAIL * pl.col("median")))
    )
    long_tailed = {(row[0], row[1]): (row[3], row[4]) for row in tails.iter_rows()}
    found = []
    for plan, feature in below:
        if (plan, feature) not in long_tailed:
            continue
        median, tail = long_tailed[plan, feature]
        target = scenario.target_of(feature)
        proposal = _proposal(context, plan, feature, target, median=median, tail=tail)
        if proposal is not None:
            found.append(proposal)
    return found


def _proposal(
    context: Context, plan: str, feature: str, target: float, *, median: float, tail: float
) -> Recommendation | None:
    used = context.usage.filter(
        (pl.col(s.PLAN) == plan) & (pl.col(s.FEATURE_ID) == feature) & (pl.col(s.CALLS) > 0)
    )
    cost_per_use = m.cost_per_call(float(used[s.COST_USD].sum()), float(used[s.CALLS].sum()))
    if not cost_per_use:
        return None
    included, heavy_from = math.ceil(median), math.ceil(tail)
    price = m.overage_price(cost_per_use, target)
    heavy = max(cost_per_use, round(price * HEAVY_DISCOUNT, 4))
    tiers = Tiers(
        mode="graduated",
        measure="calls",
        bands=(
            TierBand(up_to=included, unit_usd=0.0),
            TierBand(up_to=heavy_from, unit_usd=price),
            TierBand(unit_usd=heavy),
        ),
    )
    drop = context.report.scenario.price_book.metered_usage_drop
    bands = [(band.up_to, band.unit_usd, band.flat_usd) for band in tiers.bands]
    charged = used.with_columns(
        m.tiered_charge(pl.col(s.CALLS).cast(pl.Float64) * (1 - drop), bands, "graduated").alias(
            "revenue_change_usd"
        ),
        (-pl.col(s.COST_USD) * drop).alias("cost_change_usd"),
    )
    paying = charged.filter(pl.col("revenue_change_usd") > 0)
    revenue_change = float(charged["revenue_change_usd"].sum()) / context.months
    cost_change = float(charged["cost_change_usd"].sum()) / context.months
    t = percent(target, digits=0)
    return recommendation(
        context,
        kind="graduated",
        title=f"Graduated tiers for {feature} on {plan}: {included} uses a month included, "
        f"then {money(price)}, {money(heavy)} beyond {heavy_from}",
        revenue_change=revenue_change,
        cost_change=cost_change,
        customer_codes=paying[CUSTOMER_CODE],
        evidence={
            "median_uses": float(median),
            "p90_uses": float(tail),
            "cost_per_use_usd": cost_per_use,
            "target_margin": target,
            "customer_months_with_uses": used.height,
            "customer_months_paying_more": paying.height,
        },
        change={
            "plan": plan,
            "feature": feature,
            "tiers": tiers.to_dict(),
        },
        arithmetic=[
            f"{feature} on {plan}: {used.height:,} customer-months with uses; the median is "
            f"{float(median):,.0f} uses a month, the 90th percentile {float(tail):,.0f} "
            f"({float(tail) / float(median):.1f}× the median): a long tail.",
            f"Include {included} uses (the median), bill uses up to {heavy_from} at "
            f"{per_call(cost_per_use)} ÷ (1 − {t}) = {money(price)} ({t} margin on each), and "
            f"uses beyond at {money(heavy)} ({percent(HEAVY_DISCOUNT, digits=0)} of it, never "
            "below cost).",
            f"On actual usage {paying.height:,} customer-months would pay more"
            + (f", {percent(drop, digits=0)} of their uses assumed to stop" if drop else "")
            + f": {money(revenue_change)} a month.",
        ],
        patch=Patch(plan=plan, tiers={feature: tiers}),
        feature=feature,
        plan=plan,
        bill_rises=paying.select(s.CUSTOMER_ID, "revenue_change_usd", "cost_change_usd"),
    )
