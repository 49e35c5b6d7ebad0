"""The pre-launch estimate of a new feature (article 002), on the article's example and on the
first small upload, by hand."""

from __future__ import annotations

import json

import pytest
from builders import FIRST_REVENUE, FIRST_USAGE
from hypothesis import given
from hypothesis import strategies as st

import econ
from econ.decisions.estimate import PlanBase, estimate, estimate_plans, estimate_text
from econ.scenario.launch import Launch
from econ.schema import CATEGORY_BANDS

ADVANCED = Launch(
    name="advanced_ai_analysis",
    category="premium",
    value_weight=0.15,
    cost_per_use_usd=0.90,
    uses={"all": 20},
)
"""Article 002's Advanced AI Analysis: 20 uses at $0.90, valued at 15% of the price."""

ARTICLE_PLAN = PlanBase(
    plan="Flat", customer_months=1, arpa_usd=100.0, inference_usd=17.10, churn=0.05
)
"""Article 002's $100 plan whose four features cost $17.10 a customer-month."""


def test_the_articles_advanced_ai_analysis_loses_three_dollars() -> None:
    (plan,) = estimate_plans([ARTICLE_PLAN], ADVANCED).plans
    assert plan.uses == 20
    assert plan.cost_usd == pytest.approx(18.0)
    assert plan.revenue_usd == pytest.approx(15.0)
    assert plan.gross_profit_usd == pytest.approx(-3.0)
    assert plan.gross_margin == pytest.approx(-0.2)
    assert plan.status == "negative"
    # "$100 revenue, $17.10 cost → 83%" before; "$35.10 cost → 65%" after
    assert plan.plan_margin_before == pytest.approx(0.829)
    assert plan.plan_margin_after == pytest.approx(0.649)
    # simple compute-adjusted LTV = gross profit ÷ churn: 82.90 ÷ 0.05, then 64.90 ÷ 0.05
    assert plan.ltv_before_usd == pytest.approx(1658.0)
    assert plan.ltv_after_usd == pytest.approx(1298.0)
    # premium band low end 45%: ⌊15 × 0.55 ÷ 0.90⌋ = 9 uses; 0.90 ÷ 0.55 = 1.636… → $1.64;
    # 18 ÷ (0.15 × 0.55) = $218.18
    assert plan.included_uses == 9
    assert plan.overage_usd == pytest.approx(1.64)
    assert plan.minimum_price_usd == pytest.approx(218.1818, rel=1e-4)
    text = estimate_text(estimate_plans([ARTICLE_PLAN], ADVANCED))
    assert "20 uses × $0.90 = $18.00 against $15.00 of revenue" in text
    assert "−$3.00 a customer-month" in text


def _first_report(scenario: econ.Scenario | None = None) -> econ.Report:
    return econ.analyze(FIRST_USAGE, FIRST_REVENUE, scenario or econ.Scenario())


def test_per_plan_on_the_first_upload_by_hand() -> None:
    # Starter: 5 customer-months, $245 → $49 each; inference 162.7 + 1.8 = $164.50 → $32.90.
    # Pro: 3 customer-months, $597 → $199 each; inference $106.50 → $35.50.
    launch = Launch(
        name="summaries", value_weight=0.2, cost_per_use_usd=0.5, uses={"Starter": 10, "all": 30}
    )
    result = estimate(_first_report(), launch)
    assert [plan.plan for plan in result.plans] == ["Pro", "Starter"]
    by_plan = {plan.plan: plan for plan in result.plans}
    starter, pro = by_plan["Starter"], by_plan["Pro"]
    assert starter.customer_months == 5
    assert starter.cost_usd == pytest.approx(5.0)
    assert starter.revenue_usd == pytest.approx(9.8)
    assert starter.gross_profit_usd == pytest.approx(4.8)
    assert starter.gross_margin == pytest.approx(4.8 / 9.8)
    assert starter.status == "watch"  # core band: act below 40%, low 55%
    assert starter.plan_margin_before == pytest.approx((49 - 32.9) / 49)
    assert starter.plan_margin_after == pytest.approx((49 - 37.9) / 49)
    assert pro.cost_usd == pytest.approx(15.0)
    assert pro.revenue_usd == pytest.approx(39.8)
    assert pro.gross_margin == pytest.approx(24.8 / 39.8)
    assert pro.status == "ok"
    assert pro.plan_margin_after == pytest.approx((199 - 35.5 - 15) / 199)
    # core target 55%: ⌊39.8 × 0.45 ÷ 0.5⌋ = 35; overage 0.5 ÷ 0.45 → $1.12
    assert pro.included_uses == 35
    assert pro.overage_usd == pytest.approx(1.12)
    assert starter.included_uses == 8  # ⌊9.8 × 0.45 ÷ 0.5⌋
    # LTV with the blended churn of the report: before minus after = cost ÷ churn
    churn = _first_report().segment("all")["churn"]
    assert churn is not None and churn > 0
    assert pro.ltv_before_usd is not None and pro.ltv_after_usd is not None
    assert pro.ltv_before_usd - pro.ltv_after_usd == pytest.approx(15.0 / churn)


