"""The executive summary's contract (what the Summary page and the board pack read): the sample's
own findings and KPI cards, the first small upload, the verdict's three cases, and properties
that hold for any dataset and scenario."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from hypothesis import given, settings
from strategies import datasets, scenarios

import econ
from econ import formats
from econ.model.customer_months import Window
from econ.present.findings import MAX_FINDINGS, PAGE_TITLES, rank
from econ.present.summary import (
    ExecutiveSummary,
    executive_summary,
    margins_text,
    unset_assumptions,
    window_text,
)
from econ.scenario.edits import with_segmentation

UNDEFINED_WORDS = ("none", "nan", "inf")
"""What an undefined number must never read as (the word "information" has no "inf " in it:
the check is on whole words)."""


def summarize(data: econ.Dataset, scenario: econ.Scenario) -> ExecutiveSummary:
    report = econ.analyze_dataset(data, scenario)
    return executive_summary(data, scenario, report, econ.recommend(report))


def words_of(text: str) -> set[str]:
    return {word.strip(".,;:()").lower() for word in text.split()}


def assert_readable(summary: ExecutiveSummary) -> None:
    """No headline, detail, verdict or card text prints an undefined number."""
    texts = [summary.verdict, summary.window]
    texts += [text for found in summary.findings for text in (found.headline, *found.details)]
    texts += [text for k in summary.kpis for text in (k.value_text, k.mom_text, k.qoq_text)]
    for text in texts:
        assert not words_of(text) & set(UNDEFINED_WORDS), text
        assert "-inf" not in text and "nan%" not in text.lower(), text


@pytest.fixture(scope="module")
def sample(sample_dataset: econ.Dataset) -> ExecutiveSummary:
    return summarize(sample_dataset, econ.sample_scenario())


class TestTheSample:
    def test_the_window_and_the_verdict(self, sample: ExecutiveSummary) -> None:
        assert sample.window == "Aug 2025 \u2013 Oct 2026"
        assert sample.verdict == sample.findings[-1].headline
        assert sample.findings[-1].key == "inference_share"
        assert "above 10%: compute-adjusted LTV matters here" in sample.verdict

    def test_the_starter_finding_has_the_segment_ltv_tables_numbers(
        self, sample_dataset: econ.Dataset, sample: ExecutiveSummary
    ) -> None:
        """The strongest finding, hidden behind the Segment LTV page's "Segment by" control:
        the same figures as that page's table for segment_by="plan"."""
        plan = econ.analyze_dataset(
            sample_dataset, with_segmentation(econ.sample_scenario(), "plan")
        )
        starter = plan.segment("Starter")
        first = sample.findings[0]
        assert first.key == "below_benchmark:plan:Starter"
        assert formats.ratio(starter["ltv_cac"]) in first.headline  # 0.2x
        assert f"{formats.months(starter['payback_months'])} months" in first.headline  # 100.2
        assert (first.page, first.page_title) == ("segment-ltv", "Segment LTV")

    def test_the_kpi_cards(self, sample: ExecutiveSummary) -> None:
        cards = {k.name: k for k in sample.kpis}
        assert list(cards) == [
            "Revenue",
            "Inference cost",
            "Gross margin",
            "Inference share",
            "Customers",
        ]
        assert [k.kind for k in sample.kpis] == ["usd", "usd", "percent", "percent", "count"]
        assert cards["Revenue"].value_text == "$398,615"
        assert cards["Customers"].mom_text == "+4.2% MoM"
        assert all(k.qoq is not None for k in sample.kpis)

    def test_findings_are_ranked_by_dollars_a_month(self, sample: ExecutiveSummary) -> None:
        impacts = [f.impact_usd for f in sample.findings]
        assert impacts[-1] is None
        known = [x for x in impacts if x is not None]
        assert known == sorted(known, reverse=True)
        assert 5 <= len(sample.findings) <= MAX_FINDINGS
        for found in sample.findings:
            assert PAGE_TITLES[found.page] == found.page_title

    def test_readable(self, sample: ExecutiveSummary) -> None:
        assert_readable(sample)


