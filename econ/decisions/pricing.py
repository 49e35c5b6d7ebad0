"""The pricing simulator: a price book applied to every historical customer-month.

For each active customer-month (cm) of the window, on the plan it was on:

- **bill** = base price (the plan's ``base_usd``, else the recorded MRR)
  + Σ over features of overage price × max(0, uses − included)
  + Σ over features of per-use price × uses (usage-based or hybrid pricing)
  + fair use: (inference cost − threshold)⁺ ÷ (1 − fair-use margin);
- **inference cost** = the observed cost × the feature's cost multiplier, without the usage of
  features taken off the plan; a feature the price book swaps to another model
  (``model_swaps``) takes the multiplier derived from its own tokens
  (:func:`econ.decisions.model_swap.swap_model`) instead of a typed one;
- usage stays as observed, except that ``metered_usage_drop`` of every use that becomes billed
  per use goes away (and its cost with it).

A feature with a per-use price is billed for every use; its allowance and overage are then
ignored. Segments, churn and cost burdens stay as they are, so compute-adjusted LTV moves only
through revenue and inference. Revenue billed per use counts as its feature's revenue; the rest
is split over features as the scenario's allocation says.

Every figure above keeps every customer; :mod:`econ.decisions.response` adds how many would leave
at their new bill, and the revenue, gross profit and LTV left after they do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.decisions.model_swap import ModelSwap, model_swaps
from econ.decisions.response import Response, respond
from econ.errors import ScenarioError
from econ.inputs.prepare import CUSTOMER_CODE
from econ.model.customer_months import (
    ALLOCATABLE_USD,
    COUNTED_REVENUE_USD,
    DIRECT_REVENUE_USD,
    INFERENCE_USD,
    SEGMENT,
    CustomerMonths,
    counted_revenue,
    per_customer,
    uplifts,
)
from econ.model.features import feature_table
from econ.model.report import Report, clean, records
from econ.model.segments import segment_table
from econ.scenario.assumptions import Scenario
from econ.scenario.edits import with_segmentation
from econ.scenario.levers import ALL_FEATURES, PriceBook, Tiers

_METERED: Final = "_metered"
_DROPPED: Final = "_dropped"


def _compared(measures: dict[str, pl.DataType]) -> dict[str, pl.DataType]:
    """Each measure current, then each simulated: ``revenue_usd`` → ``revenue_current_usd``."""

    return {_tagged(name, tag): dtype for tag in _TAGS for name, dtype in measures.items()}


def _tagged(name: str, tag: str) -> str:
    """``revenue_usd`` → ``revenue_current_usd``; ``gross_margin`` → ``gross_margin_current``."""
    return f"{name[:-4]}_{tag}_usd" if name.endswith("_usd") else f"{name}_{tag}"


_TAGS: Final = ("current", "simulated")

TOTALS_SCHEMA: Final = pl.Schema(
    {
        "measure": pl.String(),
        "current": pl.Float64(),
        "simulated": pl.Float64(),
        "change": pl.Float64(),
    }
)
"""Company totals per month: revenue, inference, gross profit and gross margin."""

PLAN_COMPARISON_SCHEMA: Final = pl.Schema(
    {
        s.PLAN: pl.String(),
        "customers": pl.UInt32(),
        "customer_months": pl.UInt32(),
        **_compared(
            {
                "revenue_usd": pl.Float64(),
                "inference_usd": pl.Float64(),
                "gross_profit_usd": pl.Float64(),
                "gross_margin": pl.Float64(),
                "ltv_compute_adjusted_usd": pl.Float64(),
            }
        ),
        "gross_profit_change_usd": pl.Float64(),
    }
)
"""Per plan, per month: current and simulated revenue, inference, gross profit, margin, LTV."""

SEGMENT_COMPARISON_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        "customers": pl.Int64(),
        **_compared(
            {
                "arpa_usd": pl.Float64(),
                "inference_usd": pl.Float64(),
                "gross_margin": pl.Float64(),
                "ltv_compute_adjusted_usd": pl.Float64(),
                "ltv_cac": pl.Float64(),
            }
        ),
    }
)
"""Per segment (blended ``all`` last): current and simulated ARPA, inference, margin, LTV."""

CUSTOMER_BILLS_SCHEMA: Final = pl.Schema(
    {
        s.CUSTOMER_ID: pl.String(),
        "segment": pl.String(),
        s.PLAN: pl.String(),
        "bill_current_usd": pl.Float64(),
        "bill_simulated_usd": pl.Float64(),
        "change_usd": pl.Float64(),
        "change_share": pl.Float64(),
    }
)
"""Per customer over the window, largest rise first."""


PARTS: Final = (
    "base",
    "seats",
    "per_use",
    "tiers",
    "outcomes",
    "commitment",
    "fair_use",
    "discounts",
)
"""The parts of a simulated bill, in the order the simulation lists them."""

PARTS_SCHEMA: Final = pl.Schema(
    {
        s.PLAN: pl.String(),
        "customer_months": pl.UInt32(),
        "bill_current_usd": pl.Float64(),
        **{f"{part}_usd": pl.Float64() for part in PARTS},
        "bill_simulated_usd": pl.Float64(),
        "deferred_usd": pl.Float64(),
    }
)
"""Per plan, per month: the recorded bill, each part of the simulated bill (discounts
negative), the simulated bill (their sum) and the commitment left unused and carried over
(deferred: billed, not revenue of the window); in the plan table's order (smallest bill
first)."""


@dataclass(frozen=True)
class BillChanges:
    """How customers' bills move over the window.

    Attributes:
        customers: customers with at least one active month.
        paying_more, paying_less: customers whose total bill over the window rises / falls
            (by more than half a cent).
        increase_usd: the sum of the rises (a positive number).
        median_increase: the median relative rise among those paying more.
        at_risk: customers whose bill rises by more than ``at_risk_threshold``.
        at_risk_threshold: the price book's ``churn_risk_increase``.
    """

    customers: int
    paying_more: int
    paying_less: int
    increase_usd: float
    median_increase: float | None
    at_risk: int
    at_risk_threshold: float


@dataclass(frozen=True)
class Simulation:
    """Current pricing against the scenario's price book, on the same history.

    Attributes:
        months: months in the window (to turn window totals into monthly figures).
        totals: ``measure, current, simulated, change`` for revenue, inference, gross profit
            (after AI infra, support and CS) and gross margin, per month.
        plans: per plan: customers, customer-months, monthly revenue, inference and gross
            profit, gross margin and compute-adjusted LTV, current and simulated.
        segments: per segment (and ``all``): ARPA, inference, gross margin, compute-adjusted
            LTV and LTV:CAC, current and simulated.
        features: simulated feature margins (:data:`econ.model.features.FEATURE_SCHEMA`).
        features_by_plan: simulated feature margins per plan (for per-plan margin stacks).
        customers: per customer: segment and plan of its latest month, current and simulated
            bill over the window, change in dollars and as a share; sorted by change, largest
            rise first.
        bills: how many customers pay more, less, and more than the churn-risk threshold.
        simulated: the simulated customer-months (for further views).
        response: the customers expected to leave at their new bill, and the revenue, gross
            profit and LTV after they do (:mod:`econ.decisions.response`).
        model_swaps: each of the price book's model swaps re-priced on the window
            (:class:`~econ.decisions.model_swap.ModelSwap`), by feature: its derived multiplier
            is the feature's cost multiplier; one without (its ``reason`` says why) leaves the
            typed ``cost_multipliers`` factor, if any, in place.
        parts: per plan, the recorded bill and each part of the simulated bill, per month
            (:data:`PARTS_SCHEMA`): what each pricing model adds.
        notes: what the price book could not bill as written on this data (no outcome or
            seat column, calls without tokens), said wherever the simulation is shown.
    """

    months: int
    totals: pl.DataFrame
    plans: pl.DataFrame
    segments: pl.DataFrame
    features: pl.DataFrame
    features_by_plan: pl.DataFrame
    customers: pl.DataFrame
    bills: BillChanges
    simulated: CustomerMonths
    response: Response
    model_swaps: tuple[ModelSwap, ...] = ()
    parts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PARTS_SCHEMA))
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "months": self.months,
            "totals": records(self.totals),
            "plans": records(self.plans),
            "segments": records(self.segments),
            "features": records(self.features),
            "bills": {key: clean(value) for key, value in asdict(self.bills).items()},
            "largest_increases": records(self.customers.head(10)),
            "response": self.response.to_dict(),
            "model_swaps": [swap.to_dict() for swap in self.model_swaps],
            "parts": records(self.parts),
            "notes": list(self.notes),
        }


def simulate(report: Report, *, model_usage: pl.DataFrame | None = None) -> Simulation:
    """Apply the report's scenario's price book to the report's customer-months.

    ``model_usage`` is the dataset's per-model token summary
    (:attr:`econ.inputs.dataset.Dataset.model_usage`), from which the price book's model swaps
    derive their multipliers on the report's window; without it they have none (and say so).
    """
    scenario = report.scenario
    current = report.customer_months
    swaps = model_swaps(model_usage, scenario.price_book.model_swaps, current.window)
    derived = {f: swap.multiplier for f, swap in swaps.items() if swap.multiplier is not None}
    multipliers = {**scenario.price_book.cost_multipliers, **derived}
    result = _simulated(current, scenario.price_book, multipliers)
    simulated = result.cms
    months = current.window.months
    # An empty price book simulates the customer-months themselves: their figures are the
    # current ones, computed once.
    unchanged = simulated is current
    current_plans = _per_plan(current, scenario, current)
    simulated_plans = current_plans if unchanged else _per_plan(simulated, scenario, current)
    features, _ = feature_table(simulated, scenario)
    by_plan, _ = feature_table(simulated, scenario, by=[s.PLAN])
    customers = _customer_bills(current, simulated)
    current_segments = segment_table(current, scenario)
    segments = _compare_segments(
        current_segments,
        current_segments if unchanged else segment_table(simulated, scenario, churn_from=current),
    )
    return Simulation(
        months=months,
        totals=_totals(current, simulated, months),
        plans=_compare(current_plans, simulated_plans, s.PLAN, months),
        segments=segments,
        features=features,
        features_by_plan=by_plan,
        customers=customers,
        bills=_bill_changes(customers, scenario.price_book.churn_risk_increase),
        simulated=simulated,
        response=respond(current, simulated, customers, segments, scenario.price_book),
        model_swaps=tuple(swaps.values()),
        parts=result.parts,
        notes=result.notes,
    )


def simulated_customer_months(
    cms: CustomerMonths, book: PriceBook, *, multipliers: Mapping[str, float] | None = None
) -> CustomerMonths:
    """The customer-months as the price book would have billed and cost them; ``multipliers``
    (each feature's inference cost factor, the typed ones with the derived ones of model swaps)
    replace the book's ``cost_multipliers`` when given."""
    return _simulated(cms, book, multipliers).cms


@dataclass(frozen=True)
class _Simulated:
    cms: CustomerMonths
    parts: pl.DataFrame
    notes: tuple[str, ...]


_PER_USE: Final = "_per_use_usd"
_TIERED: Final = "_tiered_usd"
_OUTCOME: Final = "_outcome_usd"
_QUANTITY: Final = "_quantity"


def _simulated(
    cms: CustomerMonths, book: PriceBook, multipliers: Mapping[str, float] | None
) -> _Simulated:
    if book.is_current_pricing:
        return _Simulated(cms, _current_parts(cms), ())
    notes: list[str] = []
    usage = _usage_rows(cms, book, multipliers, notes)
    per_cm = usage.group_by(s.CUSTOMER_ID, s.MONTH).agg(
        pl.col(_PER_USE).sum(),
        pl.col(_TIERED).sum(),
        pl.col(_OUTCOME).sum(),
        pl.col(_QUANTITY).sum(),
        pl.col(s.COST_USD).sum().alias("_inference"),
        pl.col(s.CALLS).sum().alias("_calls"),
    )
    frame = _billed(cms, book, per_cm, notes)
    # Uses billed on a plan's whole usage are that plan's features' revenue in proportion to
    # each feature's share of the measure; the discount of the month applies to every use.
    factor = frame.select(s.CUSTOMER_ID, s.MONTH, "_plan_tier_usd", "_cm_quantity", "_factor")
    share = pl.when(pl.col("_cm_quantity") > 0).then(pl.col(_QUANTITY) / pl.col("_cm_quantity"))
    usage = usage.join(factor, on=[s.CUSTOMER_ID, s.MONTH], how="left").with_columns(
        (
            (
                pl.col(_PER_USE)
                + pl.col(_TIERED)
                + pl.col(_OUTCOME)
                + (pl.col("_plan_tier_usd") * share).fill_null(0.0)
            )
            * pl.col("_factor").fill_null(1.0)
        ).alias(DIRECT_REVENUE_USD)
    )
    parts = _parts(cms, frame)
    frame = frame.select(cms.frame.columns).sort(s.CUSTOMER_ID, s.MONTH)
    # The simulated cms' usage (and its feature cells) is the same ledger rows joined to the
    # simulated frame, now carrying what each row is billed per use.
    ledger = usage.select(*s.ROLLUP_SCHEMA.names(), DIRECT_REVENUE_USD)
    simulated = replace(cms, frame=frame, ledger_source=ledger, feature_cells=None)
    return _Simulated(simulated, parts, tuple(notes))


def _usage_rows(
    cms: CustomerMonths,
    book: PriceBook,
    multipliers: Mapping[str, float] | None,
    notes: list[str],
) -> pl.DataFrame:
    """The ledger rows of the cms with what each is billed by use and what it costs: per-use
    and overage (``_per_use_usd``), its feature's tiers (``_tiered_usd``), its outcomes
    (``_outcome_usd``), and its quantity on its plan's whole-usage tiers (``_quantity``)."""
    terms = _terms(book)
    drop = book.metered_usage_drop
    calls = pl.col(s.CALLS).cast(pl.Float64)
    multiplier = pl.col("_multiplier").fill_null(1.0)
    overage_uses = (calls - pl.col("_included").fill_null(0.0)).clip(lower_bound=0.0)
    every_use = pl.col("_per_call").is_not_null() | pl.col("_by_use")
    metered = (
        pl.when(pl.col("_removed"))
        .then(0.0)
        .when(every_use)
        .then(calls)
        .when(pl.col("_overage").is_not_null())
        .then(overage_uses)
        .otherwise(0.0)
    )
    cost_per_call = m.cost_per_call(pl.col(s.COST_USD), calls).fill_null(0.0)
    kept_calls = calls - pl.col(_DROPPED)
    kept = pl.when(calls > 0).then(kept_calls / calls).otherwise(1.0)
    tokens = (pl.col(s.INPUT_TOKENS).fill_null(0) + pl.col(s.OUTPUT_TOKENS).fill_null(0)).cast(
        pl.Float64
    ) * kept
    usage = (
        cms.usage.join(terms, on=[s.PLAN, s.FEATURE_ID], how="left")
        .join(
            _multipliers(book.cost_multipliers if multipliers is None else multipliers),
            on=s.FEATURE_ID,
            how="left",
        )
        .with_columns(
            pl.col("_removed").fill_null(False),
            (
                pl.col("_by_use").fill_null(False)
                | pl.col(s.PLAN).is_in(list(_whole_plan_tiers(book)))
            ).alias("_by_use"),
        )
        .with_columns(metered.alias(_METERED))
        .with_columns((pl.col(_METERED) * drop).alias(_DROPPED))
    )
    usage = usage.with_columns(
        pl.when(pl.col("_removed"))
        .then(0.0)
        .when(pl.col("_per_call").is_not_null())
        .then(kept_calls * pl.col("_per_call"))
        .when(pl.col("_overage").is_not_null())
        .then(
            (kept_calls - pl.col("_included").fill_null(0.0)).clip(lower_bound=0.0)
            * pl.col("_overage")
        )
        .otherwise(0.0)
        .alias(_PER_USE),
        _feature_tiers(book, kept_calls, tokens).alias(_TIERED),
        (pl.col(s.OUTCOMES).fill_null(0).cast(pl.Float64) * kept * pl.col("_outcome_price"))
        .fill_null(0.0)
        .alias(_OUTCOME),
        pl.when(pl.col("_removed"))
        .then(0.0)
        .otherwise(_whole_plan_measure(book, kept_calls, tokens))
        .alias(_QUANTITY),
        pl.when(pl.col("_removed"))
        .then(0.0)
        .when(calls > 0)
        .then(kept_calls * cost_per_call * multiplier)
        .otherwise(pl.col(s.COST_USD) * multiplier)
        .alias(s.COST_USD),
        pl.when(pl.col("_removed"))
        .then(0)
        .otherwise(kept_calls.round(0).cast(pl.Int64))
        .alias(s.CALLS),
    )
    notes.extend(_usage_notes(usage, book))
    return usage


def _whole_plan_tiers(book: PriceBook) -> dict[str, Tiers]:
    """Per plan, its tiers on the plan's whole usage."""
    return {
        plan: price.tiers[ALL_FEATURES]
        for plan, price in book.plans.items()
        if ALL_FEATURES in price.tiers
    }


def _measure(tiers: Tiers, kept_calls: pl.Expr, tokens: pl.Expr) -> pl.Expr:
    return kept_calls if tiers.measure == "calls" else tokens


def _bands(tiers: Tiers) -> list[tuple[float | None, float, float]]:
    return [(band.up_to, band.unit_usd, band.flat_usd) for band in tiers.bands]


def _feature_tiers(book: PriceBook, kept_calls: pl.Expr, tokens: pl.Expr) -> pl.Expr:
    """A row's charge under its plan's tiers on its feature (0 when none)."""
    charge: pl.Expr = pl.lit(0.0)
    for plan, price in book.plans.items():
        for feature, tiers in price.tiers.items():
            if feature == ALL_FEATURES:
                continue
            where = (pl.col(s.PLAN) == plan) & (pl.col(s.FEATURE_ID) == feature)
            measure = _measure(tiers, kept_calls, tokens)
            billed = m.tiered_charge(measure, _bands(tiers), tiers.mode)
            charge = pl.when(where).then(billed).otherwise(charge)
    return pl.when(pl.col("_removed")).then(0.0).otherwise(charge)


def _whole_plan_measure(book: PriceBook, kept_calls: pl.Expr, tokens: pl.Expr) -> pl.Expr:
    """A row's units on its plan's whole-usage tiers (0 when the plan has none)."""
    quantity: pl.Expr = pl.lit(0.0)
    for plan, tiers in _whole_plan_tiers(book).items():
        measure = _measure(tiers, kept_calls, tokens)
        quantity = pl.when(pl.col(s.PLAN) == plan).then(measure).otherwise(quantity)
    return quantity


def _usage_notes(usage: pl.DataFrame, book: PriceBook) -> list[str]:
    """What the user must know about billing by outcome and by tokens on this ledger."""
    notes = []
    for plan, price in book.plans.items():
        on_plan = usage.filter(pl.col(s.PLAN) == plan)
        for feature in sorted(price.outcome_usd):
            rows = on_plan.filter(pl.col(s.FEATURE_ID) == feature)
            calls = int(rows[s.CALLS].sum())
            known = rows.filter(pl.col(s.OUTCOMES).is_not_null())
            if known.height == 0:
                notes.append(
                    f"{plan}: {feature} is priced per outcome, but the ledger records no "
                    f"outcome for its {calls:,} calls: none of them is billed"
                )
                continue
            outcomes = int(known[s.OUTCOMES].sum())
            missing = rows.height - known.height
            notes.append(
                f"{plan}: {feature} billed per outcome: {outcomes:,} of {calls:,} calls "
                "were outcomes"
                + (f"; {missing:,} usage rows recorded none and are not billed" if missing else "")
            )
        for feature, tiers in sorted(price.tiers.items()):
            if tiers.measure != "tokens":
                continue
            rows = (
                on_plan
                if feature == ALL_FEATURES
                else on_plan.filter(pl.col(s.FEATURE_ID) == feature)
            )
            blind = rows.filter(
                (pl.col(s.CALLS) > 0)
                & pl.col(s.INPUT_TOKENS).is_null()
                & pl.col(s.OUTPUT_TOKENS).is_null()
            )
            if blind.height:
                what = "its usage" if feature == ALL_FEATURES else feature
                notes.append(
                    f"{plan}: tiers on tokens of {what}: {int(blind[s.CALLS].sum()):,} calls "
                    "logged no tokens and count none"
                )
    return notes


def _billed(
    cms: CustomerMonths, book: PriceBook, per_cm: pl.DataFrame, notes: list[str]
) -> pl.DataFrame:
    """The cms frame at the simulated bill, with each part of it as a column."""
    plans = _plan_terms(book)
    whole = _whole_plan_tiers(book)
    plan_tier: pl.Expr = pl.lit(0.0)
    for plan, tiers in whole.items():
        billed = m.tiered_charge(pl.col("_cm_quantity"), _bands(tiers), tiers.mode)
        plan_tier = pl.when(pl.col(s.PLAN) == plan).then(billed).otherwise(plan_tier)
    fair_use = m.fair_use_charge(
        pl.col(INFERENCE_USD), pl.col("_fair_use_usd"), book.fair_use_margin
    ).fill_null(0.0)
    usage_usd = pl.col(_PER_USE) + pl.col(_TIERED) + pl.col(_OUTCOME) + pl.col("_plan_tier_usd")
    commitment, usage = pl.col("_commitment"), pl.col("_usage_usd")
    frame = (
        cms.frame.join(per_cm, on=[s.CUSTOMER_ID, s.MONTH], how="left")
        .join(plans, on=s.PLAN, how="left")
        .with_columns(
            pl.col("_inference").fill_null(0.0).alias(INFERENCE_USD),
            pl.col("_calls").fill_null(0).alias(s.CALLS),
            pl.coalesce(pl.col("_base_usd"), pl.col(s.MRR_USD)).alias("_base_price"),
            *(pl.col(name).fill_null(0.0) for name in (_PER_USE, _TIERED, _OUTCOME)),
            pl.col(_QUANTITY).fill_null(0.0).alias("_cm_quantity"),
            _seat_charge(cms, book, notes).alias("_seats_usd"),
        )
        .with_columns(
            plan_tier.alias("_plan_tier_usd"),
            fair_use.alias("_fair_use"),
            (pl.col("_base_price") + pl.col("_seats_usd")).alias("_base"),
        )
        .with_columns(usage_usd.alias("_usage_usd"))
        .with_columns(
            # Without a commitment both are 0: the usage charges are the whole usage part.
            (m.committed_bill(usage, commitment) - usage).fill_null(0.0).alias("_commit_bill"),
            (m.committed_revenue(usage, commitment, pl.col("_breakage")) - usage)
            .fill_null(0.0)
            .alias("_commit_revenue"),
        )
        .with_columns(
            (
                pl.col("_base")
                + pl.col("_usage_usd")
                + pl.col("_commit_bill")
                + pl.col("_fair_use")
            ).alias("_gross_bill")
        )
        .with_columns(
            (1.0 - _discount(cms, book)).alias("_factor"),
            _simulated_ai(cms, book).alias("_ai_base"),
        )
    )
    factor = pl.col("_factor")
    # Revenue of a plan's whole-usage tiers in a month without uses has no feature to go to:
    # it is split with the subscription.
    unplaced = pl.when(pl.col("_cm_quantity") > 0).then(0.0).otherwise(pl.col("_plan_tier_usd"))
    allocatable = pl.col("_ai_base") + pl.col("_fair_use") + pl.col("_commit_revenue") + unplaced
    return frame.with_columns(
        (allocatable * factor).alias(ALLOCATABLE_USD),
        ((allocatable + pl.col("_usage_usd") - unplaced) * factor).alias(COUNTED_REVENUE_USD),
        (pl.col("_gross_bill") * factor).alias(s.MRR_USD),
        ((pl.col("_commit_bill") - pl.col("_commit_revenue")) * factor).alias("_deferred"),
    )


def _seat_charge(cms: CustomerMonths, book: PriceBook, notes: list[str]) -> pl.Expr:
    """Each cm's seat charge under its plan's per-seat price (0 without one); a cm whose
    seat count is unknown is billed its plan's minimum seats, and a note says how many."""
    seated = {plan: price for plan, price in book.plans.items() if price.seat_usd is not None}
    charge: pl.Expr = pl.lit(0.0)
    for plan, price in seated.items():
        # Both counts are columns of every cms frame, null where unknown.
        column = s.USERS if price.seats_from == "users" else s.SEATS
        on_plan = cms.frame.filter(pl.col(s.PLAN) == plan)
        unknown = on_plan[column].null_count()
        if unknown:
            source = (
                "the ledger has no user_id column to count users from"
                if price.seats_from == "users"
                else "the revenue table gives none: it needs a seats column, or Stripe's quantity"
            )
            notes.append(
                f"{plan}: {unknown:,} of {on_plan.height:,} customer-months have no seat count, "
                f"so they are billed the plan's minimum of {price.min_seats:,.0f} seats "
                f"({source})"
            )
        seats = pl.col(column).cast(pl.Float64).fill_null(0.0)
        billed = m.seat_charge(pl.lit(price.seat_usd), seats, price.min_seats)
        charge = pl.when(pl.col(s.PLAN) == plan).then(billed).otherwise(charge)
    return charge


def _discount(cms: CustomerMonths, book: PriceBook) -> pl.Expr:
    """Each cm's volume discount: the largest share it qualifies for (0 when none)."""
    shares = []
    for item in book.discounts:
        applies = pl.lit(True)
        if item.min_bill_usd is not None:
            applies = applies & (pl.col("_gross_bill") >= item.min_bill_usd)
        if item.column is not None:
            if item.column not in cms.frame.columns:
                raise ScenarioError(
                    f"a discount is for {item.column} = {item.value!r}, but the revenue table "
                    f"has no {item.column!r} column"
                )
            applies = applies & (pl.col(item.column).cast(pl.String) == item.value)
        shares.append(pl.when(applies).then(item.share).otherwise(0.0))
    if not shares:
        return pl.lit(0.0)
    return pl.max_horizontal(*shares)


def _parts(cms: CustomerMonths, frame: pl.DataFrame) -> pl.DataFrame:
    """Per plan, the monthly average of each part of the bill (:data:`PARTS_SCHEMA`)."""
    months = cms.window.months
    gross = pl.col("_gross_bill")
    parts = {
        "base": pl.col("_base_price"),
        "seats": pl.col("_seats_usd"),
        "per_use": pl.col(_PER_USE),
        "tiers": pl.col(_TIERED) + pl.col("_plan_tier_usd"),
        "outcomes": pl.col(_OUTCOME),
        "commitment": pl.col("_commit_bill"),
        "fair_use": pl.col("_fair_use"),
        "discounts": gross * pl.col("_factor") - gross,
    }
    current = cms.frame.group_by(s.PLAN).agg(
        pl.len().cast(pl.UInt32).alias("customer_months"),
        (pl.col(s.MRR_USD).sum() / months).alias("bill_current_usd"),
    )
    simulated = frame.group_by(s.PLAN).agg(
        *((expr.sum() / months).alias(f"{name}_usd") for name, expr in parts.items()),
        (pl.col(s.MRR_USD).sum() / months).alias("bill_simulated_usd"),
        (pl.col("_deferred").sum() / months).alias("deferred_usd"),
    )
    return (
        current.join(simulated, on=s.PLAN, how="left")
        .select(PARTS_SCHEMA.names())
        .sort("bill_current_usd", s.PLAN)
    )


def _current_parts(cms: CustomerMonths) -> pl.DataFrame:
    """The parts table of today's pricing: every bill is its recorded base."""
    months = cms.window.months
    zero = {f"{part}_usd": pl.lit(0.0) for part in PARTS if part != "base"}
    return (
        cms.frame.group_by(s.PLAN)
        .agg(
            pl.len().cast(pl.UInt32).alias("customer_months"),
            (pl.col(s.MRR_USD).sum() / months).alias("bill_current_usd"),
        )
        .with_columns(
            pl.col("bill_current_usd").alias("base_usd"),
            *(value.alias(name) for name, value in zero.items()),
            pl.col("bill_current_usd").alias("bill_simulated_usd"),
            pl.lit(0.0).alias("deferred_usd"),
        )
        .select(PARTS_SCHEMA.names())
        .sort("bill_current_usd", s.PLAN)
    )


def _simulated_ai(cms: CustomerMonths, book: PriceBook) -> pl.Expr:
    """The AI revenue of a simulated customer-month's subscription (``_base``: its base price
    and seats), before its fair-use and usage charges, which are AI revenue under every basis
    (usage billing of AI).

    All revenue: the whole base. Direct: the recorded direct AI revenue, at most the new base
    (the price book prices plans, not add-ons). Attributed: the AI plan's uplift at the
    simulated prices (a plan's new base price, else its list price), at most the new base.
    """
    ai_revenue = cms.shaped_by.ai_revenue
    found = None
    if ai_revenue.basis == "attributed":
        simulated = {
            plan: price.base_usd for plan, price in book.plans.items() if price.base_usd is not None
        }
        found = uplifts(ai_revenue, {**cms.list_prices, **simulated}).amounts
    return counted_revenue(ai_revenue.basis, pl.col("_base"), found)


def _terms(book: PriceBook) -> pl.DataFrame:
    """One row per (plan, feature) the price book prices or removes."""
    rows = []
    for plan, price in book.plans.items():
        features = set(price.included) | set(price.overage_usd) | set(price.per_call_usd)
        features |= set(price.removed) | price.usage_features
        for feature in sorted(features):
            overage = price.overage_usd.get(feature)
            rows.append(
                {
                    s.PLAN: plan,
                    s.FEATURE_ID: feature,
                    "_included": price.included.get(feature, 0.0) if overage is not None else None,
                    "_overage": overage,
                    "_per_call": price.per_call_usd.get(feature),
                    "_outcome_price": price.outcome_usd.get(feature),
                    "_by_use": feature in price.tiers or feature in price.outcome_usd,
                    "_removed": feature in price.removed,
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            s.PLAN: pl.String,
            s.FEATURE_ID: pl.String,
            "_included": pl.Float64,
            "_overage": pl.Float64,
            "_per_call": pl.Float64,
            "_outcome_price": pl.Float64,
            "_by_use": pl.Boolean,
            "_removed": pl.Boolean,
        },
    )


def _plan_terms(book: PriceBook) -> pl.DataFrame:
    prices = book.plans.values()
    return pl.DataFrame(
        {
            s.PLAN: list(book.plans),
            "_base_usd": [price.base_usd for price in prices],
            "_fair_use_usd": [price.fair_use_usd for price in prices],
            "_commitment": [price.monthly_commitment_usd for price in prices],
            "_breakage": [price.breakage for price in prices],
        },
        schema={
            s.PLAN: pl.String,
            "_base_usd": pl.Float64,
            "_fair_use_usd": pl.Float64,
            "_commitment": pl.Float64,
            "_breakage": pl.Float64,
        },
    )


def _multipliers(multipliers: Mapping[str, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.FEATURE_ID: list(multipliers),
            "_multiplier": list(multipliers.values()),
        },
        schema={s.FEATURE_ID: pl.String, "_multiplier": pl.Float64},
    )


def _per_plan(cms: CustomerMonths, scenario: Scenario, history: CustomerMonths) -> pl.DataFrame:
    """Per plan: sums over the window and compute-adjusted LTV with plans as segments, churn
    estimated from ``history`` (the observed customer-months: a price change moves no rate)."""
    frame = cms.frame
    sums = frame.group_by(s.PLAN).agg(
        pl.col(CUSTOMER_CODE).n_unique().alias("customers"),
        pl.len().alias("customer_months"),
        pl.col(COUNTED_REVENUE_USD).sum().alias("revenue"),
        pl.col(INFERENCE_USD).sum().alias("inference"),
        m.compute_burdens().sum().alias("burdens"),
    )
    by_plan = _plans_as_segments(cms)
    # The same customer-months as history (current pricing): their per-plan sums, once.
    observed = by_plan if history is cms else _plans_as_segments(history)
    plan_scenario = with_segmentation(scenario, s.PLAN)
    ltv = segment_table(by_plan, plan_scenario, churn_from=observed).select(
        pl.col("segment").alias(s.PLAN), "ltv_compute_adjusted_usd"
    )
    return sums.join(ltv, on=s.PLAN, how="left")


def _plans_as_segments(cms: CustomerMonths) -> CustomerMonths:
    return replace(cms, frame=cms.frame.with_columns(pl.col(s.PLAN).alias(SEGMENT)))


def _compare(current: pl.DataFrame, simulated: pl.DataFrame, key: str, months: int) -> pl.DataFrame:
    joined = current.join(simulated, on=key, how="left", suffix="_sim")
    out = []
    for tag, suffix in (("current", ""), ("simulated", "_sim")):
        revenue, inference, burdens = (
            pl.col(f"{name}{suffix}") for name in ("revenue", "inference", "burdens")
        )
        profit = m.gross_profit(revenue, inference, burdens)
        out += [
            (revenue / months).alias(f"revenue_{tag}_usd"),
            (inference / months).alias(f"inference_{tag}_usd"),
            (profit / months).alias(f"gross_profit_{tag}_usd"),
            m.gross_margin(profit, revenue).alias(f"gross_margin_{tag}"),
            pl.col(f"ltv_compute_adjusted_usd{suffix}").alias(f"ltv_compute_adjusted_{tag}_usd"),
        ]
    return (
        joined.select(key, "customers", "customer_months", *out)
        .with_columns(
            (pl.col("gross_profit_simulated_usd") - pl.col("gross_profit_current_usd")).alias(
                "gross_profit_change_usd"
            )
        )
        .sort("revenue_current_usd", key)
    )


def _compare_segments(current: pl.DataFrame, simulated: pl.DataFrame) -> pl.DataFrame:
    columns = ["arpa_usd", "inference_usd", "gross_margin", "ltv_compute_adjusted_usd", "ltv_cac"]

    def tagged(frame: pl.DataFrame, tag: str) -> pl.DataFrame:
        return frame.select(
            "segment", *(pl.col(name).alias(_tagged(name, tag)) for name in columns)
        )

    order = current.with_row_index("_order").select("segment", "_order", "customers")
    return (
        order.join(tagged(current, "current"), on="segment")
        .join(tagged(simulated, "simulated"), on="segment", how="left")
        .sort("_order")
        .select(SEGMENT_COMPARISON_SCHEMA.names())
    )


def _totals(current: CustomerMonths, simulated: CustomerMonths, months: int) -> pl.DataFrame:
    def figures(cms: CustomerMonths) -> dict[str, float | None]:
        frame = cms.frame
        revenue = float(frame[COUNTED_REVENUE_USD].sum())
        inference = float(frame[INFERENCE_USD].sum())
        burdens = float(frame.select(m.compute_burdens().sum()).item())
        profit = m.gross_profit(revenue, inference, burdens)
        return {
            "revenue_usd": revenue / months,
            "inference_usd": inference / months,
            "gross_profit_usd": profit / months,
            "gross_margin": m.gross_margin(profit, revenue),
        }

    before, after = figures(current), figures(simulated)
    return pl.DataFrame(
        {
            "measure": list(before),
            "current": list(before.values()),
            "simulated": list(after.values()),
        },
        schema={"measure": pl.String, "current": pl.Float64, "simulated": pl.Float64},
    ).with_columns((pl.col("simulated") - pl.col("current")).alias("change"))


def _customer_bills(current: CustomerMonths, simulated: CustomerMonths) -> pl.DataFrame:
    # Bills are in cents: rounding keeps the binary noise of two differently built sums from
    # passing for a change (and from reordering customers whose bills did not change).
    latest = per_customer(
        current.frame, {"bill_current_usd": pl.col(s.MRR_USD)}, latest=(SEGMENT, s.PLAN)
    ).select(s.CUSTOMER_ID, SEGMENT, s.PLAN, pl.col("bill_current_usd").round(2))
    bills = per_customer(
        simulated.frame, {"bill_simulated_usd": pl.col(s.MRR_USD)}, latest=()
    ).select(s.CUSTOMER_ID, pl.col("bill_simulated_usd").round(2))
    change = pl.col("bill_simulated_usd") - pl.col("bill_current_usd")
    return (
        latest.join(bills, on=s.CUSTOMER_ID, how="left")
        .with_columns(
            change.round(2).alias("change_usd"),
            m.share(change, pl.col("bill_current_usd")).alias("change_share"),
        )
        .sort("change_usd", s.CUSTOMER_ID, descending=[True, False])
    )


def _bill_changes(customers: pl.DataFrame, threshold: float) -> BillChanges:
    rising = customers.filter(pl.col("change_usd") > m.HALF_CENT)
    median = rising["change_share"].median()
    return BillChanges(
        customers=customers.height,
        paying_more=rising.height,
        paying_less=customers.filter(pl.col("change_usd") < -m.HALF_CENT).height,
        increase_usd=float(rising["change_usd"].sum()),
        median_increase=float(median) if isinstance(median, float) else None,
        at_risk=customers.filter(pl.col("change_share") > threshold).height,
        at_risk_threshold=threshold,
    )
