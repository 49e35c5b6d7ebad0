"""The pre-launch estimate of a new AI feature, before any usage exists (article 002).

Article 002: "before adding a new AI feature to a pricing tier, calculate its expected gross
margin based on estimated usage and known inference cost. No feature should launch to a tier
without a documented gross margin estimate." Its example: Advanced AI Analysis, used 20 times a
customer-month at $0.90 a use ($18), valued at 15% of a $100 price ($15), loses $3 a
customer-month, and takes the aggregate margin from 83% to 65%.

The cost per use u is the launch's typed cost, or, when it names a model, its tokens per use
priced at the model's list rates (``genai-prices``) on the window's last month
(:func:`econ.measures.token_cost`); a model without a list price is refused, never costed $0.

Per plan p, with A its revenue per active customer-month (ARPA), I its inference cost and B its
other compute burdens (AI infra + support + CS) per customer-month, n the launch's uses per
customer-month, u its cost per use and w its value weight:

- cost per customer-month c = n × u;
- allocated revenue R = w × A. The launch is priced by willingness to pay (article 002's second
  allocation): it takes the share w of the plan's price, and the existing features share the
  remaining (1 − w) × A in the proportions the scenario's allocation (usage or custom weights)
  gives them, so their margins scale by the same factor and the plan's revenue is unchanged;
- the feature's gross profit R − c and margin (R − c) ÷ R (:func:`econ.measures.gross_profit`,
  :func:`econ.measures.gross_margin`, no burden allocated to the feature);
- the plan's compute-adjusted gross margin before, (A − I − B) ÷ A, and after, (A − I − c − B) ÷
  A: the price stays, the cost rises by c;
- compute-adjusted LTV before and after = gross profit per customer-month ÷ monthly revenue churn
  (article 001's simple LTV, :func:`econ.measures.lifetime_value`), with the plan's own churn
  when the report is segmented by plan, else the blended churn;
- the category band status of the feature margin (:func:`econ.measures.feature_status`);
- what a recommendation would set, at the target t = the low end of the category's band: the
  allowance ⌊R × (1 − t) ÷ u⌋ (:func:`econ.measures.included_uses`), the overage price
  u ÷ (1 − t) (:func:`econ.measures.overage_price`) and the lowest plan price at which the
  feature meets t, c ÷ (w × (1 − t)) (:func:`econ.measures.minimum_price`).

A blank (``None``) comes with its reason in ``null_reasons``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.errors import ScenarioError
from econ.formats import count, money, money_change, percent
from econ.inputs.token_prices import package_rates
from econ.model.report import Report
from econ.scenario.assumptions import ALL
from econ.scenario.launch import Launch
from econ.schema import CATEGORY_BANDS, Status


@dataclass(frozen=True)
class PlanBase:
    """A plan as it is before the launch, per active customer-month.

    Attributes:
        plan: the plan's name.
        customer_months: its active customer-months in the window.
        arpa_usd: revenue per customer-month.
        inference_usd: inference cost per customer-month.
        burdens_usd: AI infra + support + CS per customer-month.
        churn: monthly revenue churn used for its LTV; ``None`` when unknown.
        like_uses: calls per customer-month of the launch's ``like_feature`` on the plan.
    """

    plan: str
    customer_months: int
    arpa_usd: float
    inference_usd: float
    burdens_usd: float = 0.0
    churn: float | None = None
    like_uses: float = 0.0


@dataclass(frozen=True)
class PlanEstimate:
    """The launch's estimate on one plan (see the module docstring for each formula)."""

    plan: str
    customer_months: int
    uses: float | None
    cost_usd: float | None
    revenue_usd: float
    gross_profit_usd: float | None
    gross_margin: float | None
    status: Status | None
    plan_margin_before: float | None
    plan_margin_after: float | None
    ltv_before_usd: float | None
    ltv_after_usd: float | None
    included_uses: int | None
    overage_usd: float | None
    minimum_price_usd: float | None
    null_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Estimate:
    """A launch's pre-launch estimate: one row per plan, in plan order."""

    launch: Launch
    target: float
    cost_per_use_usd: float
    plans: tuple[PlanEstimate, ...] = field(default_factory=tuple)

    def frame(self) -> pl.DataFrame:
        """One row per plan (the columns of :class:`PlanEstimate`), sorted by plan."""
        rows = [_row(plan) for plan in self.plans]
        return pl.DataFrame(rows, schema=ESTIMATE_SCHEMA, orient="row").sort("plan")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values: the launch, the target margin and one object per plan."""
        return {
            "launch": self.launch.to_dict(),
            "target_margin": self.target,
            "cost_per_use_usd": self.cost_per_use_usd,
            "plans": [_row(plan) for plan in self.plans],
        }


ESTIMATE_SCHEMA = pl.Schema(
    {
        "plan": pl.String(),
        "customer_months": pl.Int64(),
        "uses": pl.Float64(),
        "cost_usd": pl.Float64(),
        "revenue_usd": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
        "status": pl.String(),
        "plan_margin_before": pl.Float64(),
        "plan_margin_after": pl.Float64(),
        "ltv_before_usd": pl.Float64(),
        "ltv_after_usd": pl.Float64(),
        "included_uses": pl.Int64(),
        "overage_usd": pl.Float64(),
        "minimum_price_usd": pl.Float64(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""The columns of :meth:`Estimate.frame`."""


