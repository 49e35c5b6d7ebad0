"""The Tiers & pricing page's figures, shaped for a reader: current pricing against the simulated
price book as a strip of KPIs with their changes, the sentence saying what the last edit of the
price book did, the recommendation cards with their badges, the customers binned by how
much their bill changes, what each part of the simulated bill adds per plan, the free tier's
figures before and after a usage cap, and the segments a volume discount can be for.

Every figure comes from :class:`econ.Simulation` (:mod:`econ.decisions.pricing`, its customer
response from :mod:`econ.decisions.response`) or :class:`econ.Recommendation`
(:mod:`econ.decisions.recommend`); this module only chooses, labels and formats them
(:mod:`econ.formats`: changes carry their sign, margins move in percentage points, a change that
rounds to zero reads "no change"). Gross profit is compute-adjusted: revenue − inference − AI
infra, support and CS (article 001); a margin is gross profit ÷ revenue (article 002). Pure
polars: no streamlit, no altair.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from econ import schema as s
from econ.decisions.freemium import FreeTier
from econ.decisions.pricing import PARTS, BillChanges, Simulation
from econ.decisions.recommend import Recommendation
from econ.formats import (
    NO_CHANGE,
    count,
    finite,
    money,
    money_change,
    number,
    number_change,
    per_call,
    percent,
    points,
    ratio,
    ratio_change,
)
from econ.measures import HALF_CENT
from econ.present.labels import feature_label, segment_label, words
from econ.scenario.assumptions import ALL, Scenario
from econ.scenario.levers import ALL_FEATURES, Freemium, PlanPrice, PriceBook, Tiers

Trend = Literal["up", "down", "none"]

EXPECTED_TO_LEAVE: Final = "Expected to leave"
"""The label of the strip's customer-response figure (none leave at current pricing)."""

PER_MONTH: Final = "month"


@dataclass(frozen=True)
class Kpi:
    """One figure of the "now → simulated" strip, as text.

    Attributes:
        label: what it is ("Revenue / month").
        name: the same in a sentence ("revenue").
        now: its value at current pricing.
        simulated: its value with the simulated price book.
        change: simulated − now, signed (``+$1,234 / month``, ``+0.9 pp``), or ``no change``;
            ``None`` when either side is undefined.
        trend: which way it moved (``none`` when the change reads ``no change`` or is undefined).
        good: whether that move is good for the business (``None`` when it did not move).
        help: how it is computed.
    """

    label: str
    name: str
    now: str
    simulated: str
    change: str | None
    trend: Trend
    good: bool | None
    help: str


def _trend(change: float | None, text: str) -> Trend:
    if change is None or text == NO_CHANGE or not math.isfinite(change):
        return "none"
    return "up" if change > 0 else "down"


def _kpi(
    label: str,
    name: str,
    values: tuple[float | None, float | None],
    write: Callable[[float | None], str],
    write_change: Callable[[float | None], str],
    *,
    higher_is_better: bool,
    help: str,
) -> Kpi:
    now, simulated = values
    change = None if now is None or simulated is None else simulated - now
    text = None if change is None else write_change(change)
    trend = _trend(change, text or NO_CHANGE)
    good = None if trend == "none" else (trend == "up") == higher_is_better
    if change is None:
        help += " Undefined here: " + UNDEFINED_REASONS.get(label, "a figure it needs is missing.")
    return Kpi(label, name, write(now), write(simulated), text, trend, good, help)


UNDEFINED_REASONS: Final = {
    "Gross margin": "there is no revenue.",
    "LTV:CAC (blended)": "it needs both an LTV (a churn above 0) and a CAC; set them on the "
    "Segment LTV page.",
}
"""Why a figure of the strip can be undefined (README, Definitions)."""


def _per_month(value: float | None) -> str:
    return money_change(value, per=PER_MONTH)


def _totals(simulation: Simulation) -> dict[str, tuple[float | None, float | None]]:
    return {row[0]: (row[1], row[2]) for row in simulation.totals.rows()}


