"""Controls bound to the scenario.

Every control is "controlled": before it is drawn, its Session State value is set from the
scenario, and its change callback writes the new value back into the scenario. The scenario
therefore stays the single source of truth: a share link, a reset or a page switch redraws
every control with the right value, and no widget holds state of its own.

A change reaches the scenario through an *edit*: a function of the scenario and the control's
new value, then of what the control is for (a segment, a plan, a feature), which returns the new
scenario. :func:`bind` takes those last arguments when the control is drawn, so a control drawn
in a loop keeps its own segment or feature, and every call is type-checked against the edit.
The edits below adapt :mod:`econ.scenario.edits` to the values widgets give (a percentage for a
rate, an emptied input for 0), so pages need nothing but this module to change a scenario.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Concatenate, Final, Literal, ParamSpec, TypedDict, TypeVar, cast

import polars as pl
import streamlit as st

import econ
from econ.scenario import edits
from econ.scenario.assumptions import ALL, PerSegment
from econ.scenario.edits import BookSetting, FeatureField, FreemiumField, PlanField, PlanTerm
from econ.schema import Category
from ui import session

__all__ = [
    "BURDEN_TITLES",
    "DISCOUNT_SCHEMA",
    "EXAMPLE_BANDS",
    "FEATURE_PRICE_STEPS",
    "TIER_SCHEMA",
    "AiCostField",
    "Binding",
    "BookSetting",
    "FeatureField",
    "FreemiumField",
    "LaunchField",
    "PlanField",
    "PlanTerm",
    "ai_cost",
    "allocation_method",
    "apply_patch",
    "as_rate",
    "bind",
    "book_breakage_percent",
    "book_cost_factor",
    "book_discounts",
    "book_feature_price",
    "book_feature_removed",
    "book_model_swap",
    "book_outcome_price",
    "book_plan_price",
    "book_plan_term",
    "book_setting",
    "book_tiers",
    "burden",
    "cac",
    "category",
    "change",
    "churn_percent",
    "clear_price_book",
    "discount_percent",
    "discount_table",
    "discounts_of",
    "editor_key",
    "feature_price",
    "free_conversion_percent",
    "free_usage_cap",
    "launch_like",
    "launch_like_share",
    "launch_plan_uses",
    "launch_setting",
    "ltv_method",
    "new_customers",
    "percent_value",
    "plan_price",
    "remove_launch",
    "reset_churn",
    "segment_by",
    "segment_value",
    "tier_split",
    "tier_table",
    "tiers_of",
    "tiers_scopes",
    "weight",
]

Value = TypeVar("Value")
Target = ParamSpec("Target")


class Binding(TypedDict):
    """The keyword arguments that bind a widget to the scenario."""

    key: str
    on_change: Callable[[], None]


def bind(
    key: str,
    value: Value,
    edit: Callable[Concatenate[econ.Scenario, Value, Target], econ.Scenario],
    *args: Target.args,
    **kwargs: Target.kwargs,
) -> Binding:
    """Show ``value`` in the widget ``key`` and route its changes through
    ``edit(scenario, new_value, *args, **kwargs)``.

    Returns the keyword arguments to pass to the widget (``key`` and ``on_change``). A change
    the scenario refuses is not applied, and a notice says why.
    """
    st.session_state[key] = value

    def changed() -> None:
        try:
            new = edit(session.scenario(), st.session_state[key], *args, **kwargs)
        except econ.ScenarioError as error:
            st.session_state.setdefault(session.NOTICES, []).append(
                f"That change was not applied: {error}."
            )
        else:
            session.set_scenario(new)

    return {"key": key, "on_change": changed}


def change(
    edit: Callable[Concatenate[econ.Scenario, Target], econ.Scenario],
    *args: Target.args,
    **kwargs: Target.kwargs,
) -> Callable[[], None]:
    """A button's ``on_click``: apply ``edit(scenario, *args, **kwargs)`` to the scenario."""

    def clicked() -> None:
        session.set_scenario(edit(session.scenario(), *args, **kwargs))

    return clicked


