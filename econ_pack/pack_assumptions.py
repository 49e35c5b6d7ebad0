"""Every assumption of a scenario in words, with its value: the board pack's assumptions table.

The scenario's JSON form (``Scenario.to_dict``) is walked field by field, so a field added to
the scenario later still appears (under its name as words) without a change here; the fields
known today read as a sentence a finance reader recognizes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import econ
from econ import formats
from econ.present import labels

Write = Callable[[Any], str]


def _money(value: Any) -> str:
    return formats.money(float(value), cents=abs(float(value)) < 1000)


def _share(value: Any) -> str:
    return formats.percent(float(value))


def _factor(value: Any) -> str:
    return f"× {float(value):g}"


def _plain(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _count(value: Any) -> str:
    return f"{float(value):,.0f}"


def _features(value: Any) -> str:
    return "; ".join(labels.feature_label(str(feature)) for feature in value)


_ALLOCATION: Final = {"usage": "usage-weighted (share of calls)", "custom": "custom value weights"}


def _allocation(value: Any) -> str:
    return _ALLOCATION.get(str(value), str(value))


_LTV_METHOD: Final = {
    "simple": "simple (gross profit ÷ churn)",
    "sbg": "shifted-beta-geometric retention, discounted",
}

_AI_BASIS: Final = {
    "all": "all revenue (AI-native product)",
    "direct": "direct AI revenue (add-ons, seats, credits, overage)",
    "attributed": "AI-attributed revenue (each AI plan's uplift over its base plan)",
}

# (path, label, how the value is written); "*" matches any key of a map, named in the label.
_KNOWN: Final[tuple[tuple[tuple[str, ...], str, Write], ...]] = (
    (("segment_by",), "Customers segmented by", labels.segmentation_label),
    (
        ("usage_tier_percentiles",),
        "Usage-tier split (percentiles of monthly inference)",
        lambda v: " and ".join(f"{float(p):g}" for p in v),
    ),
    (
        ("allocation", "method"),
        "Revenue split over features",
        lambda v: _ALLOCATION.get(str(v), str(v)),
    ),
    (("allocation", "weights", "*"), "Value weight of {0}", _plain),
    (("churn",), "Monthly churn, every segment", lambda v: formats.percent(v, digits=2)),
    (("churn", "*"), "Monthly churn of {0}", lambda v: formats.percent(v, digits=2)),
    (("cac_usd",), "Customer acquisition cost (CAC), every segment", _money),
    (("cac_usd", "*"), "Customer acquisition cost (CAC) of {0}", _money),
    (("cogs", "ai_infra_usd"), "AI infrastructure, $ per customer-month", _money),
    (("cogs", "support_usd"), "Support, $ per customer-month", _money),
    (("cogs", "cs_usd"), "Customer success, $ per customer-month", _money),
    (("cogs", "hosting_usd"), "Hosting / DevOps (traditional view), $ per customer-month", _money),
    (("cogs", "ai_infra_usd", "*"), "AI infrastructure of {0}, $ per customer-month", _money),
    (("cogs", "support_usd", "*"), "Support of {0}, $ per customer-month", _money),
    (("cogs", "cs_usd", "*"), "Customer success of {0}, $ per customer-month", _money),
    (("cogs", "hosting_usd", "*"), "Hosting / DevOps of {0}, $ per customer-month", _money),
    (("prices", "*"), "Monthly price of plan {0}", _money),
    (("months",), "Window (first and last month)", " to ".join),
    (("feature_categories", "*"), "Category of {0}", labels.category_label),
    (("targets", "*"), "Target gross margin of {0}", _share),
    (("price_book", "plans", "*", "base_usd"), "Price book, {0}: base price a month", _money),
    (("price_book", "plans", "*", "fair_use_usd"), "Price book, {0}: fair-use threshold", _money),
    (("price_book", "plans", "*", "included", "*"), "Price book, {0}: {1} uses included", _count),
    (
        ("price_book", "plans", "*", "overage_usd", "*"),
        "Price book, {0}: {1} per extra use",
        _money,
    ),
    (("price_book", "plans", "*", "per_call_usd", "*"), "Price book, {0}: {1} per use", _money),
    (("price_book", "plans", "*", "removed"), "Price book, {0}: features taken off", _features),
    (("price_book", "cost_multipliers", "*"), "Cost factor of {0}", _factor),
    (
        ("price_book", "model_swaps", "*"),
        "Model swap of {0} (cost re-priced from its tokens)",
        _plain,
    ),
    (("price_book", "metered_usage_drop"), "Share of newly metered uses that stop", _share),
    (("price_book", "fair_use_margin"), "Margin on fair-use overage", _share),
    (("price_book", "churn_risk_increase"), "Churn risk: a bill rising by more than", _share),
    (("price_book", "churn_elasticity"), "Churn elasticity to a price rise", _plain),
    (("price_book", "tolerated_increase"), "Bill rise customers tolerate", _share),
    (("levers", "fair_use_percentile"), "Fair-use threshold percentile", _plain),
    (("levers", "route", "share"), "Routing: share of calls sent to a cheaper model", _share),
    (("levers", "route", "relative_cost"), "Routing: the cheaper model's relative cost", _share),
    (("levers", "route", "model"), "Routing: the model routed to (relative cost derived)", _plain),
    (("levers", "route_by_feature", "*", "model"), "Routing {0}: model", _plain),
    (("levers", "route_by_feature", "*", "share"), "Routing {0}: share of calls", _share),
    (("levers", "route_by_feature", "*", "relative_cost"), "Routing {0}: relative cost", _share),
    (("levers", "optimize", "cost_reduction"), "Optimization: cost reduction", _share),
    (("levers", "optimize", "investment_usd"), "Optimization: engineering investment", _money),
    (("levers", "optimize_by_feature", "*", "cost_reduction"), "Optimizing {0}: cost cut", _share),
    (
        ("levers", "optimize_by_feature", "*", "investment_usd"),
        "Optimizing {0}: engineering investment",
        _money,
    ),
    (("retention", "ltv_method"), "LTV used for LTV:CAC and payback", lambda v: _LTV_METHOD[v]),
    (("retention", "discount_rate"), "Discount rate a year (sBG LTV)", _share),
    (("ai_revenue", "basis"), "What counts as AI revenue", lambda v: _AI_BASIS[str(v)]),
    (("ai_revenue", "uplift_over", "*"), "AI plan {0}: uplift over plan", _plain),
    (("ai_revenue", "uplift_usd", "*"), "AI plan {0}: uplift a customer-month", _money),
    (
        ("ai_costs", "model_efficiency_value_usd"),
        "Model-efficiency value a month (AI unit profit; 0 = not set)",
        _money,
    ),
    (
        ("ai_costs", "data_acquisition_usd"),
        "Data acquisition a month (AI unit profit; 0 = not set)",
        _money,
    ),
    (
        ("ai_costs", "model_maintenance_usd"),
        "Model maintenance a month (AI unit profit; 0 = not set)",
        _money,
    ),
    (("retention", "new_customers_per_month"), "New customers a month (projection)", _plain),
)

_UNSET: Final[dict[tuple[str, ...], tuple[str, str]]] = {
    ("churn",): ("Monthly churn", "estimated from the data, segment by segment"),
    ("cac_usd",): ("Customer acquisition cost (CAC)", "not set (LTV:CAC and payback are blank)"),
    ("prices",): ("Plan prices", "as recorded in the revenue table"),
    ("months",): ("Window", "every month of the revenue table"),
    ("feature_categories",): ("Feature categories", "every feature is core"),
    ("targets",): ("Target margins", "the low end of each feature's category band"),
    ("allocation", "weights"): ("Value weights", "none (usage-weighted split)"),
    ("price_book", "plans"): ("Price book", "none: current pricing"),
    ("ai_revenue", "uplift_over"): ("AI plans priced over a base plan", "none"),
    ("ai_revenue", "uplift_usd"): ("AI plan uplifts given in dollars", "none"),
    ("price_book", "cost_multipliers"): ("Cost factors per feature", "none (costs as observed)"),
    ("price_book", "model_swaps"): ("Model swaps", "none (each feature on its own models)"),
    ("levers", "route", "model"): (
        "Routing: the model routed to",
        "none (the typed relative cost is used)",
    ),
    ("levers", "route_by_feature"): ("Routing per feature", "the same for every feature"),
    ("levers", "optimize_by_feature"): ("Optimization per feature", "the same for every feature"),
    ("retention", "new_customers_per_month"): (
        "New customers a month (projection)",
        "the recent rate of the data",
    ),
}
"""What an empty map or a null means, per field: its label and its meaning."""

_SKIPPED: Final = frozenset({("version",)})


def _shown(path: tuple[str, ...], value: Any) -> bool:
    """A plan of the price book lists only what it sets."""
    if path in _SKIPPED:
        return False
    unset = value is None or (isinstance(value, Mapping | list | tuple) and not value)
    return not (unset and path[:2] == ("price_book", "plans") and len(path) > 3)


_SEGMENT_MAPS: Final = frozenset(
    {"churn", "cac_usd", "ai_infra_usd", "support_usd", "cs_usd", "hosting_usd"}
)
"""Maps keyed by segment."""

_LABELLED_KEYS: Final = {
    "feature_categories": labels.feature_label,
    "targets": labels.feature_label,
    "cost_multipliers": labels.feature_label,
    "model_swaps": labels.feature_label,
    "weights": labels.feature_label,
    "route_by_feature": labels.feature_label,
    "optimize_by_feature": labels.feature_label,
    "included": labels.feature_label,
    "overage_usd": labels.feature_label,
    "per_call_usd": labels.feature_label,
}
"""Maps keyed by feature: their keys read as feature names."""


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    return len(pattern) == len(path) and all(
        p in ("*", k) for p, k in zip(pattern, path, strict=True)
    )


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Leaves of the scenario's JSON form; an empty map or a null is a leaf of its own."""
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _walk(item, (*path, str(key)))
    else:
        yield path, value


