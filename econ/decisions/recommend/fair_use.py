"""Fair use: on a plan where customers lose money, include AI usage up to a threshold and bill
the cost above it.

- **fair_use**: customers lose money on p. A threshold at the levers' percentile of monthly
  inference cost per customer-month; cost above it billed at cost ÷ (1 − fair-use margin). The
  bills it raises meet the price book's customer response: the impact that survives it is told
  beside the impact (:mod:`econ.decisions.recommend.recommendation`).
"""

from __future__ import annotations

import math

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.recommend.recommendation import Context, Recommendation, recommendation
from econ.formats import money, percent
from econ.inputs.prepare import CUSTOMER_CODE
from econ.model.customer_months import COUNTED_REVENUE_USD, INFERENCE_USD
from econ.scenario.levers import Patch


def fair_use(context: Context) -> list[Recommendation]:
    """A fair-use threshold for every plan with customers who cost more than they pay."""
    profit = m.gross_profit(pl.col(COUNTED_REVENUE_USD), pl.col(INFERENCE_USD), m.compute_burdens())
    frame = context.report.customer_months.frame.with_columns(profit.alias("profit"))
    found = []
    for plan in context.plans[s.PLAN].to_list():
        found += _on_plan(context, frame.filter(pl.col(s.PLAN) == plan), plan)
    return found


def _on_plan(context: Context, on_plan: pl.DataFrame, plan: str) -> list[Recommendation]:
    """Fair use on one plan (its cms with their compute-adjusted ``profit``), when some of its
    customers lose money and the plan's inference cost has a percentile."""
    per_customer = on_plan.group_by(s.CUSTOMER_ID).agg(pl.col("profit").sum())
    losing = per_customer.filter(pl.col("profit") < 0)
    if losing.height == 0:
        return []
    levers = context.report.scenario.levers
    threshold_value = on_plan[INFERENCE_USD].quantile(
        levers.fair_use_percentile / 100, interpolation="linear"
    )
    if threshold_value is None:
        return []
    threshold = math.ceil(float(threshold_value))
    above = on_plan.filter(pl.col(INFERENCE_USD) > threshold)
    loss = -float(losing["profit"].sum())
    return [
        _fair_use(context, plan, threshold=threshold, above=above, losing=losing.height, loss=loss)
    ]


def _fair_use(
    context: Context, plan: str, *, threshold: int, above: pl.DataFrame, losing: int, loss: float
) -> Recommendation:
    """Bill the inference cost of the cms ``above`` the threshold at the fair-use margin;
    ``losing`` customers lost ``loss`` over the window."""
    percentile = context.report.scenario.levers.fair_use_percentile
    margin = context.report.scenario.price_book.fair_use_margin
    excess = float((above[INFERENCE_USD] - threshold).sum())
    revenue_change = m.fair_use_charge(excess, 0.0, margin) / context.months
    return recommendation(
        context,
        kind="fair_use",
        title=f"Fair use on {plan}: {money(threshold, cents=False)} of AI usage a month "
        "included, usage beyond it billed",
        revenue_change=revenue_change,
        cost_change=0.0,
        customer_codes=above[CUSTOMER_CODE],
        evidence={
            "losing_customers": losing,
            "loss_usd_per_month": loss / context.months,
            "threshold_usd": threshold,
            "percentile": percentile,
            "customer_months_above": above.height,
        },
        change={"plan": plan, "fair_use_usd": threshold, "margin_on_excess": margin},
        arithmetic=[
            f"{losing:,} {plan} customers cost more than they pay: "
            f"{money(loss / context.months)} a month lost.",
            f"The {percentile:g}th percentile of monthly inference cost on {plan} is "
            f"{money(threshold, cents=False)}; {above.height:,} customer-months went above it.",
            f"Billing their {money(excess)} of excess cost at cost ÷ (1 − "
            f"{percent(margin, digits=0)}) adds {money(revenue_change)} a month.",
        ],
        patch=Patch(plan=plan, fair_use_usd=float(threshold)),
        plan=plan,
        bill_rises=above.select(
            s.CUSTOMER_ID,
            m.fair_use_charge(pl.col(INFERENCE_USD), pl.lit(float(threshold)), margin).alias(
                "revenue_change_usd"
            ),
            pl.lit(0.0).alias("cost_change_usd"),
        ),
    )
