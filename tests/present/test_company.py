"""The company month by month: the monthly figures, customers who came, came back and left, each
measure's MoM and QoQ change, inference cost per customer-month by feature and the compute
spiral, by hand on the first small upload (3 customers, 2 features, 3 months) and on a crafted
four months with a pause, a newcomer and a spiral while revenue falls; identities on the sample
and on any dataset (hypothesis)."""

from __future__ import annotations

import datetime as dt
import json
import math

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from hypothesis import given, settings
from strategies import datasets, scenarios

import econ
from econ import measures as m
from econ.present import columns as spec
from econ.present import company as co
from econ.present import kpis
from econ.present.company import CompanyMonths, company_months

JAN, FEB, MAR, APR = (dt.date(2026, n, 1) for n in (1, 2, 3, 4))


def report_of(
    usage: pl.DataFrame, revenue: pl.DataFrame, scenario: econ.Scenario | None = None
) -> econ.Report:
    return econ.analyze_dataset(econ.load_dataset(usage, revenue), scenario or econ.Scenario())


@pytest.fixture(scope="module")
def first() -> CompanyMonths:
    return company_months(report_of(FIRST_USAGE, FIRST_REVENUE))


@pytest.fixture(scope="module")
def sample_report(sample_dataset: econ.Dataset) -> econ.Report:
    return econ.analyze_dataset(sample_dataset, econ.sample_scenario())


@pytest.fixture(scope="module")
def sample(sample_report: econ.Report) -> CompanyMonths:
    return company_months(sample_report)


def column(frame: pl.DataFrame, name: str) -> list[object]:
    return frame[name].to_list()


def feature_rows(c: CompanyMonths, feature: str) -> pl.DataFrame:
    return c.feature_costs.filter(pl.col("feature_id") == feature).sort("month")


# Feature revenue of the first upload, usage-weighted: each customer-month's MRR by its share of
# calls (acme $49, bolt $199, cove $49; chat assistant / deep research calls).
CHAT_REVENUE = [
    49 * 400 / 430 + 199 * 900 / 920 + 49,
    49 * 420 / 460 + 199 * 950 / 975 + 49,
    49 * 450 / 505 + 199 * 1000 / 1020,
]
RESEARCH_REVENUE = [
    49 * 30 / 430 + 199 * 20 / 920,
    49 * 40 / 460 + 199 * 25 / 975,
    49 * 55 / 505 + 199 * 20 / 1020,
]


