"""The pricing and cost levers of a scenario: a simulated price book, and the inputs of the
recommendations (model routing, optimization, fair use).

A :class:`PriceBook` is applied to every historical customer-month to simulate another pricing
(see :mod:`econ.decisions.pricing`). Per plan it can set a base price, monthly allowances with
per-use overage, per-use prices from the first use (usage-based or hybrid), a price per seat,
graduated or volume tiers on a usage measure, a price per successful outcome, a prepaid
commitment that usage draws down, features taken off the plan, and a fair-use threshold on
monthly inference cost; the parts add up, so a hybrid is a base price plus any of them (the
pricing models of reference articles 000 and 003). Across plans it can give volume discounts
(by bill or by segment) and set how a free tier converts (:class:`Freemium`). Cost
multipliers model routing to a cheaper model or an optimization; a model swap moves a feature
to another model with the multiplier derived from its own tokens
(:mod:`econ.decisions.model_swap`). Usage stays as observed unless ``metered_usage_drop``
says what share of newly metered uses customers stop making. ``churn_elasticity`` and
``tolerated_increase`` set how customers respond to a higher bill by leaving (see
:mod:`econ.decisions.response`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final, Literal, get_args

from econ.errors import ScenarioError
from econ.scenario.codec import Record
from econ.scenario.values import (
    LARGEST,
    freeze,
    mapping,
    names,
    number,
    number_map,
    record_map,
    sequence,
)

TierMode = Literal["graduated", "volume"]
TIER_MODES: Final[tuple[TierMode, ...]] = get_args(TierMode)
TierMeasure = Literal["calls", "tokens"]
TIER_MEASURES: Final[tuple[TierMeasure, ...]] = get_args(TierMeasure)
SeatSource = Literal["revenue", "users"]
SEAT_SOURCES: Final[tuple[SeatSource, ...]] = get_args(SeatSource)
CommitmentPeriod = Literal["month", "year"]
COMMITMENT_PERIODS: Final[tuple[CommitmentPeriod, ...]] = get_args(CommitmentPeriod)
ALL_FEATURES: Final = "*"
"""The key of tiers on a plan's whole usage (every feature's calls or tokens together)."""
MAX_BANDS: Final = 20
"""The most bands a tiered price may have (Stripe allows 250; no real price book has 20)."""


def choice(value: object, what: str, allowed: tuple[str, ...]) -> str:
    """``value`` when it is one of ``allowed``; else a message listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise ScenarioError(f"{what} must be one of {list(allowed)}, got {value!r}")
    return value


@dataclass(frozen=True)
class TierBand(Record):
    """One band of a tiered price: the units up to and including ``up_to`` (``None``: every
    unit above the previous band), at ``unit_usd`` each, plus ``flat_usd`` once when a
    customer-month's usage reaches the band (Stripe's ``up_to``, ``unit_amount`` and
    ``flat_amount``, in dollars rather than cents)."""

    up_to: float | None = None
    unit_usd: float = 0.0
    flat_usd: float = 0.0

    def __post_init__(self) -> None:
        if self.up_to is not None:
            object.__setattr__(
                self, "up_to", number(self.up_to, "tier band up_to", low=1.0, high=1e15)
            )
        object.__setattr__(self, "unit_usd", number(self.unit_usd, "tier band unit_usd"))
        object.__setattr__(self, "flat_usd", number(self.flat_usd, "tier band flat_usd"))