def test_the_first_small_upload() -> None:
    """3 customers, 2 features, 3 months: sensible findings, and no quarter to compare."""
    summary = summarize(econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), econ.Scenario())
    assert summary.window == "Jan 2026 \u2013 Mar 2026"
    assert 1 <= len(summary.findings) <= MAX_FINDINGS
    assert summary.findings[0].headline.startswith("Deep research loses $67.22 a month")
    assert all(k.qoq is None and k.qoq_text == "—" for k in summary.kpis)
    assert_readable(summary)


class TestTheVerdict:
    def summary_of(self, inference: float, mrr: float = 100.0) -> ExecutiveSummary:
        revenue = revenue_frame([("a", "2026-01", mrr, "P"), ("a", "2026-02", mrr, "P")])
        usage = usage_frame([("a", "f", "2026-01", 1, inference), ("a", "f", "2026-02", 1, 0.0)])
        return summarize(econ.load_dataset(usage, revenue), econ.Scenario())

    def test_below_five_percent(self) -> None:
        verdict = self.summary_of(inference=4.0).verdict  # $4 of $200
        assert verdict.startswith("Inference costs 2.0% of revenue")
        assert "below 5%: the standard gross-margin LTV is enough here" in verdict

    def test_between_five_and_ten_percent(self) -> None:
        verdict = self.summary_of(inference=15.0).verdict  # $15 of $200
        assert "7.5% of revenue" in verdict and "between 5% and 10%" in verdict

    def test_without_revenue(self) -> None:
        summary = self.summary_of(inference=1.0, mrr=0.0)
        assert summary.verdict.startswith("Whether compute-adjusted LTV matters cannot be said")
        assert [f.key for f in summary.findings] == ["inference_share"]
        assert_readable(summary)


def test_a_window_of_one_month() -> None:
    assert window_text(Window(dt.date(2026, 1, 1), dt.date(2026, 1, 1))) == "Jan 2026"


@settings(max_examples=40)
@given(datasets(), scenarios())
def test_any_dataset_and_scenario(data: econ.Dataset, scenario: econ.Scenario) -> None:
    """Between one and seven findings, ranked, each linked to a page, and every text readable:
    an undefined number says why in words."""
    summary = summarize(data, scenario)
    assert 1 <= len(summary.findings) <= MAX_FINDINGS
    assert list(summary.findings) == sorted(summary.findings, key=rank)
    assert summary.findings[-1].key == "inference_share"
    assert len({f.key for f in summary.findings}) == len(summary.findings)
    assert all(f.page in PAGE_TITLES for f in summary.findings)
    assert len(summary.kpis) == 5
    assert_readable(summary)


def test_unset_assumptions_are_said_not_hidden() -> None:
    first = econ.load_dataset(FIRST_USAGE, FIRST_REVENUE)
    bare = econ.analyze_dataset(first, econ.Scenario())
    notes = unset_assumptions(econ.Scenario(), bare)
    assert len(notes) == 2
    assert notes[0].startswith("No CAC is set")
    assert "gross margin counts inference alone" in notes[1]
    costed = econ.Scenario(cac_usd=300.0, cogs=econ.Cogs(support_usd={"light": 2.0}))
    assert unset_assumptions(costed, econ.analyze_dataset(first, costed)) == ()


def test_the_three_gross_margins_are_told_apart() -> None:
    first = econ.load_dataset(FIRST_USAGE, FIRST_REVENUE)
    report = econ.analyze_dataset(first, econ.Scenario())
    cards = executive_summary(first, econ.Scenario(), report, econ.recommend(report)).kpis
    text = margins_text(report, cards)
    latest = next(kpi.latest for kpi in cards if kpi.name == "Gross margin")
    assert text.startswith(f"Gross margin: {formats.percent(latest)} in Mar 2026 and ")
    assert f"{formats.percent(report.totals.gross_margin)} over Jan 2026 – Mar 2026" in text
    assert text.endswith(
        f"{formats.percent(report.totals.inference_margin)} for the AI features after "
        "inference alone."
    )