def _key_label(path: tuple[str, ...], index: int, segment_by: str) -> str:
    parent = path[index - 1] if index else ""
    if parent in _SEGMENT_MAPS:
        return labels.segment_label(path[index], segment_by)
    relabel = _LABELLED_KEYS.get(parent)
    return relabel(path[index]) if relabel else path[index]


def _row(path: tuple[str, ...], value: Any, segment_by: str) -> tuple[str, str]:
    unset = value is None or (isinstance(value, Mapping | list | tuple) and not value)
    if unset and path in _UNSET:
        return _UNSET[path]
    for pattern, label, write in _KNOWN:
        if _matches(pattern, path):
            keys = [
                _key_label(path, i, segment_by) for i, part in enumerate(pattern) if part == "*"
            ]
            return label.format(*keys), "none" if unset else write(value)
    return _fallback_label(path), "none" if unset else _plain(value)


def _fallback_label(path: tuple[str, ...]) -> str:
    for pattern, label, _ in _KNOWN:
        if pattern == path:
            return label
    return ", ".join(labels.words(part) for part in path)


def assumption_rows(scenario: econ.Scenario) -> list[tuple[str, str]]:
    """``(assumption in words, value as text)`` for every field of the scenario, in the
    scenario's order; map entries one a row, empty maps and nulls saying what they mean."""
    return [
        _row(path, value, scenario.segment_by)
        for path, value in _walk(scenario.to_dict(), ())
        if _shown(path, value)
    ]