def blended_ltv_cac(simulation: Simulation) -> tuple[float | None, float | None]:
    """The blended (all customers) compute-adjusted LTV:CAC, current and simulated."""
    blended = simulation.segments.filter(pl.col("segment") == ALL)
    if blended.is_empty():
        return None, None
    row = blended.row(0, named=True)
    return row["ltv_cac_current"], row["ltv_cac_simulated"]


def response_is_on(simulation: Simulation) -> bool:
    """Whether the price book's customer response can make anyone leave (elasticity above 0)."""
    return simulation.response.elasticity > 0


def kpi_strip(simulation: Simulation) -> tuple[Kpi, ...]:
    """Revenue, gross profit and gross margin per month, the blended LTV:CAC and, when the
    customer response is on, the customers expected to leave: now, simulated, and the change."""
    totals = _totals(simulation)
    kpis = [
        _kpi(
            "Revenue / month",
            "revenue",
            totals["revenue_usd"],
            money,
            _per_month,
            higher_is_better=True,
            help="Σ MRR of the window's customer-months ÷ its months; simulated: as the price "
            "book bills them.",
        ),
        _kpi(
            "Gross profit / month",
            "gross profit",
            totals["gross_profit_usd"],
            money,
            _per_month,
            higher_is_better=True,
            help="Revenue − inference − AI infra, support and CS, per month.",
        ),
        _kpi(
            "Gross margin",
            "gross margin",
            totals["gross_margin"],
            percent,
            points,
            higher_is_better=True,
            help="Gross profit ÷ revenue; its change is in percentage points (pp).",
        ),
        _kpi(
            "LTV:CAC (blended)",
            "LTV:CAC",
            blended_ltv_cac(simulation),
            ratio,
            ratio_change,
            higher_is_better=True,
            help="Compute-adjusted LTV ÷ CAC, every customer together; 3:1 is the usual bar.",
        ),
    ]
    if response_is_on(simulation):
        kpis.append(
            _kpi(
                EXPECTED_TO_LEAVE,
                "customers expected to leave",
                (0.0, simulation.response.expected_lost),
                number,
                number_change,
                higher_is_better=False,
                help="Σ of each customer's leave probability at its new bill: "
                "min(1, elasticity × (rise − tolerated rise)); none leave at current pricing.",
            )
        )
    return tuple(kpis)


def now_line(kpis: Iterable[Kpi]) -> str:
    """Current pricing's figures in one line: ``Now: revenue $277,054 · gross profit …``."""
    shown = [kpi for kpi in kpis if kpi.label != EXPECTED_TO_LEAVE]
    return "Now: " + " · ".join(f"{kpi.name} {kpi.now}" for kpi in shown)


def bills_sentence(bills: BillChanges) -> str:
    """How many customers would pay more or less, and how many are a churn risk (plain text)."""
    if bills.paying_more == 0 and bills.paying_less == 0:
        return f"Every one of the {count(bills.customers)} customers' bills stays as it is."
    median = (
        f"; median rise {percent(bills.median_increase)}"
        if bills.median_increase is not None
        else ""
    )
    more = (
        f"{count(bills.paying_more)} of {count(bills.customers)} customers would pay more "
        f"({money(bills.increase_usd)} over the window{median})"
        if bills.paying_more
        else f"No customer of {count(bills.customers)} would pay more"
    )
    return (
        f"{more}, {count(bills.paying_less)} would pay less. {count(bills.at_risk)} see their "
        f"bill rise by more than {percent(bills.at_risk_threshold, digits=0)}: a churn risk."
    )


# What the last edit did.


@dataclass(frozen=True)
class Outcome:
    """The simulated figures an edit of the price book moves, per month."""

    revenue_usd: float
    gross_profit_usd: float
    gross_margin: float | None
    expected_lost: float
    response_on: bool


