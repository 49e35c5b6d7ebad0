"""The pricing simulator: hand-computed bills, and the identities a simulation must keep."""

from __future__ import annotations

import polars as pl
import pytest
from builders import revenue_frame, usage_frame

import econ
from econ.decisions import pricing
from econ.decisions.pricing import simulate
from econ.model.customer_months import Window

# Three Pro customers and one Lite customer over two months; "research" is the costly feature.
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Pro"),
        ("a", "2026-02", 100, "Pro"),
        ("b", "2026-01", 100, "Pro"),
        ("b", "2026-02", 100, "Pro"),
        ("c", "2026-01", 100, "Pro"),
        ("d", "2026-01", 30, "Lite"),
        ("d", "2026-02", 30, "Lite"),
    ]
)
USAGE = usage_frame(
    [
        ("a", "research", "2026-01", 5, 2.5),
        ("a", "research", "2026-02", 12, 6.0),
        ("b", "research", "2026-01", 30, 15.0),
        ("b", "research", "2026-02", 0, 0.0),
        ("c", "research", "2026-01", 10, 5.0),
        ("a", "search", "2026-01", 100, 1.0),
        ("d", "search", "2026-01", 50, 0.5),
        ("d", "research", "2026-02", 4, 2.0),
    ]
)


def simulation(book: econ.PriceBook, **scenario: object) -> econ.Simulation:
    report = econ.analyze(USAGE, REVENUE, econ.Scenario(price_book=book, **scenario))  # type: ignore[arg-type]
    return simulate(report)


def totals(sim: econ.Simulation) -> dict[str, tuple[float, float]]:
    return {row[0]: (row[1], row[2]) for row in sim.totals.rows()}


class TestHandComputed:
    def test_allowance_and_overage(self) -> None:
        book = econ.PriceBook(
            plans={"Pro": econ.PlanPrice(included={"research": 10}, overage_usd={"research": 0.5})}
        )
        sim = simulation(book)
        # Pro research uses 5, 12, 30, 0, 10 → over 10: 0, 2, 20, 0, 0 → 22 × $0.50 = $11.
        bills = dict(sim.customers.select("customer_id", "change_usd").iter_rows())
        assert bills == {"a": pytest.approx(1.0), "b": pytest.approx(10.0), "c": 0.0, "d": 0.0}
        revenue_now, revenue_then = totals(sim)["revenue_usd"]
        assert revenue_then - revenue_now == pytest.approx(11.0 / 2)  # per month over 2 months
        assert sim.bills.paying_more == 2
        assert sim.bills.paying_less == 0

    def test_metered_usage_drop(self) -> None:
        book = econ.PriceBook(
            plans={"Pro": econ.PlanPrice(included={"research": 10}, overage_usd={"research": 0.5})},
            metered_usage_drop=0.5,
        )
        sim = simulation(book)
        # Half of the 22 overage uses stop: 11 billed ($5.50) and 11 × $0.50 of cost saved.
        change = {row[0]: row[3] for row in sim.totals.rows()}
        assert change["revenue_usd"] == pytest.approx(5.5 / 2)
        assert change["inference_usd"] == pytest.approx(-5.5 / 2)

    def test_usage_based_plan(self) -> None:
        book = econ.PriceBook(
            plans={
                "Lite": econ.PlanPrice(base_usd=0, per_call_usd={"search": 0.1, "research": 2.0})
            }
        )
        sim = simulation(book)
        # d: January 50 searches × $0.10 = $5; February 4 research × $2 = $8. Was $60.
        d = sim.customers.filter(pl.col("customer_id") == "d").row(0, named=True)
        assert d["bill_simulated_usd"] == pytest.approx(13.0)
        assert d["change_usd"] == pytest.approx(-47.0)
        assert sim.bills.paying_less == 1

    def test_removed_feature_and_cost_multiplier(self) -> None:
        book = econ.PriceBook(
            plans={"Lite": econ.PlanPrice(removed=("research",))},
            cost_multipliers={"search": 0.5},
        )
        sim = simulation(book)
        inference_now, inference_then = totals(sim)["inference_usd"]
        # Lite's $2 of research disappears; search's $1.50 halves.
        assert inference_now - inference_then == pytest.approx((2.0 + 0.75) / 2)
        by_plan = sim.features_by_plan.filter(pl.col("plan") == "Lite")
        assert "research" not in by_plan.filter(pl.col("calls") > 0)["feature_id"].to_list()

    def test_fair_use(self) -> None:
        book = econ.PriceBook(plans={"Pro": econ.PlanPrice(fair_use_usd=6.0)}, fair_use_margin=0.5)
        sim = simulation(book)
        # Pro inference per month: a 3.5, 6; b 15, 0; c 5 → excess over $6: 9 → billed 9 ÷ 0.5.
        assert sim.customers.filter(pl.col("customer_id") == "b")["change_usd"].item() == (
            pytest.approx(18.0)
        )

    def test_metered_revenue_belongs_to_its_feature(self) -> None:
        book = econ.PriceBook(
            plans={"Pro": econ.PlanPrice(included={"research": 10}, overage_usd={"research": 0.5})}
        )
        sim = simulation(book, allocation=econ.Allocation("custom", {"search": 1}))
        research = sim.features.filter(pl.col("feature_id") == "research").row(0, named=True)
        assert research["revenue_usd"] == pytest.approx(11.0)  # only its overage

    def test_churn_risk(self) -> None:
        book = econ.PriceBook(
            plans={"Pro": econ.PlanPrice(included={"research": 10}, overage_usd={"research": 0.5})},
            churn_risk_increase=0.04,
        )
        sim = simulation(book)
        # b: $200 → $210 (+5%) is a risk at 4%; a: $200 → $201 (+0.5%) is not.
        assert sim.bills.at_risk == 1
        assert sim.customers["customer_id"][0] == "b"  # the largest rise first


