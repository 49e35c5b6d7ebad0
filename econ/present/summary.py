"""The executive summary: what the app's landing page and the board pack open with.

Up to seven headline findings ranked by the dollars a month each puts at stake
(:mod:`econ.present.findings`), five KPI cards with their monthly series and their change
against the month and the quarter before (:mod:`econ.present.kpis`), the inference-share verdict
of article 001 (is compute-adjusted LTV worth it here?), and the months covered. Everything is
computed here from a report, so a page or a document only lays it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from econ import formats
from econ.decisions.recommend import Recommendation
from econ.inputs.dataset import Dataset
from econ.model.report import Report
from econ.present.ai_revenue import BUCKETS, ai_revenue_buckets
from econ.present.findings import (
    KIND_ORDER,
    MAX_FINDINGS,
    PAGE_TITLES,
    Analyze,
    Finding,
    findings,
    verdict,
)
from econ.present.kpis import GROSS_MARGIN, Kpi, kpis, window_text
from econ.scenario.assumptions import Scenario

__all__ = [
    "KIND_ORDER",
    "MAX_FINDINGS",
    "PAGE_TITLES",
    "ExecutiveSummary",
    "Finding",
    "Kpi",
    "executive_summary",
    "window_text",
]


@dataclass(frozen=True, slots=True)
class ExecutiveSummary:
    """What an executive reads first.

    Attributes:
        findings: ranked (see :mod:`econ.present.findings`), at most seven: every kind that
            applies; the inference-share verdict is always one of them (key
            ``inference_share``, no dollar amount, ranked last).
        kpis: Revenue, Inference cost, Gross margin, Inference share, Customers.
        verdict: the inference-share rule sentence for this dataset (the headline of the
            ``inference_share`` finding).
        window: the months covered, "Aug 2025 – Oct 2026".
        unset: the assumptions left unset that the figures depend on.
        ai_revenue: what the figures count as AI revenue (article 001's buckets), and the
            AI-influenced revenue tracked beside it when the revenue table records it.
    """

    findings: tuple[Finding, ...]
    kpis: tuple[Kpi, ...]
    verdict: str
    window: str
    unset: tuple[str, ...] = ()
    ai_revenue: str = ""


def unset_assumptions(scenario: Scenario, report: Report) -> tuple[str, ...]:
    """The assumptions left unset that the figures depend on, said so a reader does not take a
    blank or a flattering number for a measured one: no CAC (LTV:CAC and payback blank, and
    no finding can say a segment is below 3:1), and no cost burdens (gross margin then counts
    inference alone)."""
    notes = []
    if report.segments["cac_usd"].is_null().all():
        notes.append(
            "No CAC is set, so LTV:CAC and payback are blank and no segment can be called "
            "below 3:1: set it on the Segment LTV page (CAC), or cac_usd in a scenario file."
        )
    burdens = (scenario.cogs.ai_infra_usd, scenario.cogs.support_usd, scenario.cogs.cs_usd)
    if all(_is_zero(burden) for burden in burdens):
        notes.append(
            "AI infrastructure, support and customer-success costs are $0 a customer-month, so "
            "gross margin counts inference alone: set them on the Segment LTV page (Cost "
            "burdens), or cogs in a scenario file."
        )
    return tuple(notes)


def _is_zero(burden: float | Mapping[str, float]) -> bool:
    values = burden.values() if isinstance(burden, Mapping) else (burden,)
    return all(value == 0 for value in values)


def margins_text(report: Report, kpis: Sequence[Kpi]) -> str:
    """The three gross margins a reader meets, told apart in one line: the last month's after
    every cost (the card), the window's after every cost (the segment table, the pack's cover)
    and the features' after inference alone (the Feature margins page)."""
    window = report.customer_months.window
    latest = next((kpi.latest for kpi in kpis if kpi.name == GROSS_MARGIN), None)
    totals = report.totals
    return (
        f"Gross margin: {formats.percent(latest)} in {window.last:%b %Y} and "
        f"{formats.percent(totals.gross_margin)} over {window_text(window)}, after inference, "
        f"AI infrastructure, support and customer success; "
        f"{formats.percent(totals.inference_margin)} for the AI features after inference "
        "alone."
    )


def executive_summary(
    data: Dataset,
    scenario: Scenario,
    report: Report,
    recommendations: Sequence[Recommendation],
    *,
    analyze: Analyze | None = None,
) -> ExecutiveSummary:
    """The summary of ``report`` (``scenario`` on ``data``) and its ranked ``recommendations``.

    Findings scan every segmentation of ``data``; ``analyze`` makes the report of a
    re-segmented scenario (by default :func:`econ.analyze_dataset` on ``data``; the app passes
    its cached reports).
    """
    return ExecutiveSummary(
        findings=findings(data, scenario, report, recommendations, analyze=analyze),
        kpis=kpis(report.customer_months),
        verdict=verdict(report),
        window=window_text(report.customer_months.window),
        unset=unset_assumptions(scenario, report),
        ai_revenue=ai_revenue_text(report),
    )


def ai_revenue_text(report: Report, *, how_to_change: bool = True) -> str:
    """What LTV, margins and recommendations count as AI revenue, and how much of MRR it is;
    with the AI-influenced revenue the table records, which none of them counts. Under the
    default basis, ``how_to_change`` adds where to count only AI revenue (the app and the CLI
    say it; a board pack does not)."""
    buckets = ai_revenue_buckets(report)
    text = buckets.sentence
    if buckets.basis != "all":
        row = buckets.table.row(BUCKETS.index(buckets.basis), named=True)
        text += f" It is {formats.percent(row['share_of_mrr'])} of MRR over the window."
    elif how_to_change:
        text += (
            " To count only direct or attributed AI revenue, choose it on the Segment LTV page "
            "(AI revenue), or ai_revenue in a scenario file."
        )
    if buckets.influenced_usd is not None:
        months = report.customer_months.window.months
        text += (
            f" AI-influenced revenue, tracked and never counted: "
            f"{formats.money(buckets.influenced_usd / months)} a month."
        )
    return text
