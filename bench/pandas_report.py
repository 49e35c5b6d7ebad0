"""The report as an analyst would write it in a pandas notebook: the benchmark's baseline.

It covers what a control change recomputes in econ, for the scenarios the benchmark varies
(usage-tier segments, scalar burdens and CAC, churn given or estimated, usage or custom weights,
plan prices, the whole window): active customer-months, usage tiers, churn flags, the segment
table with its blended row, feature margins and company totals. Like econ, it does once per
dataset what no control changes (usage per customer-month, each usage row's revenue row).

The benchmark checks that its figures match econ's before it times anything, so the two sides
do the same work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BURDENS = ("ai_infra_usd", "support_usd", "cs_usd")


@dataclass(frozen=True)
class Prepared:
    """What does not depend on the scenario."""

    revenue: pd.DataFrame  # revenue rows with calls and inference of the customer-month
    usage: pd.DataFrame  # rollup rows with a revenue row: feature, calls, cost, row index


@dataclass(frozen=True)
class Assumptions:
    churn: float | None
    cac_usd: float
    burdens: dict[str, float]
    prices: dict[str, float]
    weights: dict[str, float] | None  # None: usage-weighted
    percentiles: tuple[float, float] = (50.0, 90.0)


def prepare(rollup: pd.DataFrame, revenue: pd.DataFrame) -> Prepared:
    per_cm = rollup.groupby(["customer_id", "month"], as_index=False).agg(
        cm_calls=("calls", "sum"), cm_inference=("cost_usd", "sum")
    )
    rows = revenue.sort_values(["customer_id", "month"]).reset_index(drop=True)
    rows = rows.merge(per_cm, on=["customer_id", "month"], how="left")
    rows[["cm_calls", "cm_inference"]] = rows[["cm_calls", "cm_inference"]].fillna(0)
    rows["row"] = np.arange(len(rows))
    usage = rollup.merge(rows[["customer_id", "month", "row"]], on=["customer_id", "month"])
    return Prepared(rows, usage[["row", "feature_id", "calls", "cost_usd"]])


def report(data: Prepared, scenario: Assumptions) -> dict[str, object]:
    cms = data.revenue.copy()
    cms["mrr"] = cms["plan"].map(scenario.prices).fillna(cms["mrr_usd"])
    cms["active"] = cms["mrr"] > 0
    last = cms["month"].max()
    following = cms.groupby("customer_id")["month"].shift(-1)
    next_active = cms.groupby("customer_id")["active"].shift(-1, fill_value=False).astype(bool)
    stays = next_active & (following == cms["month"] + pd.DateOffset(months=1))
    cms["at_risk"] = cms["month"] < last
    cms["churned"] = cms["at_risk"] & ~stays
    cms = cms[cms["active"]]

    spend = cms.groupby("customer_id")["cm_inference"].mean()
    low, high = np.percentile(spend.to_numpy(), scenario.percentiles)
    tier = pd.Series(
        np.where(spend < low, "light", np.where(spend < high, "core", "power")), spend.index
    )
    cms = cms.assign(segment=cms["customer_id"].map(tier))
    for name in BURDENS:
        cms[name] = scenario.burdens[name]
    cms["at_risk_mrr"] = cms["mrr"].where(cms["at_risk"], 0.0)
    cms["churned_mrr"] = cms["mrr"].where(cms["churned"], 0.0)

    sums = cms.groupby("segment").agg(
        customers=("customer_id", "nunique"),
        customer_months=("mrr", "size"),
        revenue=("mrr", "sum"),
        inference=("cm_inference", "sum"),
        **{name: (name, "sum") for name in BURDENS},
        at_risk_mrr=("at_risk_mrr", "sum"),
        churned_mrr=("churned_mrr", "sum"),
    )
    blended = sums.sum().to_frame("all").T
    blended["customers"] = cms["customer_id"].nunique()
    segments = pd.concat([sums, blended])
    months = segments["customer_months"]
    arpa = segments["revenue"] / months
    gross_profit = arpa - segments["inference"] / months
    for name in BURDENS:
        gross_profit -= segments[name] / months
    churn = (
        pd.Series(scenario.churn, segments.index)
        if scenario.churn is not None
        else segments["churned_mrr"] / segments["at_risk_mrr"]
    )
    segments["gross_margin"] = gross_profit / arpa
    segments["ltv_compute_adjusted_usd"] = gross_profit / churn
    segments["ltv_cac"] = segments["ltv_compute_adjusted_usd"] / scenario.cac_usd
    segments["payback_months"] = scenario.cac_usd / gross_profit

    usage = data.usage.merge(cms[["row", "mrr", "cm_calls", "plan"]], on="row")
    if scenario.weights is None:
        usage["revenue"] = np.where(
            usage["cm_calls"] > 0, usage["mrr"] * usage["calls"] / usage["cm_calls"], 0.0
        )
        features = usage.groupby("feature_id").agg(
            calls=("calls", "sum"), cost_usd=("cost_usd", "sum"), revenue_usd=("revenue", "sum")
        )
    else:
        features = usage.groupby("feature_id").agg(
            calls=("calls", "sum"), cost_usd=("cost_usd", "sum")
        )
        total = sum(scenario.weights.values())
        shares = pd.Series(scenario.weights) / total
        features["revenue_usd"] = shares.reindex(features.index).fillna(0.0) * cms["mrr"].sum()
    features["gross_profit_usd"] = features["revenue_usd"] - features["cost_usd"]
    features["gross_margin"] = features["gross_profit_usd"] / features["revenue_usd"]
    features = features.sort_values("gross_profit_usd", ascending=False)

    revenue = cms["mrr"].sum()
    inference = cms["cm_inference"].sum()
    burdens = sum(cms[name].sum() for name in BURDENS)
    totals = {
        "revenue_usd": revenue,
        "inference_usd": inference,
        "gross_margin": (revenue - inference - burdens) / revenue,
    }
    return {"segments": segments, "features": features, "totals": totals}