def _row(plan: PlanEstimate) -> dict[str, Any]:
    return {
        name: list(plan.null_reasons) if name == "null_reasons" else getattr(plan, name)
        for name in ESTIMATE_SCHEMA
    }


def estimate(report: Report, launch: Launch) -> Estimate:
    """The launch's estimate on every plan of the report's window (see the module docstring).

    Raises:
        ScenarioError: the launch names a model ``genai-prices`` does not know.
    """
    year, month = report.totals.last_month.split("-")
    day = dt.date(int(year), int(month), 1)
    return estimate_plans(
        plan_bases(report, launch), launch, cost_per_use=cost_per_use(launch, day)
    )


def cost_per_use(launch: Launch, day: dt.date) -> float:
    """The launch's cost of one use: its typed cost, or with a ``model`` its tokens priced at
    that model's list rates on ``day`` (:func:`econ.measures.token_cost`, no cached tokens).

    Raises:
        ScenarioError: ``genai-prices`` does not know the model (it is never costed at $0).
    """
    if launch.model is None:
        return launch.cost_per_use_usd
    rates = package_rates(launch.model, day)
    if rates is None:
        raise ScenarioError(
            f"launch {launch.name!r}: the model {launch.model!r} has no list price in "
            "genai-prices; type its cost per use instead"
        )
    return m.token_cost(
        launch.input_tokens,
        0.0,
        launch.output_tokens,
        input_rate=rates.input,
        cached_rate=rates.cached_input,
        output_rate=rates.output,
    )


def plan_bases(report: Report, launch: Launch) -> list[PlanBase]:
    """Each plan's figures per active customer-month from the report, sorted by plan; churn is
    the plan's own segment churn when the report is segmented by plan, else the blended one."""
    frame = report.customer_months.frame
    per_plan = (
        frame.group_by(s.PLAN)
        .agg(
            pl.len().alias("customer_months"),
            pl.col("mrr_usd").sum().alias("revenue"),
            pl.col("inference_usd").sum().alias("inference"),
            m.compute_burdens().sum().alias("burdens"),
        )
        .sort(s.PLAN)
    )
    churns = {row["segment"]: row["churn"] for row in report.segments.iter_rows(named=True)}
    by_plan = report.scenario.segment_by == s.PLAN
    like = _like_calls(report, launch)
    bases = []
    for row in per_plan.iter_rows(named=True):
        months = int(row["customer_months"])
        plan = str(row[s.PLAN])
        bases.append(
            PlanBase(
                plan=plan,
                customer_months=months,
                arpa_usd=row["revenue"] / months,
                inference_usd=row["inference"] / months,
                burdens_usd=row["burdens"] / months,
                churn=churns.get(plan) if by_plan else churns.get(ALL),
                like_uses=like.get(plan, 0.0) / months,
            )
        )
    return bases


def _like_calls(report: Report, launch: Launch) -> dict[str, float]:
    """Calls of the launch's ``like_feature`` per plan in the window (none without one)."""
    if launch.like_feature is None:
        return {}
    cells = report.customer_months.cells.filter(pl.col(s.FEATURE_ID) == launch.like_feature)
    sums = cells.group_by(s.PLAN).agg(pl.col(s.CALLS).sum()).sort(s.PLAN)
    return {str(row[s.PLAN]): float(row[s.CALLS]) for row in sums.iter_rows(named=True)}


def estimate_plans(
    bases: Sequence[PlanBase], launch: Launch, *, cost_per_use: float | None = None
) -> Estimate:
    """The launch's estimate on the given plans (see the module docstring); ``cost_per_use``
    defaults to the launch's typed cost per use."""
    target = CATEGORY_BANDS[launch.category].low
    unit = launch.cost_per_use_usd if cost_per_use is None else cost_per_use
    return Estimate(
        launch=launch,
        target=target,
        cost_per_use_usd=unit,
        plans=tuple(_plan_estimate(base, launch, target, unit) for base in bases),
    )


def _uses(base: PlanBase, launch: Launch) -> float | None:
    typed = launch.uses_on(base.plan)
    if typed is not None and (base.plan in launch.uses or launch.like_feature is None):
        return typed
    if launch.like_feature is not None:
        return launch.like_share * base.like_uses
    return None


