"""The Summary's findings, kind by kind: the sample's own numbers (each against the table or
view that shows it), hand-computed small cases, how findings are chosen and ranked, and the
gross-profit shortfall behind a segment below 3:1."""

from __future__ import annotations

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from hypothesis import given
from hypothesis import strategies as st

import econ
from econ import formats, measures
from econ.present import facts, findings, views
from econ.present.findings import Finding, choose, profit_shortfall, rank
from econ.scenario.edits import with_segmentation

MONTHS = 15
"""The sample's window: Aug 2025 – Oct 2026."""


@pytest.fixture(scope="module")
def sample(sample_dataset: econ.Dataset) -> econ.Report:
    return econ.analyze_dataset(sample_dataset, econ.sample_scenario())


@pytest.fixture(scope="module")
def sample_findings(sample_dataset: econ.Dataset, sample: econ.Report) -> dict[str, Finding]:
    found = findings.findings(
        sample_dataset, econ.sample_scenario(), sample, econ.recommend(sample)
    )
    return {finding.key: finding for finding in found}


def by_plan(data: econ.Dataset) -> econ.Report:
    """The sample as the Segment LTV page shows it segmented by plan."""
    return econ.analyze_dataset(data, with_segmentation(econ.sample_scenario(), "plan"))


class TestTheSample:
    def test_the_starter_plan_below_three_to_one(
        self, sample_dataset: econ.Dataset, sample_findings: dict[str, Finding]
    ) -> None:
        starter = by_plan(sample_dataset).segment("Starter")
        found = sample_findings["below_benchmark:plan:Starter"]
        # The Segment LTV table's own figures for segment_by="plan".
        assert formats.ratio(starter["ltv_cac"]) == "0.2x"
        assert formats.months(starter["payback_months"]) == "100.2"
        assert found.headline.startswith(
            "The Starter plan returns 0.2x its acquisition cost (LTV:CAC), far below 3:1; "
            "CAC takes 100.2 months to pay back"
        )
        assert f"measured churn of {formats.percent(starter['churn'], digits=2)}" in found.headline
        # The gross profit a customer-month lacks for 3:1, 3 × $1,800 × churn − gross profit,
        # times Starter's customer-months a month.
        shortfall = 3 * 1800 * starter["churn"] - starter["gross_profit_usd"]
        assert found.impact_usd == pytest.approx(shortfall * starter["customer_months"] / MONTHS)
        assert formats.money(found.impact_usd) in found.headline
        assert (found.page, found.page_title, found.segment_by) == (
            "segment-ltv",
            "Segment LTV",
            "plan",
        )

    def test_every_segmentation_is_scanned(
        self, sample_dataset: econ.Dataset, sample_findings: dict[str, Finding]
    ) -> None:
        """The sample's segments below 3:1 (Starter, SMB, paid search, light users, self-serve)
        are one finding, the worst, with the others named in its details."""
        below = [f for f in sample_findings.values() if f.kind == "below_benchmark"]
        assert [f.key for f in below] == ["below_benchmark:plan:Starter"]
        expected = []
        for segment_by in facts.segmentations(sample_dataset):
            scenario = with_segmentation(econ.sample_scenario(), segment_by)
            segments = econ.analyze_dataset(sample_dataset, scenario).segments
            expected += (
                views.below_benchmark(segments)
                .filter(pl.col("segment") != "all")["segment"]
                .to_list()
            )
        assert sorted(expected) == sorted(["Starter", "SMB", "paid_search", "light", "self_serve"])
        assert below[0].details == (
            "Also below 3:1: SMB customers 2.2x, paid search customers 2.6x, light users 2.8x "
            "and self serve customers 2.9x.",
        )

    def test_power_users(self, sample: econ.Report, sample_findings: dict[str, Finding]) -> None:
        power, light = sample.segment("power"), sample.segment("light")
        found = sample_findings["power_users"]
        assert (
            "Power users (top 10% by inference cost, 200 customers) have a compute-adjusted "
            "LTV of $9,911, 58.4% below their traditional $23,812" in found.headline
        )
        assert formats.percent(power["gross_margin"]) in found.headline
        assert formats.percent(light["gross_margin"]) in found.headline
        # What the traditional view credits them with: inference + AI infra − hosting ($4 − $3).
        gap = power["inference_usd"] + 4 - 3
        assert found.impact_usd == pytest.approx(gap * power["customer_months"] / MONTHS)

    def test_the_feature_that_loses_money(
        self, sample: econ.Report, sample_findings: dict[str, Finding]
    ) -> None:
        loss = -sample.feature("deep_research")["gross_profit_usd"] / MONTHS
        found = sample_findings["losing_features"]
        assert found.impact_usd == pytest.approx(loss)
        assert found.headline == (
            f"Deep research loses {formats.money(loss)} a month, a -25.7% margin, the only one "
            "of 8 features that loses money; its margin turned negative in Dec 2025."
        )
        assert found.page == "feature-margins"

    def test_plans_on_which_a_feature_loses_money(
        self, sample: econ.Report, sample_findings: dict[str, Finding]
    ) -> None:
        pairs = views.losing_by_plan(views.features_by_plan(sample))
        loss = {
            row["plan"]: -row["gross_profit_usd"] / MONTHS
            for row in pairs.filter(pl.col("feature_id") == "deep_research").to_dicts()
        }
        found = sample_findings["losing_plans"]
        assert found.headline == (
            f"Deep research loses {formats.money(loss['Pro'])} a month on Pro and "
            f"{formats.money(loss['Starter'])} on Starter, and earns only on Business; "
            "1 more small loss."
        )
        assert found.impact_usd == pytest.approx(-pairs["gross_profit_usd"].sum() / MONTHS)
        assert found.page == "tiers-pricing"

    def test_how_concentrated_the_losses_are(
        self, sample: econ.Report, sample_findings: dict[str, Finding]
    ) -> None:
        losses = views.loss_concentration(views.customer_profits(sample.customer_months))
        found = sample_findings["loss_concentration"]
        assert found.headline == (
            f"122 of 2,000 customers (6.1%) lose money after compute, "
            f"{formats.money(losses.loss_usd / MONTHS)} a month; the worst 13 make 62.3% of "
            "the losses."
        )

    def test_the_top_three_recommendations(
        self, sample: econ.Report, sample_findings: dict[str, Finding]
    ) -> None:
        recs = econ.recommend(sample)
        found = sample_findings["recommendations"]
        assert found.impact_usd == recs[0].gross_profit_change_usd
        # The gate of deep research on Pro is the allowance's alternative: it is left out.
        assert found.headline.startswith(
            "Best 3 recommendations, one per plan and feature, each measured alone: Include 25 "
            "Deep research uses a month "
            "on Pro, then $0.39 a use (+$13,846 / month); Fair use on Pro"
        )
        assert "Take Deep research off Pro" not in found.headline
        assert "on Business, then $0.39 a use (+$8,297 / month)." in found.headline

    def test_the_verdict(self, sample_findings: dict[str, Finding]) -> None:
        found = sample_findings["inference_share"]
        assert found.impact_usd is None
        assert found.headline == (
            "Inference costs 15.7% of revenue (20.8% in Oct 2026), above 10%: compute-adjusted "
            "LTV matters here."
        )

    def test_ranked_by_dollars_a_month(self, sample_findings: dict[str, Finding]) -> None:
        assert list(sample_findings) == [
            "below_benchmark:plan:Starter",
            "power_users",
            "compute_spiral",
            "recommendations",
            "loss_concentration",
            "losing_plans",
            "losing_features",
            "inference_share",
        ]