def outcome_of(simulation: Simulation) -> Outcome:
    """The simulated side of ``simulation``'s totals, and the customers expected to leave."""
    totals = _totals(simulation)
    return Outcome(
        revenue_usd=totals["revenue_usd"][1] or 0.0,
        gross_profit_usd=totals["gross_profit_usd"][1] or 0.0,
        gross_margin=totals["gross_margin"][1],
        expected_lost=simulation.response.expected_lost,
        response_on=response_is_on(simulation),
    )


@dataclass(frozen=True)
class LastChange:
    """The page's memory between runs: the price book it last showed, under which assumptions
    (``context``), the figures then, and the sentence saying what the edit before did."""

    context: str
    book: PriceBook
    outcome: Outcome
    sentence: str | None = None


def context_of(dataset_id: str, scenario: Scenario) -> str:
    """Everything but the price book that the simulated figures depend on: a change there
    (another dataset, churn, CAC) is no edit of the price book."""
    return f"{dataset_id}\n{scenario.replace(price_book=PriceBook()).to_json(indent=None)}"


def remember(last: LastChange | None, context: str, book: PriceBook, now: Outcome) -> LastChange:
    """The memory after this run: unchanged while the price book is; when it changed under the
    same assumptions, the sentence saying what the edit did (:func:`change_sentence`)."""
    if last is None or last.context != context:
        return LastChange(context, book, now)
    if last.book == book:
        return last
    edit = describe_edit(last.book, book)
    return LastChange(context, book, now, change_sentence(edit, last.outcome, now))


def _moved(noun: str, text: str) -> str | None:
    return None if text == NO_CHANGE else f"{noun} {text}"


def change_sentence(edit: str, before: Outcome, after: Outcome) -> str:
    """``Starter at $59.00 a month: gross profit +$1,234 / month, margin +0.9 pp, revenue
    +$2,345 / month, 12.3 more customers expected to leave.``"""
    margin = (
        None
        if before.gross_margin is None or after.gross_margin is None
        else after.gross_margin - before.gross_margin
    )
    profit = _per_month(after.gross_profit_usd - before.gross_profit_usd)
    revenue = _per_month(after.revenue_usd - before.revenue_usd)
    parts = [
        _moved("gross profit", profit),
        _moved("margin", points(margin)),
        _moved("revenue", revenue) if revenue != profit else None,
    ]
    if after.response_on:
        lost = number_change(after.expected_lost - before.expected_lost)
        if lost != NO_CHANGE:
            more = "more" if after.expected_lost > before.expected_lost else "fewer"
            parts.append(f"{lost[1:]} {more} customers expected to leave")
    moved = [part for part in parts if part]
    if not moved:
        return f"{edit}: no change to revenue, gross profit or margin."
    return f"{edit}: {', '.join(moved)}."


EDITS_NAMED: Final = 2
"""How many edits of one run the sentence names (the rest are counted)."""


def describe_edit(before: PriceBook, after: PriceBook) -> str:
    """What changed from ``before`` to ``after`` in words (``Starter at $59.00 a month``)."""
    if after == PriceBook() and before != after:
        return "Price book cleared"
    phrases = [
        *_plan_edits(before, after),
        *_cost_edits(before, after),
        *_setting_edits(before, after),
        *_discount_edits(before, after),
        *_freemium_edits(before.freemium, after.freemium),
    ]
    if not phrases:
        return "Price book unchanged"
    named = "; ".join(phrases[:EDITS_NAMED])
    more = len(phrases) - EDITS_NAMED
    text = named + (f" and {more} more change{'s' if more > 1 else ''}" if more > 0 else "")
    return text[:1].upper() + text[1:]


def _plan_edits(before: PriceBook, after: PriceBook) -> list[str]:
    phrases: list[str] = []
    for plan in sorted(set(before.plans) | set(after.plans)):
        old, new = before.plan(plan), after.plan(plan)
        if old != new:
            phrases += _one_plan(words(plan), old, new)
    return phrases


