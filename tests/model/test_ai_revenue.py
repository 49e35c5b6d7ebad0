"""What counts as AI revenue: article 001's buckets, by hand on a two-plan company.

Two customers over three months: ``ai`` on the AI plan at $275 with $30 of inference a month,
``std`` on the standard plan at $200 with $10. Acme's uplift is $275 − $200 = $75 a month.
"""

from __future__ import annotations

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from hypothesis import given, settings
from hypothesis import strategies as st

import econ
from econ import measures as m
from econ.model.customer_months import COUNTED_REVENUE_USD, uplifts
from econ.present.ai_revenue import ai_revenue_buckets
from econ.present.summary import ai_revenue_text

MONTHS = ("2026-01", "2026-02", "2026-03")
ATTRIBUTED = econ.AiRevenue(basis="attributed", uplift_over={"AI": "Standard"})


def _revenue(ai_price: float = 275.0, **extra: list[float]) -> pl.DataFrame:
    rows = [("ai", month, ai_price, "AI") for month in MONTHS]
    rows += [("std", month, 200.0, "Standard") for month in MONTHS]
    frame = revenue_frame(rows)
    return frame.with_columns(pl.Series(name, values) for name, values in extra.items())


def _usage() -> pl.DataFrame:
    rows = [("ai", "chat", month, 100, 30.0) for month in MONTHS]
    rows += [("std", "chat", month, 50, 10.0) for month in MONTHS]
    return usage_frame(rows)


def _report(scenario: econ.Scenario, revenue: pl.DataFrame | None = None) -> econ.Report:
    data = econ.load_dataset(_usage(), _revenue() if revenue is None else revenue)
    return econ.analyze_dataset(data, scenario)


def test_acme_uplift_is_75_dollars() -> None:
    assert m.attributed_uplift(275.0, 200.0) == 75.0
    assert m.attributed_uplift(200.0, 200.0) is None
    assert m.attributed_uplift(150.0, 200.0) is None


def test_uplift_from_prices_or_given_and_missing_plans_said() -> None:
    found = uplifts(ATTRIBUTED, {"AI": 275.0, "Standard": 200.0})
    assert found.amounts == {"AI": 75.0}
    assert found.sources == {"AI": "$275 − $200 (Standard)"}
    given_too = econ.AiRevenue(
        basis="attributed", uplift_over={"AI": "Standard"}, uplift_usd={"AI": 60.0}
    )
    assert uplifts(given_too, {"AI": 275.0, "Standard": 200.0}).amounts == {"AI": 60.0}
    missing = uplifts(ATTRIBUTED, {"AI": 275.0})
    assert missing.amounts == {}
    assert "'Standard' not being a plan" in missing.warnings[0]
    cheaper = uplifts(ATTRIBUTED, {"AI": 150.0, "Standard": 200.0})
    assert cheaper.amounts == {} and "not priced above" in cheaper.warnings[0]


def test_all_revenue_is_the_default_and_counts_every_dollar() -> None:
    report = _report(econ.Scenario(segment_by="plan"))
    assert report.totals.revenue_usd == pytest.approx(3 * 275 + 3 * 200)
    frame = report.customer_months.frame
    assert frame[COUNTED_REVENUE_USD].to_list() == frame["mrr_usd"].to_list()


def test_attributed_counts_the_uplift_on_the_ai_plan_only() -> None:
    report = _report(econ.Scenario(segment_by="plan", ai_revenue=ATTRIBUTED, churn=0.05))
    ai, standard = report.segment("AI"), report.segment("Standard")
    assert ai["arpa_usd"] == pytest.approx(75.0)
    assert ai["gross_profit_usd"] == pytest.approx(75.0 - 30.0)
    assert ai["ltv_compute_adjusted_usd"] == pytest.approx(45.0 / 0.05)
    # The standard plan's AI use earns no AI revenue: a cost the report shows.
    assert standard["arpa_usd"] == pytest.approx(0.0)
    assert standard["gross_profit_usd"] == pytest.approx(-10.0)
    assert report.totals.revenue_usd == pytest.approx(3 * 75.0)
    assert any("count no AI revenue" in warning for warning in report.warnings)
    # Features split the counted revenue: chat earns $75 a month, not $475.
    chat = report.features.row(0, named=True)
    assert chat["revenue_usd"] == pytest.approx(3 * 75.0)


def test_direct_counts_the_column_at_most_the_mrr() -> None:
    revenue = _revenue(ai_revenue_usd=[25.0, 25.0, 25.0, 0.0, 0.0, 5.0])
    report = _report(
        econ.Scenario(segment_by="plan", ai_revenue=econ.AiRevenue(basis="direct")), revenue
    )
    assert report.totals.revenue_usd == pytest.approx(80.0)
    assert report.segment("AI")["arpa_usd"] == pytest.approx(25.0)
    assert report.segment("Standard")["arpa_usd"] == pytest.approx(5.0 / 3)


