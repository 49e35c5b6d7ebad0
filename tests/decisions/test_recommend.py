"""Recommendations: the article's worked numbers, hand-built cases, and agreement with the
simulator (applying a recommendation's change yields the impact it announced)."""

from __future__ import annotations

import math

import polars as pl
import pytest
from builders import revenue_frame, usage_frame

import econ
from econ.present.views import features_by_plan

ARTICLE_FEATURES = [
    ("document_summary", 50, 0.15),
    ("qa_on_documents", 200, 0.04),
    ("keyword_extraction", 500, 0.003),
    ("smart_formatting", 100, 0.001),
    ("advanced_ai_analysis", 20, 0.90),
]
# The article's 40/30/15/15 + 15 (115%) normalized so Advanced AI Analysis gets exactly 15%.
ARTICLE_WEIGHTS = {
    "document_summary": 34,
    "qa_on_documents": 25.5,
    "keyword_extraction": 12.75,
    "smart_formatting": 12.75,
    "advanced_ai_analysis": 15,
}
ADVANCED = "advanced_ai_analysis"


def article_report(**scenario: object) -> econ.Report:
    """Ten customers on the $100 plan for two months, each using the features as in article
    002; a $300 Max plan with light usage gives the feature somewhere to be gated to."""
    customers = [f"c{i}" for i in range(10)]
    months = ("2026-05", "2026-06")
    revenue = revenue_frame(
        [(c, m, 100.0, "Standard") for c in customers for m in months]
        + [(f"max{i}", m, 300.0, "Max") for i in range(3) for m in months]
    )
    usage = usage_frame(
        [
            (c, f, m, uses, uses * cost)
            for c in customers
            for m in months
            for f, uses, cost in ARTICLE_FEATURES
        ]
        + [(f"max{i}", ADVANCED, m, 20, 18.0) for i in range(3) for m in months]
    )
    base = econ.Scenario(
        allocation=econ.Allocation("custom", ARTICLE_WEIGHTS),
        feature_categories={ADVANCED: "premium"},
    )
    return econ.analyze(usage, revenue, base.replace(**scenario))


def find(
    recommendations: list[econ.Recommendation], kind: str, **where: str
) -> econ.Recommendation:
    matches = [
        r
        for r in recommendations
        if r.kind == kind and all(getattr(r, key) == value for key, value in where.items())
    ]
    assert len(matches) == 1, [r.id for r in recommendations]
    return matches[0]


def simulate_patch(report: econ.Report, recommendation: econ.Recommendation) -> econ.Simulation:
    assert recommendation.patch is not None
    book = recommendation.patch.apply(report.scenario.price_book)
    data = report.scenario.replace(price_book=book)
    return econ.simulate(econ.analyze_dataset(_dataset_of(report), data))


def _dataset_of(report: econ.Report) -> econ.Dataset:
    cms = report.customer_months
    usage = cms.usage.select(econ.schema.ROLLUP_SCHEMA.names())
    revenue = cms.frame.select("customer_id", "month", "mrr_usd", "plan")
    return econ.load_dataset(usage, revenue)


class TestArticle:
    def test_advanced_analysis_loses_three_dollars_a_customer_month(self) -> None:
        report = article_report()
        row = (
            features_by_plan(report)
            .filter((pl.col("plan") == "Standard") & (pl.col("feature_id") == ADVANCED))
            .row(0, named=True)
        )
        assert round(row["cost_usd"] / 20, 2) == 18.00
        assert round(row["revenue_usd"] / 20, 2) == 15.00
        assert round(row["gross_profit_usd"] / 20, 2) == -3.00

    def test_minimum_tier_price_carries_it_at_its_target(self) -> None:
        report = article_report()
        gate = find(econ.recommend(report), "gate", plan="Standard", feature=ADVANCED)
        price = gate.change["min_tier_price_usd"]
        assert price == pytest.approx(18 / (0.15 * (1 - 0.45)))  # $218.18
        assert gate.change["gate_to"] == "Max"
        book = econ.PriceBook(plans={"Standard": econ.PlanPrice(base_usd=price)})
        sim = econ.simulate(
            econ.analyze_dataset(_dataset_of(report), report.scenario.replace(price_book=book))
        )
        carried = sim.features_by_plan.filter(
            (pl.col("plan") == "Standard") & (pl.col("feature_id") == ADVANCED)
        )["gross_margin"].item()
        assert carried == pytest.approx(0.45)

    def test_allowance_keeps_the_feature_at_or_above_target(self) -> None:
        report = article_report()
        allowance = find(econ.recommend(report), "allowance", plan="Standard", feature=ADVANCED)
        assert allowance.change["included_uses"] == math.floor(15 * 0.55 / 0.90) == 9
        assert allowance.change["overage_usd"] == 1.64  # $0.90 ÷ 0.55, up to the cent
        # Each customer-month uses 20: 11 over × $1.64 = $18.04; ten customers, two months.
        assert allowance.revenue_change_usd == pytest.approx(11 * 1.64 * 10)
        sim = simulate_patch(report, allowance)
        margin = sim.features_by_plan.filter(
            (pl.col("plan") == "Standard") & (pl.col("feature_id") == ADVANCED)
        )["gross_margin"].item()
        assert margin >= 0.45

    def test_a_feature_target_overrides_the_band(self) -> None:
        report = article_report(targets={ADVANCED: 0.40})
        allowance = find(econ.recommend(report), "allowance", plan="Standard", feature=ADVANCED)
        assert allowance.change["included_uses"] == 10  # the article's "e.g. 10 uses/month"
        assert allowance.change["overage_usd"] == 1.50

    def test_arithmetic_is_shown(self) -> None:
        gate = find(econ.recommend(article_report()), "gate", plan="Standard", feature=ADVANCED)
        text = " ".join(gate.arithmetic)
        assert "$18.00 per customer-month" in text
        assert "15.00% of Standard's revenue = $15.00 per customer-month" in text
        assert "= $218.18 a month" in text