@dataclass(frozen=True)
class Tiers(Record):
    """A tiered price on a monthly usage measure (see
    :func:`econ.measures.tiered_charge` for the two modes).

    Attributes:
        mode: ``"graduated"`` bills each unit at its band's price; ``"volume"`` bills every
            unit at the price of the band the month's total reaches.
        measure: ``"calls"`` (uses) or ``"tokens"`` (input + output tokens; calls that logged
            none count none, and the simulation says how many did not).
        bands: in increasing ``up_to``; the last one is open (``up_to`` ``None``).
    """

    mode: TierMode = "graduated"
    measure: TierMeasure = "calls"
    bands: tuple[TierBand, ...] = (TierBand(),)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", choice(self.mode, "tiers mode", TIER_MODES))
        object.__setattr__(self, "measure", choice(self.measure, "tiers measure", TIER_MEASURES))
        bands = tuple(
            band if isinstance(band, TierBand) else TierBand.from_dict(band, f"bands[{i}]")
            for i, band in enumerate(sequence(self.bands, "bands"))
        )
        if not 1 <= len(bands) <= MAX_BANDS:
            raise ScenarioError(f"tiers need between 1 and {MAX_BANDS} bands, got {len(bands)}")
        if bands[-1].up_to is not None:
            raise ScenarioError(
                "the last tier band must be open (up_to null): every unit needs a price"
            )
        given = [band.up_to for band in bands[:-1]]
        bounds = [bound for bound in given if bound is not None]
        if len(bounds) < len(given) or bounds != sorted(set(bounds)):
            raise ScenarioError(
                f"tier bands' up_to must increase, each band above the last, got {given}"
            )
        object.__setattr__(self, "bands", bands)


@dataclass(frozen=True)
class PlanPrice(Record):
    """How one plan is priced in the simulation.

    Attributes:
        base_usd: the monthly base price; ``None`` keeps each customer-month's recorded MRR.
        included: uses per month of a feature included before overage applies.
        overage_usd: price per use beyond ``included`` (0 included when only this is set).
        per_call_usd: price per use from the first use (usage-based or hybrid pricing).
        removed: features no longer offered on the plan: their usage and cost disappear.
        fair_use_usd: monthly inference cost a customer-month may use; the cost above it is
            billed at cost ÷ (1 − the price book's ``fair_use_margin``).
        seat_usd: a price per seat a month (per-seat pricing, e.g. "$100/month/agent").
        min_seats: the fewest seats a customer-month is billed for.
        seats_from: where seats come from: ``"revenue"`` (the revenue table's seat count,
            e.g. Stripe's ``quantity``) or ``"users"`` (distinct ledger users that month).
        tiers: ``{feature: Tiers}``: graduated or volume tiers on the feature's usage; the key
            :data:`ALL_FEATURES` tiers the plan's whole usage.
        outcome_usd: ``{feature: price}`` per successful outcome (outcome-based pricing): only
            calls the ledger marks as outcomes are billed.
        commitment_usd: a prepaid commitment (credits) per ``commitment_period``; the plan's
            usage charges draw it down, usage beyond it is billed on top.
        commitment_period: ``"month"``, or ``"year"`` (an annual commitment or licence, spread
            as a twelfth a month).
        breakage: the share of a month's unused commitment that expires and counts as revenue
            (1: all of it; 0: it carries over, so it is deferred, never revenue in the window).
    """

    base_usd: float | None = None
    included: Mapping[str, float] = field(default_factory=dict)
    overage_usd: Mapping[str, float] = field(default_factory=dict)
    per_call_usd: Mapping[str, float] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    fair_use_usd: float | None = None
    seat_usd: float | None = None
    min_seats: float = 0.0
    seats_from: SeatSource = "revenue"
    tiers: Mapping[str, Tiers] = field(default_factory=dict)
    outcome_usd: Mapping[str, float] = field(default_factory=dict)
    commitment_usd: float | None = None
    commitment_period: CommitmentPeriod = "month"
    breakage: float = 1.0

    def __post_init__(self) -> None:
        if self.base_usd is not None:
            object.__setattr__(self, "base_usd", number(self.base_usd, "base_usd"))
        for name in ("included", "overage_usd", "per_call_usd", "outcome_usd"):
            object.__setattr__(self, name, number_map(getattr(self, name), name))
        object.__setattr__(self, "removed", names(self.removed, "removed"))
        for name in ("fair_use_usd", "seat_usd", "commitment_usd"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, number(getattr(self, name), name))
        object.__setattr__(self, "min_seats", number(self.min_seats, "min_seats", high=1e7))
        object.__setattr__(self, "seats_from", choice(self.seats_from, "seats_from", SEAT_SOURCES))
        object.__setattr__(self, "tiers", record_map(self.tiers, "tiers", Tiers, Tiers.from_dict))
        object.__setattr__(
            self,
            "commitment_period",
            choice(self.commitment_period, "commitment_period", COMMITMENT_PERIODS),
        )
        object.__setattr__(self, "breakage", number(self.breakage, "breakage", high=1.0))

    @property
    def monthly_commitment_usd(self) -> float | None:
        """The commitment a month draws down: a twelfth of an annual one."""
        if self.commitment_usd is None:
            return None
        return self.commitment_usd / (12.0 if self.commitment_period == "year" else 1.0)

    @property
    def usage_features(self) -> frozenset[str]:
        """The features this plan bills by use (per use, overage, tiers or outcomes)."""
        return frozenset(
            {*self.per_call_usd, *self.overage_usd, *self.outcome_usd, *self.tiers} - {ALL_FEATURES}
        )

    @property
    def is_empty(self) -> bool:
        return self == PlanPrice()


