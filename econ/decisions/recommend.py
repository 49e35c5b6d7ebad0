"""Recommendations: what to gate, include, meter, remove, reroute, optimize or reprice, each
with the arithmetic behind it and its monthly dollar impact on the window's own history.

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
  overage each customer-month would have paid on its actual usage.
- **remove**: not even one use a month pays for itself (⌊R ÷ u′⌋ < 1, with u′ the cost per use
  after the optimization lever) on a plan below the top one.
- **fair_use**: customers lose money on p. A threshold at the levers' percentile of monthly
  inference cost per customer-month; cost above it billed at cost ÷ (1 − fair-use margin).
- **ltv_cac**: a segment below 3:1 compute-adjusted LTV:CAC, with the churn or CAC that would
  reach 3:1.
- **route**: a feature below target sends a share of calls to a cheaper model: cost × share ×
  (1 − relative cost) saved.
- **optimize**: ROI = (cost per call − cost per call after) × monthly calls × 12 ÷ investment.
- **price_signal**: a feature above its band and widely used: an upgrade-vector candidate.

Recommendations are ranked by monthly gross-profit impact, largest first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Final, Literal

import polars as pl

from econ import schema as s
from econ.formats import money, per_call, percent, ratio
from econ.model.customer_months import INFERENCE_USD, CustomerMonths
from econ.model.features import feature_table
from econ.model.report import Report, clean
from econ.model.segments import LTV_CAC_BENCHMARK
from econ.scenario.assumptions import ALL, BURDENS
from econ.scenario.levers import Patch

Kind = Literal[
    "gate", "allowance", "remove", "fair_use", "ltv_cac", "route", "optimize", "price_signal"
]
KIND_ORDER: Final[tuple[Kind, ...]] = (
    "gate",
    "allowance",
    "remove",
    "fair_use",
    "route",
    "optimize",
    "ltv_cac",
    "price_signal",
)
WIDELY_USED: Final = 0.25
"""A feature used by at least this share of customers is "widely used" (price signal)."""
FAR_ABOVE_BAND: Final = 0.5
"""A margin more than this fraction of the way from its band's ceiling to 100% is "far above"
the band (price signal): above 97.5% for commodity features, 87.5% for core ones."""


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
class _Context:
    report: Report
    months: int
    revenue: float  # per month
    gross_profit: float  # per month
    plans: pl.DataFrame  # plan, customer_months, revenue, price (ascending)
    plan_features: pl.DataFrame
    usage: pl.DataFrame  # per cm × feature: customer_id, month, plan, feature_id, calls, cost


def recommend(report: Report) -> list[Recommendation]:
    """Every recommendation for the report's data and scenario, biggest impact first."""
    context = _context(report)
    found: list[Recommendation] = []
    for row in context.plan_features.iter_rows(named=True):
        if row["status"] not in ("negative", "act") or row["calls"] == 0:
            continue
        if row[s.FEATURE_ID] == s.UNTAGGED:  # no one can gate or price calls nobody tagged
            continue
        found += _plan_feature(context, row)
    found += _fair_use(context)
    found += _ltv_cac(context)
    found += _cost_levers(context)
    found += _price_signals(context)
    return sorted(
        found,
        key=lambda rec: (
            -round(rec.gross_profit_change_usd, 2),
            KIND_ORDER.index(rec.kind),
            rec.id,
        ),
    )


def _context(report: Report) -> _Context:
    cms = report.customer_months
    months = cms.window.months
    frame = cms.frame
    revenue = float(frame[s.MRR_USD].sum())
    burdens = frame.select(pl.sum_horizontal(b for b in BURDENS if b != "hosting_usd").sum()).item()
    gross_profit = revenue - float(frame[INFERENCE_USD].sum()) - float(burdens)
    plans = (
        frame.group_by(s.PLAN)
        .agg(pl.len().alias("customer_months"), pl.col(s.MRR_USD).sum().alias("revenue"))
        .with_columns((pl.col("revenue") / pl.col("customer_months")).alias("price"))
        .sort("price", s.PLAN)
    )
    plan_features, _ = feature_table(cms, report.scenario, by=[s.PLAN])
    return _Context(
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
    context: _Context, revenue_change: float, cost_change: float
) -> tuple[float | None, float | None]:
    before = context.gross_profit / context.revenue if context.revenue > 0 else None
    revenue_after = context.revenue + revenue_change
    profit_after = context.gross_profit + revenue_change - cost_change
    after = profit_after / revenue_after if revenue_after > 0 else None
    return before, after


