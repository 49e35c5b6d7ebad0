"""Small, pure edits of a :class:`~econ.scenario.assumptions.Scenario`, as the app's controls make
them.

Each returns a new scenario and keeps the scenario minimal: a value equal to what the data
would give anyway (the observed price, the estimated churn) is not stored, so a share link
only carries what the user actually changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal, cast

from econ.errors import ScenarioError
from econ.scenario.ai import AiRevenueBasis
from econ.scenario.assumptions import (
    ALL,
    BURDENS,
    Allocation,
    AllocationMethod,
    PerSegment,
    Scenario,
)
from econ.scenario.levers import (
    ALL_FEATURES,
    Discount,
    Patch,
    PlanPrice,
    PriceBook,
    TierBand,
    TierMeasure,
    TierMode,
    Tiers,
)
from econ.schema import Category

PRICE_TOLERANCE = 0.005
"""Prices within half a cent of the observed one are the observed price."""


def _collapse(value: PerSegment | None) -> PerSegment | None:
    """A per-segment map reduced to one number: its ``"all"`` value, else its mean."""
    if value is None or isinstance(value, float):
        return value
    if ALL in value:
        return value[ALL]
    return sum(value.values()) / len(value) if value else None


def with_segmentation(
    scenario: Scenario, segment_by: str, percentiles: tuple[float, float] | None = None
) -> Scenario:
    """Segment differently. Maps keyed by the old segments no longer apply: churn goes back
    to the data's estimate (a single given rate stays), CAC and burdens keep one number."""
    churn = scenario.churn if isinstance(scenario.churn, float) else None
    cogs = scenario.cogs
    cogs = type(cogs)(**{name: _collapse(getattr(cogs, name)) or 0.0 for name in BURDENS})
    return scenario.replace(
        segment_by=segment_by,
        usage_tier_percentiles=percentiles or scenario.usage_tier_percentiles,
        churn=churn,
        cac_usd=_collapse(scenario.cac_usd),
        cogs=cogs,
    )


def with_churn(
    scenario: Scenario, segment: str, rate: float | None, segments: Sequence[str]
) -> Scenario:
    """Set (or, with ``None``, go back to estimating) one segment's churn."""
    current = scenario.churn
    rates: dict[str, float] = (
        dict.fromkeys([*segments, ALL], current)
        if isinstance(current, float)
        else dict(current or {})
    )
    if rate is None:
        rates.pop(segment, None)
    else:
        rates[segment] = rate
    return scenario.replace(churn=rates or None)


def with_cac(
    scenario: Scenario, segment: str, cac: float | None, segments: Sequence[str]
) -> Scenario:
    """Set one segment's CAC; equal CACs everywhere collapse to a single number."""
    values = {name: resolve(scenario.cac_usd, name) for name in segments}
    values[segment] = cac
    known = {name: value for name, value in values.items() if value is not None}
    if not known:
        return scenario.replace(cac_usd=None)
    if len(known) == len(segments) and len(set(known.values())) == 1:
        return scenario.replace(cac_usd=next(iter(known.values())))
    return scenario.replace(cac_usd=known)


def resolve(value: PerSegment | None, segment: str) -> float | None:
    """A per-segment value for one segment: its own, else the ``"all"`` value, else ``None``."""
    if value is None or isinstance(value, float):
        return value
    return value.get(segment, value.get(ALL))


def with_burden(scenario: Scenario, burden: str, value: float) -> Scenario:
    """One cost burden, the same for every segment."""
    if burden not in BURDENS:
        raise ValueError(f"unknown burden {burden!r}; burdens are {list(BURDENS)}")
    return scenario.replace(
        cogs=scenario.cogs.__class__(
            **{
                name: (value if name == burden else getattr(scenario.cogs, name))
                for name in BURDENS
            }
        )
    )


def with_price(
    scenario: Scenario, plan: str, price: float, observed: Mapping[str, float]
) -> Scenario:
    """Price a plan; the observed price itself is not stored."""
    prices = dict(scenario.prices)
    if plan in observed and abs(price - observed[plan]) < PRICE_TOLERANCE:
        prices.pop(plan, None)
    else:
        prices[plan] = price
    return scenario.replace(prices=prices)


