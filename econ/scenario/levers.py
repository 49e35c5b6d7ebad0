"""The pricing and cost levers of a scenario: a simulated price book, and the inputs of the
recommendations (model routing, optimization, fair use).

A :class:`PriceBook` is applied to every historical customer-month to simulate another pricing
(see :mod:`econ.decisions.pricing`). Per plan it can set a base price, monthly allowances with
per-use overage, per-use prices from the first use (usage-based or hybrid), features taken off the
plan, and a fair-use threshold on monthly inference cost. Cost multipliers model routing to a
cheaper model or an optimization; a model swap moves a feature to another model with the
multiplier derived from its own tokens (:mod:`econ.decisions.model_swap`). Usage stays as
observed unless ``metered_usage_drop`` says what share of newly metered uses customers stop
making. ``churn_elasticity`` and ``tolerated_increase`` set how customers respond to a higher
bill by leaving (see :mod:`econ.decisions.response`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final

from econ.errors import ScenarioError
from econ.scenario.codec import Record
from econ.scenario.values import freeze, mapping, names, number, number_map, record_map


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
    """

    base_usd: float | None = None
    included: Mapping[str, float] = field(default_factory=dict)
    overage_usd: Mapping[str, float] = field(default_factory=dict)
    per_call_usd: Mapping[str, float] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    fair_use_usd: float | None = None

    def __post_init__(self) -> None:
        if self.base_usd is not None:
            object.__setattr__(self, "base_usd", number(self.base_usd, "base_usd"))
        for name in ("included", "overage_usd", "per_call_usd"):
            object.__setattr__(self, name, number_map(getattr(self, name), name))
        object.__setattr__(self, "removed", names(self.removed, "removed"))
        if self.fair_use_usd is not None:
            object.__setattr__(self, "fair_use_usd", number(self.fair_use_usd, "fair_use_usd"))

    @property
    def is_empty(self) -> bool:
        return self == PlanPrice()


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

    def __post_init__(self) -> None:
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
        """True when it changes nothing (the simulation then equals the current view)."""
        return not self.plans and not self.cost_multipliers and not self.model_swaps


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

    def apply(self, book: PriceBook) -> PriceBook:
        """The price book with this change made (other plans and features untouched)."""
        if self.cost_multipliers:
            book = replace(
                book, cost_multipliers={**book.cost_multipliers, **self.cost_multipliers}
            )
        if self.plan is None:
            return book
        current = book.plan(self.plan)
        updated = PlanPrice(
            base_usd=current.base_usd,
            included={**current.included, **self.included},
            overage_usd={**current.overage_usd, **self.overage_usd},
            per_call_usd={
                k: v for k, v in current.per_call_usd.items() if k not in self.overage_usd
            },
            removed=tuple(sorted(set(current.removed) | set(self.removed))),
            fair_use_usd=self.fair_use_usd
            if self.fair_use_usd is not None
            else current.fair_use_usd,
        )
        return book.with_plan(self.plan, updated)