def percent_value(rate: float | None) -> float | None:
    """A rate as the percentage a control shows (two decimals)."""
    return None if rate is None else round(rate * 100, 2)


CHURN_SLIDER_TOP = 30.0
"""A churn slider's usual range, in percent a month: wide enough for any plausible rate, with
fine steps."""


def churn_slider_top(rate: float | None) -> float:
    """The top of a churn slider that must show ``rate``: :data:`CHURN_SLIDER_TOP`, or, for a
    higher rate (a small upload where one of two customers left), the next ten percent up to
    100%, so the slider never shows a rate other than the one the figures use."""
    shown = percent_value(rate) or 0.0
    if shown <= CHURN_SLIDER_TOP:
        return CHURN_SLIDER_TOP
    return min(100.0, float(math.ceil(shown / 10) * 10))


def as_rate(percent: float | None) -> float | None:
    """A percentage a control gives as a rate."""
    return None if percent is None else percent / 100


def segment_value(value: PerSegment | None, segment: str) -> float | None:
    """What a per-segment control shows: the segment's own value, else the blended one."""
    return edits.resolve(value, segment)


# The edits of the Segment LTV page.

segment_by: Final = edits.with_segmentation
"""What customers are segmented by (a column, or the usage tier)."""


BURDEN_TITLES: Final = {
    "ai_infra_usd": "AI infrastructure",
    "support_usd": "Support",
    "cs_usd": "Customer success",
    "hosting_usd": "Hosting / DevOps (traditional view)",
}
"""Each cost burden's control label, in the order of :class:`econ.Cogs`."""


def tier_split(scenario: econ.Scenario, percentiles: tuple[int, int]) -> econ.Scenario:
    """The usage-tier split, from a range slider's two whole percentiles."""
    low, high = percentiles
    return scenario.replace(usage_tier_percentiles=(float(low), float(high)))


def churn_percent(
    scenario: econ.Scenario, percent: float | None, segment: str, segments: Sequence[str]
) -> econ.Scenario:
    """One segment's churn, from a percentage per month."""
    return edits.with_churn(scenario, segment, as_rate(percent), segments)


def reset_churn(scenario: econ.Scenario) -> econ.Scenario:
    """Every segment's churn estimated from the data again."""
    return scenario.replace(churn=None)


def cac(
    scenario: econ.Scenario, value: float | None, segment: str, segments: Sequence[str]
) -> econ.Scenario:
    """One segment's CAC (an emptied input unsets it)."""
    return edits.with_cac(scenario, segment, value, segments)


AiCostField = edits.AiCost
"""An AI unit-profit input of the scenario (:class:`econ.AiUnitCosts`), dollars a month."""


def ai_cost(scenario: econ.Scenario, value: float | None, name: AiCostField) -> econ.Scenario:
    """One of the AI unit-profit inputs no ledger holds (an emptied input is $0: not set)."""
    return edits.with_ai_cost(scenario, name, value)


def burden(scenario: econ.Scenario, value: float | None, name: str) -> econ.Scenario:
    """One cost burden for every segment (an emptied input is $0)."""
    return edits.with_burden(scenario, name, float(value or 0))


def plan_price(
    scenario: econ.Scenario, price: float | None, plan: str, observed: Mapping[str, float]
) -> econ.Scenario:
    """A plan's monthly price (an emptied input is $0)."""
    return edits.with_price(scenario, plan, float(price or 0), observed)


# The edits of the Feature margins page.


def weight(scenario: econ.Scenario, value: float, feature: str) -> econ.Scenario:
    """One feature's custom value weight."""
    return edits.with_weight(scenario, feature, value)


def category(scenario: econ.Scenario, value: Category, feature: str) -> econ.Scenario:
    """One feature's category (which sets its target margin band)."""
    return edits.with_category(scenario, feature, value)


allocation_method: Final = edits.with_allocation_method
"""The revenue allocation method; custom weights start from the usage shares given."""