@dataclass(frozen=True)
class Discount(Record):
    """A volume discount: ``share`` off the simulated bill of the customer-months it is for:
    those whose bill (before discounts) is at least ``min_bill_usd`` (a discount by MRR band),
    and whose revenue-table ``column`` says ``value`` (a named segment, e.g. company size
    "enterprise"), each when given; with neither, every customer-month."""

    share: float = 0.1
    min_bill_usd: float | None = None
    column: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "share", number(self.share, "discount share", high=1.0))
        if self.min_bill_usd is not None:
            object.__setattr__(
                self, "min_bill_usd", number(self.min_bill_usd, "discount min_bill_usd")
            )
        by_segment = self.column is not None or self.value is not None
        if by_segment and (not _text(self.column) or not _text(self.value)):
            raise ScenarioError("a discount by segment needs both a column and a value")

    @property
    def label(self) -> str:
        """Whom it is for, in words."""
        parts = []
        if self.min_bill_usd is not None:
            parts.append(f"bills from ${self.min_bill_usd:,.0f}")
        if self.column is not None:
            parts.append(f"{self.column} = {self.value}")
        return " and ".join(parts) or "every customer"


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


@dataclass(frozen=True)
class Freemium(Record):
    """The free tier: usage in customer-months that pay nothing (a free plan at $0, or no
    revenue row at all), today's unbilled usage (see :mod:`econ.decisions.freemium`).

    Attributes:
        conversion_rate: the share of free customers who become paying customers; ``None``
            uses the rate observed in the data (free customers of the window who later pay).
        usage_cap_calls: a monthly cap on a free customer's calls; the calls above it (and
            their cost, at the customer-month's cost per call) are not served.
    """

    conversion_rate: float | None = None
    usage_cap_calls: float | None = None

    def __post_init__(self) -> None:
        if self.conversion_rate is not None:
            object.__setattr__(
                self,
                "conversion_rate",
                number(self.conversion_rate, "freemium.conversion_rate", low=1e-6, high=1.0),
            )
        if self.usage_cap_calls is not None:
            object.__setattr__(
                self,
                "usage_cap_calls",
                number(self.usage_cap_calls, "freemium.usage_cap_calls", high=LARGEST),
            )


