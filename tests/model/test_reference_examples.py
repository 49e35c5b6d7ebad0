"""The worked examples of the reference articles, reproduced to the cent through real parquet.

Article 001 (compute-adjusted LTV, "Acme SaaS") and article 002 (per-feature gross margin). The
inputs are built as datasets whose averages are the articles' figures, written to parquet and
run through ``econ.analyze`` like any user's files.
"""

from __future__ import annotations

import pytest
from builders import WriteParquet, revenue_frame, usage_frame

import econ

ACME_CAC = 1200.0


def cents(value: float | None) -> float:
    assert value is not None
    return round(value, 2)


def one_decimal(value: float | None) -> float:
    assert value is not None
    return round(value, 1)


class TestAcmeBlended:
    """Acme: $200 ARPA, $55 inference, $11 AI infra, $12 support, $8 CS, $7 hosting, 2% churn.

    50 customers pay $200 in January; 49 of them pay again in February, so the churn estimated
    from the data is 1 / 50 = 2%. Every customer-month uses $55 of inference.
    """

    @pytest.fixture
    def report(self, write_parquet: WriteParquet) -> econ.Report:
        customers = [f"acme_{i:02d}" for i in range(50)]
        months = [(c, "2026-01") for c in customers] + [(c, "2026-02") for c in customers[:49]]
        revenue = revenue_frame([(c, m, 200.0, "AI Workflow") for c, m in months])
        # $55 a month from two features: 100 calls at $0.40 and 300 calls at $0.05.
        usage = usage_frame(
            [(c, "workflow_run", m, 100, 40.0) for c, m in months]
            + [(c, "quick_answer", m, 300, 15.0) for c, m in months]
        )
        scenario = econ.Scenario(
            cac_usd=ACME_CAC,
            cogs=econ.Cogs(ai_infra_usd=11, support_usd=12, cs_usd=8, hosting_usd=7),
        )
        return econ.analyze(
            write_parquet("usage.parquet", usage),
            write_parquet("revenue.parquet", revenue),
            scenario,
        )

    def test_gross_profit_and_churn(self, report: econ.Report) -> None:
        blended = report.segment("all")
        assert cents(blended["arpa_usd"]) == 200.00
        assert cents(blended["inference_usd"]) == 55.00
        assert cents(blended["gross_profit_usd"]) == 114.00  # 200 − 55 − 11 − 12 − 8
        assert blended["churn"] == pytest.approx(0.02)
        assert blended["churn_source"] == "estimated"

    def test_compute_adjusted_ltv_is_5700(self, report: econ.Report) -> None:
        assert cents(report.segment("all")["ltv_compute_adjusted_usd"]) == 5700.00

    def test_traditional_ltv_is_8650(self, report: econ.Report) -> None:
        assert cents(report.segment("all")["ltv_traditional_usd"]) == 8650.00  # (200−7−12−8)/2%

    def test_ltv_to_cac(self, report: econ.Report) -> None:
        blended = report.segment("all")
        assert one_decimal(blended["ltv_cac"]) == 4.8
        assert one_decimal(blended["ltv_cac_traditional"]) == 7.2


class TestAcmeByUsageTier:
    """Heavy users ($110 inference, $15 AI infra, $15 support, $10 CS) and light users ($15,
    $8, $10, $7) at $200, 2% churn and $1,200 CAC.

    Ten customers: four light at $15 a month, four in the middle at $67.50 and two heavy at
    $110. The blended inference is then (4×15 + 4×67.5 + 2×110) / 10 = $55, and the middle tier's
    burdens ($12 AI infra, $12.50 support, $8 CS) make the blended burdens the article's $11,
    $12 and $8, so the blended row is Acme's average again.
    """

    @pytest.fixture
    def report(self, write_parquet: WriteParquet) -> econ.Report:
        monthly_cost = {"light": 15.0, "middle": 67.5, "heavy": 110.0}
        people = ["light"] * 4 + ["middle"] * 4 + ["heavy"] * 2
        customers = [(f"{kind}_{i}", kind) for i, kind in enumerate(people)]
        months = ("2026-01", "2026-02")
        revenue = revenue_frame(
            [(c, m, 200.0, "AI Workflow") for c, _ in customers for m in months]
        )
        usage = usage_frame(
            [
                (c, "workflow_run", m, 10, monthly_cost[kind])
                for c, kind in customers
                for m in months
            ]
        )
        scenario = econ.Scenario(
            churn=0.02,
            cac_usd=ACME_CAC,
            cogs=econ.Cogs(
                ai_infra_usd={"light": 8, "core": 12, "power": 15},
                support_usd={"light": 10, "core": 12.5, "power": 15},
                cs_usd={"light": 7, "core": 8, "power": 10},
                hosting_usd=7,
            ),
        )
        return econ.analyze(
            write_parquet("usage.parquet", usage),
            write_parquet("revenue.parquet", revenue),
            scenario,
        )

    def test_tiers_hold_the_right_customers(self, report: econ.Report) -> None:
        assert report.segment("light")["customers"] == 4
        assert report.segment("core")["customers"] == 4
        assert report.segment("power")["customers"] == 2
        assert report.tier_thresholds == (67.5, 110.0)

    def test_heavy_users(self, report: econ.Report) -> None:
        heavy = report.segment("power")
        assert cents(heavy["gross_profit_usd"]) == 50.00  # 200 − 110 − 15 − 15 − 10
        assert cents(heavy["ltv_compute_adjusted_usd"]) == 2500.00
        assert one_decimal(heavy["ltv_cac"]) == 2.1
        assert heavy["ltv_cac"] < econ.LTV_CAC_BENCHMARK

    def test_light_users(self, report: econ.Report) -> None:
        light = report.segment("light")
        assert cents(light["gross_profit_usd"]) == 160.00  # 200 − 15 − 8 − 10 − 7
        assert cents(light["ltv_compute_adjusted_usd"]) == 8000.00
        assert one_decimal(light["ltv_cac"]) == 6.7

    def test_blended_row_is_acme_average(self, report: econ.Report) -> None:
        blended = report.segment("all")
        assert cents(blended["inference_usd"]) == 55.00
        assert cents(blended["ai_infra_usd"]) == 11.00
        assert cents(blended["support_usd"]) == 12.00
        assert cents(blended["cs_usd"]) == 8.00
        assert cents(blended["ltv_compute_adjusted_usd"]) == 5700.00
        assert cents(blended["ltv_traditional_usd"]) == 8650.00
        assert one_decimal(blended["ltv_cac"]) == 4.8


