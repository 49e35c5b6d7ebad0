"""One definition per measure: every figure the app, the CLI and the API show is computed here.

Each function works on plain numbers and, where a table needs it, on polars expressions (the
same arithmetic on whole columns), so a segment row, a plan row, a customer and the company
total are all computed by one definition. A measure that is undefined for its inputs returns
``None`` (a null in a column) with the reason, never NaN or infinity.

Sources (the reference articles the product is built on; the README's Definitions quote them):

- article 001, compute-adjusted LTV: gross profit = AI revenue − fully burdened AI COGS
  (inference, AI infrastructure, support, customer success); LTV = gross profit per customer ÷
  revenue churn rate, against the traditional LTV that leaves inference out; LTV:CAC against the
  common 3:1 benchmark, next to CAC payback; the metric matters when inference is above 10% of
  revenue and rarely when it is below 5%. Its Acme example is the golden test of this module.
- article 002, per-feature gross margin: a cost ledger of calls with their tokens and cost,
  feature margin, the category bands behind a feature's status, and the decision arithmetic
  (minimum tier price, allowance and overage, optimization ROI, model routing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, TypeVar, overload

import polars as pl

from econ.errors import ScenarioError
from econ.schema import Band, Status

Number = TypeVar("Number", float, pl.Expr)
"""A plain number, or a polars expression computing the same measure on a column."""

HALF_CENT: Final = 0.005
"""Money differences smaller than half a cent are no difference (bills are kept in cents)."""

INFERENCE_SHARE_LOW: Final = 0.05
"""Below this share of revenue spent on inference, traditional LTV is close enough (article 001)."""

INFERENCE_SHARE_HIGH: Final = 0.10
"""Above this share of revenue spent on inference, compute-adjusted LTV matters (article 001)."""

LTV_CAC_BENCHMARK: Final = 3.0
"""The common healthy LTV:CAC ratio, 3 to 1 (article 001)."""

RECOMMENDATIONS_SHOWN: Final = 8
"""Recommendations listed before "show all" on the Tiers & pricing page."""

RECOMMENDATIONS_PRINTED: Final = 12
"""Recommendations the command line prints by default."""

COMPUTE_BURDENS: Final = ("ai_infra_usd", "support_usd", "cs_usd")
"""The burdens compute-adjusted gross profit subtracts besides inference: every one but hosting."""

TRADITIONAL_BURDENS: Final = ("hosting_usd", "support_usd", "cs_usd")
"""The burdens traditional gross profit subtracts: hosting stands in for inference and AI infra."""


def compute_burdens() -> pl.Expr:
    """AI infrastructure + support + customer success of each customer-month (a column sum of
    :data:`COMPUTE_BURDENS`): everything :func:`gross_profit` subtracts besides inference."""
    return pl.sum_horizontal(COMPUTE_BURDENS)


def gross_profit(revenue: Number, inference: Number, burdens: Number) -> Number:
    """Compute-adjusted gross profit = revenue − inference − (AI infra + support + CS).

    ``burdens`` is the sum of :data:`COMPUTE_BURDENS` (see :func:`compute_burdens`); hosting is
    left out, since inference and AI infrastructure are what a compute-heavy product hosts
    (article 001). Per feature, where no burden is allocated, ``burdens`` is 0.
    """
    return revenue - inference - burdens


def traditional_profit(revenue: Number, hosting: Number, support: Number, cs: Number) -> Number:
    """Traditional gross profit = revenue − hosting − support − CS: the SaaS view that leaves
    inference out of cost of goods sold (article 001)."""
    return revenue - hosting - support - cs


@overload
def share(part: float, whole: float) -> float | None: ...
@overload
def share(part: pl.Expr, whole: pl.Expr) -> pl.Expr: ...
def share(part: float | pl.Expr, whole: float | pl.Expr) -> float | pl.Expr | None:
    """``part ÷ whole`` where ``whole`` is above 0, else undefined (None, or a null).

    The one rule behind every ratio to revenue: :func:`gross_margin`, :func:`inference_share`
    and a feature's revenue share.
    """
    if isinstance(part, pl.Expr) or isinstance(whole, pl.Expr):
        whole_expr = whole if isinstance(whole, pl.Expr) else pl.lit(whole)
        return pl.when(whole_expr > 0).then(part / whole_expr)
    return part / whole if whole > 0 else None


@overload
def gross_margin(profit: float, revenue: float) -> float | None: ...
@overload
def gross_margin(profit: pl.Expr, revenue: pl.Expr) -> pl.Expr: ...
def gross_margin(profit: float | pl.Expr, revenue: float | pl.Expr) -> float | pl.Expr | None:
    """Gross margin = gross profit ÷ revenue, of a segment (article 001) or a feature (article
    002); undefined without revenue."""
    return share(profit, revenue)  # type: ignore[arg-type]


@overload
def inference_share(inference: float, revenue: float) -> float | None: ...
@overload
def inference_share(inference: pl.Expr, revenue: pl.Expr) -> pl.Expr: ...
def inference_share(inference: float | pl.Expr, revenue: float | pl.Expr) -> float | pl.Expr | None:
    """Inference share = inference cost ÷ revenue. Above :data:`INFERENCE_SHARE_HIGH` the
    compute-adjusted view matters; below :data:`INFERENCE_SHARE_LOW` it barely moves LTV
    (article 001)."""
    return share(inference, revenue)  # type: ignore[arg-type]


def compute_adjustment_matters(inference_share_value: float | None) -> bool | None:
    """Whether compute-adjusted LTV matters here: True above :data:`INFERENCE_SHARE_HIGH`,
    False below :data:`INFERENCE_SHARE_LOW`, None in between or without revenue (article 001)."""
    if inference_share_value is None:
        return None
    if inference_share_value > INFERENCE_SHARE_HIGH:
        return True
    if inference_share_value < INFERENCE_SHARE_LOW:
        return False
    return None


def revenue_churn(churned_mrr: float, at_risk_mrr: float) -> float | None:
    """Monthly revenue churn = MRR of the customer-months whose customer has no active month
    the next month ÷ MRR of all customer-months that have a next month in the window (the
    window's last month is not at risk). Revenue-weighted, as article 001's LTV divides revenue
    by a revenue churn rate; undefined when nothing is at risk."""
    return share(churned_mrr, at_risk_mrr)


def blended_churn(rates_and_weights: Sequence[tuple[float, float]]) -> float | None:
    """The blended row's churn when segments' rates are set: Σ rateₛ × wₛ ÷ Σ wₛ, each
    segment's rate weighted by its MRR at risk in the observed history (so the blended row
    follows its segments, and with every rate estimated it is :func:`revenue_churn` over all
    customer-months). Undefined when no MRR was at risk."""
    weight = sum(w for _, w in rates_and_weights)
    if weight <= 0:
        return None
    return sum(rate * w for rate, w in rates_and_weights) / weight


def lifetime_value(profit: float, churn: float | None) -> tuple[float | None, str | None]:
    """Lifetime value = monthly profit ÷ monthly churn, with the reason when it is undefined.

    With revenue per customer-month as ``profit`` this is revenue LTV; with
    :func:`traditional_profit`, traditional LTV; with :func:`gross_profit`, compute-adjusted
    LTV (article 001). Undefined when churn is unknown, or 0 (the lifetime is unbounded).
    """
    if churn is None:
        return None, "churn is undefined"
    if churn == 0:
        return None, "churn is 0, so the lifetime is unbounded"
    return profit / churn, None


def ltv_cac(ltv: float | None, cac: float | None) -> tuple[float | None, str | None]:
    """LTV:CAC = lifetime value ÷ customer acquisition cost; healthy at
    :data:`LTV_CAC_BENCHMARK` (3:1, article 001). Undefined without both, or with a CAC of 0."""
    if ltv is None or cac is None:
        return None, "needs both LTV and CAC"
    if cac == 0:
        return None, "CAC is 0"
    return ltv / cac, None


def payback_months(
    cac: float | None, monthly_gross_profit: float
) -> tuple[float | None, str | None]:
    """CAC payback in months = CAC ÷ compute-adjusted gross profit per customer-month
    (article 001 sets it beside LTV:CAC). Undefined without a CAC, or when gross profit is not
    positive."""
    if cac is None:
        return None, "needs a CAC"
    if monthly_gross_profit <= 0:
        return None, "gross profit is not positive, so CAC is never paid back"
    return cac / monthly_gross_profit, None


def cac_for_ltv_cac(ltv: float, target: float = LTV_CAC_BENCHMARK) -> float:
    """The CAC at which ``ltv`` reaches the target LTV:CAC (3:1 by default): LTV ÷ target."""
    return ltv / target


def churn_for_ltv_cac(
    monthly_gross_profit: float, cac: float | None, target: float = LTV_CAC_BENCHMARK
) -> float | None:
    """The monthly churn at which compute-adjusted LTV reaches the target LTV:CAC (3:1 by
    default): GP ÷ (target × CAC). Undefined without a CAC or a positive gross profit."""
    if not cac or monthly_gross_profit <= 0:
        return None
    return monthly_gross_profit / (target * cac)


def gross_profit_gap_to_ltv_cac(
    ltv: float, cac: float, lifetime_months: float, target: float = LTV_CAC_BENCHMARK
) -> float:
    """The monthly gross profit per customer a segment lacks to reach the target LTV:CAC
    (3:1 by default) at its own churn and CAC: (target × CAC − LTV) ÷ L, where L is the months
    of gross profit its LTV counts (1 ÷ churn for the simple LTV of article 001, the
    discounted expected lifetime for the sBG one). For the simple LTV this is
    target × CAC × churn − gross profit, the gross profit :func:`churn_for_ltv_cac` solves for
    the other way round. Negative when the segment already clears the target."""
    return (target * cac - ltv) / lifetime_months


@overload
def cost_per_call(cost: float, calls: float) -> float | None: ...
@overload
def cost_per_call(cost: pl.Expr, calls: pl.Expr) -> pl.Expr: ...
def cost_per_call(cost: float | pl.Expr, calls: float | pl.Expr) -> float | pl.Expr | None:
    """Cost per call = inference cost ÷ calls; undefined for a feature that made no calls."""
    return share(cost, calls)  # type: ignore[arg-type]


def feature_status(gross_margin_value: float, band: Band) -> Status:
    """A feature's status against its category's target band (article 002's bands):
    ``negative`` below 0, ``act`` below the band's action line, ``watch`` below the band,
    ``above_band`` above it, else ``ok``."""
    if gross_margin_value < 0:
        return "negative"
    if gross_margin_value < band.act_below:
        return "act"
    if gross_margin_value < band.low:
        return "watch"
    if gross_margin_value > band.high:
        return "above_band"
    return "ok"


def feature_status_expr(
    profit: pl.Expr, margin: pl.Expr, act_below: pl.Expr, low: pl.Expr, high: pl.Expr
) -> pl.Expr:
    """:func:`feature_status` on columns; a feature with a loss is ``negative`` even where its
    margin is undefined (cost without allocated revenue), and null when neither is known."""
    return (
        pl.when(profit < 0)
        .then(pl.lit("negative"))
        .when(margin.is_null())
        .then(pl.lit(None, pl.String))
        .when(margin < act_below)
        .then(pl.lit("act"))
        .when(margin < low)
        .then(pl.lit("watch"))
        .when(margin > high)
        .then(pl.lit("above_band"))
        .otherwise(pl.lit("ok"))
    )


@overload
def spiral_gap(cost_growth: float | None, revenue_growth: float | None) -> float | None: ...
@overload
def spiral_gap(cost_growth: pl.Expr, revenue_growth: pl.Expr) -> pl.Expr: ...
def spiral_gap(
    cost_growth: float | pl.Expr | None, revenue_growth: float | pl.Expr | None
) -> float | pl.Expr | None:
    """How much faster a feature's inference cost grew than its allocated revenue over a month,
    in points: cost growth − revenue growth, each the relative change (this month − last) ÷
    last month. Article 000's "compute spiral" (usage grows, inference cost explodes before
    pricing catches up) seen month by month, as article 002's monthly review looks for features
    whose usage grows faster than pricing captures its cost. A month where the cost grew and
    the gap is above 0 is a spiral month; a fall in revenue is a negative growth, so any cost
    growth outgrows it. Undefined when either growth is (no cost, or no revenue, the month
    before)."""
    if isinstance(cost_growth, pl.Expr) or isinstance(revenue_growth, pl.Expr):
        cost, revenue = (
            x if isinstance(x, pl.Expr) else pl.lit(x, dtype=pl.Float64)
            for x in (cost_growth, revenue_growth)
        )
        return cost - revenue
    if cost_growth is None or revenue_growth is None:
        return None
    return cost_growth - revenue_growth


def trend_margin(
    cost: float, revenue: float, cost_growth: float, revenue_growth: float, months: int
) -> float | None:
    """The margin after inference ``months`` ahead if a cost and a revenue per customer-month
    keep their monthly growth rates: revenue r(1 + g_r)^h, cost c(1 + g_c)^h, margin =
    (revenue − cost) ÷ revenue by :func:`gross_margin`. Article 000's compute spiral as a
    trend: a cost compounding faster than its revenue takes the margin down month after month.
    Undefined (None) without revenue."""
    ahead_revenue = revenue * (1.0 + revenue_growth) ** months
    ahead_cost = cost * (1.0 + cost_growth) ** months
    return gross_margin(gross_profit(ahead_revenue, ahead_cost, 0.0), ahead_revenue)


# -- cost from tokens ---------------------------------------------------------------------------


def token_cost(
    input_tokens: Number,
    cached_tokens: Number,
    output_tokens: Number,
    *,
    input_rate: Number,
    cached_rate: Number,
    output_rate: Number,
) -> Number:
    """Cost of one logged call from its tokens = (input − cached) × input rate + cached × cached
    rate + output × output rate, the rates per token of the call's model on the call's date
    (article 002's cost ledger logs each call's tokens and cost; cached prompt tokens bill at
    their own rate). ``cached_tokens`` is at most ``input_tokens``."""
    return (
        (input_tokens - cached_tokens) * input_rate
        + cached_tokens * cached_rate
        + output_tokens * output_rate
    )


# -- pricing arithmetic behind the recommendations and the simulator -----------------------------


def minimum_price(cost: float, revenue_share: float, target: float) -> float:
    """The lowest plan price at which a feature meets its target margin t: c ÷ (s × (1 − t)),
    with c the feature's cost per customer-month and s its share of the plan's revenue
    (article 002's tier arithmetic)."""
    return cost / (revenue_share * (1 - target))


def included_uses(revenue: float, target: float, cost_per_use: float) -> int:
    """Uses a month a plan can include and still meet the target margin t:
    ⌊R × (1 − t) ÷ u⌋, with R the feature's revenue per customer-month and u its cost per use
    (article 002's allowance)."""
    return math.floor(revenue * (1 - target) / cost_per_use)


def overage_price(cost_per_use: float, target: float) -> float:
    """The price of each use beyond the allowance that keeps the target margin t: u ÷ (1 − t),
    rounded up to the cent so it never falls below the target (article 002)."""
    return math.ceil(cost_per_use / (1 - target) * 100) / 100


@overload
def fair_use_charge(inference: float, threshold: float, margin: float) -> float: ...
@overload
def fair_use_charge(inference: pl.Expr, threshold: pl.Expr, margin: float) -> pl.Expr: ...
def fair_use_charge(
    inference: float | pl.Expr, threshold: float | pl.Expr, margin: float
) -> float | pl.Expr:
    """Fair use: inference above the threshold T billed at cost plus margin m,
    max(0, inference − T) ÷ (1 − m)."""
    if isinstance(inference, pl.Expr) or isinstance(threshold, pl.Expr):
        return (inference - threshold).clip(lower_bound=0.0) / (1 - margin)  # type: ignore[union-attr]
    return max(0.0, inference - threshold) / (1 - margin)


TierBands = Sequence[tuple[float | None, float, float]]
"""A tiered price's bands, in order: (up to and including this many units, ``None`` for the
open last band; price per unit; flat price once the band is reached)."""


def tiered_charge(quantity: pl.Expr, bands: TierBands, mode: str) -> pl.Expr:
    """A month's charge for ``quantity`` units under tiered pricing (Stripe's and Orb's two
    ``tiers_mode`` values; pricing models of articles 000 and 003).

    Graduated: each unit at the price of the band it falls in, plus each reached band's flat
    price: Σᵢ uᵢ × clip(q − loᵢ, 0, hiᵢ − loᵢ) + Σ_{i: q > loᵢ} fᵢ. Volume: every unit at the
    price of the band the total falls in (loᵢ < q ≤ hiᵢ), plus that band's flat price:
    u_b × q + f_b. The first band counts as reached from zero units, so its flat price is a
    monthly fee. With bands 1–5 at $7, 6–10 at $6.50 and 11+ at $6 (Stripe's example), 20
    units cost $127.50 graduated and $120 volume.
    """
    q = quantity.cast(pl.Float64)
    low = 0.0
    if mode == "graduated":
        total: pl.Expr = pl.lit(0.0)
        for index, (high, unit, flat) in enumerate(bands):
            width = q - low if high is None else (q - low).clip(upper_bound=high - low)
            reached = pl.lit(True) if index == 0 else q > low
            total = (
                total
                + width.clip(lower_bound=0.0) * unit
                + pl.when(reached).then(flat).otherwise(0.0)
            )
            low = high if high is not None else low
        return total
    if mode != "volume":
        raise ScenarioError(f"tiered pricing mode must be graduated or volume, got {mode!r}")
    charge: pl.Expr = pl.lit(0.0)
    # The bands from the top down: the lowest band the quantity fits in decides.
    for high, unit, flat in reversed(bands):
        if high is None:
            charge = q * unit + flat
        else:
            charge = pl.when(q <= high).then(q * unit + flat).otherwise(charge)
    return charge


def seat_charge(price: Number, seats: Number, min_seats: float) -> Number:
    """Per-seat pricing: price × max(seats, minimum seats) (article 003's "$100/month/agent";
    Stripe's per-seat ``quantity``)."""
    if isinstance(seats, pl.Expr):
        return price * seats.cast(pl.Float64).clip(lower_bound=min_seats)
    return price * max(seats, min_seats)


def committed_bill(usage: Number, commitment: Number) -> Number:
    """A month's bill under a prepaid commitment C that usage charges U draw down:
    max(C, U), the commitment plus usage beyond it."""
    if isinstance(usage, pl.Expr) or isinstance(commitment, pl.Expr):
        return pl.max_horizontal(usage, commitment)
    return max(usage, commitment)


def committed_revenue(usage: Number, commitment: Number, breakage: Number) -> Number:
    """Revenue a commitment month recognizes: the usage it pays for, plus the share
    ``breakage`` of the unused commitment that expires: U + b × max(0, C − U). The rest of
    the unused commitment carries over, so it is deferred, not revenue of the month."""
    unused = commitment - usage
    if isinstance(unused, pl.Expr):
        return usage + breakage * unused.clip(lower_bound=0.0)
    return usage + breakage * max(0.0, unused)


def capped_share(calls: Number, cap: float) -> Number:
    """The share of a month's calls a usage cap leaves: min(1, cap ÷ calls) (1 without calls);
    their cost scales by it at the month's cost per call."""
    if isinstance(calls, pl.Expr):
        return pl.when(calls > cap).then(cap / calls.cast(pl.Float64)).otherwise(1.0)
    return cap / calls if calls > cap else 1.0


def cost_per_conversion(free_cost: float, free_customers: int, rate: float) -> float | None:
    """What a free tier costs per customer it converts to a paid plan: free-tier inference
    ÷ (free customers × conversion rate); ``None`` without free customers or conversions."""
    converted = free_customers * rate
    return free_cost / converted if converted > 0 else None


def attributed_uplift(ai_plan_price: float, base_plan_price: float) -> float | None:
    """AI-attributed revenue of an AI plan's customer-month: its price minus the price of the
    plan it extends ("if your standard plan is $200 per month and your AI plan is $275 per month,
    the $75 uplift may be treated as AI-attributed revenue", article 001). ``None`` when the AI
    plan is not priced above its base: it has no uplift to attribute."""
    uplift = ai_plan_price - base_plan_price
    return uplift if uplift > 0 else None


def routed_cost_factor(routed_share: float, relative_cost: float) -> float:
    """Cost multiplier of sending a share σ of a feature's calls to a model at relative cost ρ:
    1 − σ + σρ (article 002's model routing)."""
    return 1 - routed_share + routed_share * relative_cost


def optimization_roi(
    cost_per_use: float, cost_per_use_after: float, monthly_calls: float, investment: float
) -> float | None:
    """First-year return on an engineering investment that lowers a feature's cost per use:
    (u − u_after) × monthly calls × 12 ÷ investment (article 002). Undefined without an
    investment, or when the ratio overflows."""
    if investment <= 0:
        return None
    roi = (cost_per_use - cost_per_use_after) * monthly_calls * 12 / investment
    return roi if math.isfinite(roi) else None


@overload
def inference_margin_per_call(revenue: float, cost: float, calls: float) -> float | None: ...
@overload
def inference_margin_per_call(revenue: pl.Expr, cost: pl.Expr, calls: pl.Expr) -> pl.Expr: ...
def inference_margin_per_call(
    revenue: float | pl.Expr, cost: float | pl.Expr, calls: float | pl.Expr
) -> float | pl.Expr | None:
    """Inference margin per call = revenue per call − cost per call = (revenue − inference
    cost) ÷ calls, of the revenue allocated to a feature (article 000 §7's AI scorecard);
    undefined for a feature that made no calls."""
    return share(revenue - cost, calls)  # type: ignore[arg-type]


@overload
def tokens_per_dollar(tokens: float, cost: float) -> float | None: ...
@overload
def tokens_per_dollar(tokens: pl.Expr, cost: pl.Expr) -> pl.Expr: ...
def tokens_per_dollar(tokens: float | pl.Expr, cost: float | pl.Expr) -> float | pl.Expr | None:
    """Tokens per dollar = (input + output tokens) ÷ inference cost of the calls whose tokens
    are known (article 000 §7's AI scorecard: how much model work a dollar buys, which a
    cheaper model or prompt caching raises); undefined without a cost."""
    return share(tokens, cost)  # type: ignore[arg-type]


@overload
def cost_per_outcome(cost: float, outcomes: float) -> float | None: ...
@overload
def cost_per_outcome(cost: pl.Expr, outcomes: pl.Expr) -> pl.Expr: ...
def cost_per_outcome(cost: float | pl.Expr, outcomes: float | pl.Expr) -> float | pl.Expr | None:
    """Cost per outcome = inference cost ÷ the calls that reached a successful outcome (the
    ledger's ``outcome`` column): what a result costs, where cost per call is what an attempt
    costs. Article 000 asks for the user outcome bought per dollar of compute (§7's
    intelligence ROI) and for pricing by outcome ("pay per accurate prediction", §6); this is
    the cost side of both. Undefined without outcomes (none recorded, or no outcome column)."""
    return share(cost, outcomes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class AiUnitProfit:
    """AI unit profit per active customer and its terms (see :func:`ai_unit_profit`), each in
    dollars over the expected lifetime ``lifetime_months``."""

    lifetime_months: float
    ltv_before_compute: float
    model_efficiency_value: float
    compute: float
    data_acquisition: float
    model_maintenance: float
    profit: float


def ai_unit_profit(
    margin_before_compute: float,
    compute: float,
    churn: float | None,
    active_customers: int,
    *,
    model_efficiency_value: float = 0.0,
    data_acquisition: float = 0.0,
    model_maintenance: float = 0.0,
) -> tuple[AiUnitProfit | None, str | None]:
    """AI unit profit = LTV + model-efficiency value − compute − data acquisition − model
    maintenance, per active customer (article 000 §2: "(LTV + MEV − CC − DAC − MMC) ÷ Active
    Users").

    This project's reading: every term is per active customer over the expected lifetime
    L = 1 ÷ monthly churn (:func:`lifetime_value`). ``margin_before_compute`` is revenue −
    support − CS per customer-month and ``compute`` inference + AI infrastructure per
    customer-month, so LTV = margin_before_compute × L and compute cost = compute × L; the
    three company-wide amounts a month (the user's estimates, 0 when not set) are shared over
    the ``active_customers`` N: MEV, DAC and MMC = amount ÷ N × L. With the three at 0 it is
    the compute-adjusted LTV (gross profit ÷ churn). Undefined when churn is unknown or 0, or
    when an amount is set and there is no active customer to share it over.
    """
    lifetime, reason = lifetime_value(1.0, churn)
    if lifetime is None:
        return None, reason
    amounts = (model_efficiency_value, data_acquisition, model_maintenance)
    if active_customers <= 0 and any(amounts):
        return None, "no active customer to share the AI costs over"
    per_customer = [amount / active_customers * lifetime if amount else 0.0 for amount in amounts]
    value, data, maintenance = per_customer
    ltv, cost = margin_before_compute * lifetime, compute * lifetime
    profit = ltv + value - cost - data - maintenance
    return AiUnitProfit(lifetime, ltv, value, cost, data, maintenance, profit), None


HIGH_SPEND_VARIATION: Final = 1.0
"""Customers' monthly inference spend varies "highly" when its coefficient of variation (standard
deviation ÷ mean) is above this: one customer's cost then differs from the average by more than
the average itself, as heavy and light users do in article 001's example. A threshold this
project chose; the articles give none."""


def spend_variation(spend: Sequence[float]) -> float | None:
    """Coefficient of variation of customers' mean monthly inference spend: population standard
    deviation ÷ mean; undefined for fewer than two customers or a mean of 0."""
    if len(spend) < 2:
        return None
    mean = sum(spend) / len(spend)
    if mean <= 0:
        return None
    variance = sum((value - mean) ** 2 for value in spend) / len(spend)
    return math.sqrt(variance) / mean


def compute_adjustment_diagnosis(
    inference_share_value: float | None, variation: float | None
) -> bool | None:
    """Whether compute-adjusted LTV matters (article 001's rule, with the spread of costs
    across customers it motivates): True when inference is above 10% of revenue or customers'
    spend varies highly (:data:`HIGH_SPEND_VARIATION`), False when inference is under 5% and
    spend varies little (standard gross-margin LTV is enough), None otherwise or unknown."""
    high = variation is not None and variation > HIGH_SPEND_VARIATION
    if high or compute_adjustment_matters(inference_share_value) is True:
        return True
    low = variation is not None and not high
    if low and compute_adjustment_matters(inference_share_value) is False:
        return False
    return None
