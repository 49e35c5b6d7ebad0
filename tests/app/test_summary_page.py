"""The Summary page, driven headlessly: where the app and a shared link land, the sample's KPI
cards and findings with its own numbers (the Starter plan's as the Segment LTV table shows them),
where each finding links to, the first small upload, and hostile names shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    PAGES,
    assert_no_markup,
    first_upload_app,
    hostile_app,
    land,
    own_data_dir,
    scenario_of,
    shown,
    table,
)
from streamlit.testing.v1 import AppTest

import econ
from econ import formats
from econ.present.summary import ExecutiveSummary, executive_summary
from econ.scenario.link import encode_link
from ui import session, summary

pytestmark = pytest.mark.app

TITLE = "Summary"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def expected(scenario: econ.Scenario) -> ExecutiveSummary:
    usage, revenue = econ.sample_paths()
    data = econ.load_dataset(usage, revenue)
    report = econ.analyze_dataset(data, scenario)
    return executive_summary(data, scenario, report, econ.recommend(report))


def findings_shown(at: AppTest) -> list[str]:
    """The numbered findings, as a reader sees them."""
    return [md.value for md in at.main.markdown if md.value.startswith("**")]


def links(at: AppTest) -> list[str]:
    """The URL paths the main area's page links lead to, in order."""
    return [str(link.proto.page) for link in at.main.get("page_link")]


@pytest.fixture(scope="module")
def sample() -> AppTest:
    return land()


def test_the_app_lands_on_the_summary(sample: AppTest) -> None:
    assert sample.title[0].value == TITLE
    assert any("bundled sample" in info.value for info in sample.main.info)
    assert links(sample)[0] == "data"  # the Data page, one click away


def test_the_kpi_cards(sample: AppTest) -> None:
    want = expected(econ.sample_scenario())
    cards = {metric.label: metric for metric in sample.main.metric}
    assert list(cards) == [kpi.name for kpi in want.kpis]
    assert cards["Revenue"].value == "$398,615"
    assert cards["Revenue"].delta == "+5.6% MoM"
    assert cards["Customers"].value == "1,479"
    for kpi in want.kpis:
        assert cards[kpi.name].value == kpi.value_text
        assert cards[kpi.name].delta == kpi.mom_text
        assert list(cards[kpi.name].proto.chart_data) == pytest.approx(kpi.chart_values)
    captions = [caption.value for caption in sample.main.caption]
    assert [kpi.qoq_text for kpi in want.kpis] == [c for c in captions if c.endswith("QoQ")]
    # The card's margin, the window's and the features' are told apart under the cards.
    plain_captions = [c.replace("\\", "") for c in captions]  # Markdown escapes removed
    assert any(
        c.startswith("Gross margin: 74.3% in Oct 2026 and 78.8% over") and "84.3%" in c
        for c in plain_captions
    )


def test_the_findings_with_their_links(sample: AppTest) -> None:
    want = expected(econ.sample_scenario())
    shown_findings = findings_shown(sample)
    assert len(shown_findings) == len(want.findings)
    for number, (text, found) in enumerate(zip(shown_findings, want.findings, strict=True), 1):
        assert text.startswith(f"**{number}.** ")
        assert shown(sample).count(found.headline) == 1
    # The Starter plan's finding opens Segment LTV by plan (a button); the others link.
    assert sample.main.button(key="open:below_benchmark:plan:Starter")
    assert links(sample)[1:] == [found.page for found in want.findings[1:]]
    assert set(links(sample)) <= set(summary.PAGE_FILES)


def test_the_starter_finding_has_the_segment_ltv_tables_numbers() -> None:
    at = land()
    (starter,) = [text for text in findings_shown(at) if "Starter plan" in text]
    at.main.button(key="open:below_benchmark:plan:Starter").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Compute-adjusted LTV by segment"
    assert scenario_of(at).segment_by == "plan"
    row = next(r for r in table(at) if r["segment"] == "Starter")
    ratio, payback = formats.ratio(row["ltv_cac"]), formats.months(row["payback_months"])
    assert (ratio, payback) == ("0.2x", "100.2")
    assert f"returns {ratio}" in shown(at.switch_page(PAGES["summary"]).run())
    assert f"{payback} months" in shown(at)
    assert "Starter" in starter


def test_a_shared_link_lands_on_the_summary_with_its_scenario() -> None:
    scenario = econ.sample_scenario().replace(cac_usd=2400.0)
    at = land(encode_link("sample", scenario))
    assert at.title[0].value == TITLE
    assert scenario_of(at) == scenario
    want = expected(scenario)
    assert want.findings[0].key == "below_benchmark:plan:Starter"
    assert want.findings[0].headline in shown(at)
    # $2,400 ÷ Starter's $17.96 of gross profit a customer-month.
    assert "CAC takes 133.7 months to pay back" in want.findings[0].headline


def test_a_link_that_names_the_summary() -> None:
    at = land({"v": "1", "data": "sample", "page": "summary"})
    assert at.title[0].value == TITLE
    assert not at.warning


def test_the_first_small_upload() -> None:
    at = first_upload_app("summary")
    assert at.title[0].value == TITLE
    text = shown(at)
    for word in ("None", "nan", "inf", "NaN"):
        assert f" {word} " not in f" {text} ".replace("\n", " "), word
    assert "Deep research loses $67.22 a month" in text
    assert "1 of 3 customers (33.3%) loses money after compute, $5.23 a month." in text
    cards = {metric.label: metric.value for metric in at.main.metric}
    assert cards["Revenue"] == "$248.00" and cards["Customers"] == "2"
    qoq = [c.value for c in at.main.caption if "QoQ" in c.value]
    assert len(qoq) == 5 and all(c.startswith("— QoQ") for c in qoq)


def test_hostile_names_stay_text() -> None:
    """Plans, segment values and a segment column named as markup, in findings, their details
    and the buttons that open another segmentation (a CAC makes every segment fall below 3:1)."""
    at = hostile_app()
    at.session_state[session.SCENARIO] = scenario_of(at).replace(cac_usd=50_000.0)
    at.switch_page(PAGES["summary"]).run()
    assert_no_markup(at, "summary page")
    # The scenario survived the run (a scenario the data refuses is reset with a notice).
    assert scenario_of(at).cac_usd == 50_000.0, [w.value for w in at.warning]
    assert [b for b in at.main.button if b.key.startswith("open:below_benchmark")]
    assert "3:1" in shown(at)