def _one_plan(plan: str, old: PlanPrice, new: PlanPrice) -> list[str]:
    phrases: list[str] = []
    if old.base_usd != new.base_usd:
        phrases.append(
            f"{plan} back to its recorded MRR"
            if new.base_usd is None
            else f"{plan} at {money(new.base_usd)} a month"
        )
    if old.fair_use_usd != new.fair_use_usd:
        phrases.append(
            f"no fair-use threshold on {plan}"
            if new.fair_use_usd is None
            else f"fair use on {plan} from {money(new.fair_use_usd)} of AI usage a month"
        )
    features = (
        set(old.included)
        | set(new.included)
        | set(old.overage_usd)
        | set(new.overage_usd)
        | set(old.per_call_usd)
        | set(new.per_call_usd)
        | set(old.removed)
        | set(new.removed)
    )
    for feature in sorted(features):
        phrases += _feature_edits(plan, feature, old, new)
    return phrases + _model_edits(plan, old, new)


def _model_edits(plan: str, old: PlanPrice, new: PlanPrice) -> list[str]:
    """The seat, outcome, tier and commitment edits of one plan."""
    phrases: list[str] = []
    seats = (new.seat_usd, new.min_seats, new.seats_from)
    if (old.seat_usd, old.min_seats, old.seats_from) != seats:
        phrases.append(
            f"no seat price on {plan}"
            if new.seat_usd is None
            else f"{plan} at {money(new.seat_usd)} a seat a month"
            + (f" (at least {number(new.min_seats, digits=0)})" if new.min_seats else "")
            + (", seats counted as users" if new.seats_from == "users" else "")
        )
    for feature in sorted(set(old.outcome_usd) | set(new.outcome_usd)):
        price = new.outcome_usd.get(feature)
        if old.outcome_usd.get(feature) != price:
            name = feature_label(feature)
            phrases.append(
                f"{name} no longer billed per outcome on {plan}"
                if price is None
                else f"{name} at {per_call(price)} an outcome on {plan}"
            )
    for scope in sorted(set(old.tiers) | set(new.tiers)):
        tiers = new.tiers.get(scope)
        if old.tiers.get(scope) != tiers:
            what = tiers_scope_label(scope)
            phrases.append(
                f"no tiers on {what} on {plan}"
                if tiers is None
                else f"{tiers.mode} tiers on {what} on {plan} ({tiers_summary(tiers)})"
            )
    commitment = (new.commitment_usd, new.commitment_period, new.breakage)
    if (old.commitment_usd, old.commitment_period, old.breakage) != commitment:
        phrases.append(
            f"no commitment on {plan}"
            if new.commitment_usd is None
            else f"a {money(new.commitment_usd)} commitment a {new.commitment_period} on "
            f"{plan}, {percent(new.breakage, digits=0)} of what is unused expiring"
        )
    return phrases


def tiers_scope_label(scope: str) -> str:
    """What tiers are on: ``all usage`` for the plan's whole usage, else the feature."""
    return "all usage" if scope == ALL_FEATURES else feature_label(scope)


def tiers_summary(tiers: Tiers) -> str:
    """The bands in one line: ``up to 5 calls at $7, up to 10 at $6.5, then $6``."""
    unit = "calls" if tiers.measure == "calls" else "tokens"
    parts = []
    for index, band in enumerate(tiers.bands):
        flat = f" + {money(band.flat_usd)}" if band.flat_usd else ""
        price = f"{per_call(band.unit_usd)}{flat}"
        if band.up_to is None:
            parts.append(f"then {price}" if index else f"{price} a unit")
        else:
            upto = number(band.up_to, digits=0)
            parts.append(
                f"up to {upto} {unit} at {price}" if index == 0 else f"up to {upto} at {price}"
            )
    return ", ".join(parts)


def _discount_edits(before: PriceBook, after: PriceBook) -> list[str]:
    if before.discounts == after.discounts:
        return []
    if not after.discounts:
        return ["no volume discounts"]
    return [
        "volume discounts: "
        + "; ".join(
            f"{percent(item.share, digits=0)} off for {item.label}" for item in after.discounts
        )
    ]