# The edits of the Tiers & pricing page: the simulated price book.

FEATURE_PRICE_STEPS: Final[tuple[tuple[FeatureField, float], ...]] = (
    ("included", 1.0),
    ("overage_usd", 0.01),
    ("per_call_usd", 0.01),
)
"""A feature's price fields on a plan, in the order of their columns, with each input's step."""


def feature_price(price: econ.PlanPrice, name: FeatureField, feature: str) -> float | None:
    """What a feature's price input on a plan shows: its allowance, overage or per-use price."""
    fields: dict[FeatureField, Mapping[str, float]] = {
        "included": price.included,
        "overage_usd": price.overage_usd,
        "per_call_usd": price.per_call_usd,
    }
    return fields[name].get(feature)


def book_plan_price(
    scenario: econ.Scenario, value: float | None, plan: str, name: PlanField
) -> econ.Scenario:
    """A plan's base price or fair-use threshold (an emptied input removes it)."""
    return edits.with_plan_price(scenario, plan, name, value)


def book_feature_price(
    scenario: econ.Scenario, value: float | None, plan: str, feature: str, name: FeatureField
) -> econ.Scenario:
    """A feature's allowance or price on a plan (an emptied input removes it)."""
    return edits.with_feature_price(scenario, plan, feature, name, value)


def book_feature_removed(
    scenario: econ.Scenario, removed: bool, plan: str, feature: str
) -> econ.Scenario:
    """Take a feature off a plan, or put it back."""
    return edits.with_feature_removed(scenario, plan, feature, removed)


def book_cost_factor(scenario: econ.Scenario, factor: float, feature: str) -> econ.Scenario:
    """A feature's inference cost factor."""
    return edits.with_cost_multiplier(scenario, feature, float(factor))


def book_model_swap(scenario: econ.Scenario, model: str | None, feature: str) -> econ.Scenario:
    """Swap a feature's calls to ``model`` in the simulated price book, its cost multiplier
    derived from its own tokens (``None`` takes the swap out)."""
    swaps = {key: item for key, item in scenario.price_book.model_swaps.items() if key != feature}
    if model:
        swaps[feature] = model
    book = dataclasses.replace(scenario.price_book, model_swaps=swaps)
    return scenario.replace(price_book=book)


def book_setting(scenario: econ.Scenario, value: float, name: BookSetting) -> econ.Scenario:
    """One of the price book's customer-response settings."""
    return edits.with_book_setting(scenario, name, value)


def discount_percent(scenario: econ.Scenario, percent: float | None) -> econ.Scenario:
    """The annual discount rate, from a percentage (an emptied input is 0%)."""
    return edits.with_retention_setting(scenario, "discount_rate", as_rate(percent) or 0.0)


def ltv_method(scenario: econ.Scenario, method: str) -> econ.Scenario:
    """Which LTV the segment table's LTV:CAC and payback use: ``simple`` or ``sbg``."""
    return edits.with_retention_setting(scenario, "ltv_method", method)


def new_customers(scenario: econ.Scenario, value: float | None) -> econ.Scenario:
    """The projection's new customers a month (``None``: the data's recent rate)."""
    return edits.with_retention_setting(scenario, "new_customers_per_month", value)


def trend_months(scenario: econ.Scenario, months: int) -> econ.Scenario:
    """The months the compute-spiral trends are fitted on (the last N of the window)."""
    return edits.with_retention_setting(scenario, "trend_months", int(months))


def book_plan_term(
    scenario: econ.Scenario, value: float | str | None, plan: str, name: PlanTerm
) -> econ.Scenario:
    """A plan's seat price, minimum seats, seat source, commitment or its period (an emptied
    input: the default, none)."""
    return edits.with_plan_term(scenario, plan, name, value)


def book_breakage_percent(
    scenario: econ.Scenario, percent: float | None, plan: str
) -> econ.Scenario:
    """The share of a plan's unused commitment that expires, from a percentage (emptied:
    100%, all of it)."""
    return edits.with_plan_term(scenario, plan, "breakage", as_rate(percent))