def with_allocation_method(
    scenario: Scenario, method: str, starting_weights: Mapping[str, float]
) -> Scenario:
    """Switch allocation; custom weights start from ``starting_weights`` when none are set."""
    weights = dict(scenario.allocation.weights) or dict(starting_weights)
    if method == "custom" and not any(w > 0 for w in weights.values()):
        weights = dict.fromkeys(starting_weights, 1.0)
    chosen = cast(AllocationMethod, method)  # Allocation refuses any other method
    return scenario.replace(allocation=Allocation(method=chosen, weights=weights))


def with_weight(scenario: Scenario, feature: str, weight: float) -> Scenario:
    """One feature's custom weight (the other weights stay as they are)."""
    weights = {**scenario.allocation.weights, feature: weight}
    return scenario.replace(allocation=Allocation(scenario.allocation.method, weights))


def with_category(scenario: Scenario, feature: str, category: Category) -> Scenario:
    return scenario.replace(feature_categories={**scenario.feature_categories, feature: category})


PlanField = Literal["base_usd", "fair_use_usd"]
FeatureField = Literal["included", "overage_usd", "per_call_usd"]


def with_plan_price(
    scenario: Scenario, plan: str, name: PlanField, value: float | None
) -> Scenario:
    """Set a plan's base price or fair-use threshold in the simulated price book."""
    book = scenario.price_book
    change: dict[str, Any] = {name: value}
    return scenario.replace(price_book=book.with_plan(plan, replace(book.plan(plan), **change)))


def with_feature_price(
    scenario: Scenario, plan: str, feature: str, name: FeatureField, value: float | None
) -> Scenario:
    """Set (or, with ``None``, clear) a feature's allowance or price on a plan."""
    book = scenario.price_book
    price = book.plan(plan)
    values = {k: v for k, v in getattr(price, name).items() if k != feature}
    if value is not None:
        values[feature] = value
    change: dict[str, Any] = {name: values}
    return scenario.replace(price_book=book.with_plan(plan, replace(price, **change)))


def with_feature_removed(scenario: Scenario, plan: str, feature: str, removed: bool) -> Scenario:
    book = scenario.price_book
    price = book.plan(plan)
    features = set(price.removed) - {feature} | ({feature} if removed else set())
    return scenario.replace(
        price_book=book.with_plan(plan, replace(price, removed=tuple(sorted(features))))
    )


def with_cost_multiplier(scenario: Scenario, feature: str, factor: float) -> Scenario:
    """A feature's inference cost factor in the simulation (1 removes the entry)."""
    multipliers = {k: v for k, v in scenario.price_book.cost_multipliers.items() if k != feature}
    if abs(factor - 1.0) > 1e-9:
        multipliers[feature] = factor
    return scenario.replace(price_book=replace(scenario.price_book, cost_multipliers=multipliers))


BookSetting = Literal[
    "metered_usage_drop",
    "fair_use_margin",
    "churn_risk_increase",
    "churn_elasticity",
    "tolerated_increase",
]


def with_book_setting(scenario: Scenario, name: BookSetting, value: float) -> Scenario:
    change: dict[str, Any] = {name: value}
    return scenario.replace(price_book=replace(scenario.price_book, **change))


RetentionSetting = Literal["ltv_method", "discount_rate", "new_customers_per_month", "trend_months"]


def with_retention_setting(
    scenario: Scenario, name: RetentionSetting, value: str | float | None
) -> Scenario:
    """One setting of the scenario's retention record (the LTV method, the annual discount
    rate, the projection's acquisition rate); a value out of range is refused by the record."""
    change: dict[str, Any] = {name: value}
    return scenario.replace(retention=replace(scenario.retention, **change))


def with_patch(scenario: Scenario, patch: Patch) -> Scenario:
    """Apply a recommendation's change to the simulated price book."""
    return scenario.replace(price_book=patch.apply(scenario.price_book))


def without_price_book(scenario: Scenario) -> Scenario:
    return scenario.replace(price_book=PriceBook())


