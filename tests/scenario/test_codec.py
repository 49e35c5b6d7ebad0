"""The scenario tree's one JSON form: every field of every record survives dicts, JSON and share
links, old links and saved files read the same, and every field says whether it shapes the
customer-months."""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib
from collections.abc import Callable, Iterator
from typing import Any, get_type_hints

import pytest
from hypothesis import given
from strategies import any_scenarios

import econ
from econ.scenario.assumptions import SHAPES_CUSTOMER_MONTHS, SHAPING_FIELDS
from econ.scenario.codec import Record
from econ.scenario.launch import Launch
from econ.scenario.link import decode_link, decode_scenario, encode_link

Scenario = econ.Scenario

PLACES: dict[type, Callable[[Any], econ.Scenario]] = {
    econ.Scenario: lambda record: record,
    econ.Allocation: lambda record: Scenario(allocation=record),
    econ.Cogs: lambda record: Scenario(cogs=record),
    econ.PriceBook: lambda record: Scenario(price_book=record),
    econ.PlanPrice: lambda record: Scenario(price_book=econ.PriceBook(plans={"Pro": record})),
    econ.Tiers: lambda record: Scenario(
        price_book=econ.PriceBook(plans={"Pro": econ.PlanPrice(tiers={"chat": record})})
    ),
    econ.TierBand: lambda record: Scenario(
        price_book=econ.PriceBook(
            plans={
                "Pro": econ.PlanPrice(
                    tiers={
                        "*": econ.Tiers(
                            bands=(record,) if record.up_to is None else (record, econ.TierBand())
                        )
                    }
                )
            }
        )
    ),
    econ.Discount: lambda record: Scenario(price_book=econ.PriceBook(discounts=(record,))),
    econ.Freemium: lambda record: Scenario(price_book=econ.PriceBook(freemium=record)),
    econ.Levers: lambda record: Scenario(levers=record),
    econ.Route: lambda record: Scenario(
        levers=econ.Levers(route=record, route_by_feature={"chat": record})
    ),
    econ.Optimize: lambda record: Scenario(
        levers=econ.Levers(optimize=record, optimize_by_feature={"chat": record})
    ),
    econ.Retention: lambda record: Scenario(retention=record),
    Launch: lambda record: Scenario(launches={record.name: record}),
    econ.AiRevenue: lambda record: Scenario(ai_revenue=record),
    econ.AiUnitCosts: lambda record: Scenario(ai_costs=record),
}
"""Where each record of the tree sits in a scenario (maps of records hold one too)."""