def _freemium_edits(before: Freemium, after: Freemium) -> list[str]:
    phrases = []
    if before.conversion_rate != after.conversion_rate:
        phrases.append(
            "free-tier conversion as observed"
            if after.conversion_rate is None
            else f"free-tier conversion at {percent(after.conversion_rate)}"
        )
    if before.usage_cap_calls != after.usage_cap_calls:
        phrases.append(
            "no cap on free usage"
            if after.usage_cap_calls is None
            else f"free usage capped at {number(after.usage_cap_calls, digits=0)} calls a month"
        )
    return phrases


def _feature_edits(plan: str, feature: str, old: PlanPrice, new: PlanPrice) -> list[str]:
    name = feature_label(feature)
    phrases: list[str] = []
    included, overage = new.included.get(feature), new.overage_usd.get(feature)
    if old.included.get(feature) != included or old.overage_usd.get(feature) != overage:
        phrases.append(
            f"no {name} allowance on {plan}"
            if included is None and overage is None
            else f"{number(included or 0.0, digits=0)} {name} "
            f"use{'' if included == 1 else 's'} a month on {plan}, then "
            f"{per_call(overage or 0.0)} a use"
        )
    per_use = new.per_call_usd.get(feature)
    if old.per_call_usd.get(feature) != per_use:
        phrases.append(
            f"{name} no longer billed per use on {plan}"
            if per_use is None
            else f"{name} at {per_call(per_use)} a use on {plan}"
        )
    if (feature in old.removed) != (feature in new.removed):
        phrases.append(f"{name} off {plan}" if feature in new.removed else f"{name} back on {plan}")
    return phrases


def _cost_edits(before: PriceBook, after: PriceBook) -> list[str]:
    phrases = []
    for feature in sorted(set(before.cost_multipliers) | set(after.cost_multipliers)):
        factor = after.cost_multipliers.get(feature, 1.0)
        if before.cost_multipliers.get(feature, 1.0) != factor:
            phrases.append(f"{feature_label(feature)} cost × {factor:g}")
    for feature in sorted(set(before.model_swaps) | set(after.model_swaps)):
        model = after.model_swaps.get(feature)
        if before.model_swaps.get(feature) != model:
            phrases.append(
                f"{feature_label(feature)} on {model}"
                if model is not None
                else f"{feature_label(feature)} back on its own models"
            )
    return phrases


_SETTINGS: Final[tuple[tuple[str, str, bool], ...]] = (
    ("metered_usage_drop", "metered-usage drop", True),
    ("churn_risk_increase", "churn risk above a rise of", True),
    ("fair_use_margin", "margin on fair-use overage", True),
    ("churn_elasticity", "churn elasticity", False),
    ("tolerated_increase", "bill rise tolerated", True),
)
"""The price book's settings: field, words, whether it is a share."""


def _setting_edits(before: PriceBook, after: PriceBook) -> list[str]:
    phrases = []
    for field, name, is_share in _SETTINGS:
        value = float(getattr(after, field))
        if float(getattr(before, field)) != value:
            phrases.append(f"{name} {percent(value, digits=0) if is_share else f'{value:g}'}")
    return phrases


# Recommendation cards.


@dataclass(frozen=True)
class Card:
    """A recommendation as the page shows it.

    Attributes:
        rank: its place in the ranking (1 first).
        title: a short title in words ("Fair use on Pro").
        detail: the full title, identifiers in words.
        badges: the monthly gross-profit change and the margin change, when they move
            (``+$12,652 / month``, ``margin +0.9 pp``).
        facts: revenue and inference changes, who it affects, and what the customer response
            leaves of it.
        arithmetic: its arithmetic, identifiers in words.
    """

    rank: int
    title: str
    detail: str
    badges: tuple[str, ...]
    facts: tuple[str, ...]
    arithmetic: tuple[str, ...]