def with_ai_basis(
    scenario: Scenario, basis: AiRevenueBasis, plans_by_price: Sequence[str]
) -> Scenario:
    """What counts as AI revenue. Choosing the attributed basis before any AI plan is named
    names one, for the reader to check: the dearest plan, priced over the plan just below it
    (``plans_by_price`` runs from the cheapest up); with a single plan there is nothing to
    price it over, and the basis is refused with the record's message."""
    current = scenario.ai_revenue
    over = dict(current.uplift_over)
    if basis == "attributed" and not current.ai_plans and len(plans_by_price) >= 2:
        over = {plans_by_price[-1]: plans_by_price[-2]}
    return scenario.replace(ai_revenue=replace(current, basis=basis, uplift_over=over))


def with_ai_uplift_base(scenario: Scenario, plan: str, base: str | None) -> Scenario:
    """The plan an AI plan is priced over (``None``: not an AI plan by its price)."""
    current = scenario.ai_revenue
    over = {key: value for key, value in current.uplift_over.items() if key != plan}
    if base is not None:
        over[plan] = base
    return scenario.replace(ai_revenue=replace(current, uplift_over=over))


def with_ai_uplift_usd(scenario: Scenario, plan: str, amount: float | None) -> Scenario:
    """An AI plan's uplift in dollars a customer-month (``None``: from the plans' prices)."""
    current = scenario.ai_revenue
    given = {key: value for key, value in current.uplift_usd.items() if key != plan}
    if amount is not None:
        given[plan] = amount
    return scenario.replace(ai_revenue=replace(current, uplift_usd=given))


AiCost = Literal["model_efficiency_value_usd", "data_acquisition_usd", "model_maintenance_usd"]


def with_ai_cost(scenario: Scenario, name: AiCost, amount: float | None) -> Scenario:
    """One of the AI unit-profit inputs, in dollars a month (``None``: not set, $0)."""
    change: dict[str, Any] = {name: float(amount or 0.0)}
    return scenario.replace(ai_costs=replace(scenario.ai_costs, **change))


# The price book's other pricing models: seats, a prepaid commitment, outcomes, tiers, volume
# discounts and the free tier.

PlanTerm = Literal[
    "seat_usd", "min_seats", "seats_from", "commitment_usd", "commitment_period", "breakage"
]
"""A plan's per-seat price and prepaid commitment settings (:class:`PlanPrice`)."""


def with_plan_term(
    scenario: Scenario, plan: str, name: PlanTerm, value: float | str | None
) -> Scenario:
    """Set a plan's seat price, minimum seats, seat source, commitment, its period or its
    breakage; ``None`` puts the field back to :class:`PlanPrice`'s default (no seat price, no
    minimum, no commitment, all unused commitment expiring), and the plan record refuses a
    value out of range."""
    book = scenario.price_book
    default = PlanPrice.__dataclass_fields__[name].default
    change: dict[str, Any] = {name: default if value is None else value}
    return scenario.replace(price_book=book.with_plan(plan, replace(book.plan(plan), **change)))


def with_outcome_price(
    scenario: Scenario, plan: str, feature: str, value: float | None
) -> Scenario:
    """Set (or, with ``None``, clear) a feature's price per successful outcome on a plan."""
    book = scenario.price_book
    price = book.plan(plan)
    prices = {key: item for key, item in price.outcome_usd.items() if key != feature}
    if value is not None:
        prices[feature] = value
    return scenario.replace(price_book=book.with_plan(plan, replace(price, outcome_usd=prices)))


def with_tiers(scenario: Scenario, plan: str, scope: str, tiers: Tiers | None) -> Scenario:
    """Put tiers on a feature's usage of a plan (``scope`` a feature id), or on the plan's whole
    usage (``scope`` :data:`~econ.scenario.levers.ALL_FEATURES`); ``None`` removes them."""
    book = scenario.price_book
    price = book.plan(plan)
    kept = {key: item for key, item in price.tiers.items() if key != scope}
    if tiers is not None:
        kept[scope] = tiers
    return scenario.replace(price_book=book.with_plan(plan, replace(price, tiers=kept)))


