"""Scenario edits as the app's controls make them: minimal, and correct across segmentations."""

from __future__ import annotations

import pytest

import econ
from econ.scenario import edits

SEGMENTS = ["light", "core", "power"]


def test_resegmenting_drops_maps_of_old_segments() -> None:
    scenario = econ.Scenario(
        churn={"light": 0.05},
        cac_usd={"light": 100, "power": 300},
        cogs=econ.Cogs(support_usd={"power": 9, "all": 3}),
    )
    moved = edits.with_segmentation(scenario, "plan")
    assert moved.segment_by == "plan"
    assert moved.churn is None
    assert moved.cac_usd == 200.0
    assert moved.cogs.support_usd == 3.0


def test_a_single_churn_rate_survives_resegmenting() -> None:
    assert edits.with_segmentation(econ.Scenario(churn=0.02), "plan").churn == 0.02


def test_churn_override_and_back_to_the_estimate() -> None:
    scenario = edits.with_churn(econ.Scenario(), "power", 0.04, SEGMENTS)
    assert scenario.churn == {"power": 0.04}
    assert edits.with_churn(scenario, "power", None, SEGMENTS).churn is None


def test_churn_override_on_top_of_a_single_rate() -> None:
    scenario = edits.with_churn(econ.Scenario(churn=0.02), "power", 0.04, SEGMENTS)
    assert scenario.churn == {"light": 0.02, "core": 0.02, "power": 0.04, "all": 0.02}


def test_cac_collapses_when_equal() -> None:
    scenario = econ.Scenario(cac_usd=1000)
    changed = edits.with_cac(scenario, "power", 3000, SEGMENTS)
    assert changed.cac_usd == {"light": 1000.0, "core": 1000.0, "power": 3000.0}
    assert edits.with_cac(changed, "power", 1000, SEGMENTS).cac_usd == 1000.0
    cleared = econ.Scenario()
    for name in SEGMENTS:
        cleared = edits.with_cac(cleared, name, None, SEGMENTS)
    assert cleared.cac_usd is None


def test_burden_and_price() -> None:
    scenario = edits.with_burden(econ.Scenario(), "support_usd", 7)
    assert scenario.cogs.support_usd == 7.0
    with pytest.raises(ValueError, match="unknown burden"):
        edits.with_burden(scenario, "rent_usd", 1)
    observed = {"Pro": 199.0}
    priced = edits.with_price(scenario, "Pro", 249, observed)
    assert priced.prices == {"Pro": 249.0}
    assert edits.with_price(priced, "Pro", 199.001, observed).prices == {}


def test_switching_to_custom_weights_starts_from_the_given_weights() -> None:
    scenario = edits.with_allocation_method(econ.Scenario(), "custom", {"a": 70.0, "b": 30.0})
    assert scenario.allocation.method == "custom"
    assert dict(scenario.allocation.weights) == {"a": 70.0, "b": 30.0}
    back = edits.with_allocation_method(scenario, "usage", {})
    assert back.allocation.method == "usage"
    assert dict(back.allocation.weights) == {"a": 70.0, "b": 30.0}  # remembered for later
    reweighted = edits.with_weight(scenario, "a", 10)
    assert dict(reweighted.allocation.weights) == {"a": 10.0, "b": 30.0}


def test_all_zero_weights_are_refused() -> None:
    scenario = edits.with_allocation_method(econ.Scenario(), "custom", {"a": 1.0})
    with pytest.raises(econ.ScenarioError):
        edits.with_weight(scenario, "a", 0)


def test_category() -> None:
    scenario = edits.with_category(econ.Scenario(), "deep_research", "premium")
    assert scenario.category_of("deep_research") == "premium"


class TestAiRevenueEdits:
    def test_the_attributed_basis_names_the_dearest_plan_over_the_next(self) -> None:
        scenario = edits.with_ai_basis(econ.Scenario(), "attributed", ("Lite", "Pro", "Max"))
        assert scenario.ai_revenue.basis == "attributed"
        assert scenario.ai_revenue.uplift_over == {"Max": "Pro"}
        # Named AI plans are kept when the basis changes and back.
        kept = edits.with_ai_basis(edits.with_ai_basis(scenario, "all", ()), "attributed", ())
        assert kept.ai_revenue.uplift_over == {"Max": "Pro"}

    def test_a_single_plan_cannot_be_priced_over_another(self) -> None:
        with pytest.raises(econ.ScenarioError, match="needs at least one AI plan"):
            edits.with_ai_basis(econ.Scenario(), "attributed", ("Pro",))

    def test_base_plans_and_uplifts_are_set_and_cleared(self) -> None:
        scenario = edits.with_ai_uplift_base(econ.Scenario(), "AI", "Standard")
        assert scenario.ai_revenue.uplift_over == {"AI": "Standard"}
        scenario = edits.with_ai_uplift_usd(scenario, "AI", 75.0)
        assert scenario.ai_revenue.uplift_usd == {"AI": 75.0}
        scenario = edits.with_ai_uplift_usd(
            edits.with_ai_uplift_base(scenario, "AI", None), "AI", None
        )
        assert scenario.ai_revenue == econ.AiRevenue()

    def test_ai_costs_are_dollars_a_month_and_empty_is_zero(self) -> None:
        scenario = edits.with_ai_cost(econ.Scenario(), "data_acquisition_usd", 900.0)
        assert scenario.ai_costs.data_acquisition_usd == 900.0
        assert edits.with_ai_cost(scenario, "data_acquisition_usd", None).ai_costs.all_zero