_SHORT_TITLES: Final[dict[str, str]] = {
    "allowance": "{feature} allowance on {plan}",
    "fair_use": "Fair use on {plan}",
    "graduated": "Graduated tiers for {feature} on {plan}",
    "gate": "Gate or reprice {feature} on {plan}",
    "remove": "Take {feature} off {plan}",
    "route": "Route {feature} to a cheaper model",
    "optimize": "Optimize {feature}",
    "price_signal": "{feature} is an upgrade vector",
    "ltv_cac": "{segment} below 3:1 LTV:CAC",
}
"""Short titles per kind; a card whose kind or names are missing keeps its full title."""


def _identifier(identifier: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(identifier)}(?![\w-])")


def in_words(text: str, rec: Recommendation, *, segment_by: str = s.USAGE_TIER) -> str:
    """``text`` with the recommendation's feature and segment identifiers as words."""
    replacements = []
    if rec.feature:
        replacements.append((rec.feature, feature_label(rec.feature)))
    if rec.segment:
        replacements.append((rec.segment, segment_label(rec.segment, segment_by)))
    for identifier, label in replacements:
        if identifier != label:
            text = _identifier(identifier).sub(label.replace("\\", "\\\\"), text)
    return text


def short_title(rec: Recommendation, *, segment_by: str = s.USAGE_TIER) -> str:
    """A few words naming the change (see :data:`_SHORT_TITLES`)."""
    names = {
        "feature": feature_label(rec.feature) if rec.feature else None,
        "plan": words(rec.plan) if rec.plan else None,
        "segment": segment_label(rec.segment, segment_by) if rec.segment else None,
    }
    template = _SHORT_TITLES.get(rec.kind)
    needed = re.findall(r"{(\w+)}", template or "")
    if template is None or any(names[name] is None for name in needed):
        return in_words(rec.title, rec, segment_by=segment_by)
    title = template.format(**{name: names[name] for name in needed})
    return title[:1].upper() + title[1:]


def badges(rec: Recommendation) -> tuple[str, ...]:
    """The monthly gross-profit change and the margin change, each only when it moves."""
    found = []
    impact = _per_month(rec.gross_profit_change_usd)
    if impact != NO_CHANGE:
        found.append(impact)
    if rec.gross_margin_before is not None and rec.gross_margin_after is not None:
        margin = points(rec.gross_margin_after - rec.gross_margin_before)
        if margin != NO_CHANGE:
            found.append(f"margin {margin}")
    return tuple(found)


def _facts(rec: Recommendation) -> tuple[str, ...]:
    revenue = _per_month(rec.revenue_change_usd)
    cost = _per_month(rec.cost_change_usd)
    facts = [
        f"Revenue {revenue}" if revenue != NO_CHANGE else "Revenue unchanged",
        f"Inference cost {cost}" if cost != NO_CHANGE else "Inference cost unchanged",
        f"{count(rec.customers_affected)} customer{'' if rec.customers_affected == 1 else 's'} "
        f"affected ({percent(rec.revenue_share_affected)} of revenue)",
    ]
    if rec.customers_expected_lost > 0:
        facts.append(
            f"{number(rec.customers_expected_lost)} expected to leave at their new bill: "
            f"{_per_month(rec.gross_profit_change_after_response_usd)} of gross profit remains"
        )
    return tuple(facts)


def card(rec: Recommendation, rank: int, *, segment_by: str = s.USAGE_TIER) -> Card:
    """The card of the ``rank``-th recommendation."""
    return Card(
        rank=rank,
        title=short_title(rec, segment_by=segment_by),
        detail=in_words(rec.title, rec, segment_by=segment_by),
        badges=badges(rec),
        facts=_facts(rec),
        arithmetic=tuple(in_words(line, rec, segment_by=segment_by) for line in rec.arithmetic),
    )