CHANGED: dict[tuple[type, str], dict[str, Any]] = {
    (Scenario, "segment_by"): {"segment_by": "plan"},
    (Scenario, "usage_tier_percentiles"): {"usage_tier_percentiles": (40.0, 80.0)},
    (Scenario, "allocation"): {"allocation": econ.Allocation("custom", {"chat": 2.0})},
    (Scenario, "churn"): {"churn": {"power": 0.04, "all": 0.02}},
    (Scenario, "cac_usd"): {"cac_usd": 1800.0},
    (Scenario, "cogs"): {"cogs": econ.Cogs(support_usd=3.0)},
    (Scenario, "prices"): {"prices": {"Pro": 249.0}},
    (Scenario, "months"): {"months": ("2026-01", "2026-06")},
    (Scenario, "feature_categories"): {"feature_categories": {"deep_research": "premium"}},
    (Scenario, "targets"): {"targets": {"chat": 0.8}},
    (Scenario, "price_book"): {"price_book": econ.PriceBook(cost_multipliers={"chat": 0.5})},
    (Scenario, "levers"): {"levers": econ.Levers(fair_use_percentile=90.0)},
    (Scenario, "retention"): {"retention": econ.Retention(ltv_method="sbg")},
    (econ.Retention, "ltv_method"): {"ltv_method": "sbg"},
    (Scenario, "launches"): {"launches": {"briefs": Launch(name="briefs", uses={"all": 5.0})}},
    (Scenario, "ai_revenue"): {"ai_revenue": econ.AiRevenue(basis="direct")},
    (Scenario, "ai_costs"): {"ai_costs": econ.AiUnitCosts(data_acquisition_usd=900.0)},
    (econ.AiRevenue, "basis"): {"basis": "attributed", "uplift_usd": {"AI": 75.0}},
    (econ.AiRevenue, "uplift_over"): {"uplift_over": {"AI": "Standard"}},
    (econ.AiRevenue, "uplift_usd"): {"uplift_usd": {"AI": 75.0}},
    (econ.AiUnitCosts, "model_efficiency_value_usd"): {"model_efficiency_value_usd": 500.0},
    (econ.AiUnitCosts, "data_acquisition_usd"): {"data_acquisition_usd": 900.0},
    (econ.AiUnitCosts, "model_maintenance_usd"): {"model_maintenance_usd": 2_000.0},
    (Launch, "name"): {"name": "briefs"},
    (Launch, "category"): {"category": "premium"},
    (Launch, "value_weight"): {"value_weight": 0.15},
    (Launch, "cost_per_use_usd"): {"cost_per_use_usd": 0.9},
    (Launch, "uses"): {"uses": {"all": 20.0, "Pro": 30.0}},
    (Launch, "like_feature"): {"like_feature": "deep_research"},
    (Launch, "like_share"): {"like_share": 0.5},
    (Launch, "model"): {"model": "gpt-4o"},
    (Launch, "input_tokens"): {"input_tokens": 1_000.0},
    (Launch, "output_tokens"): {"output_tokens": 500.0},
    (econ.Retention, "discount_rate"): {"discount_rate": 0.12},
    (econ.Retention, "new_customers_per_month"): {"new_customers_per_month": 40.0},
    (econ.Retention, "trend_months"): {"trend_months": 9},
    (econ.Allocation, "method"): {"method": "custom", "weights": {"chat": 1.0}},
    (econ.Allocation, "weights"): {"weights": {"chat": 3.0, "search": 1.0}},
    (econ.Cogs, "ai_infra_usd"): {"ai_infra_usd": 1.5},
    (econ.Cogs, "support_usd"): {"support_usd": {"Pro": 4.0, "all": 2.0}},
    (econ.Cogs, "cs_usd"): {"cs_usd": 0.5},
    (econ.Cogs, "hosting_usd"): {"hosting_usd": 3.0},
    (econ.PriceBook, "plans"): {"plans": {"Pro": econ.PlanPrice(base_usd=219.0)}},
    (econ.PriceBook, "cost_multipliers"): {"cost_multipliers": {"chat": 0.5}},
    (econ.PriceBook, "metered_usage_drop"): {"metered_usage_drop": 0.1},
    (econ.PriceBook, "fair_use_margin"): {"fair_use_margin": 0.4},
    (econ.PriceBook, "churn_risk_increase"): {"churn_risk_increase": 0.3},
    (econ.PriceBook, "churn_elasticity"): {"churn_elasticity": 0.8},
    (econ.PriceBook, "tolerated_increase"): {"tolerated_increase": 0.05},
    (econ.PriceBook, "model_swaps"): {"model_swaps": {"chat": "gpt-4o-mini"}},
    (econ.PlanPrice, "base_usd"): {"base_usd": 219.0},
    (econ.PlanPrice, "included"): {"included": {"deep_research": 10.0}},
    (econ.PlanPrice, "overage_usd"): {"overage_usd": {"deep_research": 0.5}},
    (econ.PlanPrice, "per_call_usd"): {"per_call_usd": {"search": 0.01}},
    (econ.PlanPrice, "removed"): {"removed": ("draft", "search")},
    (econ.PlanPrice, "fair_use_usd"): {"fair_use_usd": 150.0},
    (econ.PlanPrice, "seat_usd"): {"seat_usd": 30.0},
    (econ.PlanPrice, "min_seats"): {"min_seats": 5.0},
    (econ.PlanPrice, "seats_from"): {"seats_from": "users"},
    (econ.PlanPrice, "tiers"): {"tiers": {"*": econ.Tiers(mode="volume")}},
    (econ.PlanPrice, "outcome_usd"): {"outcome_usd": {"chat": 0.5}},
    (econ.PlanPrice, "commitment_usd"): {"commitment_usd": 1_200.0},
    (econ.PlanPrice, "commitment_period"): {"commitment_period": "year"},
    (econ.PlanPrice, "breakage"): {"breakage": 0.25},
    (econ.Tiers, "mode"): {"mode": "volume"},
    (econ.Tiers, "measure"): {"measure": "tokens"},
    (econ.Tiers, "bands"): {
        "bands": (econ.TierBand(up_to=5.0, unit_usd=7.0), econ.TierBand(unit_usd=6.5))
    },
    (econ.TierBand, "up_to"): {"up_to": 100.0},
    (econ.TierBand, "unit_usd"): {"unit_usd": 0.02},
    (econ.TierBand, "flat_usd"): {"flat_usd": 20.0},
    (econ.Discount, "share"): {"share": 0.2, "min_bill_usd": 1_000.0},
    (econ.Discount, "min_bill_usd"): {"min_bill_usd": 1_000.0},
    (econ.Discount, "column"): {"column": "company_size", "value": "enterprise"},
    (econ.Discount, "value"): {"column": "company_size", "value": "enterprise"},
    (econ.Freemium, "conversion_rate"): {"conversion_rate": 0.04},
    (econ.Freemium, "usage_cap_calls"): {"usage_cap_calls": 100.0},
    (econ.PriceBook, "discounts"): {"discounts": (econ.Discount(min_bill_usd=500.0),)},
    (econ.PriceBook, "freemium"): {"freemium": econ.Freemium(conversion_rate=0.05)},
    (econ.Levers, "fair_use_percentile"): {"fair_use_percentile": 90.0},
    (econ.Levers, "route"): {"route": econ.Route(share=0.6)},
    (econ.Levers, "route_by_feature"): {"route_by_feature": {"chat": econ.Route(share=0.8)}},
    (econ.Levers, "optimize"): {"optimize": econ.Optimize(cost_reduction=0.4)},
    (econ.Levers, "optimize_by_feature"): {
        "optimize_by_feature": {"search": econ.Optimize(investment_usd=5_000.0)}
    },
    (econ.Route, "share"): {"share": 0.7},
    (econ.Route, "relative_cost"): {"relative_cost": 0.1},
    (econ.Route, "model"): {"model": "gpt-4o-mini"},
    (econ.Optimize, "cost_reduction"): {"cost_reduction": 0.5},
    (econ.Optimize, "investment_usd"): {"investment_usd": 20_000.0},
}
"""For each field of each record of the tree, constructor arguments that give it a value other
than its default (with what else that value needs: custom weights need a positive weight)."""


