"""The customer response: hand-computed leave probabilities and losses, no response at current
pricing or zero elasticity, and the properties a CFO expects (a larger rise or a larger elasticity
never keeps more)."""

from __future__ import annotations

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import FEATURES, PLANS, datasets

import econ
from econ.decisions import response
from econ.decisions.pricing import simulate
from econ.decisions.response import leave_probability

# Two Pro customers on $100 for two months and one Lite customer; "research" is metered.
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Pro"),
        ("a", "2026-02", 100, "Pro"),
        ("b", "2026-01", 100, "Pro"),
        ("b", "2026-02", 100, "Pro"),
        ("d", "2026-01", 30, "Lite"),
        ("d", "2026-02", 30, "Lite"),
    ]
)
USAGE = usage_frame(
    [
        ("a", "research", "2026-01", 12, 6.0),
        ("b", "research", "2026-01", 30, 15.0),
        ("b", "research", "2026-02", 50, 25.0),
        ("d", "research", "2026-02", 4, 2.0),
    ]
)
OVERAGE = econ.PlanPrice(included={"research": 10}, overage_usd={"research": 1.0})


def simulation(book: econ.PriceBook) -> econ.Simulation:
    scenario = econ.Scenario(price_book=book, churn=0.05)  # two months show no churn
    return simulate(econ.analyze(USAGE, REVENUE, scenario))


def totals(sim: econ.Simulation) -> dict[str, dict[str, float]]:
    return {row["measure"]: row for row in sim.response.totals.iter_rows(named=True)}


class TestLeaveProbability:
    @pytest.mark.parametrize(
        ("rise", "elasticity", "tolerated", "expected"),
        [
            (0.2, 0.5, 0.0, 0.1),  # a 20% rise loses one customer in ten
            (-0.3, 0.5, 0.0, 0.0),  # a cut loses no one
            (0.0, 0.5, 0.0, 0.0),
            (3.0, 0.5, 0.0, 1.0),  # capped at certainty
            (0.2, 0.0, 0.0, 0.0),  # no response
            (0.05, 2.0, 0.1, 0.0),  # within the tolerated rise
            (0.3, 2.0, 0.1, 0.4),  # 2 × (30% − 10%)
        ],
    )
    def test_hand_computed(
        self, rise: float, elasticity: float, tolerated: float, expected: float
    ) -> None:
        assert leave_probability(rise, elasticity, tolerated) == pytest.approx(expected)

    def test_the_column_form_agrees(self) -> None:
        rises = [-0.5, 0.0, 0.1, 0.25, 1.0, 4.0]
        frame = pl.DataFrame({"x": rises}).select(leave_probability(pl.col("x"), 0.7, 0.05))
        assert frame["x"].to_list() == [leave_probability(x, 0.7, 0.05) for x in rises]

    @given(
        st.floats(-1, 10),
        st.floats(-1, 10),
        st.floats(0, 20),
        st.floats(0, 20),
        st.floats(0, 2),
    )
    def test_monotone_in_the_rise_and_the_elasticity(
        self, x1: float, x2: float, e1: float, e2: float, tolerated: float
    ) -> None:
        (x1, x2), (e1, e2) = sorted((x1, x2)), sorted((e1, e2))
        assert 0 <= leave_probability(x1, e1, tolerated) <= 1
        assert leave_probability(x1, e1, tolerated) <= leave_probability(x2, e1, tolerated)
        assert leave_probability(x1, e1, tolerated) <= leave_probability(x1, e2, tolerated)


class TestHandComputed:
    def test_overage_with_the_default_response(self) -> None:
        sim = simulation(econ.PriceBook(plans={"Pro": OVERAGE}))
        # a: 2 over → $202 on $200 (+1%): p = 0.005. b: 20 + 40 over → $260 (+30%): p = 0.15.
        probabilities = dict(
            sim.response.by_customer.select("customer_id", "leave_probability").iter_rows()
        )
        assert probabilities == {
            "b": pytest.approx(0.15),
            "a": pytest.approx(0.005),
            "d": 0.0,
        }
        resp = sim.response
        assert resp.customers == 3
        assert resp.leaving == 2
        assert resp.expected_lost == pytest.approx(0.155)
        assert resp.revenue_at_risk_usd == pytest.approx((202 + 260) / 2)
        # Leavers take their simulated revenue: 0.005 × $202 + 0.15 × $260 = $40.01 over 2 months.
        assert resp.revenue_lost_usd == pytest.approx(40.01 / 2)
        row = totals(sim)["revenue_usd"]
        assert row["simulated"] - row["current"] == pytest.approx(62 / 2)
        assert row["change_after_response"] == pytest.approx((62 - 40.01) / 2)
        # ... and their inference: 0.005 × $6 + 0.15 × $40 = $6.03; no burdens are set.
        lost_profit = 40.01 - 6.03
        assert resp.gross_profit_lost_usd == pytest.approx(lost_profit / 2)
        assert resp.gross_profit_change_usd == pytest.approx((62 - lost_profit) / 2)
        assert totals(sim)["customers"]["after_response"] == pytest.approx(3 - 0.155)

    def test_ltv_after_the_response_is_the_share_that_stays(self) -> None:
        sim = simulation(econ.PriceBook(plans={"Pro": OVERAGE}))
        segments = {row["segment"]: row for row in sim.response.segments.iter_rows(named=True)}
        blended = segments["all"]
        assert blended["lost_share"] == pytest.approx(0.155 / 3)
        assert blended["ltv_compute_adjusted_after_response_usd"] == pytest.approx(
            blended["ltv_compute_adjusted_simulated_usd"] * (1 - 0.155 / 3)
        )
        assert sim.response.segments["segment"].to_list() == sim.segments["segment"].to_list()

    def test_a_tolerated_rise_loses_no_one(self) -> None:
        sim = simulation(econ.PriceBook(plans={"Pro": OVERAGE}, tolerated_increase=0.3))
        assert sim.response.expected_lost == 0.0
        assert sim.response.leaving == 0

    def test_a_price_cut_loses_no_one(self) -> None:
        sim = simulation(econ.PriceBook(plans={"Pro": econ.PlanPrice(base_usd=50.0)}))
        assert sim.response.expected_lost == 0.0
        assert sim.response.revenue_at_risk_usd == 0.0