class TestTheFirstSmallUpload:
    """Jan: $297 of revenue, $74 of inference (chat 4 + 9 + 1, research 36 + 24); Feb: $297,
    $92.50 (chat 14.5, research 78); Mar, cove gone: $248, $104.50 (chat 14.5, research 90)."""

    def test_the_months(self, first: CompanyMonths) -> None:
        months = first.months
        assert months.schema == co.MONTHS_SCHEMA
        assert column(months, "month") == [JAN, FEB, MAR]
        assert column(months, "revenue_usd") == [297.0, 297.0, 248.0]
        assert column(months, "inference_usd") == pytest.approx([74.0, 92.5, 104.5])
        assert column(months, "gross_profit_usd") == pytest.approx([223.0, 204.5, 143.5])
        assert column(months, "gross_margin") == pytest.approx(
            [223 / 297, 204.5 / 297, 143.5 / 248]
        )
        assert column(months, "inference_share") == pytest.approx(
            [74 / 297, 92.5 / 297, 104.5 / 248]
        )
        assert column(months, "customers") == [3, 3, 2]

    def test_customers_who_came_and_went(self, first: CompanyMonths) -> None:
        months = first.months
        assert column(months, co.NEW) == [None, 0, 0]
        assert column(months, co.RETURNING) == [None, 0, 0]
        assert column(months, co.CHURNED) == [None, 0, 1]  # cove, after February
        assert months["null_reasons"][0].to_list() == [
            f"new, returning and churned customers: {co.NOT_COUNTED}"
        ]
        assert months["null_reasons"][1].to_list() == []

    def test_the_five_summary_cards_are_the_summarys_own(self, first: CompanyMonths) -> None:
        report = report_of(FIRST_USAGE, FIRST_REVENUE)
        for card in kpis.kpis(report.customer_months):
            mine = first.kpi(card.name)
            assert (mine.latest, mine.mom, mine.qoq) == (card.latest, card.mom, card.qoq)
            assert mine.series.equals(card.series)
            assert mine.rising_is_good == card.rising_is_good

    def test_the_changes(self, first: CompanyMonths) -> None:
        changes = {row["measure"]: row for row in first.changes.iter_rows(named=True)}
        assert first.changes.schema == co.CHANGES_SCHEMA
        assert list(changes) == [
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
        assert changes["Gross profit"]["latest"] == pytest.approx(143.5)
        assert changes["Gross profit"]["mom"] == pytest.approx(143.5 / 204.5 - 1)
        assert changes["Gross margin"]["mom"] == pytest.approx(143.5 / 248 - 204.5 / 297)
        assert changes["Customers"]["mom"] == pytest.approx(-1 / 3)
        churned = changes["Churned customers"]
        assert churned["latest"] == 1.0
        assert churned["mom"] is None  # from 0 churned in February: no relative change
        assert churned["null_reasons"] == [
            "MoM: 0 in the month before, so no relative change",
            "QoQ: needs 6 months (the window has 3)",
        ]
        assert all(row["qoq"] is None for row in changes.values())
        assert first.kpi(co.CHURNED_CUSTOMERS).rising_is_good is False

    def test_three_months_leave_the_quarter_blank_and_say_why(self, first: CompanyMonths) -> None:
        assert first.qoq_caption(first.kpi("Revenue")) == "— QoQ (needs 6 months)"

    def test_inference_cost_per_customer_month_by_feature(self, first: CompanyMonths) -> None:
        costs = first.feature_costs
        assert costs.schema == co.FEATURE_COSTS_SCHEMA
        assert column(costs, "feature_id") == ["chat_assistant"] * 3 + ["deep_research"] * 3
        research = feature_rows(first, "deep_research")
        assert column(research, "feature") == ["Deep research"] * 3
        assert column(research, "customer_months") == [3, 3, 2]
        assert column(research, "cost_per_customer_month_usd") == pytest.approx([20.0, 26.0, 45.0])
        mom = column(research, "cost_per_customer_month_mom")
        assert mom[0] is None
        assert mom[1:] == pytest.approx([0.3, 45 / 26 - 1])
        assert column(research, "revenue_usd") == pytest.approx(RESEARCH_REVENUE)
        chat = feature_rows(first, "chat_assistant")
        assert column(chat, "cost_per_customer_month_usd") == pytest.approx(
            [14 / 3, 14.5 / 3, 7.25]
        )
        assert column(chat, "revenue_usd") == pytest.approx(CHAT_REVENUE)
        assert chat["null_reasons"][0].to_list() == [
            "changes: the window's first month has none before"
        ]

    def test_the_compute_spiral(self, first: CompanyMonths) -> None:
        spiral = first.spiral
        assert spiral.schema == co.SPIRAL_SCHEMA
        assert [(row["month"], row["feature_id"]) for row in spiral.iter_rows(named=True)] == [
            (FEB, "deep_research"),  # the larger gap of February first
            (FEB, "chat_assistant"),
            (MAR, "deep_research"),
        ]
        research_feb = spiral.row(0, named=True)
        revenue_growth = RESEARCH_REVENUE[1] / RESEARCH_REVENUE[0] - 1
        assert research_feb["cost_growth"] == pytest.approx(78 / 60 - 1)
        assert research_feb["revenue_growth"] == pytest.approx(revenue_growth)
        assert research_feb["growth_gap"] == pytest.approx(0.3 - revenue_growth)
        assert (research_feb["cost_before_usd"], research_feb["cost_usd"]) == (60.0, 78.0)
        # Chat assistant in March: its cost stayed at $14.50 while its revenue fell: no spiral.
        assert not feature_rows(first, "chat_assistant")["spiral"][2]

    def test_the_callouts(self, first: CompanyMonths) -> None:
        assert first.spiral_sentences() == (
            "Deep research: cost +30.0% against revenue +20.9% in 2026-02",
            "Chat assistant: cost +3.6% against revenue \u22120.6% in 2026-02",
            "Deep research: cost +15.4% against revenue \u22121.3% in 2026-03",
        )
        shown, rest = co.spiral_callouts(first.spiral)
        assert shown == first.spiral_sentences() and rest.is_empty()
        by_feature = co.spiral_by_feature(first.feature_costs)
        assert co.spiral_by_feature_text(by_feature) == (
            "Deep research 2 of 2 months, Chat assistant 1 of 2"
        )

    def test_text_and_json(self, first: CompanyMonths) -> None:
        text = co.company_text(first)
        assert text.startswith("Company by month, Jan 2026 \u2013 Mar 2026\n")
        assert "2026-03  $248.00    $104.50" in text
        assert "  - Deep research: cost +15.4% against revenue \u22121.3% in 2026-03" in text
        assert "nan" not in text and "None" not in text
        data = json.loads(json.dumps(first.to_dict(), allow_nan=False))
        assert data["window"] == {"first": "2026-01", "last": "2026-03"}
        assert data["months"][0][co.NEW] is None
        assert len(data["spiral_callouts"]) == 3
        assert data["changes"][0]["measure"] == "Revenue"


# Four months: a pays throughout; b pauses in February and comes back in March; c arrives in
# March; d leaves after February. Revenue is split half and half between features x and y
# (custom weights), so each feature's revenue moves with the company's: $300, $200, $300, $300.
CRAFTED_REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "P"),
        ("a", "2026-02", 100, "P"),
        ("a", "2026-03", 100, "P"),
        ("a", "2026-04", 100, "P"),
        ("b", "2026-01", 100, "P"),
        ("b", "2026-03", 100, "P"),
        ("b", "2026-04", 100, "P"),
        ("c", "2026-03", 100, "P"),
        ("c", "2026-04", 100, "P"),
        ("d", "2026-01", 100, "P"),
        ("d", "2026-02", 100, "P"),
    ]
)
CRAFTED_USAGE = usage_frame(
    [
        # x: $10, $12 (+20% while revenue falls a third), $14 (+16.7% against +50%), $21 (+50%
        # against flat revenue).
        ("a", "x", "2026-01", 4, 4.0),
        ("b", "x", "2026-01", 3, 3.0),
        ("d", "x", "2026-01", 3, 3.0),
        ("a", "x", "2026-02", 6, 6.0),
        ("d", "x", "2026-02", 6, 6.0),
        ("a", "x", "2026-03", 5, 5.0),
        ("b", "x", "2026-03", 5, 5.0),
        ("c", "x", "2026-03", 4, 4.0),
        ("a", "x", "2026-04", 7, 7.0),
        ("b", "x", "2026-04", 7, 7.0),
        ("c", "x", "2026-04", 7, 7.0),
        # y: $10, $9 (falls less than revenue: no spiral), unused in March, $5 in April (from $0:
        # not compared).
        ("a", "y", "2026-01", 10, 10.0),
        ("a", "y", "2026-02", 9, 9.0),
        ("a", "y", "2026-04", 5, 5.0),
    ]
)
HALVES = econ.Scenario(allocation=econ.Allocation(method="custom", weights={"x": 1.0, "y": 1.0}))