def _records_in(kind: type) -> Iterator[type]:
    """``kind`` and every record its fields hold, directly or as the values of a map."""
    yield kind
    for hint in get_type_hints(kind).values():
        for held in (hint, *getattr(hint, "__args__", ())):
            if isinstance(held, type) and dataclasses.is_dataclass(held):
                yield from _records_in(held)


TREE = frozenset(_records_in(Scenario))


def _round_trips(scenario: econ.Scenario) -> None:
    """Through a dict, JSON text and a share link, each giving an equal scenario and the same
    plain values again."""
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    text = scenario.to_json()
    assert Scenario.from_json(text) == scenario
    assert Scenario.from_json(text).to_json() == text
    link = decode_link(encode_link("sample", scenario))
    assert link.problems == ()
    assert link.scenario == scenario


def test_the_tree_is_every_record_the_scenario_holds() -> None:
    assert {
        econ.Scenario,
        econ.Allocation,
        econ.Cogs,
        econ.PriceBook,
        econ.PlanPrice,
        econ.Tiers,
        econ.TierBand,
        econ.Discount,
        econ.Freemium,
        econ.Levers,
        econ.Route,
        econ.Optimize,
        econ.Retention,
        Launch,
        econ.AiRevenue,
        econ.AiUnitCosts,
    } == TREE
    assert set(PLACES) == TREE


