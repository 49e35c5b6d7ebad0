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


class TestOtherPricingModels:
    """Seats, commitments, outcomes, tiers, discounts and the free tier, as the Tiers & pricing
    page's controls set them."""

    def test_a_seat_price_and_back_to_none(self) -> None:
        scenario = edits.with_plan_term(econ.Scenario(), "Pro", "seat_usd", 25.0)
        scenario = edits.with_plan_term(scenario, "Pro", "min_seats", 3.0)
        scenario = edits.with_plan_term(scenario, "Pro", "seats_from", "users")
        price = scenario.price_book.plan("Pro")
        assert (price.seat_usd, price.min_seats, price.seats_from) == (25.0, 3.0, "users")
        scenario = edits.with_plan_term(scenario, "Pro", "min_seats", None)
        assert scenario.price_book.plan("Pro").min_seats == 0.0
        cleared = edits.with_plan_term(scenario, "Pro", "seat_usd", None)
        cleared = edits.with_plan_term(cleared, "Pro", "seats_from", None)
        assert cleared.price_book.plans == {}

    def test_a_commitment_its_period_and_breakage(self) -> None:
        scenario = edits.with_plan_term(econ.Scenario(), "Pro", "commitment_usd", 1200.0)
        scenario = edits.with_plan_term(scenario, "Pro", "commitment_period", "year")
        scenario = edits.with_plan_term(scenario, "Pro", "breakage", 0.25)
        price = scenario.price_book.plan("Pro")
        assert price.monthly_commitment_usd == 100.0
        assert price.breakage == 0.25
        assert (
            edits.with_plan_term(scenario, "Pro", "breakage", None).price_book.plan("Pro").breakage
            == 1.0
        )

    def test_out_of_range_terms_are_refused(self) -> None:
        with pytest.raises(econ.ScenarioError, match="breakage"):
            edits.with_plan_term(econ.Scenario(), "Pro", "breakage", 1.5)
        with pytest.raises(econ.ScenarioError, match="seats_from"):
            edits.with_plan_term(econ.Scenario(), "Pro", "seats_from", "chairs")

    def test_an_outcome_price_set_and_cleared(self) -> None:
        scenario = edits.with_outcome_price(econ.Scenario(), "Pro", "chat", 0.99)
        assert scenario.price_book.plan("Pro").outcome_usd == {"chat": 0.99}
        assert scenario.price_book.plan("Pro").usage_features == {"chat"}
        assert edits.with_outcome_price(scenario, "Pro", "chat", None).price_book.plans == {}

    def test_tiers_from_the_editor_rows(self) -> None:
        """Stripe's example: 1-5 at $7, 6-10 at $6.50, 11 and up at $6; rows in any order,
        empty rows and emptied prices (NaN from a table) read as nothing and $0."""
        rows = [
            {"up_to": None, "unit_usd": 6.0, "flat_usd": None},
            {"up_to": 5.0, "unit_usd": 7.0, "flat_usd": float("nan")},
            {"up_to": None, "unit_usd": None, "flat_usd": None},
            {"up_to": 10.0, "unit_usd": 6.5, "flat_usd": 0.0},
        ]
        tiers = edits.tiers_from_rows("volume", "calls", rows)
        assert tiers.mode == "volume"
        assert [(b.up_to, b.unit_usd, b.flat_usd) for b in tiers.bands] == [
            (5.0, 7.0, 0.0),
            (10.0, 6.5, 0.0),
            (None, 6.0, 0.0),
        ]

    @pytest.mark.parametrize(
        ("rows", "message"),
        [
            ([], "at least one band"),
            ([{"up_to": 5.0, "unit_usd": 1.0}], "last tier band must be open"),
            ([{"up_to": None, "unit_usd": 1.0}, {"up_to": None, "unit_usd": 2.0}], "increase"),
            (
                [{"up_to": 5.0, "unit_usd": 1.0}, {"up_to": 5.0}, {"unit_usd": 0.5}],
                "increase",
            ),
            ([{"up_to": "five", "unit_usd": 1.0}, {"unit_usd": 1.0}], "up to must be a number"),
            ([{"up_to": None, "unit_usd": -1.0}], "unit_usd"),
        ],
    )
    def test_bands_that_make_no_price_are_refused(
        self, rows: list[dict[str, object]], message: str
    ) -> None:
        with pytest.raises(econ.ScenarioError, match=message):
            edits.tiers_from_rows("graduated", "calls", rows)

    def test_tiers_on_a_feature_and_on_the_whole_plan(self) -> None:
        tiers = econ.Tiers(bands=(econ.TierBand(up_to=5.0, unit_usd=1.0), econ.TierBand()))
        scenario = edits.with_tiers(econ.Scenario(), "Pro", "chat", tiers)
        scenario = edits.with_tiers(scenario, "Pro", econ.ALL_FEATURES, tiers)
        assert set(scenario.price_book.plan("Pro").tiers) == {"chat", "*"}
        assert edits.tiers_scopes(scenario.price_book.plan("Pro"), ["a", "chat"]) == [
            "*",
            "chat",
            "a",
        ]
        scenario = edits.with_tiers(scenario, "Pro", "chat", None)
        assert set(scenario.price_book.plan("Pro").tiers) == {"*"}
        assert edits.with_tiers(scenario, "Pro", "*", None).price_book.plans == {}

    def test_discounts_from_the_editor_rows(self) -> None:
        segments = {"company_size = Enterprise": ("company_size", "Enterprise")}
        rows = [
            {"share": 0.1, "min_bill_usd": 500.0, "segment": None},
            {"share": None, "min_bill_usd": None, "segment": None},
            {"share": 0.2, "min_bill_usd": float("nan"), "segment": "company_size = Enterprise"},
        ]
        found = edits.discounts_from_rows(rows, segments)
        assert found == (
            econ.Discount(share=0.1, min_bill_usd=500.0),
            econ.Discount(share=0.2, column="company_size", value="Enterprise"),
        )
        scenario = edits.with_discounts(econ.Scenario(), found)
        assert scenario.price_book.discounts == found
        assert not scenario.price_book.is_current_pricing
        assert edits.with_discounts(scenario, ()).price_book == econ.PriceBook()

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ({"share": None, "min_bill_usd": 10.0, "segment": None}, "needs its share"),
            ({"share": 1.5, "min_bill_usd": None, "segment": None}, "share"),
            ({"share": 0.1, "min_bill_usd": None, "segment": "region = Mars"}, "no segment"),
        ],
    )
    def test_discounts_that_cannot_apply_are_refused(
        self, row: dict[str, object], message: str
    ) -> None:
        with pytest.raises(econ.ScenarioError, match=message):
            edits.discounts_from_rows([row], {})

    def test_the_free_tier_settings(self) -> None:
        scenario = edits.with_freemium(econ.Scenario(), "conversion_rate", 0.05)
        scenario = edits.with_freemium(scenario, "usage_cap_calls", 100.0)
        assert scenario.price_book.freemium == econ.Freemium(0.05, 100.0)
        assert scenario.price_book.is_current_pricing  # it bills nothing
        back = edits.with_freemium(scenario, "conversion_rate", None)
        assert back.price_book.freemium.conversion_rate is None
        with pytest.raises(econ.ScenarioError, match="conversion_rate"):
            edits.with_freemium(scenario, "conversion_rate", 0.0)