def cards(
    recommendations: Iterable[Recommendation], *, segment_by: str = s.USAGE_TIER
) -> list[Card]:
    """The cards of ``recommendations``, ranked from 1 in the order given."""
    return [card(rec, rank, segment_by=segment_by) for rank, rec in enumerate(recommendations, 1)]


# How each customer's bill changes.

BILL_HISTOGRAM_SCHEMA: Final = pl.Schema(
    {
        "order": pl.Int64(),
        "bucket": pl.String(),
        "side": pl.String(),
        "customers": pl.Int64(),
    }
)
"""One row per bucket of bill change, in order from the largest fall to the largest rise:
``side`` is ``less``, ``none`` or ``more``; ``customers`` a whole count (0 for an empty bucket)."""

NO_CHANGE_BUCKET: Final = "No change"
FROM_ZERO_BUCKET: Final = "From $0"

BILL_BUCKETS: Final[tuple[tuple[str, float, float], ...]] = (
    ("−20% or more", -math.inf, -0.2),
    ("−20 to −5%", -0.2, -0.05),
    ("−5 to 0%", -0.05, 0.0),
    (NO_CHANGE_BUCKET, 0.0, 0.0),
    ("0 to +5%", 0.0, 0.05),
    ("+5 to +10%", 0.05, 0.1),
    ("+10 to +20%", 0.1, 0.2),
    ("+20 to +50%", 0.2, 0.5),
    ("+50 to +100%", 0.5, 1.0),
    ("Over +100%", 1.0, math.inf),
)
"""The buckets of a bill's change over the window, as a share of its current bill: a fall
(``low`` < x ≤ ``high``, the last fall bucket below 0), no change (within half a cent), a rise
(``low`` < x ≤ ``high``). The edges match the default churn-risk threshold (a rise above 20%)."""


def _bucket_of(change_usd: pl.Expr, share: pl.Expr) -> pl.Expr:
    """The bucket of :data:`BILL_BUCKETS` a bill's change falls in."""
    bucket: pl.Expr = pl.lit(NO_CHANGE_BUCKET)
    for name, low, high in reversed(BILL_BUCKETS):
        if low == high:  # no change: decided in dollars below
            continue
        below_high = share < high if high == 0 else share <= high
        bucket = pl.when((share > low) & below_high).then(pl.lit(name)).otherwise(bucket)
    bucket = pl.when(share.is_null()).then(pl.lit(FROM_ZERO_BUCKET)).otherwise(bucket)
    return pl.when(change_usd.abs() < HALF_CENT).then(pl.lit(NO_CHANGE_BUCKET)).otherwise(bucket)


def bill_change_histogram(customers: pl.DataFrame) -> pl.DataFrame:
    """Customers counted by how much their bill over the window changes (:data:`BILL_BUCKETS`;
    a "From $0" bucket follows when some paid nothing before), every bucket listed, empty ones
    at 0 (:data:`BILL_HISTOGRAM_SCHEMA`). ``customers`` is the simulation's per-customer bills
    (``change_usd``, ``change_share``)."""
    counts = (
        customers.select(_bucket_of(pl.col("change_usd"), pl.col("change_share")).alias("bucket"))
        .group_by("bucket")
        .len()
    )
    found = dict(zip(counts["bucket"].to_list(), counts["len"].to_list(), strict=True))
    rows = [
        (index, name, _side(low, high), int(found.get(name, 0)))
        for index, (name, low, high) in enumerate(BILL_BUCKETS)
    ]
    if found.get(FROM_ZERO_BUCKET):
        rows.append((len(rows), FROM_ZERO_BUCKET, "more", int(found[FROM_ZERO_BUCKET])))
    return pl.DataFrame(rows, schema=BILL_HISTOGRAM_SCHEMA, orient="row").sort("order")


def _side(low: float, high: float) -> str:
    if low == high:
        return "none"
    return "less" if high <= 0 else "more"


# What each part of the simulated bill adds.