class TestSegmentations:
    def test_the_scenarios_own_segmentation_is_its_report(
        self, sample_dataset: econ.Dataset
    ) -> None:
        scenario = with_segmentation(econ.sample_scenario(), "plan")
        report = econ.analyze_dataset(sample_dataset, scenario)
        made: list[str] = []

        def analyze(other: econ.Scenario) -> econ.Report:
            made.append(other.segment_by)
            assert other == with_segmentation(scenario, other.segment_by)
            return econ.analyze_dataset(sample_dataset, other)

        reports = findings.segmentation_reports(sample_dataset, scenario, report, analyze)
        assert reports["plan"] is report
        assert made == ["usage_tier", "company_size", "channel", "region"]

    def test_a_cac_per_segment_is_an_average_under_another_segmentation(self) -> None:
        data = econ.load_dataset(FIRST_USAGE, FIRST_REVENUE)
        scenario = econ.Scenario(segment_by="company_size", cac_usd={"small": 900.0, "mid": 1.0})
        report = econ.analyze_dataset(data, scenario)
        found = findings.findings(data, scenario, report, [])
        starter = next(f for f in found if f.key == "below_benchmark:plan:Starter")
        # with_segmentation keeps one number: the mean of the map, $450.50.
        assert "against an average CAC of $450.50" in starter.headline
        own = [f for f in found if f.key.startswith("below_benchmark:company_size")]
        assert all("average CAC" not in f.headline for f in own)

    def test_the_blended_row_is_a_finding_once(self) -> None:
        revenue = revenue_frame(
            [("a", "2026-01", 100, "P"), ("a", "2026-02", 100, "P"), ("b", "2026-01", 100, "Q")],
            channel=["web", "web", "sales"],
        )
        usage = usage_frame([("a", "f", "2026-01", 1, 1.0), ("b", "g", "2026-01", 1, 7.0)])
        data = econ.load_dataset(usage, revenue)
        scenario = econ.Scenario(cac_usd=100.0)
        report = econ.analyze_dataset(data, scenario)
        below = [
            found
            for segment_by, segmented in findings.segmentation_reports(
                data, scenario, report
            ).items()
            for found in findings.below_benchmark(segmented, segment_by, scenario)
        ]
        assert [f.key for f in below if f.key.endswith(":all")] == [
            "below_benchmark:usage_tier:all"
        ]
        blended = next(f for f in below if f.key.endswith(":all"))
        # Blended: 3 customer-months, $300 of revenue, $8 of inference: $97.33 a month of
        # gross profit at 50% churn is LTV $194.67, 1.9x a $100 CAC; 3:1 needs $150.
        assert blended.headline.startswith(
            "All customers together return 1.9x their acquisition cost (LTV:CAC), below 3:1"
        )
        assert blended.impact_usd == pytest.approx((3 * 100 * 0.5 - 292 / 3) * 3 / 2)


