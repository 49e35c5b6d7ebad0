"""The edits controls make: a widget's value (a percentage, an emptied input) turned into the
scenario edit it stands for. Binding them to widgets is tested with the pages (tests/app)."""

from __future__ import annotations

import pytest

import econ
from econ.present.retention import LTV_METHOD_LABELS
from econ.scenario import edits
from econ.scenario.assumptions import BURDENS
from ui import controls

SCENARIO = econ.Scenario(segment_by="plan", cac_usd={"Pro": 900.0, "all": 500.0})
PRICE = econ.PlanPrice(included={"chat": 100}, overage_usd={"chat": 0.02}, per_call_usd={})


def test_a_burden_title_for_every_burden_in_order() -> None:
    assert tuple(controls.BURDEN_TITLES) == BURDENS


def test_percentages_and_rates() -> None:
    assert controls.percent_value(0.03456) == 3.46
    assert controls.as_rate(3.5) == 0.035
    assert controls.percent_value(None) is None
    assert controls.as_rate(None) is None


def test_a_segment_shows_its_own_value_else_the_blended_one() -> None:
    assert controls.segment_value(SCENARIO.cac_usd, "Pro") == 900.0
    assert controls.segment_value(SCENARIO.cac_usd, "Starter") == 500.0
    assert controls.segment_value(None, "Pro") is None


def test_the_tier_split_from_whole_percentiles() -> None:
    split = controls.tier_split(econ.Scenario(), (25, 90))
    assert split.usage_tier_percentiles == (25.0, 90.0)


def test_churn_from_a_percentage() -> None:
    names = ["Starter", "Pro"]
    assert controls.churn_percent(SCENARIO, 3.5, "Pro", names) == edits.with_churn(
        SCENARIO, "Pro", 0.035, names
    )
    assert controls.reset_churn(SCENARIO.replace(churn=0.1)).churn is None


@pytest.mark.parametrize("value", [None, 0.0, 12.5])
def test_an_emptied_burden_or_price_is_zero(value: float | None) -> None:
    assert controls.burden(SCENARIO, value, "support_usd").cogs.support_usd == (value or 0.0)
    observed = {"Pro": 199.0}
    assert controls.plan_price(SCENARIO, value, "Pro", observed) == edits.with_price(
        SCENARIO, "Pro", value or 0.0, observed
    )


def test_cac_weight_and_category_edit_their_own_segment_or_feature() -> None:
    names = ["Starter", "Pro"]
    assert controls.cac(SCENARIO, 1200.0, "Pro", names) == edits.with_cac(
        SCENARIO, "Pro", 1200.0, names
    )
    assert controls.weight(SCENARIO, 3.0, "chat").allocation.weights == {"chat": 3.0}
    assert controls.category(SCENARIO, "premium", "chat").category_of("chat") == "premium"


def test_the_price_book_inputs() -> None:
    assert [
        controls.feature_price(PRICE, name, "chat") for name, _ in controls.FEATURE_PRICE_STEPS
    ] == [
        100,
        0.02,
        None,
    ]
    book = controls.book_plan_price(SCENARIO, 59.0, "Pro", "base_usd").price_book
    assert book.plan("Pro").base_usd == 59.0
    book = controls.book_feature_price(SCENARIO, 0.5, "Pro", "chat", "per_call_usd").price_book
    assert book.plan("Pro").per_call_usd == {"chat": 0.5}
    book = controls.book_feature_removed(SCENARIO, True, "Pro", "chat").price_book
    assert book.plan("Pro").removed == ("chat",)
    assert controls.book_cost_factor(SCENARIO, 0.6, "chat").price_book.cost_multipliers == {
        "chat": 0.6
    }
    setting = controls.book_setting(SCENARIO, 0.25, "metered_usage_drop")
    assert setting.price_book.metered_usage_drop == 0.25
    assert controls.clear_price_book(setting).price_book == econ.PriceBook()


# -- the retention record's controls --


class TestRetentionEdits:
    def test_the_discount_rate_from_a_percentage(self) -> None:
        scenario = econ.Scenario(retention=econ.Retention(ltv_method="sbg"))
        changed = controls.discount_percent(scenario, 12.5)
        assert changed.retention == econ.Retention(ltv_method="sbg", discount_rate=0.125)
        assert controls.discount_percent(scenario, None).retention.discount_rate == 0.0

    def test_an_out_of_range_rate_is_refused(self) -> None:
        with pytest.raises(econ.ScenarioError, match="discount_rate"):
            controls.discount_percent(econ.Scenario(), 150.0)

    def test_the_ltv_method(self) -> None:
        scenario = econ.Scenario(retention=econ.Retention(discount_rate=0.2))
        changed = controls.ltv_method(scenario, "sbg")
        assert changed.retention == econ.Retention(ltv_method="sbg", discount_rate=0.2)
        assert set(LTV_METHOD_LABELS) == {"simple", "sbg"}


def test_the_acquisition_edit() -> None:
    scenario = econ.Scenario(retention=econ.Retention(ltv_method="sbg", discount_rate=0.2))
    edited = controls.new_customers(scenario, 12.0)
    assert edited.retention == econ.Retention(
        ltv_method="sbg", discount_rate=0.2, new_customers_per_month=12.0
    )
    assert controls.new_customers(edited, None).retention == scenario.retention


def test_a_churn_slider_reaches_the_rate_it_shows() -> None:
    assert controls.churn_slider_top(None) == controls.CHURN_SLIDER_TOP
    assert controls.churn_slider_top(0.047) == controls.CHURN_SLIDER_TOP
    assert controls.churn_slider_top(0.30) == controls.CHURN_SLIDER_TOP
    assert controls.churn_slider_top(0.5) == 50.0
    assert controls.churn_slider_top(0.501) == 60.0
    assert controls.churn_slider_top(1.0) == 100.0