def test_optimization_roi_matches_the_article() -> None:
    """$8 a customer-month cut to $5 for 1,000 customers, $15,000 of work: ROI 2.4x."""
    customers = [f"c{i:04d}" for i in range(1000)]
    revenue = revenue_frame([(c, "2026-01", 50, "Team") for c in customers])
    usage = usage_frame([(c, "summaries", "2026-01", 100, 8.0) for c in customers])
    optimize = econ.Optimize(cost_reduction=3 / 8, investment_usd=15_000)
    scenario = econ.Scenario(levers=econ.Levers(optimize_by_feature={"summaries": optimize}))
    recommendation = find(econ.recommend(econ.analyze(usage, revenue, scenario)), "optimize")
    assert recommendation.evidence["roi"] == pytest.approx(2.4)
    assert recommendation.cost_change_usd == pytest.approx(-3_000)  # $36,000 a year


def test_remove_when_not_even_one_use_pays() -> None:
    revenue = revenue_frame(
        [("x", "2026-01", 10, "Lite"), ("y", "2026-01", 10, "Lite"), ("z", "2026-01", 500, "Pro")]
    )
    usage = usage_frame(
        [
            ("x", "chat", "2026-01", 99, 0.99),
            ("x", "video", "2026-01", 1, 12.0),
            ("y", "chat", "2026-01", 50, 0.5),
            ("z", "video", "2026-01", 2, 24.0),
        ]
    )
    recommendations = econ.recommend(econ.analyze(usage, revenue))
    remove = find(recommendations, "remove", plan="Lite", feature="video")
    assert remove.cost_change_usd == pytest.approx(-12.0)
    assert remove.customers_affected == 1
    assert not [r for r in recommendations if r.kind == "allowance" and r.plan == "Lite"]


@pytest.fixture(scope="module")
def report(sample_dataset: econ.Dataset) -> econ.Report:
    return econ.analyze_dataset(sample_dataset, econ.sample_scenario())


@pytest.fixture(scope="module")
def recommendations(report: econ.Report) -> list[econ.Recommendation]:
    return econ.recommend(report)


class TestOnTheSample:
    def test_names_the_money_loser_on_the_cheapest_plan(
        self, recommendations: list[econ.Recommendation]
    ) -> None:
        starter = [
            r for r in recommendations if r.plan == "Starter" and r.feature == "deep_research"
        ]
        assert {r.kind for r in starter} == {"allowance", "gate", "graduated"}
        assert all(r.gross_profit_change_usd > 0 for r in starter)
        assert all(r.customers_affected > 0 for r in starter)

    def test_ranked_by_gross_profit_impact(
        self, recommendations: list[econ.Recommendation]
    ) -> None:
        impacts = [round(r.gross_profit_change_usd, 2) for r in recommendations]
        assert impacts == sorted(impacts, reverse=True)
        assert {
            "gate",
            "allowance",
            "fair_use",
            "route",
            "optimize",
            "ltv_cac",
            "price_signal",
        } <= {r.kind for r in recommendations}
        assert len({r.id for r in recommendations}) == len(recommendations)

    @pytest.mark.slow  # simulates every recommendation's change on the whole sample
    def test_every_change_reproduces_its_impact_in_the_simulator(
        self, report: econ.Report, recommendations: list[econ.Recommendation]
    ) -> None:
        for recommendation in recommendations:
            if recommendation.patch is None:
                continue
            sim = econ.simulate(
                econ.analyze_dataset(
                    _dataset_of(report),
                    report.scenario.replace(
                        price_book=recommendation.patch.apply(report.scenario.price_book)
                    ),
                )
            )
            change = {row[0]: row[3] for row in sim.totals.rows()}
            assert change["revenue_usd"] == pytest.approx(
                recommendation.revenue_change_usd, abs=0.01
            ), recommendation.id
            assert change["inference_usd"] == pytest.approx(
                recommendation.cost_change_usd, abs=0.01
            ), recommendation.id

    def test_serializes(self, recommendations: list[econ.Recommendation]) -> None:
        import json

        data = [r.to_dict() for r in recommendations]
        assert json.loads(json.dumps(data, allow_nan=False))[0]["gross_profit_change_usd"] > 0