def test_every_field_of_every_record_has_a_changed_value() -> None:
    """A field added to any record of the tree must be added to ``CHANGED`` (and so tested)."""
    every_field = {(kind, item.name) for kind in TREE for item in dataclasses.fields(kind)}
    assert set(CHANGED) == every_field


@pytest.mark.parametrize(
    ("kind", "name"),
    sorted(CHANGED, key=lambda key: (key[0].__name__, key[1])),
    ids=lambda value: value.__name__ if isinstance(value, type) else value,
)
def test_each_field_with_a_changed_value_round_trips(kind: type, name: str) -> None:
    record = kind(**CHANGED[kind, name])
    assert getattr(record, name) != getattr(kind(), name)
    scenario = PLACES[kind](record)
    _round_trips(scenario)
    assert scenario.to_json() != Scenario().to_json()  # the change is written
    if isinstance(record, Record):
        again = kind.from_dict(json.loads(json.dumps(record.to_dict())), kind.__name__)
        assert again == record


@given(any_scenarios())
def test_every_scenario_round_trips(scenario: econ.Scenario) -> None:
    _round_trips(scenario)


RICH = Scenario(
    segment_by="plan",
    usage_tier_percentiles=(40.0, 80.0),
    allocation=econ.Allocation(method="custom", weights={"chat": 2.0, "search": 1.0}),
    churn={"Pro": 0.03, "all": 0.02},
    cac_usd=1800.0,
    cogs=econ.Cogs(
        ai_infra_usd=1.5, support_usd={"Pro": 4.0, "all": 2.0}, cs_usd=0.5, hosting_usd=3.0
    ),
    prices={"Pro": 249.0},
    months=("2026-01", "2026-06"),
    feature_categories={"deep_research": "premium"},
    targets={"chat": 0.8},
    price_book=econ.PriceBook(
        plans={
            "Pro": econ.PlanPrice(
                base_usd=219.0,
                included={"deep_research": 10.0},
                overage_usd={"deep_research": 0.5},
                per_call_usd={"search": 0.01},
                removed=("draft",),
                fair_use_usd=150.0,
            )
        },
        cost_multipliers={"chat": 0.5},
        metered_usage_drop=0.1,
        fair_use_margin=0.4,
        churn_risk_increase=0.3,
    ),
    levers=econ.Levers(
        fair_use_percentile=90.0,
        route=econ.Route(share=0.6, relative_cost=0.1),
        route_by_feature={"chat": econ.Route(share=0.8)},
        optimize=econ.Optimize(cost_reduction=0.4, investment_usd=20000.0),
        optimize_by_feature={"search": econ.Optimize(investment_usd=5000.0)},
    ),
)
"""A scenario with every field of every record changed."""