def book_outcome_price(
    scenario: econ.Scenario, value: float | None, plan: str, feature: str
) -> econ.Scenario:
    """A feature's price per successful outcome on a plan (an emptied input removes it)."""
    return edits.with_outcome_price(scenario, plan, feature, value)


book_tiers: Final = edits.with_tiers
"""Put tiers on a plan's feature or whole usage (``None`` takes them off): a button's edit."""

book_discounts: Final = edits.with_discounts
"""The price book's volume discounts, as a whole: a button's edit."""


def free_conversion_percent(scenario: econ.Scenario, percent: float | None) -> econ.Scenario:
    """The free tier's conversion rate, from a percentage (emptied: the observed rate)."""
    return edits.with_freemium(scenario, "conversion_rate", as_rate(percent))


def free_usage_cap(scenario: econ.Scenario, calls: float | None) -> econ.Scenario:
    """The monthly cap on a free customer's calls (emptied: no cap)."""
    return edits.with_freemium(scenario, "usage_cap_calls", calls)


EXAMPLE_BANDS: Final = (
    econ.TierBand(up_to=5, unit_usd=7.0),
    econ.TierBand(up_to=10, unit_usd=6.5),
    econ.TierBand(unit_usd=6.0),
)
"""Stripe's example of tiers: units 1 to 5 at $7, 6 to 10 at $6.50, 11 and up at $6."""

TIER_SCHEMA: Final = pl.Schema(
    {"up_to": pl.Float64(), "unit_usd": pl.Float64(), "flat_usd": pl.Float64()}
)
"""The bands editor's columns: up to (empty on the open band), $ per unit, flat $."""


def tier_table(tiers: econ.Tiers | None) -> pl.DataFrame:
    """The table a bands editor starts from: the tiers' bands, else :data:`EXAMPLE_BANDS`."""
    bands = EXAMPLE_BANDS if tiers is None else tiers.bands
    return pl.DataFrame(
        [(b.up_to, b.unit_usd, b.flat_usd) for b in bands], schema=TIER_SCHEMA, orient="row"
    )


def tiers_of(mode: str, measure: str, table: pl.DataFrame) -> tuple[econ.Tiers | None, str | None]:
    """The tiers a bands editor holds, or why they make no price (the scenario's message)."""
    try:
        return edits.tiers_from_rows(mode, measure, table.to_dicts()), None
    except econ.ScenarioError as error:
        return None, str(error)


tiers_scopes: Final = edits.tiers_scopes
"""What a plan's tiers can be on, those already tiered first."""

DISCOUNT_SCHEMA: Final = pl.Schema(
    {"share": pl.Float64(), "min_bill_usd": pl.Float64(), "segment": pl.String()}
)
"""The discounts editor's columns: the share off in percent, the monthly bill it starts
from, the segment (``column = value``) it is for."""


def discount_table(discounts: Sequence[econ.Discount]) -> pl.DataFrame:
    """The table a discounts editor starts from (shares as percentages); without discounts,
    one blank row to fill in (blank rows are no discount)."""
    rows = [
        (
            percent_value(item.share),
            item.min_bill_usd,
            None if item.column is None else f"{item.column} = {item.value}",
        )
        for item in discounts
    ]
    return pl.DataFrame(rows or [(None, None, None)], schema=DISCOUNT_SCHEMA, orient="row")


def discounts_of(
    table: pl.DataFrame, segments: Mapping[str, tuple[str, str]]
) -> tuple[tuple[econ.Discount, ...] | None, str | None]:
    """The discounts a discounts editor holds (its shares are percentages), or why they
    cannot apply (the scenario's message)."""
    rows = table.with_columns(pl.col("share").cast(pl.Float64) / 100).to_dicts()
    try:
        return edits.discounts_from_rows(rows, segments), None
    except econ.ScenarioError as error:
        return None, str(error)