def _affected(context: _Context, customers: pl.Series) -> tuple[int, float | None]:
    """How many customers, and what share of the window's revenue they bring."""
    frame = context.report.customer_months.frame
    theirs = frame.filter(pl.col(s.CUSTOMER_ID).is_in(customers.implode()))
    total = float(frame[s.MRR_USD].sum())
    share = float(theirs[s.MRR_USD].sum()) / total if total > 0 else None
    return customers.n_unique(), share


def _recommendation(
    context: _Context,
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
    users: pl.Series
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
        return self.revenue / self.plan_revenue if self.plan_revenue > 0 else 0.0

    @property
    def cost_per_use(self) -> float:  # u
        return self.cost / self.calls


def _losing_feature(context: _Context, row: Mapping[str, Any]) -> _LosingFeature:
    plan, feature = row[s.PLAN], row[s.FEATURE_ID]
    plan_row = context.plans.filter(pl.col(s.PLAN) == plan).row(0, named=True)
    target = context.report.scenario.target_of(feature)
    users = context.usage.filter(
        (pl.col(s.PLAN) == plan) & (pl.col(s.FEATURE_ID) == feature) & (pl.col(s.CALLS) > 0)
    )[s.CUSTOMER_ID]
    loser = _LosingFeature(
        plan=plan,
        feature=feature,
        cost=row["cost_usd"],
        revenue=row["revenue_usd"],
        calls=row["calls"],
        customer_months=plan_row["customer_months"],
        plan_revenue=plan_row["revenue"],
        target=target,
        users=users,
        evidence={},
        facts=(),
    )
    c, r, u = loser.cost_per_month, loser.revenue_per_month, loser.cost_per_use
    facts = (
        f"{feature} on {plan}: {money(loser.cost)} of inference over "
        f"{loser.customer_months:,} customer-months = {money(c)} per customer-month, "
        f"{loser.calls:,} uses at {per_call(u)} each.",
        f"It earns {percent(loser.share, digits=2)} of {plan}'s revenue = {money(r)} per "
        f"customer-month: margin {percent(row['gross_margin'])} against a "
        f"{percent(target, digits=0)} target ({row['category']}).",
    )
    evidence = {
        "gross_margin": row["gross_margin"],
        "target_margin": target,
        "cost_per_customer_month_usd": c,
        "revenue_per_customer_month_usd": r,
        "revenue_share": loser.share,
        "cost_per_use_usd": u,
        "uses": loser.calls,
        "customer_months": loser.customer_months,
    }
    return replace(loser, evidence=evidence, facts=facts)


def _plan_feature(context: _Context, row: Mapping[str, Any]) -> list[Recommendation]:
    """Allowance + overage, and gate or remove, for a feature losing money on a plan."""
    loser = _losing_feature(context, row)
    found = []
    allowance = math.floor(loser.revenue_per_month * (1 - loser.target) / loser.cost_per_use)
    if allowance >= 1:
        found.append(_allowance(context, loser, allowance))
    found += _gate_or_remove(context, loser)
    return found


def _min_tier_price(loser: _LosingFeature) -> tuple[float | None, str]:
    """c ÷ (s × (1 − t)), and the sentence that shows it."""
    if loser.share <= 0:
        return None, "It earns no revenue on this plan, so no price carries it."
    price = loser.cost_per_month / (loser.share * (1 - loser.target))
    target = percent(loser.target, digits=0)
    return price, (
        f"A tier that carries it at {target} must cost at least {money(loser.cost_per_month)} ÷ "
        f"({percent(loser.share, digits=2)} × (1 − {target})) = {money(price)} a month."
    )


def _gate_or_remove(context: _Context, loser: _LosingFeature) -> list[Recommendation]:
    plan, feature, cost = loser.plan, loser.feature, loser.cost
    optimize = context.report.scenario.levers.optimize_for(feature)
    optimized_u = loser.cost_per_use * (1 - optimize.cost_reduction)
    break_even = math.floor(loser.revenue_per_month / optimized_u) if optimized_u > 0 else 1
    higher = _higher_plan_meeting_target(context, plan, feature, loser.target)
    is_top_plan = plan == context.plans[s.PLAN][-1]
    saving = cost / context.months
    min_price, price_line = _min_tier_price(loser)
    if break_even < 1 and not is_top_plan:
        return [
            _recommendation(
                context,
                kind="remove",
                title=f"Remove {feature} from {plan}: not even one use a month pays for itself",
                revenue_change=0.0,
                cost_change=-saving,
                customers=loser.users,
                evidence={**loser.evidence, "break_even_uses": 0},
                change={"plan": plan, "remove": feature, "upgrade_path": higher},
                arithmetic=[
                    *loser.facts,
                    f"Even after optimization one use costs {per_call(optimized_u)}, more than "
                    f"the {money(loser.revenue_per_month)} it earns per customer-month: no "
                    "allowance is margin-positive.",
                    price_line,
                    f"Removing it saves {money(cost)} over {context.months} months = "
                    f"{money(saving)} a month"
                    + (f"; offer {higher} as the upgrade path." if higher else "."),
                ],
                patch=Patch(plan=plan, removed=(feature,)),
                feature=feature,
                plan=plan,
            )
        ]
    if is_top_plan and not higher:
        return []
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
    return [
        _recommendation(
            context,
            kind="gate",
            title=title,
            revenue_change=0.0,
            cost_change=-saving,
            customers=loser.users,
            evidence=loser.evidence,
            change={"plan": plan, "gate_to": higher, "min_tier_price_usd": min_price},
            arithmetic=[*loser.facts, price_line, gate_line],
            patch=Patch(plan=plan, removed=(feature,)),
            feature=feature,
            plan=plan,
        )
    ]


def _higher_plan_meeting_target(
    context: _Context, plan: str, feature: str, target: float
) -> str | None:
    names = context.plans[s.PLAN].to_list()
    for candidate in names[names.index(plan) + 1 :]:
        row = context.plan_features.filter(
            (pl.col(s.PLAN) == candidate) & (pl.col(s.FEATURE_ID) == feature)
        )
        if row.height and (row["gross_margin"][0] or -math.inf) >= target:
            return str(candidate)
    return None


def _allowance(context: _Context, loser: _LosingFeature, allowance: int) -> Recommendation:
    plan, feature, target = loser.plan, loser.feature, loser.target
    u, r = loser.cost_per_use, loser.revenue_per_month
    overage = math.ceil(u / (1 - target) * 100) / 100  # up to the cent: at least the target
    drop = context.report.scenario.price_book.metered_usage_drop
    over = (
        context.usage.filter((pl.col(s.PLAN) == plan) & (pl.col(s.FEATURE_ID) == feature))
        .with_columns((pl.col(s.CALLS) - allowance).clip(lower_bound=0).alias("over"))
        .filter(pl.col("over") > 0)
    )
    over_uses = float(over["over"].sum())
    revenue_change = over_uses * (1 - drop) * overage / context.months
    cost_change = -over_uses * drop * u / context.months
    margin_at_allowance = 1 - allowance * u / r
    t = percent(target, digits=0)
    return _recommendation(
        context,
        kind="allowance",
        title=f"Include {allowance} {feature} uses a month on {plan}, then {money(overage)} a use",
        revenue_change=revenue_change,
        cost_change=cost_change,
        customers=over[s.CUSTOMER_ID],
        evidence={**loser.evidence, "overage_uses": over_uses, "months_over": over.height},
        change={"plan": plan, "included_uses": allowance, "overage_usd": overage},
        arithmetic=[
            *loser.facts,
            f"Include N = ⌊{money(r)} × (1 − {t}) ÷ {per_call(u)}⌋ = {allowance} uses a month: "
            f"at {allowance} uses it costs {money(allowance * u)} against {money(r)}, a "
            f"{percent(margin_at_allowance)} margin.",
            f"Bill each further use at {per_call(u)} ÷ (1 − {t}) = {money(overage)} (rounded up "
            f"to the cent): {t} or more on every extra use.",
            f"On actual usage, {over.height:,} customer-months went over: {over_uses:,.0f} uses"
            + (f", of which {percent(drop, digits=0)} are assumed to stop" if drop else "")
            + f", billing {money(revenue_change)} a month.",
        ],
        patch=Patch(plan=plan, included={feature: allowance}, overage_usd={feature: overage}),
        feature=feature,
        plan=plan,
    )


def _fair_use(context: _Context) -> list[Recommendation]:
    report = context.report
    cms = report.customer_months
    levers = report.scenario.levers
    margin = report.scenario.price_book.fair_use_margin
    burdens = pl.sum_horizontal(b for b in BURDENS if b != "hosting_usd")
    frame = cms.frame.with_columns(
        (pl.col(s.MRR_USD) - pl.col(INFERENCE_USD) - burdens).alias("profit")
    )
    found = []
    for plan in context.plans[s.PLAN].to_list():
        on_plan = frame.filter(pl.col(s.PLAN) == plan)
        per_customer = on_plan.group_by(s.CUSTOMER_ID).agg(pl.col("profit").sum())
        losing = per_customer.filter(pl.col("profit") < 0)
        if losing.height == 0:
            continue
        threshold_value = on_plan[INFERENCE_USD].quantile(
            levers.fair_use_percentile / 100, interpolation="linear"
        )
        if threshold_value is None:
            continue
        threshold = math.ceil(float(threshold_value))
        above = on_plan.filter(pl.col(INFERENCE_USD) > threshold)
        excess = float((above[INFERENCE_USD] - threshold).sum())
        revenue_change = excess / (1 - margin) / context.months
        loss = -float(losing["profit"].sum())
        found.append(
            _recommendation(
                context,
                kind="fair_use",
                title=f"Fair use on {plan}: {money(threshold, cents=False)} of AI usage a month "
                "included, usage beyond it billed",
                revenue_change=revenue_change,
                cost_change=0.0,
                customers=above[s.CUSTOMER_ID],
                evidence={
                    "losing_customers": losing.height,
                    "loss_usd_per_month": loss / context.months,
                    "threshold_usd": threshold,
                    "percentile": levers.fair_use_percentile,
                    "customer_months_above": above.height,
                },
                change={"plan": plan, "fair_use_usd": threshold, "margin_on_excess": margin},
                arithmetic=[
                    f"{losing.height:,} {plan} customers cost more than they pay: "
                    f"{money(loss / context.months)} a month lost.",
                    f"The {levers.fair_use_percentile:g}th percentile of monthly inference cost "
                    f"on {plan} is {money(threshold, cents=False)}; {above.height:,} "
                    "customer-months went above it.",
                    f"Billing their {money(excess)} of excess cost at cost ÷ (1 − "
                    f"{percent(margin, digits=0)}) adds {money(revenue_change)} a month.",
                ],
                patch=Patch(plan=plan, fair_use_usd=float(threshold)),
                plan=plan,
            )
        )
    return found


def _ltv_cac(context: _Context) -> list[Recommendation]:
    found = []
    segments = context.report.segments
    for row in segments.filter(pl.col("ltv_cac") < LTV_CAC_BENCHMARK).iter_rows(named=True):
        segment = row["segment"]
        profit, cac, churn = row["gross_profit_usd"], row["cac_usd"], row["churn"]
        needed_churn = profit / (LTV_CAC_BENCHMARK * cac) if cac and profit > 0 else None
        needed_cac = row["ltv_compute_adjusted_usd"] / LTV_CAC_BENCHMARK
        lines = [
            f"{segment}: compute-adjusted LTV {money(row['ltv_compute_adjusted_usd'], cents=False)}"
            f" = {money(profit)} ÷ {percent(churn, digits=2)} churn, against a "
            f"{money(cac, cents=False)} CAC: {ratio(row['ltv_cac'])}.",
            f"3:1 needs CAC at or below {money(needed_cac, cents=False)}"
            + (
                f", or churn at or below {percent(needed_churn, digits=2)} a month"
                if needed_churn
                else ""
            )
            + f"; inference is {percent(row['inference_share'])} of its revenue.",
        ]
        customers = context.report.customer_months.frame.filter(
            pl.col("segment") == segment if segment != ALL else pl.lit(True)
        )[s.CUSTOMER_ID]
        found.append(
            _recommendation(
                context,
                kind="ltv_cac",
                title=f"{'All customers' if segment == ALL else f'The {segment} segment'} "
                f"is below 3:1 LTV:CAC ({ratio(row['ltv_cac'])})",
                revenue_change=0.0,
                cost_change=0.0,
                customers=customers,
                evidence={
                    "ltv_cac": row["ltv_cac"],
                    "churn": churn,
                    "cac_usd": cac,
                    "gross_profit_usd": profit,
                    "inference_share": row["inference_share"],
                },
                change={"cac_at_most_usd": needed_cac, "churn_at_most": needed_churn},
                arithmetic=lines,
                patch=None,
                segment=segment,
            )
        )
    return found


def _cost_levers(context: _Context) -> list[Recommendation]:
    features = context.report.features
    levers = context.report.scenario.levers
    cms = context.report.customer_months
    found = []
    actionable = features.filter((pl.col(s.CALLS) > 0) & (pl.col(s.FEATURE_ID) != s.UNTAGGED))
    for row in actionable.iter_rows(named=True):
        feature, cost, calls = row[s.FEATURE_ID], row["cost_usd"], row["calls"]
        users = cms.usage.filter(pl.col(s.FEATURE_ID) == feature)[s.CUSTOMER_ID]
        target = context.report.scenario.target_of(feature)
        margin = row["gross_margin"]
        if margin is not None and margin < target:
            route = levers.route_for(feature)
            factor = 1 - route.share + route.share * route.relative_cost
            saving = cost * (1 - factor) / context.months
            revenue = row["revenue_usd"]
            after = (revenue - cost * factor) / revenue if revenue > 0 else None
            found.append(
                _recommendation(
                    context,
                    kind="route",
                    title=f"Route {percent(route.share, digits=0)} of {feature} to a model at "
                    f"{percent(route.relative_cost, digits=0)} of the cost",
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
                        f"Sending {percent(route.share, digits=0)} of its calls to a model at "
                        f"{percent(route.relative_cost, digits=0)} of the cost multiplies its cost "
                        f"by {factor:.2f}: {money(saving)} a month saved; margin "
                        f"{percent(margin)} → {percent(after)}. No customer's bill changes.",
                    ],
                    patch=Patch(cost_multipliers={feature: factor}),
                    feature=feature,
                )
            )
        optimize = levers.optimize_for(feature)
        u = cost / calls
        after_u = u * (1 - optimize.cost_reduction)
        monthly_calls = calls / context.months
        yearly = (u - after_u) * monthly_calls * 12
        roi = yearly / optimize.investment_usd if optimize.investment_usd > 0 else None
        if roi is not None and not math.isfinite(roi):  # an investment of 5e-324 dollars
            roi = None
        if roi is None or roi < 1:
            continue
        found.append(
            _recommendation(
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
                    f"month × 12 ÷ {money(optimize.investment_usd, cents=False)} = "
                    f"{money(yearly, cents=False)} ÷ "
                    f"{money(optimize.investment_usd, cents=False)} = {roi:.1f}x.",
                ],
                patch=Patch(cost_multipliers={feature: 1 - optimize.cost_reduction}),
                feature=feature,
            )
        )
    return found


