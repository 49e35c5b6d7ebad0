"""The Summary page's pieces: the executive summary, cached per dataset and scenario, and where
each finding links to.

The summary scans every segmentation of the dataset; the report of each one is the app's own
cached report of the re-segmented scenario (:func:`ui.session.cached_report`), so opening the
Segment LTV page under another segmentation afterwards reuses it.
"""

from __future__ import annotations

from typing import Final, Literal

import streamlit as st

import econ
from econ.present.summary import ExecutiveSummary, Kpi, executive_summary
from ui import session

PAGE_FILES: Final[dict[str, str]] = {
    "summary": "pages/summary.py",
    "data": "pages/home.py",
    "segment-ltv": "pages/segments.py",
    "feature-margins": "pages/features.py",
    "tiers-pricing": "pages/tiers.py",
    "ai-scorecard": "pages/scorecard.py",
    "company-by-month": "pages/company.py",
    "customer-pnl": "pages/customer.py",
    "compare": "pages/compare_scenarios.py",
    "projection-12-months": "pages/projection.py",
    "methods": "pages/formulas.py",
}
"""Each page's file by its URL path (as ``app.py`` registers them): what ``st.page_link`` needs."""

DeltaColor = Literal["green", "red", "gray"]

_TONE_COLORS: Final[dict[str, DeltaColor]] = {"good": "green", "bad": "red", "neutral": "gray"}


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_summary(dataset_id: str, data_dir: str, scenario_json: str) -> ExecutiveSummary:
    """One executive summary per dataset and scenario."""
    scenario = econ.Scenario.from_json(scenario_json)

    def analyze(other: econ.Scenario) -> econ.Report:
        return session.cached_report(dataset_id, data_dir, other.to_json(indent=None))

    return executive_summary(
        session.cached_dataset(dataset_id, data_dir),
        scenario,
        session.cached_report(dataset_id, data_dir, scenario_json),
        session.cached_recommendations(dataset_id, data_dir, scenario_json),
        analyze=analyze,
    )


def summary(now: session.Current) -> ExecutiveSummary:
    """The executive summary of what a page renders from."""
    return cached_summary(
        now.dataset_id, str(session.store().root), now.scenario.to_json(indent=None)
    )


def page_file(url_path: str) -> str:
    """The file of the page at ``url_path`` (the Data page for a path the app does not have)."""
    return PAGE_FILES.get(url_path, PAGE_FILES["data"])


def delta_color(kpi: Kpi, change: float | None) -> DeltaColor:
    """The colour of a KPI's change: green when it is good news for that KPI (a rise in revenue,
    a fall in inference cost), red when bad, grey when there is none."""
    return _TONE_COLORS[kpi.tone(change)]