FOUR_FEATURES = [
    ("document_summary", 50, 0.15),
    ("qa_on_documents", 200, 0.04),
    ("keyword_extraction", 500, 0.003),
    ("smart_formatting", 100, 0.001),
]
ADVANCED = ("advanced_ai_analysis", 20, 0.90)


def feature_report(
    write_parquet: WriteParquet,
    features: list[tuple[str, int, float]],
    weights: dict[str, float],
) -> econ.Report:
    """One customer on the $100 plan for one month, using each feature as in article 002."""
    revenue = revenue_frame([("customer_1", "2026-06", 100.0, "Standard")])
    usage = usage_frame(
        [
            ("customer_1", name, "2026-06", uses, uses * unit_cost)
            for name, uses, unit_cost in features
        ]
    )
    scenario = econ.Scenario(allocation=econ.Allocation(method="custom", weights=weights))
    return econ.analyze(
        write_parquet("usage.parquet", usage), write_parquet("revenue.parquet", revenue), scenario
    )


class TestFourFeatures:
    """$100/month split 40/30/15/15: margins 81.25%, 73.3%, 90%, 99.3%; aggregate 82.9%."""

    @pytest.fixture
    def report(self, write_parquet: WriteParquet) -> econ.Report:
        weights = {
            "document_summary": 40,
            "qa_on_documents": 30,
            "keyword_extraction": 15,
            "smart_formatting": 15,
        }
        return feature_report(write_parquet, FOUR_FEATURES, weights)

    @pytest.mark.parametrize(
        ("feature", "revenue", "cost", "margin"),
        [
            ("document_summary", 40.00, 7.50, 0.8125),
            ("qa_on_documents", 30.00, 8.00, 0.7333),
            ("keyword_extraction", 15.00, 1.50, 0.9000),
            ("smart_formatting", 15.00, 0.10, 0.9933),
        ],
    )
    def test_feature_margin(
        self, report: econ.Report, feature: str, revenue: float, cost: float, margin: float
    ) -> None:
        row = report.feature(feature)
        assert cents(row["revenue_usd"]) == revenue
        assert cents(row["cost_usd"]) == cost
        assert round(row["gross_margin"], 4) == margin

    def test_aggregate_margin(self, report: econ.Report) -> None:
        assert cents(report.totals.inference_usd) == 17.10
        assert report.totals.inference_margin is not None
        assert round(report.totals.inference_margin, 3) == 0.829
        assert all(status != "negative" for status in report.features["status"])


class TestAdvancedAnalysis:
    """Adding Advanced AI Analysis (20 uses × $0.90) at a 15% revenue share.

    The article's five weights (40/30/15/15/15) add to 115%; weights are normalized here, so the
    four original features keep their 40:30:15:15 proportions scaled to 85% (34, 25.5, 12.75,
    12.75) and Advanced AI Analysis gets exactly 15%, i.e. $15 of the $100.
    """

    @pytest.fixture
    def report(self, write_parquet: WriteParquet) -> econ.Report:
        weights = {
            "document_summary": 34,
            "qa_on_documents": 25.5,
            "keyword_extraction": 12.75,
            "smart_formatting": 12.75,
            "advanced_ai_analysis": 15,
        }
        return feature_report(write_parquet, [*FOUR_FEATURES, ADVANCED], weights)

    def test_feature_loses_three_dollars(self, report: econ.Report) -> None:
        row = report.feature("advanced_ai_analysis")
        assert cents(row["revenue_usd"]) == 15.00
        assert cents(row["cost_usd"]) == 18.00
        assert cents(row["gross_profit_usd"]) == -3.00
        assert row["status"] == "negative"

    def test_aggregate_drops_to_64_9(self, report: econ.Report) -> None:
        assert cents(report.totals.inference_usd) == 35.10
        assert report.totals.inference_margin is not None
        assert round(report.totals.inference_margin, 3) == 0.649

    def test_margin_stack_puts_the_loser_last(self, report: econ.Report) -> None:
        assert report.features["feature_id"][-1] == "advanced_ai_analysis"
        profits = report.features["gross_profit_usd"].to_list()
        assert profits == sorted(profits, reverse=True)
