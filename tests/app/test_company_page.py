"""The Company by month page, driven headlessly: the sample's cards, table and compute-spiral
callouts with their own numbers, the first small upload (three months: no quarter), hostile
feature ids shown as text, and many features drawn as a bounded number of lines."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Final

import pytest
from app_support import (
    HOSTILE_LINKS,
    PAGES,
    assert_no_markup,
    assert_page_renders,
    first_upload_app,
    hostile_app,
    many_app,
    open_app,
    own_data_dir,
    scenario_of,
    shown,
    table,
)
from builders import FIRST_REVENUE, FIRST_USAGE
from markup import shown_text
from streamlit.testing.v1 import AppTest

import econ
from econ.present import company, spiral
from econ.present.company import CompanyMonths
from econ.scenario.link import decode_link

pytestmark = pytest.mark.app

TITLE: Final = "Company by month"
CARDS: Final = [
    "Revenue",
    "Inference cost",
    "Inference share",
    "Gross profit",
    "Gross margin",
    "Customers",
    "New customers",
    "Returning customers",
    "Churned customers",
]
RAW: Final = ("deep_research", "chat_assistant", "None", "nan", "inf")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def expected_sample() -> CompanyMonths:
    usage, revenue = econ.sample_paths()
    report = econ.analyze_dataset(econ.load_dataset(usage, revenue), econ.sample_scenario())
    return company.company_months(report)


def warnings(at: AppTest) -> list[str]:
    """The month-by-month spiral callouts (the trend's sentences left out)."""
    texts = [shown_text(warning.value) for warning in at.main.warning]
    return [text for text in texts if "cost per customer-month" not in text]


def trend_warnings(at: AppTest) -> list[str]:
    """The compute spiral as a trend, in words."""
    texts = [shown_text(warning.value) for warning in at.main.warning]
    return [text for text in texts if "cost per customer-month" in text]


@pytest.fixture(scope="module")
def sample() -> AppTest:
    return open_app("company")


def test_the_page_renders() -> None:
    assert_page_renders("company")


class TestTheSample:
    def test_the_cards_are_the_months_own(self, sample: AppTest) -> None:
        want = expected_sample()
        assert sample.title[0].value == TITLE
        cards = {metric.label: metric for metric in sample.main.metric}
        assert list(cards) == CARDS
        assert cards["Revenue"].value == "$398,615"
        assert cards["Revenue"].delta == "+5.6% MoM"
        for kpi in want.kpis:
            assert cards[kpi.name].value == kpi.value_text
            assert cards[kpi.name].delta == kpi.mom_text
        captions = [caption.value for caption in sample.main.caption]
        assert [want.qoq_caption(kpi) for kpi in want.kpis] == [
            c for c in captions if "QoQ" in c and "·" not in c
        ]
        assert "— QoQ (from 0)" in captions  # nobody came back in the sample

    def test_the_monthly_table(self, sample: AppTest) -> None:
        rows = table(sample)
        assert len(rows) == 15
        assert rows[0]["month"] == "2025-08"
        assert rows[-1]["revenue_usd"] == pytest.approx(expected_sample().kpi("Revenue").latest)
        blank = rows[0]["new_customers"]  # the window's first month: not counted
        assert blank is None or math.isnan(blank)
        assert rows[-1]["gross_margin"] == pytest.approx(
            100 * expected_sample().kpi("Gross margin").latest
        )

    def test_the_latest_months_spiral_is_called_out(self, sample: AppTest) -> None:
        want = expected_sample()
        shown_now, rest = company.spiral_callouts(want.spiral)
        assert warnings(sample) == list(shown_now)
        assert all(text.endswith("in 2026-10") for text in warnings(sample))
        assert rest.height > 0
        assert any(
            e.label == f"Every spiral month ({want.spiral.height})" for e in sample.main.expander
        )
        assert table(sample, 1)[0]["month"] == "2025-09"  # every spiral month, oldest first

    def test_four_charts(self, sample: AppTest) -> None:
        charts = sample.main.get("arrow_vega_lite_chart") or sample.main.get("vega_lite_chart")
        assert len(charts) == 4
        for chart in charts:
            spec = json.loads(chart.proto.spec)
            assert "NaN" not in chart.proto.spec and spec


@pytest.fixture(scope="module")
def first() -> AppTest:
    return first_upload_app("company")


class TestTheFirstSmallUpload:
    """Three customers, two features, three months: no quarter, three spiral months."""

    def test_three_months_and_no_quarter(self, first: AppTest) -> None:
        assert not first.exception
        assert first.title[0].value == TITLE
        cards = {metric.label: metric for metric in first.main.metric}
        assert cards["Revenue"].value == "$248.00"
        assert cards["Churned customers"].value == "1"
        assert cards["Churned customers"].delta == "—"  # from none in February
        captions = [caption.value for caption in first.main.caption]
        assert captions.count("— QoQ (needs 6 months)") == len(CARDS)
        rows = table(first)
        assert [row["month"] for row in rows] == ["2026-01", "2026-02", "2026-03"]
        assert [row["churned_customers"] for row in rows][1:] == [0, 1]

    def test_every_spiral_month_is_called_out(self, first: AppTest) -> None:
        report = econ.analyze(FIRST_USAGE, FIRST_REVENUE)
        want = company.company_months(report).spiral_sentences()
        assert warnings(first) == list(want)
        assert warnings(first)[0] == "Deep research: cost +30.0% against revenue +20.9% in 2026-02"
        text = shown(first)
        assert not [raw for raw in RAW if re.search(rf"\b{raw}\b", text)]


class TestNothingUsersWriteBecomesMarkup:
    def test_a_hostile_dataset(self) -> None:
        at = hostile_app()
        at.switch_page(PAGES["company"]).run()
        assert_no_markup(at, "company by month")
        assert at.main.warning  # the hostile features' spiral months, as text

    @pytest.mark.parametrize("params", HOSTILE_LINKS)
    def test_a_hostile_share_link(self, params: dict[str, str]) -> None:
        at = open_app(params=params)
        at.switch_page(PAGES["company"]).run()
        assert_no_markup(at, "company by month")


def test_many_features_draw_a_bounded_number_of_lines(tmp_path: Path) -> None:
    at = many_app(tmp_path, 300)
    at.switch_page(PAGES["company"]).run()
    assert not at.exception
    assert any(f"The {company.MOST_LINES} features" in c.value for c in at.main.caption)
    assert any("no feature" in s.value.lower() for s in at.main.success)


class TestTheSpiralTrend:
    """The N-month control: bound to the scenario, written into the link, and the trends table
    and sentences those of :func:`econ.present.spiral.spiral_trends` at that N."""

    @staticmethod
    def expected(months: int) -> spiral.SpiralTrends:
        usage, revenue = econ.sample_paths()
        report = econ.analyze_dataset(econ.load_dataset(usage, revenue), econ.sample_scenario())
        return spiral.spiral_trends(report, months)

    def test_the_default_six_months(self, sample: AppTest) -> None:
        assert sample.slider(key="retention:trend_months").value == 6
        want = self.expected(6)
        assert trend_warnings(sample) == list(want.sentences())
        assert trend_warnings(sample)[0].startswith("Deep research: cost per customer-month")
        rows = table(sample, -1)
        assert len(rows) == want.trends.height

    def test_moving_the_slider(self) -> None:
        at = open_app("company")
        at.slider(key="retention:trend_months").set_value(12).run()
        assert not at.exception
        assert scenario_of(at).retention.trend_months == 12
        assert trend_warnings(at) == list(self.expected(12).sentences())
        params = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
        assert decode_link(params).scenario.retention.trend_months == 12
