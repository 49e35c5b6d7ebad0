"""The pre-launch estimate on the Feature margins page, driven headlessly: a launch set through
its controls lands in the scenario, and the numbers shown are the hand-computed ones."""

from __future__ import annotations

from typing import Any

import pytest
from app_support import first_upload_app, open_app, scenario_of, shown
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.app


def _estimate_rows(at: AppTest) -> dict[str, dict[str, Any]]:
    """The launch estimate table's rows by plan."""
    for frame in at.dataframe:
        value = frame.value
        if "included_uses" in value.columns:
            return {str(row["plan"]): row for row in value.to_dict("records")}
    raise AssertionError("no launch estimate table")


@pytest.mark.slow
def test_a_launch_set_through_the_controls_shows_its_margins() -> None:
    at = first_upload_app("features")
    assert scenario_of(at).launches == {}
    at.button(key="launch:add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="launch:name").input("Advanced analysis").run()
    at.number_input(key="launch:value_weight").set_value(15.0).run()
    at.number_input(key="launch:cost_per_use_usd").set_value(0.9).run()
    at.number_input(key="launch:uses").set_value(20.0).run()
    assert not at.exception, [e.value for e in at.exception]

    launch = scenario_of(at).launches["Advanced analysis"]
    assert launch.value_weight == pytest.approx(0.15)
    assert launch.cost_per_use_usd == pytest.approx(0.9)
    assert launch.uses == {"all": 20.0}

    # Starter: 20 × $0.90 = $18 against 15% of $49 = $7.35 → −$10.65 a customer-month.
    # Pro: $18 against 15% of $199 = $29.85 → +$11.85, margin 39.7%.
    rows = _estimate_rows(at)
    assert rows["Starter"]["cost_usd"] == pytest.approx(18.0)
    assert rows["Starter"]["revenue_usd"] == pytest.approx(7.35)
    assert rows["Starter"]["gross_profit_usd"] == pytest.approx(-10.65)
    assert rows["Pro"]["gross_profit_usd"] == pytest.approx(11.85)
    assert rows["Pro"]["gross_margin"] == pytest.approx(100 * 11.85 / 29.85)
    text = shown(at)
    assert "−$10.65 a customer-month" in text
    assert "+$11.85 a customer-month" in text

    at.button(key="launch:remove").click().run()
    assert scenario_of(at).launches == {}


@pytest.mark.slow
def test_per_plan_uses_and_following_a_feature() -> None:
    at = first_upload_app("features")
    at.button(key="launch:add").click().run()
    at.number_input(key="launch:value_weight").set_value(20.0).run()
    at.number_input(key="launch:cost_per_use_usd").set_value(0.5).run()
    at.number_input(key="launch:uses").set_value(30.0).run()
    at.number_input(key="launch:uses:Starter").set_value(10.0).run()
    assert not at.exception, [e.value for e in at.exception]
    assert scenario_of(at).launches["new_feature"].uses == {"all": 30.0, "Starter": 10.0}
    # Starter: 10 × $0.50 = $5 against 20% of $49 = $9.80; Pro: 30 × $0.50 = $15 of $39.80
    rows = _estimate_rows(at)
    assert rows["Starter"]["cost_usd"] == pytest.approx(5.0)
    assert rows["Starter"]["gross_profit_usd"] == pytest.approx(4.8)
    assert rows["Pro"]["cost_usd"] == pytest.approx(15.0)
    assert rows["Pro"]["included_uses"] == 35  # ⌊39.80 × (1 − 55%) ÷ $0.50⌋

    # Following half of deep research's use: Pro makes 65 calls over 3 customer-months, and
    # Starter keeps its own 10.
    at.selectbox(key="launch:like").set_value("deep_research").run()
    at.number_input(key="launch:like_share").set_value(50.0).run()
    assert not at.exception, [e.value for e in at.exception]
    launch = scenario_of(at).launches["new_feature"]
    assert launch.like_feature == "deep_research"
    assert launch.like_share == pytest.approx(0.5)
    rows = _estimate_rows(at)
    assert rows["Pro"]["uses"] == pytest.approx(0.5 * 65 / 3)
    assert rows["Starter"]["uses"] == pytest.approx(10.0)


@pytest.mark.slow
def test_a_model_prices_each_use_and_an_unknown_one_is_refused() -> None:
    at = first_upload_app("features")
    at.button(key="launch:add").click().run()
    at.number_input(key="launch:uses").set_value(100.0).run()
    at.text_input(key="launch:model").input("gpt-4o").run()
    at.number_input(key="launch:input_tokens").set_value(1000.0).run()
    at.number_input(key="launch:output_tokens").set_value(500.0).run()
    assert not at.exception, [e.value for e in at.exception]
    # 1,000 × $2.50 + 500 × $10 per million tokens = $0.0075 a use; 100 uses = $0.75
    rows = _estimate_rows(at)
    assert rows["Pro"]["cost_usd"] == pytest.approx(0.75)
    at.text_input(key="launch:model").input("no-such-model-anywhere").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("no list price" in warning.value for warning in at.warning)
    assert not any("included_uses" in frame.value.columns for frame in at.dataframe)


@pytest.mark.slow
def test_the_estimate_works_on_the_bundled_sample() -> None:
    at = open_app("features")
    at.button(key="launch:add").click().run()
    at.number_input(key="launch:value_weight").set_value(15.0).run()
    at.number_input(key="launch:cost_per_use_usd").set_value(0.9).run()
    at.number_input(key="launch:uses").set_value(20.0).run()
    assert not at.exception, [e.value for e in at.exception]
    rows = _estimate_rows(at)
    assert set(rows) == {"Business", "Pro", "Starter"}
    assert all(row["cost_usd"] == pytest.approx(18.0) for row in rows.values())