PART_COLUMNS: Final = tuple(f"{part}_usd" for part in PARTS)
"""The parts columns of :data:`econ.decisions.pricing.PARTS_SCHEMA`, in the bill's order."""
ALWAYS_SHOWN_PARTS: Final = frozenset({"base_usd"})


def bill_parts(parts: pl.DataFrame) -> pl.DataFrame:
    """The simulation's parts per plan without the parts no plan uses (every value 0 or
    null), so the table shows what the price book actually bills; the base always stays."""
    unused = [
        name
        for name in PART_COLUMNS
        if name not in ALWAYS_SHOWN_PARTS
        and name in parts.columns
        and not parts.select((pl.col(name).fill_null(0.0).abs() > HALF_CENT).any()).item()
    ]
    return parts.drop(unused)


# The free tier.


@dataclass(frozen=True)
class FreeFigure:
    """One figure of the free tier, as text: ``capped`` under the usage cap (``None``
    without one)."""

    label: str
    value: str
    capped: str | None
    help: str


def free_tier_figures(tier: FreeTier) -> tuple[FreeFigure, ...]:
    """The free tier's figures, each now and under the usage cap when one is set."""
    capped = tier.usage_cap_calls is not None

    def under_cap(value: str) -> str | None:
        return value if capped else None

    source = {"scenario": "set in the scenario", "observed": "observed"}.get(
        tier.rate_source or "", "none observed"
    )
    return (
        FreeFigure(
            "Free customers",
            count(tier.customers),
            None,
            "Customers with usage in a month they paid nothing for: a $0 plan, or no revenue row.",
        ),
        FreeFigure("Free customer-months", count(tier.customer_months), None, "Over the window."),
        FreeFigure(
            "Free-tier cost / month",
            money(tier.cost_per_month_usd),
            under_cap(
                money(None if tier.capped_cost_usd is None else tier.capped_cost_usd / tier.months)
            ),
            "Inference of the free customer-months ÷ the window's months; under the cap, "
            "each month's calls above the cap are not served (same cost per call).",
        ),
        FreeFigure(
            "Observed conversion",
            percent(tier.observed_conversion),
            None,
            f"{count(tier.converted)} of {count(tier.customers)} free customers paid in a "
            "later month.",
        ),
        FreeFigure(
            "Conversion used",
            percent(tier.conversion_rate),
            None,
            f"The rate the costs below use: {source}.",
        ),
        FreeFigure(
            "Per converted customer",
            money(tier.cost_per_conversion_usd),
            under_cap(money(tier.capped_cost_per_conversion_usd)),
            "What the free tier costs per customer it converts: free-tier cost ÷ (free "
            "customers × conversion rate).",
        ),
        FreeFigure(
            "Payback, months",
            number(tier.payback_months),
            under_cap(months_text(tier.capped_payback_months)),
            "Cost per converted customer ÷ the gross profit of a paying customer-month "
            f"({money(tier.paid_profit_per_month_usd)}).",
        ),
    )


def months_text(value: float | None) -> str:
    """``2.5 months``, or the null text."""
    return number(value) if finite(value) is None else f"{number(value)} months"


MAX_SEGMENT_VALUES: Final = 100
"""The most values of one revenue-table column a discount can be chosen for."""


def discount_segments(revenue: pl.DataFrame, columns: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The segments a volume discount can be for: ``{"column = value": (column, value)}`` for
    each of the revenue table's segment ``columns`` and its values (the
    :data:`MAX_SEGMENT_VALUES` most frequent, in order of their text)."""
    found: dict[str, tuple[str, str]] = {}
    for column in columns:
        if column not in revenue.columns:
            continue
        values = (
            revenue.select(pl.col(column).cast(pl.String).drop_nulls())
            .group_by(column)
            .len()
            .sort(["len", column], descending=[True, False])
            .head(MAX_SEGMENT_VALUES)[column]
            .sort()
            .to_list()
        )
        for value in values:
            found.setdefault(f"{column} = {value}", (column, value))
    return found
