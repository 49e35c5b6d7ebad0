"""The Summary's KPI cards: monthly series, latest values and MoM / QoQ changes, by hand on the
first small upload (3 customers, 2 features, 3 months), on six hand-made months, on the sample,
and as properties of rising and falling series."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from hypothesis import given
from hypothesis import strategies as st

import econ
from econ.present import kpis
from econ.present.kpis import MONTHLY_SCHEMA, Kpi, change_text, kpis_of, monthly_totals


@pytest.fixture(scope="module")
def first() -> econ.Report:
    return econ.analyze_dataset(econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), econ.Scenario())


def by_name(cards: tuple[Kpi, ...]) -> dict[str, Kpi]:
    return {card.name: card for card in cards}


def monthly(revenue: list[float], **columns: list[float]) -> pl.DataFrame:
    """:data:`MONTHLY_SCHEMA` rows for consecutive months from Jan 2026."""
    n = len(revenue)
    return pl.DataFrame(
        {
            "month": [dt.date(2026 + k // 12, k % 12 + 1, 1) for k in range(n)],
            "revenue_usd": revenue,
            "inference_usd": columns.get("inference", [0.0] * n),
            "burdens_usd": columns.get("burdens", [0.0] * n),
            "customers": [int(c) for c in columns.get("customers", [1.0] * n)],
        },
        schema=MONTHLY_SCHEMA,
    )


class TestTheFirstSmallUpload:
    """Jan: 49 + 199 + 49 = $297 of revenue, inference 40 + 33 + 1 = $74; Feb: $297, 52.2 +
    39.5 + 0.8 = $92.5; Mar (cove churned): 49 + 199 = $248, 70.5 + 34 = $104.5."""

    def test_the_monthly_sums(self, first: econ.Report) -> None:
        frame = monthly_totals(first.customer_months)
        assert frame.schema == MONTHLY_SCHEMA
        assert frame["month"].to_list() == [dt.date(2026, m, 1) for m in (1, 2, 3)]
        assert frame["revenue_usd"].to_list() == [297.0, 297.0, 248.0]
        assert frame["inference_usd"].to_list() == pytest.approx([74.0, 92.5, 104.5])
        assert frame["customers"].to_list() == [3, 3, 2]

    def test_latest_values_and_month_over_month(self, first: econ.Report) -> None:
        cards = by_name(kpis.kpis(first.customer_months))
        assert list(cards) == [
            "Revenue",
            "Inference cost",
            "Gross margin",
            "Inference share",
            "Customers",
        ]
        revenue, margin = cards["Revenue"], cards["Gross margin"]
        assert revenue.latest == 248.0
        assert revenue.mom == pytest.approx((248 - 297) / 297)
        assert revenue.value_text == "$248.00"
        assert revenue.mom_text == "\u221216.5% MoM"
        assert margin.latest == pytest.approx((248 - 104.5) / 248)
        assert margin.mom == pytest.approx((248 - 104.5) / 248 - (297 - 92.5) / 297)
        assert margin.mom_text == "\u221211.0 pp MoM"
        assert cards["Inference share"].latest == pytest.approx(104.5 / 248)
        assert cards["Inference share"].mom_text == "+11.0 pp MoM"
        assert cards["Customers"].value_text == "2"
        assert cards["Customers"].mom == pytest.approx(-1 / 3)

    def test_three_months_have_no_quarter_over_quarter(self, first: econ.Report) -> None:
        for card in kpis.kpis(first.customer_months):
            assert card.qoq is None
            assert card.qoq_text == "—"

    def test_the_series_is_every_month_sorted(self, first: econ.Report) -> None:
        for card in kpis.kpis(first.customer_months):
            assert card.series.columns == ["month", "value"]
            assert card.series.schema["value"] == pl.Float64
            assert card.series["month"].is_sorted()
            assert card.series.height == 3

    def test_the_margin_takes_the_scenarios_cost_burdens(self) -> None:
        scenario = econ.Scenario(cogs=econ.Cogs(support_usd=6.0, hosting_usd=100.0))
        report = econ.analyze_dataset(econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), scenario)
        margin = by_name(kpis.kpis(report.customer_months))["Gross margin"]
        # Two customer-months in March, $6 of support each; hosting is not a compute burden.
        assert margin.latest == pytest.approx((248 - 104.5 - 12) / 248)


class TestQuarters:
    def test_the_last_three_months_against_the_three_before(self) -> None:
        rows = monthly(
            [100.0, 200.0, 300.0, 400.0, 500.0, 600.0],
            inference=[10.0, 20.0, 30.0, 80.0, 100.0, 120.0],
            customers=[1, 2, 3, 4, 5, 6],
        )
        cards = by_name(kpis_of(rows))
        assert cards["Revenue"].qoq == pytest.approx(1500 / 600 - 1)
        assert cards["Revenue"].qoq_text == "+150.0% QoQ"
        assert cards["Customers"].qoq == pytest.approx(15 / 6 - 1)
        # A quarter's share is the ratio of its sums: 60 ÷ 600 = 10%, then 300 ÷ 1500 = 20%.
        assert cards["Inference share"].qoq == pytest.approx(0.10)
        assert cards["Inference share"].qoq_text == "+10.0 pp QoQ"
        assert cards["Gross margin"].qoq == pytest.approx(-0.10)

    def test_only_the_last_six_months_count(self) -> None:
        rows = monthly([1000.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0])
        assert by_name(kpis_of(rows))["Revenue"].qoq == pytest.approx(1.0)

    def test_five_months_are_not_two_quarters(self) -> None:
        assert by_name(kpis_of(monthly([1.0] * 5)))["Revenue"].qoq is None


class TestUndefined:
    def test_a_month_without_revenue_has_no_margin_and_no_relative_change_from_it(self) -> None:
        cards = by_name(kpis_of(monthly([100.0, 0.0, 50.0], inference=[10.0, 0.0, 5.0])))
        margin = cards["Gross margin"]
        assert margin.series["value"].to_list()[1] is None
        assert margin.mom is None and margin.mom_text == "—"
        assert margin.chart_values == pytest.approx([0.9, 0.9])
        assert cards["Revenue"].mom is None  # from $0: no relative change, never infinity
        assert cards["Revenue"].direction(None) == "off"

    def test_a_window_with_a_month_without_customers_keeps_the_month(self) -> None:
        revenue = revenue_frame([("a", "2026-01", 10, "P"), ("a", "2026-03", 10, "P")])
        usage = usage_frame([("a", "f", "2026-01", 1, 1.0)])
        report = econ.analyze_dataset(econ.load_dataset(usage, revenue), econ.Scenario())
        frame = monthly_totals(report.customer_months)
        assert frame["month"].to_list() == [dt.date(2026, m, 1) for m in (1, 2, 3)]
        assert frame["revenue_usd"].to_list() == [10.0, 0.0, 10.0]
        assert frame["customers"].to_list() == [1, 0, 1]


class TestWords:
    @pytest.mark.parametrize(
        ("change", "kind", "text"),
        [
            (0.042, "usd", "+4.2% MoM"),
            (-0.009, "percent", "\u22120.9 pp MoM"),
            (0.0004, "usd", "no change MoM"),
            (-0.0004, "percent", "no change MoM"),
            (None, "count", "—"),
        ],
    )
    def test_change_text(self, change: float | None, kind: kpis.KpiKind, text: str) -> None:
        assert change_text(change, kind, "MoM") == text

    def test_a_rise_in_cost_is_bad_news_and_in_revenue_good(self, first: econ.Report) -> None:
        cards = by_name(kpis.kpis(first.customer_months))
        assert cards["Inference cost"].tone(0.1) == "bad"
        assert cards["Revenue"].tone(0.1) == "good"
        assert cards["Revenue"].tone(-0.1) == "bad"
        assert cards["Revenue"].tone(0.0) == "neutral"
        assert cards["Revenue"].direction(-0.1) == "down"


def test_the_sample(sample_dataset: econ.Dataset) -> None:
    report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
    cards = by_name(kpis.kpis(report.customer_months))
    revenue = cards["Revenue"]
    assert revenue.series.height == 15
    assert revenue.latest == pytest.approx(398_614.8)
    assert revenue.value_text == "$398,615"
    assert revenue.mom_text == "+5.6% MoM"
    assert revenue.qoq_text == "+15.9% QoQ"
    assert cards["Customers"].value_text == "1,479"
    assert cards["Gross margin"].mom_text.startswith("\u2212")
    # The window's sums come back from the monthly series.
    assert float(revenue.series["value"].sum()) == pytest.approx(report.totals.revenue_usd)


@given(
    st.lists(st.floats(1, 1e6, allow_nan=False), min_size=2, max_size=14, unique=True).map(sorted),
    st.booleans(),
)
def test_changes_follow_the_series(values: list[float], falling: bool) -> None:
    """A revenue series that rises month to month gives a positive MoM (and QoQ), a falling one
    a negative change; the text carries the same sign, and never "None", "nan" or "inf"."""
    series = values[::-1] if falling else values
    revenue = by_name(kpis_of(monthly(series, inference=[v / 10 for v in series])))["Revenue"]
    assert revenue.mom is not None
    assert (revenue.mom < 0) if falling else (revenue.mom > 0)
    if len(series) >= 6:
        assert revenue.qoq is not None and ((revenue.qoq < 0) if falling else (revenue.qoq > 0))
    if revenue.direction(revenue.mom) != "off":
        assert revenue.mom_text.startswith("\u2212" if falling else "+")
    for card in kpis_of(monthly(series)):
        for text in (card.value_text, card.mom_text, card.qoq_text):
            assert not any(bad in text.lower() for bad in ("none", "nan", "inf"))