def test_calls_nobody_tagged_get_no_recommendation() -> None:
    """(untagged) is where calls without a feature are counted: it cannot be gated, priced or
    optimized, however its margin looks."""
    usage = usage_frame(
        [
            ("c1", "(untagged)", "2026-01", 500, 180.0),
            ("c1", "chat", "2026-01", 10, 0.1),
            ("c2", "(untagged)", "2026-01", 2, 0.001),
            ("c2", "chat", "2026-01", 10, 0.1),
        ]
    )
    revenue = revenue_frame([("c1", "2026-01", 100.0, "Pro"), ("c2", "2026-01", 100.0, "Pro")])
    report = econ.analyze(usage, revenue, econ.Scenario(churn=0.02))
    assert "(untagged)" in set(report.features["feature_id"])
    assert all(rec.feature != "(untagged)" for rec in econ.recommend(report))


class TestResponse:
    """A change that raises bills says how much of its impact survives the customer response."""

    def test_the_allowance_survives_in_part_and_the_simulator_agrees(self) -> None:
        report = article_report()
        allowance = find(econ.recommend(report), "allowance", plan="Standard", feature=ADVANCED)
        # Each customer pays 11 × $1.64 = $18.04 more on $100 a month: +18.04%, p = 0.0902.
        assert allowance.customers_expected_lost == pytest.approx(10 * 0.0902)
        assert allowance.gross_profit_change_after_response_usd < (
            allowance.gross_profit_change_usd
        )
        sim = simulate_patch(report, allowance)
        change = {row[0]: row[5] for row in sim.response.totals.rows()}
        assert change["gross_profit_usd"] == pytest.approx(
            allowance.gross_profit_change_after_response_usd, abs=0.01
        )
        assert change["revenue_usd"] == pytest.approx(
            allowance.revenue_change_after_response_usd, abs=0.01
        )
        assert "survives" in allowance.arithmetic[-1]

    def test_a_gate_raises_no_bill_and_keeps_its_impact(self) -> None:
        gate = find(econ.recommend(article_report()), "gate", plan="Standard", feature=ADVANCED)
        assert gate.customers_expected_lost == 0.0
        assert gate.gross_profit_change_after_response_usd == gate.gross_profit_change_usd

    def test_without_a_response_the_whole_impact_survives(self) -> None:
        report = article_report(price_book=econ.PriceBook(churn_elasticity=0.0))
        allowance = find(econ.recommend(report), "allowance", plan="Standard", feature=ADVANCED)
        assert allowance.gross_profit_change_after_response_usd == (
            allowance.gross_profit_change_usd
        )
        assert "all of the impact survives" in allowance.arithmetic[-1]

    def test_serialized(self) -> None:
        data = find(
            econ.recommend(article_report()), "allowance", plan="Standard", feature=ADVANCED
        ).to_dict()
        assert data["gross_profit_change_after_response_usd"] < data["gross_profit_change_usd"]


@pytest.mark.slow  # simulates every bill-raising recommendation on the whole sample
def test_what_survives_the_response_is_what_the_simulator_keeps(
    report: econ.Report, recommendations: list[econ.Recommendation]
) -> None:
    raising = [r for r in recommendations if r.kind in ("allowance", "fair_use")]
    assert raising
    for recommendation in raising:
        sim = simulate_patch(report, recommendation)
        change = {row[0]: row[5] for row in sim.response.totals.rows()}
        assert change["gross_profit_usd"] == pytest.approx(
            recommendation.gross_profit_change_after_response_usd, abs=0.01
        ), recommendation.id
        assert sim.response.expected_lost == pytest.approx(
            recommendation.customers_expected_lost
        ), recommendation.id