@dataclass(frozen=True)
class PriceBook(Record):
    """A simulated pricing, applied to the window's history.

    Attributes:
        plans: ``{plan: PlanPrice}``; plans not listed keep their recorded MRR.
        cost_multipliers: ``{feature: factor}`` on the feature's inference cost (routing a share
            of calls to a cheaper model, or an optimization).
        metered_usage_drop: share (0 to under 1) of uses that become billed per use (overage or
            per-call) that customers stop making; 0 keeps usage exactly as observed.
        fair_use_margin: margin on inference cost billed beyond a fair-use threshold.
        churn_risk_increase: a customer whose bill rises by more than this share counts as a
            churn risk.
        churn_elasticity: the customer response: a customer whose bill rises by a share x
            leaves with probability min(1, churn_elasticity × max(0, x − tolerated_increase)).
            0 turns the response off. The default 0.5 is an assumption to set from your own
            past price changes (see :mod:`econ.decisions.response`).
        tolerated_increase: the share a bill may rise by before anyone leaves.
        discounts: volume discounts on the simulated bill; a customer-month gets the largest
            one it qualifies for (:class:`Discount`).
        freemium: the free tier's conversion and usage cap (:class:`Freemium`).
        model_swaps: ``{feature: model}``: the feature's calls as if they had run on that model.
            Its cost multiplier is derived, not typed: its recorded tokens re-priced at the
            model's list rates month by month ÷ their recorded cost
            (:func:`econ.decisions.model_swap.swap_model`, computed with the data where the
            simulation runs). It replaces the feature's ``cost_multipliers`` factor, which
            stays the fallback while no multiplier can be derived (no tokens logged, or a
            dataset without its per-model summary).
    """

    plans: Mapping[str, PlanPrice] = field(default_factory=dict)
    cost_multipliers: Mapping[str, float] = field(default_factory=dict)
    metered_usage_drop: float = 0.0
    fair_use_margin: float = 0.5
    churn_risk_increase: float = 0.2
    churn_elasticity: float = 0.5
    tolerated_increase: float = 0.0
    model_swaps: Mapping[str, str] = field(default_factory=dict)
    discounts: tuple[Discount, ...] = ()
    freemium: Freemium = field(default_factory=Freemium)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "discounts",
            tuple(
                item if isinstance(item, Discount) else Discount.from_dict(item, f"discounts[{i}]")
                for i, item in enumerate(sequence(self.discounts, "discounts"))
            ),
        )
        if not isinstance(self.freemium, Freemium):
            object.__setattr__(
                self, "freemium", Freemium.from_dict(self.freemium, "price_book.freemium")
            )
        object.__setattr__(
            self,
            "plans",
            record_map(self.plans, "price_book.plans", PlanPrice, PlanPrice.from_dict),
        )
        object.__setattr__(
            self,
            "cost_multipliers",
            number_map(self.cost_multipliers, "price_book.cost_multipliers", high=10.0),
        )
        object.__setattr__(
            self,
            "metered_usage_drop",
            number(self.metered_usage_drop, "price_book.metered_usage_drop", high=0.99),
        )
        object.__setattr__(
            self, "fair_use_margin", number(self.fair_use_margin, "fair_use_margin", high=0.95)
        )
        object.__setattr__(
            self,
            "churn_risk_increase",
            number(self.churn_risk_increase, "price_book.churn_risk_increase", high=100.0),
        )
        object.__setattr__(
            self,
            "churn_elasticity",
            number(self.churn_elasticity, "price_book.churn_elasticity", high=100.0),
        )
        object.__setattr__(
            self,
            "tolerated_increase",
            number(self.tolerated_increase, "price_book.tolerated_increase", high=100.0),
        )
        object.__setattr__(
            self, "model_swaps", model_map(self.model_swaps, "price_book.model_swaps")
        )

    def plan(self, name: str) -> PlanPrice:
        return self.plans.get(name, EMPTY_PLAN)

    def with_plan(self, name: str, price: PlanPrice) -> PriceBook:
        plans = {k: v for k, v in self.plans.items() if k != name}
        if not price.is_empty:
            plans[name] = price
        return replace(self, plans=plans)

    @property
    def is_current_pricing(self) -> bool:
        """True when it changes nothing billed or spent (the simulation then equals the
        current view; the free tier's settings change only the free tier's figures)."""
        return (
            not self.plans
            and not self.cost_multipliers
            and not self.model_swaps
            and not self.discounts
        )


EMPTY_PLAN: Final = PlanPrice()


MODEL_NAME_LENGTH: Final = 256
"""The longest model name a scenario takes (as long as the ledger's longest id)."""


def model_name(value: object, what: str) -> str:
    """A model's name as ``genai-prices`` or a ledger spells it (``gpt-4o-mini``,
    ``anthropic/claude-sonnet-4``), without surrounding spaces; whether a price is known for
    it is checked where it is priced, with the data."""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{what} must be a model name, got {value!r}")
    name = value.strip()
    if len(name) > MODEL_NAME_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ScenarioError(
            f"{what} must be a model name of at most {MODEL_NAME_LENGTH} printable characters"
        )
    return name


def model_map(value: object, what: str) -> Mapping[str, str]:
    """A read-only ``{feature: model}`` map."""
    items = mapping(value, what)
    return freeze({key: model_name(item, f"{what}[{key!r}]") for key, item in items.items()})