def _blank(value: object) -> bool:
    """An emptied table cell: ``None``, NaN or blank text."""
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _cell(value: object, what: str) -> float | None:
    """A table cell as a number: an emptied one (:func:`_blank`) is ``None``."""
    if _blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ScenarioError(f"{what} must be a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ScenarioError(f"{what} must be a number, got {value!r}") from None
    return None if math.isnan(number) else number


def _empty(row: Mapping[str, object]) -> bool:
    return all(_blank(item) for item in row.values())


def tiers_from_rows(mode: str, measure: str, rows: Sequence[Mapping[str, object]]) -> Tiers:
    """Tiers from a table of bands as the app edits them: each row's ``up_to`` (empty: every
    unit above the previous band), ``unit_usd`` and ``flat_usd`` (empty: $0). Empty rows are
    skipped and the rest read in order of ``up_to``, the open band last; bands that do not
    make a price (no band, two open bands, a repeated bound) are refused with
    :class:`Tiers`' message."""
    bands = []
    for index, row in enumerate(rows):
        if _empty(row):
            continue
        where = f"tier band {index + 1}"
        bands.append(
            TierBand(
                up_to=_cell(row.get("up_to"), f"{where}: up to"),
                unit_usd=_cell(row.get("unit_usd"), f"{where}: $ per unit") or 0.0,
                flat_usd=_cell(row.get("flat_usd"), f"{where}: flat $") or 0.0,
            )
        )
    if not bands:
        raise ScenarioError("tiers need at least one band: the last one with an empty up to")
    ordered = sorted(bands, key=lambda band: (band.up_to is None, band.up_to or 0.0))
    # Tiers refuses any other mode or measure, naming the ones it takes.
    return Tiers(
        mode=cast(TierMode, mode), measure=cast(TierMeasure, measure), bands=tuple(ordered)
    )


def with_discounts(scenario: Scenario, discounts: Sequence[Discount]) -> Scenario:
    """The price book's volume discounts (an empty sequence removes them all)."""
    return scenario.replace(price_book=replace(scenario.price_book, discounts=tuple(discounts)))


def discounts_from_rows(
    rows: Sequence[Mapping[str, object]], segments: Mapping[str, tuple[str, str]]
) -> tuple[Discount, ...]:
    """Volume discounts from a table as the app edits it: each row's ``share`` (a rate, 0 to
    1), ``min_bill_usd`` (empty: any bill) and ``segment`` (empty: every segment; else one of
    ``segments``' labels, each a revenue-table ``(column, value)``). Empty rows are skipped; a
    row without its share, or naming an unknown segment, is refused."""
    discounts = []
    for index, row in enumerate(rows):
        if _empty(row):
            continue
        where = f"discount {index + 1}"
        share = _cell(row.get("share"), f"{where}: share")
        if share is None:
            raise ScenarioError(f"{where} needs its share off the bill")
        label = row.get("segment")
        column = value = None
        if not _blank(label):
            if not isinstance(label, str) or label not in segments:
                raise ScenarioError(f"{where}: no segment {label!r} in the revenue table")
            column, value = segments[label]
        discounts.append(
            Discount(
                share=share,
                min_bill_usd=_cell(row.get("min_bill_usd"), f"{where}: from a monthly bill of"),
                column=column,
                value=value,
            )
        )
    return tuple(discounts)


FreemiumField = Literal["conversion_rate", "usage_cap_calls"]
"""A setting of the free tier (:class:`~econ.scenario.levers.Freemium`)."""


def with_freemium(scenario: Scenario, name: FreemiumField, value: float | None) -> Scenario:
    """The free tier's conversion rate or usage cap (``None``: the observed rate, no cap)."""
    book = scenario.price_book
    change: dict[str, Any] = {name: value}
    return scenario.replace(price_book=replace(book, freemium=replace(book.freemium, **change)))


def tiers_scopes(price: PlanPrice, features: Sequence[str]) -> list[str]:
    """What a plan's tiers can be on: the plan's whole usage
    (:data:`~econ.scenario.levers.ALL_FEATURES`), then each feature; scopes already tiered
    first, so the editor opens on them."""
    scopes = [ALL_FEATURES, *features]
    scopes += [scope for scope in price.tiers if scope not in scopes]
    return sorted(scopes, key=lambda scope: scope not in price.tiers)
