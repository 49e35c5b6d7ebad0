"""The Scenario: one frozen value, lossless through JSON, refusing bad values clearly."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given
from strategies import any_scenarios

import econ
from econ.errors import ScenarioError


@given(any_scenarios())
def test_json_round_trip_is_lossless(scenario: econ.Scenario) -> None:
    text = scenario.to_json()
    again = econ.Scenario.from_json(text)
    assert again == scenario
    assert again.to_json() == text


def test_defaults() -> None:
    scenario = econ.Scenario()
    assert scenario.segment_by == "usage_tier"
    assert scenario.usage_tier_percentiles == (50.0, 90.0)
    assert scenario.allocation.method == "usage"
    assert scenario.churn is None and scenario.cac_usd is None and scenario.months is None
    assert econ.Scenario.from_dict({}) == scenario


def test_is_frozen_including_its_maps() -> None:
    scenario = econ.Scenario(prices={"Pro": 199})
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.segment_by = "plan"  # type: ignore[misc]
    with pytest.raises(TypeError):
        scenario.prices["Pro"] = 1  # type: ignore[index]


def test_maps_are_copied_not_shared() -> None:
    prices = {"Pro": 199.0}
    scenario = econ.Scenario(prices=prices)
    prices["Pro"] = 1.0
    assert scenario.prices["Pro"] == 199.0


def test_json_keys_are_the_documented_fields() -> None:
    data = json.loads(econ.Scenario().to_json())
    assert set(data) == {
        "version",
        "segment_by",
        "usage_tier_percentiles",
        "allocation",
        "churn",
        "cac_usd",
        "cogs",
        "prices",
        "months",
        "feature_categories",
        "targets",
        "price_book",
        "levers",
        "retention",
        "launches",
        "ai_revenue",
        "ai_costs",
    }
    assert set(data["cogs"]) == {"ai_infra_usd", "support_usd", "cs_usd", "hosting_usd"}


def test_sample_scenario_file_loads() -> None:
    scenario = econ.sample_scenario()
    assert scenario.cac_usd == 1800.0
    assert scenario.category_of("deep_research") == "premium"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"churn": -0.1}, "churn must be between 0 and 1, got -0.1"),
        ({"churn": 1.5}, "churn must be between 0 and 1, got 1.5"),
        ({"churn": {"power": 2}}, "churn['power'] must be between 0 and 1"),
        ({"churn": "2%"}, "churn must be a number, got '2%'"),
        ({"cac_usd": -1}, "cac_usd must be between 0 and 1,000,000,000, got -1"),
        ({"cac_usd": True}, "cac_usd must be a number"),
        ({"allocation": {"method": "custom", "weights": {"a": 0, "b": 0}}}, "above zero"),
        ({"allocation": {"method": "custom"}}, "above zero"),
        ({"allocation": {"method": "value"}}, "'usage' or 'custom'"),
        (
            {"allocation": {"weights": {"a": -1}}},
            "allocation.weights['a'] must be between 0 and 1,000,000,000",
        ),
        ({"months": ["2026-1", "2026-03"]}, "months must be"),
        ({"months": ["2026-13", "2027-01"]}, "months must be"),
        ({"months": ["2026-05", "2026-03"]}, "must run forward"),
        ({"months": "2026-01"}, "months must be a list"),
        ({"usage_tier_percentiles": [90, 50]}, "must rise strictly"),
        ({"usage_tier_percentiles": [0, 50]}, "must rise strictly"),
        ({"usage_tier_percentiles": [50]}, "two numbers"),
        ({"cogs": {"support_usd": float("nan")}}, "finite"),
        ({"cogs": {"rent": 5}}, "unknown keys in cogs"),
        (
            {"prices": {"Pro": 1e308}},
            "prices['Pro'] must be between 0 and 1,000,000,000, got 1e+308",
        ),
        ({"cogs": {"support_usd": 1e308}}, "cogs.support_usd must be between 0 and 1,000,000,000"),
        ({"cac_usd": {"SMB": 1e10}}, "cac_usd['SMB'] must be between 0 and 1,000,000,000"),
        ({"prices": {"Pro": -5}}, "prices['Pro'] must be between 0 and 1,000,000,000"),
        ({"feature_categories": {"chat": "luxury"}}, "must be one of"),
        ({"segment_by": ""}, "segment_by must be a column name"),
        ({"segmentby": "plan"}, "unknown scenario keys ['segmentby']"),
        ({"version": 99}, "newer version"),
        ({"targets": {"chat": 1.2}}, "targets['chat'] must be between 0 and 0.99"),
        (
            {"price_book": {"plans": {"Pro": {"base": 5}}}},
            "unknown keys in price_book.plans['Pro']",
        ),
        ({"price_book": {"plans": {"Pro": {"overage_usd": {"chat": -1}}}}}, "overage_usd['chat']"),
        (
            {"price_book": {"metered_usage_drop": 1}},
            "metered_usage_drop must be between 0 and 0.99",
        ),
        ({"levers": {"route": {"share": 2}}}, "route.share must be between 0 and 1"),
        ({"levers": {"optimize_by_feature": {"x": {"cost": 1}}}}, "unknown keys in levers."),
    ],
)
def test_bad_values_are_refused_with_a_message(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError) as error:
        econ.Scenario.from_dict(data)
    assert message in str(error.value)


def test_malformed_json() -> None:
    with pytest.raises(ScenarioError, match="not valid JSON"):
        econ.Scenario.from_json("{churn: 0.02")
    with pytest.raises(ScenarioError, match="must be a JSON object"):
        econ.Scenario.from_json("[1, 2]")


def test_unknown_segment_column_is_refused_against_the_data(
    sample_dataset: econ.Dataset,
) -> None:
    with pytest.raises(ScenarioError) as error:
        econ.analyze_dataset(sample_dataset, econ.Scenario(segment_by="industry"))
    assert "'industry' is not a segment" in str(error.value)
    assert "company_size" in str(error.value)


def test_json_nested_thousands_deep_is_refused_without_recursing() -> None:
    """Python's JSON parser recurses: a document nested 3,000 deep would exhaust its stack."""
    deep = '{"levers": ' * 3_000 + "1" + "}" * 3_000
    with pytest.raises(ScenarioError, match="nests deeper than 32 levels"):
        econ.Scenario.from_json(deep)
    listed = '{"prices": {"a": ' + "[" * 3_000 + "]" * 3_000 + "}}"
    with pytest.raises(ScenarioError, match="nests deeper than 32 levels"):
        econ.Scenario.from_json(listed)
    # brackets inside text are text
    assert econ.Scenario.from_json('{"segment_by": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
