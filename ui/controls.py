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
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Concatenate, Final, Literal, ParamSpec, TypedDict, TypeVar, cast

import streamlit as st

import econ
from econ.scenario import edits
from econ.scenario.assumptions import ALL, PerSegment
from econ.scenario.edits import BookSetting, FeatureField, PlanField
from econ.schema import Category
from ui import session

__all__ = [
    "BURDEN_TITLES",
    "FEATURE_PRICE_STEPS",
    "AiCostField",
    "Binding",
    "BookSetting",
    "FeatureField",
    "LaunchField",
    "PlanField",
    "ai_cost",
    "allocation_method",
    "apply_patch",
    "as_rate",
    "bind",
    "book_cost_factor",
    "book_feature_price",
    "book_feature_removed",
    "book_model_swap",
    "book_plan_price",
    "book_setting",
    "burden",
    "cac",
    "category",
    "change",
    "churn_percent",
    "clear_price_book",
    "discount_percent",
    "feature_price",
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