RICH_JSON = (
    '{"version": 1, "segment_by": "plan", "usage_tier_percentiles": [40.0, 80.0], '
    '"allocation": {"method": "custom", "weights": {"chat": 2.0, "search": 1.0}}, '
    '"churn": {"Pro": 0.03, "all": 0.02}, "cac_usd": 1800.0, "cogs": {"ai_infra_usd": 1.5, '
    '"support_usd": {"Pro": 4.0, "all": 2.0}, "cs_usd": 0.5, "hosting_usd": 3.0}, '
    '"prices": {"Pro": 249.0}, "months": ["2026-01", "2026-06"], '
    '"feature_categories": {"deep_research": "premium"}, "targets": {"chat": 0.8}, '
    '"price_book": {"plans": {"Pro": {"base_usd": 219.0, "included": {"deep_research": 10.0}, '
    '"overage_usd": {"deep_research": 0.5}, "per_call_usd": {"search": 0.01}, '
    '"removed": ["draft"], "fair_use_usd": 150.0}}, "cost_multipliers": {"chat": 0.5}, '
    '"metered_usage_drop": 0.1, "fair_use_margin": 0.4, "churn_risk_increase": 0.3}, '
    '"levers": {"fair_use_percentile": 90.0, "route": {"share": 0.6, "relative_cost": 0.1}, '
    '"route_by_feature": {"chat": {"share": 0.8, "relative_cost": 0.2}}, '
    '"optimize": {"cost_reduction": 0.4, "investment_usd": 20000.0}, '
    '"optimize_by_feature": {"search": {"cost_reduction": 0.3, "investment_usd": 5000.0}}}}'
)
"""``RICH`` as saved by the release that made the first share links (compact JSON)."""

RICH_LINK = (
    "eNptUsuO2zAM_BeeXUN2Hkj8Fb0XC0ORGVtYyTL0SLEN8u8lJXuz3eZiyKI4HM7MHaQxTsmo3QzdHSzGyQ3QgUohOgsV"
    "_EY9TjFwUU0yQtfWooKA0qsJuqYWj0cFSqo-BeprTkJwXU3JZ8Cf3kFHV7uKJ-Vjyw1uzJBS93q-erl21wcqhfIj-Gdy"
    "Iep5LDe7PDkti_Ox3Kz4ey5k-LbwuaKMyWNPi-HovMY8bEBceo8bd1g8Wp0sUIPBG_r86Cq1J3DsF_QK56gNQnfOS7kl"
    "aqv_YNaCiBHWkFSRTtT7CvR8wxAtdRV6rRAsx-PZ2l8--pUco2xUXuHt_sc7FDjC8y7FjODRkHk3WpUAuK0hiSbJ8KI-"
    "bi-_jS1GvmhuvzSfHjzIujlOJMwvaEV7_CEaikQ5HeGtIgm1InTn3gsuud57Hd7JVeVRBlw3yevZZKJejF6VLizIZjZs"
    "U91KP-pNT0ojkiZUkCP2g3fLuuFi5Bw-7b_DhSatkjdntuoTr-TqkP0jTiYNOLzIQrPaRCngUWu4vj0qVCkXlCtjtkfP"
    "qmhYb7SEMrBig5fXCG9ZxyzUk3K7P-eBAcds7-WD80hbkbyRJMD4j0QnelpEiKTel2iyM3te7kQf8oNTnPPTPP4Cn7dG"
    "dA"
)
"""``RICH``'s share-link token as made by that release."""


def _inflated(token: str) -> bytes:
    return zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


RETENTION_ADDED = (
    ', "retention": {"ltv_method": "simple", "discount_rate": 0.1, '
    '"new_customers_per_month": null, "trend_months": 6}}'
)
"""What the first release's JSON gains since: the retention record, at its defaults."""

LAUNCHES_ADDED = (
    ', "launches": {}, "ai_revenue": {"basis": "all", "uplift_over": {}, "uplift_usd": {}}, '
    '"ai_costs": {"model_efficiency_value_usd": 0.0, "data_acquisition_usd": 0.0, '
    '"model_maintenance_usd": 0.0}}'
)
"""What the JSON gains after the retention record: no launches, all revenue counted as AI
revenue and no AI unit costs, the defaults."""

RESPONSE_ADDED = (
    ', "churn_elasticity": 0.5, "tolerated_increase": 0.0, "model_swaps": {}, "discounts": [], '
    '"freemium": {"conversion_rate": null, "usage_cap_calls": null}'
)
"""What the first release's price book gains since: the customer response, no model swaps, no
volume discounts and the free tier as observed, at their defaults."""

