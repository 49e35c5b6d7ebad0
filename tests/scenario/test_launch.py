"""A launch in the scenario: checked, and kept through JSON and the share link."""

from __future__ import annotations

import pytest

import econ
from econ.errors import ScenarioError
from econ.scenario.launch import Launch
from econ.scenario.link import decode_scenario, encode_scenario

LAUNCH = Launch(
    name="advanced_ai_analysis",
    category="premium",
    value_weight=0.15,
    cost_per_use_usd=0.9,
    uses={"all": 20, "Pro": 35},
    like_feature="deep_research",
    like_share=0.5,
)


def test_a_launch_round_trips_through_json_and_the_link() -> None:
    scenario = econ.Scenario(launches={LAUNCH.name: LAUNCH})
    assert econ.Scenario.from_json(scenario.to_json()) == scenario
    assert decode_scenario(encode_scenario(scenario)) == scenario
    assert econ.Scenario.from_json(scenario.to_json()).launches[LAUNCH.name] == LAUNCH


def test_launches_default_to_none() -> None:
    assert econ.Scenario().launches == {}
    assert econ.Scenario.from_dict({}).launches == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value_weight": 1.5}, "launch.value_weight"),
        ({"cost_per_use_usd": -1}, "launch.cost_per_use_usd"),
        ({"category": "luxury"}, "launch.category"),
        ({"uses": {"Pro": -3}}, "launch.uses"),
        ({"name": ""}, "launch.name"),
    ],
)
def test_bad_launch_values_are_refused(changes: dict[str, object], message: str) -> None:
    data = {**LAUNCH.to_dict(), **changes}
    with pytest.raises(ScenarioError, match=message):
        econ.Scenario.from_dict({"launches": {str(data["name"]) or "x": data}})


def test_a_launch_is_keyed_by_its_name() -> None:
    with pytest.raises(ScenarioError, match="keyed by its name"):
        econ.Scenario(launches={"other": LAUNCH})