def _plan_estimate(base: PlanBase, launch: Launch, target: float, unit: float) -> PlanEstimate:
    reasons: list[str] = []
    uses = _uses(base, launch)
    revenue = launch.value_weight * base.arpa_usd
    before = m.gross_profit(base.arpa_usd, base.inference_usd, base.burdens_usd)
    ltv_before, why = m.lifetime_value(before, base.churn)
    if why:
        reasons.append(f"ltv: {why}")
    if uses is None:
        reasons.append("uses: no uses per customer-month given for this plan")
        return PlanEstimate(
            plan=base.plan,
            customer_months=base.customer_months,
            uses=None,
            cost_usd=None,
            revenue_usd=revenue,
            gross_profit_usd=None,
            gross_margin=None,
            status=None,
            plan_margin_before=m.gross_margin(before, base.arpa_usd),
            plan_margin_after=None,
            ltv_before_usd=ltv_before,
            ltv_after_usd=None,
            included_uses=None,
            overage_usd=None,
            minimum_price_usd=None,
            null_reasons=tuple(reasons),
        )
    cost = uses * unit
    profit = m.gross_profit(revenue, cost, 0.0)
    margin = m.gross_margin(profit, revenue)
    status: Status | None = None
    if margin is None:
        reasons.append("gross_margin: no revenue allocated (the plan is billed $0 or weight 0)")
        status = "negative" if profit < 0 else None
    else:
        status = m.feature_status(margin, CATEGORY_BANDS[launch.category])
    after = m.gross_profit(base.arpa_usd, base.inference_usd + cost, base.burdens_usd)
    ltv_after, _ = m.lifetime_value(after, base.churn)
    included: int | None = None
    overage: float | None = None
    if unit > 0:
        included = m.included_uses(revenue, target, unit)
        overage = m.overage_price(unit, target)
    else:
        reasons.append("included_uses: a use costs nothing, so no allowance or overage is needed")
    minimum: float | None = None
    if launch.value_weight > 0:
        minimum = m.minimum_price(cost, launch.value_weight, target)
    else:
        reasons.append("minimum_price: a value weight of 0 earns no revenue at any price")
    return PlanEstimate(
        plan=base.plan,
        customer_months=base.customer_months,
        uses=uses,
        cost_usd=cost,
        revenue_usd=revenue,
        gross_profit_usd=profit,
        gross_margin=margin,
        status=status,
        plan_margin_before=m.gross_margin(before, base.arpa_usd),
        plan_margin_after=m.gross_margin(after, base.arpa_usd),
        ltv_before_usd=ltv_before,
        ltv_after_usd=ltv_after,
        included_uses=included,
        overage_usd=overage,
        minimum_price_usd=minimum,
        null_reasons=tuple(reasons),
    )


def estimate_text(result: Estimate) -> str:
    """The estimate as plain sentences, one paragraph per plan (for ``econ estimate``)."""
    launch = result.launch
    lines = [
        f"Pre-launch estimate of {launch.name} ({launch.category}, value weight "
        f"{percent(launch.value_weight)}, {money(result.cost_per_use_usd)} a use); "
        f"target margin {percent(result.target)}."
    ]
    for plan in result.plans:
        lines.append("")
        lines.extend(_plan_lines(plan, result.cost_per_use_usd))
    return "\n".join(lines)


def _plan_lines(plan: PlanEstimate, cost_per_use: float) -> list[str]:
    head = f"{plan.plan} ({count(plan.customer_months)} customer-months):"
    if plan.uses is None or plan.cost_usd is None or plan.gross_profit_usd is None:
        return [head, "  no uses per customer-month given for this plan."]
    lines = [
        head,
        f"  {plan.uses:g} uses × {money(cost_per_use)} = "
        f"{money(plan.cost_usd)} against "
        f"{money(plan.revenue_usd)} of revenue: {money_change(plan.gross_profit_usd)} "
        f"a customer-month, margin {_pct(plan.gross_margin)} "
        f"({(plan.status or 'undefined').replace('_', ' ')}).",
        f"  plan margin {_pct(plan.plan_margin_before)} → {_pct(plan.plan_margin_after)}; "
        f"compute-adjusted LTV {_money(plan.ltv_before_usd)} → {_money(plan.ltv_after_usd)}.",
    ]
    if plan.included_uses is not None and plan.overage_usd is not None:
        lines.append(
            f"  a recommendation would include {plan.included_uses} uses a month, then "
            f"{money(plan.overage_usd)} a use; the feature meets its target from a price of "
            f"{_money(plan.minimum_price_usd)}."
        )
    return lines


def _pct(value: float | None) -> str:
    return "undefined" if value is None else percent(value)


def _money(value: float | None) -> str:
    return "undefined" if value is None else money(value)