PLAN_ADDED = (
    ', "seat_usd": null, "min_seats": 0.0, "seats_from": "revenue", "tiers": {}, '
    '"outcome_usd": {}, "commitment_usd": null, "commitment_period": "month", "breakage": 1.0'
)
"""What the first release's plan prices gain since: no seats, tiers, outcomes or commitment."""

ROUTE_ADDED = ', "model": null'
"""What the first release's routes gain since: no model named (the typed relative cost)."""


def _with_response_added(text: str) -> str:
    """The price book's and the routes' fields added since, after their last field of the
    first release."""
    last = '"churn_risk_increase": 0.3'
    text = text.replace(last, last + RESPONSE_ADDED)
    fair_use = '"fair_use_usd": 150.0'
    text = text.replace(fair_use, fair_use + PLAN_ADDED)
    for cost in ('"relative_cost": 0.1', '"relative_cost": 0.2'):
        text = text.replace(cost, cost + ROUTE_ADDED)
    return text


def _link_json_now(token: str) -> bytes:
    """An old link's JSON as written now: its price book with the response and no model swaps,
    and its routes with no model, at their defaults."""
    data = json.loads(_inflated(token))
    data["price_book"] |= json.loads("{" + RESPONSE_ADDED.removeprefix(", ") + "}")
    for plan in data["price_book"]["plans"].values():
        plan.update(json.loads("{" + PLAN_ADDED.removeprefix(", ") + "}"))
    levers = data["levers"]
    for route in [levers["route"], *levers["route_by_feature"].values()]:
        route.update(json.loads("{" + ROUTE_ADDED.removeprefix(", ") + "}"))
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def test_saved_json_and_old_links_read_the_same_and_are_written_the_same() -> None:
    assert Scenario.from_json(RICH_JSON) == RICH
    # Written the same, with the fields added since appended at their defaults.
    assert RICH.to_json(indent=None) == _with_response_added(
        RICH_JSON[:-1] + RETENTION_ADDED[:-1] + LAUNCHES_ADDED
    )
    assert decode_scenario(RICH_LINK) == RICH
    # the link's JSON byte for byte: it leaves out fields at their defaults (the compressed
    # bytes may differ between zlib builds); a record it writes gains the fields added since
    assert _inflated(econ.scenario.link.encode_scenario(RICH)) == _link_json_now(RICH_LINK)


# -- which fields shape the customer-months --


def test_every_scenario_field_is_classified_as_shaping_or_not() -> None:
    """A field added to Scenario must say whether it shapes the customer-months."""
    assert list(SHAPES_CUSTOMER_MONTHS) == [item.name for item in dataclasses.fields(Scenario)]
    assert all(isinstance(shapes, bool) for shapes in SHAPES_CUSTOMER_MONTHS.values())
    shaping = tuple(name for name, shapes in SHAPES_CUSTOMER_MONTHS.items() if shapes)
    assert shaping == SHAPING_FIELDS


@pytest.mark.parametrize("name", [item.name for item in dataclasses.fields(Scenario)])
def test_a_changed_field_changes_the_shaping_part_exactly_when_it_shapes(name: str) -> None:
    changed = Scenario(**CHANGED[Scenario, name])
    assert (econ.shaping(changed) != econ.shaping(Scenario())) == SHAPES_CUSTOMER_MONTHS[name]


@given(any_scenarios())
def test_the_shaping_part_keeps_the_shaping_fields_and_defaults_the_rest(
    scenario: econ.Scenario,
) -> None:
    shaped, default = econ.shaping(scenario), Scenario()
    for name, shapes in SHAPES_CUSTOMER_MONTHS.items():
        expected = getattr(scenario if shapes else default, name)
        assert getattr(shaped, name) == expected, name
