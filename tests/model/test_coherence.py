"""Numbers that move the way a CFO expects: the blended row follows its segments, and a price
rise with no customer response never lowers the LTV, profit or margin of anyone it touches."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import PLANS, datasets, scenarios

import econ
from econ import measures as m

pytestmark = pytest.mark.slow  # each example analyses a generated dataset

ALL = "all"


def _rows(report: econ.Report) -> dict[str, dict[str, object]]:
    return {row["segment"]: row for row in report.segments.iter_rows(named=True)}


@settings(max_examples=60)
@given(datasets(), scenarios())
def test_without_overrides_the_blended_churn_is_the_estimate_over_everyone(
    data: econ.Dataset, scenario: econ.Scenario
) -> None:
    report = econ.analyze_dataset(data, scenario.replace(churn=None))
    blended = report.segment(ALL)
    sums = report.customer_months.segment_sums
    expected = m.revenue_churn(float(sums["churned_mrr"].sum()), float(sums["at_risk_mrr"].sum()))
    assert blended["churn"] == expected
    assert blended["churn_source"] in {"estimated", None}


@settings(max_examples=60)
@given(datasets(), scenarios(), st.floats(0.001, 0.9))
def test_a_segment_override_moves_the_blended_row(
    data: econ.Dataset, scenario: econ.Scenario, rate: float
) -> None:
    base = econ.analyze_dataset(data, scenario.replace(churn=None))
    rows = _rows(base)
    at_risk = dict(base.customer_months.segment_sums.select("segment", "at_risk_mrr").iter_rows())
    candidates = [name for name in rows if name != ALL and at_risk.get(name, 0) > 0]
    assume(candidates)
    segment = candidates[0]
    old = rows[segment]["churn"]
    assert isinstance(old, float)
    assume(not math.isclose(rate, old, rel_tol=1e-6))
    moved = econ.analyze_dataset(data, scenario.replace(churn={segment: rate}))
    after = _rows(moved)
    blended_before, blended_after = rows[ALL]["churn"], after[ALL]["churn"]
    assert isinstance(blended_before, float) and isinstance(blended_after, float)
    assert after[ALL]["churn_source"] == "segments"
    # The blended rate moves the way the segment's did, by the segment's share of MRR at risk.
    total = sum(at_risk.values())
    assert blended_after - blended_before == pytest.approx(
        (rate - old) * at_risk[segment] / total, rel=1e-6, abs=1e-12
    )
    ltv_before, ltv_after = (
        rows[ALL]["ltv_compute_adjusted_usd"],
        after[ALL]["ltv_compute_adjusted_usd"],
    )
    if isinstance(ltv_before, float) and isinstance(ltv_after, float) and ltv_before > 0:
        assert (ltv_after < ltv_before) == (rate > old) or ltv_after == ltv_before


@settings(max_examples=40)
@given(datasets(), scenarios(), st.sampled_from(PLANS), st.floats(1.0, 500.0))
def test_a_price_rise_without_response_lowers_nothing(
    data: econ.Dataset, scenario: econ.Scenario, plan: str, rise: float
) -> None:
    # Under attributed AI revenue, a base plan's rise shrinks the uplift of the plans priced
    # over it: it lowers their AI revenue by design (tests/model/test_ai_revenue.py).
    ai_revenue = scenario.ai_revenue
    assume(ai_revenue.basis != "attributed" or plan not in ai_revenue.uplift_over.values())
    base = econ.analyze_dataset(data, scenario.replace(price_book=econ.PriceBook()))
    cms = base.customer_months.frame
    on_plan = cms.filter(cms["plan"] == plan)
    assume(on_plan.height > 0)
    price = float(on_plan["mrr_usd"].max()) + rise  # above every recorded bill of the plan
    book = econ.PriceBook(plans={plan: econ.PlanPrice(base_usd=price)})
    simulation = econ.simulate(econ.analyze_dataset(data, scenario.replace(price_book=book)))
    for row in simulation.segments.iter_rows(named=True):
        for measure in ("arpa", "ltv_compute_adjusted"):
            now, then = row[f"{measure}_current_usd"], row[f"{measure}_simulated_usd"]
            if now is not None and then is not None:
                assert then >= now - 1e-9 * max(1.0, abs(now))
        margin_now, margin_then = row["gross_margin_current"], row["gross_margin_simulated"]
        if margin_now is not None and margin_then is not None:
            assert margin_then >= margin_now - 1e-9
    profit = {row["measure"]: row for row in simulation.totals.iter_rows(named=True)}
    assert profit["gross_profit_usd"]["simulated"] >= profit["gross_profit_usd"]["current"] - 1e-6


def test_the_simulation_keeps_the_observed_churn() -> None:
    usage, revenue = econ.sample_paths()
    scenario = econ.sample_scenario()
    book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
    report = econ.analyze(usage, revenue, scenario.replace(price_book=book))
    simulation = econ.simulate(report)
    blended = simulation.segments.row(-1, named=True)
    assert blended["segment"] == ALL
    # Starter $49 → $59, no response: every LTV rises (it fell from $8,813 to $8,810 before).
    assert (
        blended["ltv_compute_adjusted_simulated_usd"] > blended["ltv_compute_adjusted_current_usd"]
    )
    assert round(blended["ltv_compute_adjusted_current_usd"]) == 8_813


def test_power_users_churn_reaches_the_blended_row() -> None:
    usage, revenue = econ.sample_paths()
    scenario = econ.sample_scenario()
    before = econ.analyze(usage, revenue, scenario).segment(ALL)
    after = econ.analyze(usage, revenue, scenario.replace(churn={"power": 0.045})).segment(ALL)
    assert before["churn"] == pytest.approx(0.0213, abs=1e-4)
    assert after["churn"] > before["churn"]
    assert after["ltv_compute_adjusted_usd"] < before["ltv_compute_adjusted_usd"]
    assert after["ltv_cac"] < before["ltv_cac"]


def test_an_explicit_blended_rate_wins() -> None:
    usage, revenue = econ.sample_paths()
    scenario = econ.sample_scenario().replace(churn={"power": 0.045, ALL: 0.03})
    blended = econ.analyze(usage, revenue, scenario).segment(ALL)
    assert (blended["churn"], blended["churn_source"]) == (0.03, "scenario")