def test_direct_without_the_column_is_refused_and_a_saved_scenario_falls_back() -> None:
    scenario = econ.Scenario(ai_revenue=econ.AiRevenue(basis="direct"))
    with pytest.raises(econ.ScenarioError, match="has no ai_revenue_usd column"):
        _report(scenario)
    fitted = econ.fit_scenario(scenario, econ.load_dataset(_usage(), _revenue()))
    assert fitted.scenario.ai_revenue == econ.AiRevenue()
    assert "all revenue counts" in fitted.dropped[0]


def test_an_ai_plan_the_data_lost_is_dropped_when_fitted() -> None:
    scenario = econ.Scenario(
        ai_revenue=econ.AiRevenue(basis="attributed", uplift_over={"Gold": "Standard"})
    )
    fitted = econ.fit_scenario(scenario, econ.load_dataset(_usage(), _revenue()))
    assert fitted.scenario.ai_revenue == econ.AiRevenue()
    assert any("'Gold'" in text for text in fitted.dropped)


def test_influenced_revenue_is_reported_and_never_counted() -> None:
    plain = _report(econ.Scenario(segment_by="plan"))
    revenue = _revenue(ai_influenced_usd=[100.0] * 6)
    tracked = _report(econ.Scenario(segment_by="plan"), revenue)
    assert tracked.segments.equals(plain.segments)
    assert tracked.features.equals(plain.features)
    buckets = ai_revenue_buckets(tracked)
    row = buckets.table.filter(pl.col("bucket") == "influenced").row(0, named=True)
    assert row["total_usd"] == pytest.approx(600.0) and row["counted"] is False
    assert "AI-influenced revenue, tracked and never counted: $200.00 a month" in (
        ai_revenue_text(tracked)
    )


def test_buckets_side_by_side_with_the_counted_one_marked() -> None:
    report = _report(econ.Scenario(ai_revenue=ATTRIBUTED))
    buckets = ai_revenue_buckets(report)
    table = {row["bucket"]: row for row in buckets.table.iter_rows(named=True)}
    assert table["all"]["total_usd"] == pytest.approx(1425.0)
    assert table["attributed"]["total_usd"] == pytest.approx(225.0)
    assert table["attributed"]["per_customer_month_usd"] == pytest.approx(225.0 / 6)
    assert table["attributed"]["share_of_mrr"] == pytest.approx(225.0 / 1425.0)
    assert [row["counted"] for row in table.values()] == [False, False, True, False]
    assert table["direct"]["total_usd"] is None
    assert "no ai_revenue_usd column" in table["direct"]["note"]
    assert buckets.sentence.endswith("AI $275 − $200 (Standard).")


def test_a_simulated_price_rise_of_the_ai_plan_is_all_uplift() -> None:
    book = econ.PriceBook(plans={"AI": econ.PlanPrice(base_usd=300.0)})
    report = _report(econ.Scenario(segment_by="plan", ai_revenue=ATTRIBUTED, price_book=book))
    simulated = econ.simulate(report).simulated.frame
    on_ai = simulated.filter(pl.col("plan") == "AI")
    assert on_ai["mrr_usd"].to_list() == [300.0] * 3
    assert on_ai[COUNTED_REVENUE_USD].to_list() == pytest.approx([100.0] * 3)


@settings(max_examples=25, deadline=None)
@given(rise=st.floats(min_value=1.0, max_value=500.0))
def test_pricing_the_ai_plan_higher_raises_its_ai_revenue_and_ltv(rise: float) -> None:
    """A CFO's expectation: with the same usage and churn, a dearer AI plan earns more AI revenue
    and a higher compute-adjusted LTV; the standard plan's figures do not move."""
    scenario = econ.Scenario(segment_by="plan", ai_revenue=ATTRIBUTED, churn=0.05)
    before = _report(scenario)
    after = _report(scenario.replace(prices={"AI": 275.0 + rise}))
    assert after.segment("AI")["arpa_usd"] == pytest.approx(75.0 + rise)
    assert (
        after.segment("AI")["ltv_compute_adjusted_usd"]
        > before.segment("AI")["ltv_compute_adjusted_usd"]
    )
    assert after.segment("Standard")["gross_profit_usd"] == pytest.approx(
        before.segment("Standard")["gross_profit_usd"]
    )


def test_a_dearer_base_plan_shrinks_the_ai_plans_uplift() -> None:
    """The attributed uplift is the AI plan's price over its base: raising the base's price
    moves AI revenue from the AI plan's customers back to subscription revenue."""
    scenario = econ.Scenario(segment_by="plan", ai_revenue=ATTRIBUTED, churn=0.05)
    after = _report(scenario.replace(prices={"Standard": 225.0}))
    assert after.segment("AI")["arpa_usd"] == pytest.approx(50.0)
    assert after.segment("Standard")["arpa_usd"] == pytest.approx(0.0)