class TestIdentities:
    def test_an_empty_price_book_is_the_current_view(self) -> None:
        sim = simulation(econ.PriceBook())
        assert sim.totals["change"].to_list() == [0.0, 0.0, 0.0, 0.0]
        assert sim.bills.paying_more == sim.bills.paying_less == 0

    def test_current_prices_reproduce_current_revenue_exactly(self) -> None:
        book = econ.PriceBook(
            plans={"Pro": econ.PlanPrice(base_usd=100.0), "Lite": econ.PlanPrice(base_usd=30.0)}
        )
        sim = simulation(book)
        revenue_now, revenue_then = totals(sim)["revenue_usd"]
        assert revenue_then == revenue_now
        assert (sim.customers["change_usd"] == 0).all()

    def test_raising_one_plan_changes_only_its_customers(
        self, sample_dataset: econ.Dataset
    ) -> None:
        scenario = econ.sample_scenario().replace(
            price_book=econ.PriceBook(plans={"Pro": econ.PlanPrice(base_usd=249.0)})
        )
        sim = simulate(econ.analyze_dataset(sample_dataset, scenario))
        frame = sim.simulated.frame
        changed = frame.join(
            econ.analyze_dataset(sample_dataset, econ.sample_scenario()).customer_months.frame,
            on=["customer_id", "month"],
            suffix="_now",
        ).filter(pl.col("mrr_usd") != pl.col("mrr_usd_now"))
        assert changed["plan"].unique().to_list() == ["Pro"]
        assert (changed["mrr_usd"] == 249.0).all()
        plans = {row["plan"]: row for row in sim.plans.iter_rows(named=True)}
        assert plans["Starter"]["revenue_simulated_usd"] == plans["Starter"]["revenue_current_usd"]
        assert plans["Pro"]["revenue_simulated_usd"] > plans["Pro"]["revenue_current_usd"]

    def test_segments_recombine_in_the_simulation(self, sample_dataset: econ.Dataset) -> None:
        scenario = econ.sample_scenario().replace(
            price_book=econ.PriceBook(
                plans={
                    "Starter": econ.PlanPrice(
                        included={"deep_research": 6}, overage_usd={"deep_research": 0.39}
                    )
                }
            )
        )
        sim = simulate(econ.analyze_dataset(sample_dataset, scenario))
        segments = sim.segments.filter(pl.col("segment") != "all")
        blended = sim.segments.filter(pl.col("segment") == "all").row(0, named=True)
        weights = econ.analyze_dataset(sample_dataset, scenario).segments.filter(
            pl.col("segment") != "all"
        )["customer_months"]
        recombined = (segments["arpa_simulated_usd"] * weights).sum() / weights.sum()
        assert recombined == pytest.approx(blended["arpa_simulated_usd"])


def test_window_months() -> None:
    import datetime as dt

    assert Window(dt.date(2025, 8, 1), dt.date(2026, 10, 1)).months == 15
    assert Window(dt.date(2026, 1, 1), dt.date(2026, 1, 1)).months == 1


@pytest.mark.parametrize(
    "book",
    [econ.PriceBook(), econ.PriceBook(plans={"Pro": econ.PlanPrice(base_usd=50.0)})],
    ids=["current pricing", "a new price"],
)
def test_simulation_tables_have_their_declared_schemas(book: econ.PriceBook) -> None:
    sim = simulation(book)
    assert sim.totals.schema == pricing.TOTALS_SCHEMA
    assert sim.plans.schema == pricing.PLAN_COMPARISON_SCHEMA
    assert sim.segments.schema == pricing.SEGMENT_COMPARISON_SCHEMA
    assert sim.customers.schema == pricing.CUSTOMER_BILLS_SCHEMA
    assert sim.features.schema == econ.FEATURE_SCHEMA


class TestResponse:
    def test_current_pricing_loses_no_one(self) -> None:
        sim = simulation(econ.PriceBook())
        assert sim.response.expected_lost == 0.0
        assert sim.response.revenue_change_usd == sim.response.gross_profit_change_usd == 0.0

    def test_a_rise_meets_the_default_response(self) -> None:
        book = econ.PriceBook(
            plans={"Pro": econ.PlanPrice(included={"research": 10}, overage_usd={"research": 0.5})}
        )
        sim = simulation(book)
        # a: $200 → $201 (+0.5%), b: $200 → $210 (+5%): p = 0.0025 and 0.025 at elasticity 0.5.
        assert sim.response.expected_lost == pytest.approx(0.0275)
        assert sim.response.revenue_lost_usd == pytest.approx((0.0025 * 201 + 0.025 * 210) / 2)

    def test_serializes_with_the_response(self) -> None:
        import json

        book = econ.PriceBook(plans={"Pro": econ.PlanPrice(base_usd=150.0)})
        data = json.loads(json.dumps(simulation(book).to_dict(), allow_nan=False))
        assert data["response"]["expected_lost"] == pytest.approx(3 * 0.5 * 0.5)
        assert {row["measure"] for row in data["response"]["totals"]} >= {"revenue_usd"}