@pytest.fixture(scope="module")
def crafted() -> CompanyMonths:
    return company_months(report_of(CRAFTED_USAGE, CRAFTED_REVENUE, HALVES))


class TestACraftedSpiral:
    def test_a_pause_is_churn_then_a_return_and_a_newcomer_is_new(
        self, crafted: CompanyMonths
    ) -> None:
        months = crafted.months
        assert column(months, "customers") == [3, 2, 3, 3]
        assert column(months, co.NEW) == [None, 0, 1, 0]  # c in March
        assert column(months, co.RETURNING) == [None, 0, 1, 0]  # b, back in March: not new
        assert column(months, co.CHURNED) == [None, 1, 1, 0]  # b paused, then d left

    def test_the_spiral_counts_a_revenue_fall_and_never_a_cost_fall(
        self, crafted: CompanyMonths
    ) -> None:
        rows = list(crafted.spiral.iter_rows(named=True))
        assert [(row["month"], row["feature_id"]) for row in rows] == [(FEB, "x"), (APR, "x")]
        assert rows[0]["cost_growth"] == pytest.approx(0.2)
        assert rows[0]["revenue_growth"] == pytest.approx(-1 / 3)
        assert rows[0]["growth_gap"] == pytest.approx(0.2 + 1 / 3)
        assert rows[1]["revenue_growth"] == pytest.approx(0.0)
        assert crafted.spiral_sentences() == (
            "X: cost +20.0% against revenue \u221233.3% in 2026-02",
            "X: cost +50.0% against revenue flat in 2026-04",
        )
        y = feature_rows(crafted, "y")
        # February: y's cost fell 10% while its revenue fell a third: a gap, but no spiral.
        assert y["growth_gap"][1] == pytest.approx(-0.1 + 1 / 3)
        assert not y["spiral"].any()

    def test_a_feature_back_from_zero_is_not_compared(self, crafted: CompanyMonths) -> None:
        y = feature_rows(crafted, "y")
        assert column(y, "cost_usd") == [10.0, 9.0, 0.0, 5.0]
        assert column(y, "cost_per_customer_month_usd") == pytest.approx([10 / 3, 4.5, 0.0, 5 / 3])
        april = y.row(3, named=True)
        assert april["cost_growth"] is None and april["growth_gap"] is None
        assert april["cost_per_customer_month_mom"] is None
        assert april["null_reasons"] == [
            "cost per customer-month MoM: none the month before",
            "cost growth: no cost the month before",
        ]

    def test_customer_month_costs_add_up_to_the_months_inference(
        self, crafted: CompanyMonths
    ) -> None:
        per_month = crafted.feature_costs.group_by("month").agg(
            pl.col("cost_per_customer_month_usd").sum()
        )
        expected = crafted.months.select(
            "month", (pl.col("inference_usd") / pl.col("customers")).alias("want")
        )
        joined = per_month.join(expected, on="month")
        assert joined["cost_per_customer_month_usd"].to_list() == pytest.approx(
            joined["want"].to_list()
        )