def _assert_no_response(sim: econ.Simulation) -> None:
    """Every figure after the response is the simulator's, exactly."""
    resp = sim.response
    assert resp.expected_lost == 0.0
    assert resp.revenue_at_risk_usd == 0.0
    frame = resp.totals.filter(pl.col("measure") != "customers")
    assert frame["after_response"].to_list() == frame["simulated"].to_list()
    assert frame["simulated"].to_list() == sim.totals["simulated"].to_list()
    assert frame["change_after_response"].to_list() == sim.totals["change"].to_list()
    assert (
        resp.segments["ltv_compute_adjusted_after_response_usd"].to_list()
        == sim.segments["ltv_compute_adjusted_simulated_usd"].to_list()
    )


def test_current_pricing_has_no_response() -> None:
    sim = simulation(econ.PriceBook())
    _assert_no_response(sim)
    assert totals(sim)["revenue_usd"]["change_after_response"] == 0.0


def test_response_tables_have_their_declared_schemas() -> None:
    sim = simulation(econ.PriceBook(plans={"Pro": OVERAGE}))
    assert sim.response.totals.schema == response.RESPONSE_TOTALS_SCHEMA
    assert sim.response.segments.schema == response.RESPONSE_SEGMENT_SCHEMA
    assert sim.response.by_customer.schema == response.CUSTOMER_RESPONSE_SCHEMA


# -- properties on any small dataset --

per_use_prices = st.floats(0, 5, allow_nan=False)


def _metered(price: float, **book: float) -> econ.PriceBook:
    """A pure price rise: every feature on every plan billed ``price`` a use on top of the
    recorded MRR (nothing is cheaper, no usage stops)."""
    plans = {plan: econ.PlanPrice(per_call_usd=dict.fromkeys(FEATURES, price)) for plan in PLANS}
    return econ.PriceBook(plans=plans, **book)


def _simulate(data: econ.Dataset, book: econ.PriceBook) -> econ.Simulation:
    return simulate(econ.analyze_dataset(data, econ.Scenario(price_book=book)))


def _after(sim: econ.Simulation, measure: str) -> float:
    return float(sim.response.totals.filter(pl.col("measure") == measure)["after_response"].item())


@pytest.mark.slow
@settings(max_examples=30)
@given(datasets(), per_use_prices, per_use_prices)
def test_a_larger_rise_never_keeps_more_customers(
    data: econ.Dataset, low: float, high: float
) -> None:
    low, high = sorted((low, high))
    smaller, larger = _simulate(data, _metered(low)), _simulate(data, _metered(high))
    assert larger.response.expected_lost >= smaller.response.expected_lost
    assert _after(larger, "customers") <= _after(smaller, "customers")


@pytest.mark.slow
@settings(max_examples=30)
@given(datasets(), per_use_prices)
def test_zero_elasticity_reproduces_the_no_response_figures(
    data: econ.Dataset, price: float
) -> None:
    _assert_no_response(_simulate(data, _metered(price, churn_elasticity=0.0)))


@pytest.mark.slow
@settings(max_examples=30)
@given(datasets(), per_use_prices, st.floats(0, 5))
def test_after_a_pure_rise_the_response_figures_are_at_most_the_no_response_ones(
    data: econ.Dataset, price: float, elasticity: float
) -> None:
    sim = _simulate(data, _metered(price, churn_elasticity=elasticity))
    rows = {row["measure"]: row for row in sim.response.totals.iter_rows(named=True)}
    for measure in ("revenue_usd", "inference_usd", "customers"):
        assert rows[measure]["after_response"] <= rows[measure]["simulated"] + 1e-9
    assert sim.response.revenue_lost_usd <= sim.response.revenue_at_risk_usd + 1e-9
    for row in sim.response.segments.iter_rows(named=True):
        before, after = (
            row["ltv_compute_adjusted_simulated_usd"],
            row["ltv_compute_adjusted_after_response_usd"],
        )
        assert (before is None) == (after is None)
        if before is not None:
            assert abs(after) <= abs(before) + 1e-9


@pytest.mark.slow
@settings(max_examples=30)
@given(datasets(), per_use_prices, st.floats(0, 5), st.floats(0, 5))
def test_more_elasticity_never_keeps_more_revenue(
    data: econ.Dataset, price: float, e1: float, e2: float
) -> None:
    e1, e2 = sorted((e1, e2))
    weaker = _simulate(data, _metered(price, churn_elasticity=e1))
    stronger = _simulate(data, _metered(price, churn_elasticity=e2))
    assert _after(stronger, "revenue_usd") <= _after(weaker, "revenue_usd")
    assert stronger.response.expected_lost >= weaker.response.expected_lost