def test_uses_follow_a_share_of_an_existing_feature() -> None:
    # deep_research on Pro: 20 + 25 + 20 = 65 calls over 3 customer-months; half of that use
    launch = Launch(
        name="briefs",
        value_weight=0.1,
        cost_per_use_usd=1.0,
        like_feature="deep_research",
        like_share=0.5,
    )
    by_plan = {plan.plan: plan for plan in estimate(_first_report(), launch).plans}
    assert by_plan["Pro"].uses == pytest.approx(0.5 * 65 / 3)
    # Starter: acme 30 + 40 + 55 = 125 calls over 5 customer-months
    assert by_plan["Starter"].uses == pytest.approx(0.5 * 125 / 5)


def test_a_plan_without_uses_is_blank_with_a_reason() -> None:
    launch = Launch(name="x", value_weight=0.1, cost_per_use_usd=1.0, uses={"Pro": 3})
    by_plan = {plan.plan: plan for plan in estimate(_first_report(), launch).plans}
    starter = by_plan["Starter"]
    assert starter.cost_usd is None and starter.gross_margin is None
    assert any(reason.startswith("uses:") for reason in starter.null_reasons)
    assert by_plan["Pro"].cost_usd == pytest.approx(3.0)


def test_the_estimate_is_plain_json() -> None:
    result = estimate_plans([ARTICLE_PLAN], ADVANCED)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert Launch.from_dict(data["launch"], "launch") == ADVANCED
    assert data["plans"][0]["gross_profit_usd"] == pytest.approx(-3.0)
    assert data["target_margin"] == pytest.approx(0.45)
    frame = result.frame()
    assert frame.height == 1
    assert frame["gross_profit_usd"][0] == pytest.approx(-3.0)


@given(
    arpa=st.floats(1.0, 10_000.0),
    inference=st.floats(0.0, 1_000.0),
    weight=st.floats(0.01, 0.99),
    cost_per_use=st.floats(0.001, 10.0),
    uses=st.floats(0.0, 1_000.0),
)
def test_identities_of_the_estimate(
    arpa: float, inference: float, weight: float, cost_per_use: float, uses: float
) -> None:
    base = PlanBase(plan="P", customer_months=4, arpa_usd=arpa, inference_usd=inference, churn=0.1)
    launch = Launch(name="f", value_weight=weight, cost_per_use_usd=cost_per_use, uses={"P": uses})
    (plan,) = estimate_plans([base], launch).plans
    assert plan.cost_usd == pytest.approx(uses * cost_per_use)
    assert plan.gross_profit_usd == pytest.approx(weight * arpa - uses * cost_per_use)
    assert plan.plan_margin_before is not None and plan.plan_margin_after is not None
    # the price stays, so the plan's margin falls by the cost's share of it
    assert plan.plan_margin_before - plan.plan_margin_after == pytest.approx(
        uses * cost_per_use / arpa, abs=1e-9
    )
    assert plan.ltv_before_usd is not None and plan.ltv_after_usd is not None
    assert plan.ltv_before_usd - plan.ltv_after_usd == pytest.approx(
        uses * cost_per_use / 0.1, abs=1e-6
    )
    # the allowance keeps the feature at its target when used up to it
    assert plan.included_uses is not None
    target = CATEGORY_BANDS[launch.category].low
    assert plan.included_uses * cost_per_use <= weight * arpa * (1 - target) + 1e-9


def test_a_model_and_tokens_price_each_use() -> None:
    # gpt-4o's list price: $2.50 per million input tokens, $10 per million output tokens:
    # 1,000 × 2.5e-6 + 500 × 1e-5 = $0.0075 a use
    launch = Launch(
        name="tokens",
        value_weight=0.1,
        cost_per_use_usd=99.0,  # ignored: the model prices the use
        uses={"all": 100.0},
        model="gpt-4o",
        input_tokens=1_000,
        output_tokens=500,
    )
    result = estimate(_first_report(), launch)
    assert result.cost_per_use_usd == pytest.approx(0.0075)
    assert [plan.cost_usd for plan in result.plans] == [pytest.approx(0.75)] * 2


def test_an_unknown_model_is_refused_not_free() -> None:
    launch = Launch(name="x", uses={"all": 5.0}, model="no-such-model-anywhere", input_tokens=10)
    with pytest.raises(econ.ScenarioError, match="no list price"):
        estimate(_first_report(), launch)