def test_a_month_without_customers_has_no_cost_per_customer_month() -> None:
    revenue = revenue_frame([("a", "2026-01", 10, "P"), ("a", "2026-03", 10, "P")])
    usage = usage_frame([("a", "f", "2026-01", 1, 1.0), ("a", "f", "2026-03", 1, 2.0)])
    c = company_months(report_of(usage, revenue))
    assert column(c.months, "customers") == [1, 0, 1]
    assert column(c.months, co.CHURNED) == [None, 1, 0]
    assert column(c.months, co.RETURNING) == [None, 0, 1]
    assert column(c.months, "gross_margin")[1] is None
    assert c.months["null_reasons"][1].to_list() == ["gross margin and inference share: no revenue"]
    february = feature_rows(c, "f").row(1, named=True)
    assert february["cost_per_customer_month_usd"] is None
    assert (
        "cost per customer-month: no active customer-month this month" in (february["null_reasons"])
    )
    assert c.spiral.is_empty()
    assert co.company_text(c).rstrip().endswith(co.NO_SPIRAL)


def test_six_months_leave_the_flows_quarter_undefined() -> None:
    """The quarter before holds the window's first month, where new customers are not counted."""
    revenue = revenue_frame([("a", f"2026-0{n}", 10, "P") for n in range(1, 7)])
    usage = usage_frame([("a", "f", f"2026-0{n}", 1, 1.0) for n in range(1, 7)])
    c = company_months(report_of(usage, revenue))
    assert c.kpi("Revenue").qoq == pytest.approx(0.0)
    assert c.kpi(co.NEW_CUSTOMERS).qoq is None
    reasons = c.changes.filter(pl.col("column") == co.NEW)["null_reasons"][0].to_list()
    assert f"QoQ: {co.NOT_COUNTED} in the quarter before or the last quarter" in reasons
    assert c.qoq_caption(c.kpi(co.NEW_CUSTOMERS)) == "— QoQ (undefined)"


class TestTheSample:
    def test_every_month_of_the_window(self, sample: CompanyMonths) -> None:
        assert sample.months.height == 15
        assert sample.months["month"].is_sorted()
        assert sample.window_text == "Aug 2025 \u2013 Oct 2026"

    def test_quarter_over_quarter_of_the_flows(self, sample: CompanyMonths) -> None:
        new = sample.months[co.NEW].to_list()
        assert sample.kpi(co.NEW_CUSTOMERS).qoq == pytest.approx(
            sum(new[-3:]) / sum(new[-6:-3]) - 1
        )
        assert sample.qoq_caption(sample.kpi(co.RETURNING_CUSTOMERS)) == "— QoQ (from 0)"
        assert sample.qoq_caption(sample.kpi("Revenue")).endswith("QoQ")

    def test_many_spiral_months_call_out_the_latest(self, sample: CompanyMonths) -> None:
        shown, rest = co.spiral_callouts(sample.spiral)
        latest = sample.spiral.filter(pl.col("month") == pl.col("month").max())
        assert len(shown) == min(latest.height, co.MOST_CALLOUTS)
        assert all(sentence.endswith("in 2026-10") for sentence in shown)
        assert rest.height == sample.spiral.height - len(shown)
        assert rest["month"].max() < dt.date(2026, 10, 1)

    def test_the_chart_frames(self, sample: CompanyMonths) -> None:
        money = co.money_lines(sample.months)
        assert money["measure"].unique(maintain_order=True).to_list() == [
            "Revenue",
            "Inference cost",
        ]
        assert money.height == 30
        bars = co.flow_bars(sample.months)
        assert bars.height == 14 * 3  # no bars in the window's first month
        assert (bars.filter(pl.col("measure") == "Churned")["customers"] <= 0).all()
        assert co.customer_line(sample.months)["label"][0] == "Aug 2025"
        assert len(co.largest_features(sample.feature_costs, 3)) == 3
        assert co.table_rows(sample.months)["month"][0] == "2025-08"