def editor_key(name: str, state: object) -> str:
    """The key of a table editor showing ``state`` (tiers, discounts): a new key whenever the
    scenario's value changes (applied, cleared, opened from a link), so the editor starts
    again from it rather than keeping edits made to the value before."""
    text = json.dumps(state, sort_keys=True, default=str)
    return f"{name}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"


apply_patch: Final = edits.with_patch
"""Apply a recommendation's change to the simulated price book."""

clear_price_book: Final = edits.without_price_book
"""Back to current pricing: an empty price book."""


# The pre-launch estimate of the Feature margins page (a Launch in ``Scenario.launches``).

LaunchField = Literal[
    "name",
    "category",
    "value_weight",
    "cost_per_use_usd",
    "uses",
    "model",
    "input_tokens",
    "output_tokens",
]
"""What a launch control sets: the weight as a percentage, the uses for every plan, the model
whose tokens price each use (emptied: the typed cost)."""


def launch_setting(
    scenario: econ.Scenario, value: object, launch: str, name: LaunchField
) -> econ.Scenario:
    """One setting of the launch ``launch`` (added if new): a renamed launch keeps its other
    settings; the value weight is a percentage; the uses are those of every plan."""
    current = scenario.launches.get(launch, econ.Launch(name=launch))
    if name == "name":
        changed = dataclasses.replace(current, name=str(value or "").strip() or current.name)
    elif name == "value_weight":
        changed = dataclasses.replace(current, value_weight=as_rate(_number(value)) or 0.0)
    elif name == "uses":
        changed = dataclasses.replace(current, uses={**current.uses, ALL: _number(value)})
    elif name == "cost_per_use_usd":
        changed = dataclasses.replace(current, cost_per_use_usd=_number(value))
    elif name == "input_tokens":
        changed = dataclasses.replace(current, input_tokens=_number(value))
    elif name == "output_tokens":
        changed = dataclasses.replace(current, output_tokens=_number(value))
    elif name == "model":
        changed = dataclasses.replace(current, model=str(value or "").strip() or None)
    else:
        changed = dataclasses.replace(current, category=cast(Category, value))
    launches = {key: item for key, item in scenario.launches.items() if key != launch}
    return scenario.replace(launches={**launches, changed.name: changed})


def launch_plan_uses(
    scenario: econ.Scenario, value: float | None, launch: str, plan: str
) -> econ.Scenario:
    """A plan's own uses per customer-month for the launch ``launch`` (an emptied input: the
    plan takes the every-plan number)."""
    current = scenario.launches.get(launch, econ.Launch(name=launch))
    uses = {key: number for key, number in current.uses.items() if key != plan}
    if value is not None:
        uses[plan] = float(value)
    changed = dataclasses.replace(current, uses=uses)
    return scenario.replace(launches={**scenario.launches, launch: changed})


def launch_like(scenario: econ.Scenario, feature: str | None, launch: str) -> econ.Scenario:
    """Follow an existing feature's use (``None``: the uses typed per plan)."""
    current = scenario.launches.get(launch, econ.Launch(name=launch))
    changed = dataclasses.replace(current, like_feature=feature or None)
    return scenario.replace(launches={**scenario.launches, launch: changed})


def launch_like_share(scenario: econ.Scenario, percent: float | None, launch: str) -> econ.Scenario:
    """The share of the followed feature's use, from a percentage (emptied: 0%)."""
    current = scenario.launches.get(launch, econ.Launch(name=launch))
    changed = dataclasses.replace(current, like_share=(percent or 0.0) / 100)
    return scenario.replace(launches={**scenario.launches, launch: changed})


def _number(value: object) -> float:
    """A number input's value (an emptied input is 0)."""
    return float(value) if isinstance(value, int | float) else 0.0


def remove_launch(scenario: econ.Scenario, launch: str) -> econ.Scenario:
    """The scenario without the launch ``launch``."""
    kept = {key: item for key, item in scenario.launches.items() if key != launch}
    return scenario.replace(launches=kept)
