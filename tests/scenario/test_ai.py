"""The AI revenue basis and the AI unit-profit inputs: what is refused, and why."""

from __future__ import annotations

import pytest

import econ


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"basis": "some"}, r"ai_revenue\.basis must be one of"),
        ({"basis": "attributed"}, "needs at least one AI plan"),
        ({"uplift_over": {"AI": "AI"}}, "names the plan itself"),
        ({"uplift_over": {"AI": ""}}, "must name a base plan"),
        ({"uplift_usd": {"AI": -5.0}}, "ai_revenue.uplift_usd"),
    ],
)
def test_an_unreadable_basis_is_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(econ.ScenarioError, match=message):
        econ.AiRevenue(**fields)  # type: ignore[arg-type]


def test_the_ai_plans_are_those_named_either_way() -> None:
    ai_revenue = econ.AiRevenue(
        basis="attributed", uplift_over={"AI": "Standard"}, uplift_usd={"Copilot": 30.0}
    )
    assert ai_revenue.ai_plans == ("AI", "Copilot")


def test_ai_costs_are_money_and_zero_unless_set() -> None:
    assert econ.AiUnitCosts().all_zero
    assert not econ.AiUnitCosts(model_maintenance_usd=1.0).all_zero
    with pytest.raises(econ.ScenarioError, match=r"ai_costs\.data_acquisition_usd"):
        econ.AiUnitCosts(data_acquisition_usd=float("nan"))


def test_a_scenario_file_names_the_path_of_a_bad_value() -> None:
    with pytest.raises(econ.ScenarioError, match="ai_revenue"):
        econ.Scenario.from_dict({"ai_revenue": {"basis": "direct", "extra": 1}})