def assert_identities(report: econ.Report, c: CompanyMonths) -> None:
    """Months add up to the window; customers move by their flows; features add up to the
    months; nothing is NaN or infinite; every spiral month is one."""
    totals, months = report.totals, c.months
    assert months.height == report.customer_months.window.months
    assert months["month"].is_sorted()
    assert months["revenue_usd"].sum() == pytest.approx(totals.revenue_usd)
    assert months["inference_usd"].sum() == pytest.approx(totals.inference_usd)
    assert months["gross_profit_usd"].sum() == pytest.approx(totals.gross_profit_usd)
    assert months["customers"].sum() == totals.customer_months
    customers = months["customers"].to_list()
    flows = zip(*(months[name].to_list() for name in co.FLOWS), strict=True)
    for index, (new, back, left) in enumerate(flows):
        if index == 0:
            assert (new, back, left) == (None, None, None)
        else:
            assert customers[index] == customers[index - 1] + new + back - left
    costs = c.feature_costs
    by_month = costs.group_by("month").agg(pl.col("cost_usd", "revenue_usd").sum())
    joined = months.join(by_month, on="month", how="left").fill_null(0.0)
    assert joined["cost_usd"].to_list() == pytest.approx(joined["inference_usd"].to_list())
    assert costs["revenue_usd"].sum() == pytest.approx(totals.allocated_revenue_usd)
    for frame in (months, c.changes, costs, c.spiral):
        for name, dtype in frame.schema.items():
            if dtype == pl.Float64:
                assert frame[name].is_finite().all(), name
    for row in c.spiral.iter_rows(named=True):
        assert row["cost_usd"] > row["cost_before_usd"]
        assert row["growth_gap"] == pytest.approx(row["cost_growth"] - row["revenue_growth"])
        assert row["growth_gap"] > co.SPIRAL_GAP_MIN
    json.dumps(c.to_dict(), allow_nan=False)


def test_the_identities_of_the_first_upload_and_the_sample(
    sample_report: econ.Report, sample: CompanyMonths, first: CompanyMonths
) -> None:
    assert_identities(sample_report, sample)
    assert_identities(report_of(FIRST_USAGE, FIRST_REVENUE), first)


@pytest.mark.slow
@settings(max_examples=60)
@given(datasets(), scenarios())
def test_the_identities_of_any_dataset(data: econ.Dataset, scenario: econ.Scenario) -> None:
    report = econ.analyze_dataset(data, scenario)
    assert_identities(report, company_months(report))


def test_the_spiral_gap_measure() -> None:
    assert m.spiral_gap(0.3, 0.1) == pytest.approx(0.2)
    assert m.spiral_gap(0.1, -0.2) == pytest.approx(0.3)  # a revenue fall widens the gap
    assert m.spiral_gap(None, 0.1) is None
    assert m.spiral_gap(0.1, None) is None
    frame = pl.DataFrame({"c": [0.3, None], "r": [0.1, 0.2]})
    gaps = frame.select(m.spiral_gap(pl.col("c"), pl.col("r")))["c"].to_list()
    assert gaps[0] == pytest.approx(0.2) and gaps[1] is None
    assert not math.isnan(m.spiral_gap(0.0, 0.0) or 0.0)


def test_the_tables_columns_are_in_the_frames_that_fill_them(first: CompanyMonths) -> None:
    for frame, table in (
        (co.table_rows(first.months), spec.COMPANY_MONTHS),
        (co.table_rows(first.spiral), spec.COMPANY_SPIRAL),
    ):
        assert [c.name for c in table if c.name not in frame.columns] == []
        assert frame.schema["month"] == pl.String
    shown = spec.for_display(co.table_rows(first.spiral), spec.COMPANY_SPIRAL)
    assert shown["feature_id"].to_list() == ["Deep research", "Chat assistant", "Deep research"]
    assert shown["growth_gap"][0] == pytest.approx(100 * first.spiral["growth_gap"][0])