@dataclass(frozen=True)
class Route(Record):
    """Send ``share`` of a feature's calls to a model costing ``relative_cost`` of today's.

    With ``model``, the calls go to that model and its relative cost is derived rather than
    typed: the feature's recorded tokens re-priced at the model's list rates ÷ their recorded
    cost (:func:`econ.decisions.model_swap.swap_model`, computed with the data where the
    recommendations run); ``relative_cost`` is the fallback while none can be derived, and the
    recommendation says which it used.
    """

    share: float = 0.5
    relative_cost: float = 0.2
    model: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "share", number(self.share, "route.share", high=1.0))
        object.__setattr__(
            self, "relative_cost", number(self.relative_cost, "route.relative_cost", high=1.0)
        )
        if self.model is not None:
            object.__setattr__(self, "model", model_name(self.model, "route.model"))


@dataclass(frozen=True)
class Optimize(Record):
    """Cut a feature's cost per call by ``cost_reduction`` for ``investment_usd`` of work."""

    cost_reduction: float = 0.3
    investment_usd: float = 15_000.0

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "cost_reduction", number(self.cost_reduction, "optimize.cost_reduction", high=1.0)
        )
        object.__setattr__(
            self, "investment_usd", number(self.investment_usd, "optimize.investment_usd")
        )


@dataclass(frozen=True)
class Levers(Record):
    """Inputs of the recommendations, with per-feature overrides."""

    fair_use_percentile: float = 95.0
    route: Route = field(default_factory=Route)
    route_by_feature: Mapping[str, Route] = field(default_factory=dict)
    optimize: Optimize = field(default_factory=Optimize)
    optimize_by_feature: Mapping[str, Optimize] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "fair_use_percentile",
            number(self.fair_use_percentile, "levers.fair_use_percentile", low=1.0, high=99.9),
        )
        if not isinstance(self.route, Route):
            object.__setattr__(self, "route", Route.from_dict(self.route, "levers.route"))
        if not isinstance(self.optimize, Optimize):
            object.__setattr__(
                self, "optimize", Optimize.from_dict(self.optimize, "levers.optimize")
            )
        object.__setattr__(
            self,
            "route_by_feature",
            record_map(self.route_by_feature, "levers.route_by_feature", Route, Route.from_dict),
        )
        object.__setattr__(
            self,
            "optimize_by_feature",
            record_map(
                self.optimize_by_feature, "levers.optimize_by_feature", Optimize, Optimize.from_dict
            ),
        )

    def route_for(self, feature: str) -> Route:
        return self.route_by_feature.get(feature, self.route)

    def optimize_for(self, feature: str) -> Optimize:
        return self.optimize_by_feature.get(feature, self.optimize)


@dataclass(frozen=True)
class Patch:
    """What a recommendation changes in the simulated price book."""

    plan: str | None = None
    included: Mapping[str, float] = field(default_factory=dict)
    overage_usd: Mapping[str, float] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    fair_use_usd: float | None = None
    cost_multipliers: Mapping[str, float] = field(default_factory=dict)
    tiers: Mapping[str, Tiers] = field(default_factory=dict)

    def apply(self, book: PriceBook) -> PriceBook:
        """The price book with this change made (other plans and features untouched)."""
        if self.cost_multipliers:
            book = replace(
                book, cost_multipliers={**book.cost_multipliers, **self.cost_multipliers}
            )
        if self.plan is None:
            return book
        current = book.plan(self.plan)
        # A feature given tiers is billed by them instead of a flat allowance and overage.
        flat = set(self.overage_usd) | set(self.tiers)
        updated = replace(
            current,
            included={
                **{k: v for k, v in current.included.items() if k not in self.tiers},
                **self.included,
            },
            overage_usd={
                **{k: v for k, v in current.overage_usd.items() if k not in self.tiers},
                **self.overage_usd,
            },
            per_call_usd={k: v for k, v in current.per_call_usd.items() if k not in flat},
            removed=tuple(sorted(set(current.removed) | set(self.removed))),
            fair_use_usd=self.fair_use_usd
            if self.fair_use_usd is not None
            else current.fair_use_usd,
            tiers={**current.tiers, **self.tiers},
        )
        return book.with_plan(self.plan, updated)