def _price_signals(context: _Context) -> list[Recommendation]:
    cms: CustomerMonths = context.report.customer_months
    customers = cms.frame[s.CUSTOMER_ID].n_unique()
    if customers == 0:
        return []
    adoption = (
        cms.usage.filter(pl.col(s.CALLS) > 0)
        .group_by(s.FEATURE_ID)
        .agg(pl.col(s.CUSTOMER_ID).n_unique().alias("users"))
    )
    rows = (
        context.report.features.filter(
            (
                pl.col("gross_margin")
                > pl.col("band_high") + (1 - pl.col("band_high")) * FAR_ABOVE_BAND
            )
            & (pl.col(s.FEATURE_ID) != s.UNTAGGED)
        )
        .join(adoption, on=s.FEATURE_ID, how="left")
        .with_columns((pl.col("users").fill_null(0) / customers).alias("adoption"))
        .filter(pl.col("adoption") >= WIDELY_USED)
        .sort(s.FEATURE_ID)
    )
    found = []
    for row in rows.iter_rows(named=True):
        feature = row[s.FEATURE_ID]
        users = cms.usage.filter(pl.col(s.FEATURE_ID) == feature)[s.CUSTOMER_ID]
        found.append(
            _recommendation(
                context,
                kind="price_signal",
                title=f"{feature} is an upgrade vector: {percent(row['gross_margin'])} margin, "
                f"used by {percent(row['adoption'], digits=0)} of customers",
                revenue_change=0.0,
                cost_change=0.0,
                customers=users,
                evidence={
                    "gross_margin": row["gross_margin"],
                    "band_high": row["band_high"],
                    "adoption": row["adoption"],
                },
                change={"action": "feature it in upgrade prompts or a premium tier"},
                arithmetic=[
                    f"{feature} keeps {percent(row['gross_margin'])} of its revenue, above its "
                    f"{row['category']} band's {percent(row['band_high'], digits=0)} ceiling, and "
                    f"{percent(row['adoption'], digits=0)} of customers use it: value is likely "
                    "under-priced. No direct dollar impact is claimed.",
                ],
                patch=None,
                feature=feature,
            )
        )
    return found