@pytest.fixture(scope="module")
def found() -> dict[str, Finding]:
    """The first small upload's findings, by key."""
    data = econ.load_dataset(FIRST_USAGE, FIRST_REVENUE)
    report = econ.analyze_dataset(data, econ.Scenario())
    chosen = findings.findings(data, econ.Scenario(), report, econ.recommend(report))
    return {f.key: f for f in chosen}


class TestTheFirstSmallUpload:
    """3 customers, 2 features, 3 months, no CAC: nothing to compare LTV with, but deep research
    loses money (on Starter most), and one customer costs more than it pays."""

    def test_what_applies(self, found: dict[str, Finding]) -> None:
        assert list(found) == [
            "losing_features",
            "losing_plans",
            "recommendations",
            "power_users",
            "compute_spiral",
            "loss_concentration",
            "inference_share",
        ]

    def test_by_hand(self, found: dict[str, Finding]) -> None:
        # Deep research costs 36 + 48 + 66 + 24 + 30 + 24 = $228 and earns $26.35 over 3 months.
        assert found["losing_features"].headline.startswith(
            "Deep research loses $67.22 a month, a -765.4% margin, the only one of 2 features"
        )
        # acme pays $49 a month and costs 40 + 52.2 + 70.5 = $162.70: $5.23 a month lost.
        assert found["loss_concentration"].headline == (
            "1 of 3 customers (33.3%) loses money after compute, $5.23 a month."
        )
        assert found["loss_concentration"].impact_usd == pytest.approx((162.7 - 147) / 3)
        power = found["power_users"].headline
        assert "their LTV cannot be compared (churn is 0, so the lifetime is unbounded)" in power
        assert found["inference_share"].headline.startswith("Inference costs 32.2% of revenue")


class TestChoosing:
    @staticmethod
    def make(key: str, impact: float | None) -> Finding:
        return Finding(key, f"{key}.", impact, "segment-ltv", "Segment LTV", brief=key)

    def test_the_best_of_every_kind_then_the_next_best(self) -> None:
        many = [self.make(f"below_benchmark:plan:p{i}", 1000.0 - i) for i in range(9)]
        others = [
            self.make("power_users", 5.0),
            self.make("losing_features", 1.0),
            self.make("inference_share", None),
        ]
        chosen = choose([*others, *many])
        assert [f.key for f in chosen] == [
            "below_benchmark:plan:p0",
            "below_benchmark:plan:p1",
            "below_benchmark:plan:p2",
            "below_benchmark:plan:p3",
            "below_benchmark:plan:p4",
            "power_users",
            "losing_features",
            "inference_share",
        ]
        assert chosen[0].details == (
            "Also below 3:1: below_benchmark:plan:p5, below_benchmark:plan:p6, "
            "below_benchmark:plan:p7 and below_benchmark:plan:p8.",
        )

    def test_findings_without_an_amount_rank_last_in_kind_order(self) -> None:
        chosen = choose(
            [
                self.make("inference_share", None),
                self.make("below_benchmark:plan:x", None),
                self.make("losing_plans", 0.001),
            ]
        )
        assert [f.key for f in chosen] == [
            "losing_plans",
            "below_benchmark:plan:x",
            "inference_share",
        ]

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(findings.KIND_ORDER),
                st.none() | st.floats(-1e6, 1e6, allow_nan=False),
            ),
            min_size=1,
            max_size=20,
        )
    )
    def test_ranked_by_impact_none_last(self, drawn: list[tuple[str, float | None]]) -> None:
        candidates = [
            self.make(f"{kind}:s:{i}" if kind == "below_benchmark" else kind, impact)
            for i, (kind, impact) in enumerate(drawn)
        ]
        chosen = choose(candidates)
        assert 1 <= len(chosen) <= findings.MAX_FINDINGS
        assert list(chosen) == sorted(chosen, key=rank)
        impacts = [f.impact_usd for f in chosen]
        known = [impact for impact in impacts if impact is not None]
        assert impacts[: len(known)] == known  # every None after every amount
        assert [round(x, 2) for x in known] == sorted((round(x, 2) for x in known), reverse=True)
        assert {f.kind for f in chosen} == {f.kind for f in candidates}


class TestShortfall:
    def test_on_the_sbg_lifetime(self) -> None:
        row = {"ltv_cac": 0.5, "cac_usd": 1000.0}
        # LTV $500 against the $3,000 that 3:1 needs, over 20 months of gross profit.
        assert profit_shortfall(row, 20.0) == pytest.approx((3000 - 500) / 20)
        assert profit_shortfall(row, None) is None
        assert profit_shortfall({"ltv_cac": None, "cac_usd": 1000.0}, 20.0) is None

    @given(
        st.floats(-500, 500, allow_nan=False),
        st.floats(0.001, 1, allow_nan=False),
        st.floats(1, 10_000, allow_nan=False),
    )
    def test_on_the_simple_lifetime_it_is_three_cac_churn_less_gross_profit(
        self, profit: float, churn: float, cac: float
    ) -> None:
        ltv, _ = measures.lifetime_value(profit, churn)
        ratio, _ = measures.ltv_cac(ltv, cac)
        shortfall = profit_shortfall({"ltv_cac": ratio, "cac_usd": cac}, 1 / churn)
        assert shortfall == pytest.approx(3 * cac * churn - profit, abs=1e-6)

    def test_the_segment_ltv_page_lifetime(self, sample: econ.Report) -> None:
        light = sample.segment("light")
        assert findings.lifetime_months(light, sample) == pytest.approx(1 / light["churn"])
        sbg = econ.analyze_dataset(
            econ.load_dataset(FIRST_USAGE, FIRST_REVENUE),
            econ.Scenario(retention=econ.Retention(ltv_method="sbg")),
        )
        row = sbg.segment("all") | {"ltv_method": "sbg"}
        fitted = sbg.retention.filter(pl.col("segment") == "all")["discounted_lifetime_months"]
        assert findings.lifetime_months(row, sbg) == fitted[0]


def test_a_gap_to_3_to_1_is_not_called_money_at_stake() -> None:
    gap = findings.Finding("below_benchmark:plan:Starter", "…", 110_344.4, "segment-ltv", "S")
    loss = findings.Finding("losing_features", "…", 3_539.2, "feature-margins", "F")
    rule = findings.Finding("inference_share", "…", None, "segment-ltv", "S")
    assert gap.impact_label == "$110,344 a month short of 3:1"
    assert loss.impact_label == "$3,539 a month at stake"
    assert rule.impact_label == ""
