"""One customer's P&L: golden values on the first small upload worked by hand, the identities
that tie it to the segment economics and the report's totals, its history, its simulated bill,
its text and JSON, and the error an unknown id raises."""

from __future__ import annotations

import datetime as dt
import json
import random
import time

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from hypothesis import given, settings
from strategies import datasets, scenarios

import econ
from econ import formats
from econ.measures import compute_burdens
from econ.present import columns as spec
from econ.present import customer, views
from econ.present.customer import customer_pnl, customer_text

JAN, FEB, MAR = (dt.date(2026, month, 1) for month in (1, 2, 3))


@pytest.fixture(scope="module")
def first() -> econ.Report:
    """The first small upload, default scenario: usage tiers at the 50th and 90th percentiles
    of each customer's monthly inference (cove $0.90 light, bolt $35.50 core, acme $54.23
    power), churn estimated, no CAC, no burdens."""
    return econ.analyze(FIRST_USAGE, FIRST_REVENUE)


@pytest.fixture(scope="module")
def sample(sample_dataset: econ.Dataset) -> econ.Report:
    return econ.analyze_dataset(sample_dataset, econ.sample_scenario())


def by_feature(pnl: customer.CustomerPnl) -> dict[str, dict[str, object]]:
    return {row["feature_id"]: row for row in pnl.features.iter_rows(named=True)}


class TestFirstUploadByHand:
    def test_acme_month_by_month(self, first: econ.Report) -> None:
        pnl = customer_pnl(first, "acme")
        months = pnl.months
        assert months.columns == list(customer.MONTHS_SCHEMA.names())
        assert months["month"].to_list() == [JAN, FEB, MAR]
        assert months["revenue_usd"].to_list() == [49.0, 49.0, 49.0]
        # chat_assistant + deep_research: 4.0 + 36.0, 4.2 + 48.0, 4.5 + 66.0
        assert months["inference_usd"].to_list() == pytest.approx([40.0, 52.2, 70.5])
        assert months["burdens_usd"].to_list() == [0.0, 0.0, 0.0]
        assert months["gross_profit_usd"].to_list() == pytest.approx([9.0, -3.2, -21.5])
        assert months["gross_margin"].to_list() == pytest.approx([9 / 49, -3.2 / 49, -21.5 / 49])
        assert months["calls"].to_list() == [430, 460, 505]
        assert months["plan"].unique().to_list() == ["Starter"]
        assert months["segment"].unique().to_list() == ["power"]

    def test_acme_totals(self, first: econ.Report) -> None:
        t = customer_pnl(first, "acme").totals
        assert (t.active_months, t.calls) == (3, 1395)
        assert t.revenue_usd == pytest.approx(147.0)
        assert t.inference_usd == pytest.approx(162.7)
        assert t.gross_profit_usd == pytest.approx(-15.7)
        assert t.gross_margin == pytest.approx(-15.7 / 147)
        assert t.inference_share == pytest.approx(162.7 / 147)
        assert t.monthly_revenue_usd == pytest.approx(49.0)
        assert t.monthly_gross_profit_usd == pytest.approx(-15.7 / 3)
        assert (t.bill_simulated_usd, t.bill_change_usd) == (None, None)

    def test_acme_features_against_the_median_starter_customer(self, first: econ.Report) -> None:
        pnl = customer_pnl(first, "acme")
        assert pnl.features.columns == list(customer.FEATURES_SCHEMA.names())
        assert pnl.features["feature_id"].to_list() == ["deep_research", "chat_assistant"]
        assert pnl.features["feature"].to_list() == ["Deep research", "Chat assistant"]
        rows = by_feature(pnl)
        deep, chat = rows["deep_research"], rows["chat_assistant"]
        # deep_research: 125 calls, $150 over 3 months; Starter's customers are acme ($50 a
        # month) and cove (never used it: $0), so the median is $25.
        assert (deep["calls"], deep["cost_usd"]) == (125, pytest.approx(150.0))
        assert deep["cost_per_month_usd"] == pytest.approx(50.0)
        assert deep["plan_median_usd"] == pytest.approx(25.0)
        assert deep["ratio_to_median"] == pytest.approx(2.0)
        assert deep["inference_share"] == pytest.approx(150 / 162.7)
        # chat_assistant: $12.70 over 3 months; cove's $1.80 over its 2 Starter months is $0.90
        median = (12.7 / 3 + 0.9) / 2
        assert (chat["calls"], chat["cost_usd"]) == (1270, pytest.approx(12.7))
        assert chat["plan_median_usd"] == pytest.approx(median)
        assert chat["ratio_to_median"] == pytest.approx(12.7 / 3 / median)
        assert chat["inference_share"] == pytest.approx(12.7 / 162.7)
        assert "ratio_to_median" not in pnl.reasons

    def test_acme_cost_by_feature_is_long_and_sorted(self, first: econ.Report) -> None:
        cost = customer_pnl(first, "acme").cost_by_feature
        assert cost.columns == list(customer.COST_BY_FEATURE_SCHEMA.names())
        assert cost.select("month", "feature_id", "cost_usd").rows() == [
            (JAN, "chat_assistant", pytest.approx(4.0)),
            (JAN, "deep_research", pytest.approx(36.0)),
            (FEB, "chat_assistant", pytest.approx(4.2)),
            (FEB, "deep_research", pytest.approx(48.0)),
            (MAR, "chat_assistant", pytest.approx(4.5)),
            (MAR, "deep_research", pytest.approx(66.0)),
        ]

    def test_a_segment_without_churn_leaves_ltv_blank_with_its_reason(
        self, first: econ.Report
    ) -> None:
        pnl = customer_pnl(first, "acme")  # power users: nobody left, churn 0
        assert pnl.segment == "power"
        assert pnl.segment_name == "Power users"
        assert pnl.churn == 0.0
        assert pnl.ltv_compute_adjusted_usd is None
        assert pnl.reasons["ltv_compute_adjusted_usd"] == (
            "churn is 0, so the lifetime is unbounded (segment Power users)"
        )
        assert (pnl.cac_usd, pnl.payback_months, pnl.ltv_cac) == (None, None, None)
        assert pnl.reasons["cac_usd"] == "Power users: no CAC given"
        assert pnl.reasons["payback_months"] == "needs a CAC"
        assert pnl.reasons["bill_simulated_usd"] == "no price book was simulated"

    def test_cove_ltv_uses_its_segments_churn(self, first: econ.Report) -> None:
        pnl = customer_pnl(first, "cove")
        # light users are cove alone: $98 at risk (Jan, Feb), $49 churned (Feb) → 50% a month;
        # gross profit $48.00 and $48.20, $48.10 a month
        assert pnl.segment == "light"
        assert pnl.churn == pytest.approx(0.5)
        assert pnl.churn == first.segment("light")["churn"]
        assert pnl.totals.monthly_gross_profit_usd == pytest.approx(48.1)
        assert pnl.ltv_compute_adjusted_usd == pytest.approx(96.2)

    def test_bolt_payback_and_ltv_with_churn_and_cac_set(self) -> None:
        scenario = econ.Scenario(churn=0.05, cac_usd=300.0)
        pnl = customer_pnl(econ.analyze(FIRST_USAGE, FIRST_REVENUE, scenario), "bolt")
        # $199 a month less 9 + 24, 9.5 + 30, 10 + 24 of inference: 166 + 159.5 + 165 = 490.5
        assert pnl.totals.gross_profit_usd == pytest.approx(490.5)
        assert pnl.totals.monthly_gross_profit_usd == pytest.approx(163.5)
        assert pnl.ltv_compute_adjusted_usd == pytest.approx(163.5 / 0.05)
        assert pnl.payback_months == pytest.approx(300 / 163.5)
        assert pnl.ltv_cac == pytest.approx(163.5 / 0.05 / 300)
        assert pnl.cac_usd == 300.0
        # bolt is Pro's only customer: it is its plan's median
        assert pnl.features["ratio_to_median"].to_list() == pytest.approx([1.0, 1.0])

    def test_a_loss_maker_is_never_paid_back(self) -> None:
        scenario = econ.Scenario(churn=0.05, cac_usd=300.0)
        pnl = customer_pnl(econ.analyze(FIRST_USAGE, FIRST_REVENUE, scenario), "acme")
        assert pnl.ltv_compute_adjusted_usd == pytest.approx(-15.7 / 3 / 0.05)
        assert pnl.payback_months is None
        assert pnl.reasons["payback_months"] == (
            "gross profit is not positive, so CAC is never paid back"
        )


class TestIdentities:
    def test_the_months_sum_to_the_customers_rows_of_the_segment_economics(
        self, sample: econ.Report
    ) -> None:
        frame = sample.customer_months.frame
        ids = sorted(frame["customer_id"].unique().to_list())
        for customer_id in random.Random(7).sample(ids, 25):
            pnl = customer_pnl(sample, customer_id)
            rows = frame.filter(pl.col("customer_id") == customer_id)
            burdens = float(rows.select(compute_burdens().sum()).item())
            revenue, inference = float(rows["mrr_usd"].sum()), float(rows["inference_usd"].sum())
            assert pnl.months.height == rows.height == pnl.totals.active_months
            assert pnl.totals.revenue_usd == pytest.approx(revenue)
            assert pnl.totals.inference_usd == pytest.approx(inference)
            assert pnl.totals.gross_profit_usd == pytest.approx(revenue - inference - burdens)
            assert pnl.months["gross_profit_usd"].sum() == pytest.approx(
                pnl.totals.gross_profit_usd
            )

    def test_every_customer_adds_up_to_the_report(self, first: econ.Report) -> None:
        assert_adds_up(first)

    @settings(max_examples=40)
    @given(data=datasets(), scenario=scenarios())
    def test_every_customer_adds_up_to_the_report_of_any_data(
        self, data: econ.Dataset, scenario: econ.Scenario
    ) -> None:
        report = econ.analyze_dataset(data, scenario)
        if report.customer_months.frame.height:
            assert_adds_up(report)

    def test_the_pnl_matches_the_per_customer_table(self, sample: econ.Report) -> None:
        profits = views.customer_profits(sample.customer_months)
        for row in profits.head(5).iter_rows(named=True):
            pnl = customer_pnl(sample, row["customer_id"])
            assert pnl.totals.gross_profit_usd == pytest.approx(row["gross_profit_usd"])
            assert pnl.totals.monthly_gross_profit_usd == pytest.approx(
                row["monthly_gross_profit_usd"]
            )
            assert pnl.segment == row["segment"]


def assert_adds_up(report: econ.Report) -> None:
    """Summed over every customer, the P&Ls are the report's totals; each customer's features
    and cost by feature are its inference."""
    ids = report.customer_months.frame["customer_id"].unique().to_list()
    pnls = [customer_pnl(report, customer_id) for customer_id in ids]
    totals = report.totals
    assert sum(p.totals.revenue_usd for p in pnls) == pytest.approx(totals.revenue_usd)
    assert sum(p.totals.inference_usd for p in pnls) == pytest.approx(totals.inference_usd)
    assert sum(p.totals.gross_profit_usd for p in pnls) == pytest.approx(
        totals.gross_profit_usd, abs=1e-6
    )
    assert sum(p.totals.active_months for p in pnls) == totals.customer_months
    assert sum(p.totals.calls for p in pnls) == totals.calls
    for pnl in pnls:
        inference = pnl.totals.inference_usd
        assert pnl.features["cost_usd"].sum() == pytest.approx(inference, abs=1e-6)
        assert pnl.cost_by_feature["cost_usd"].sum() == pytest.approx(inference, abs=1e-6)
        assert pnl.history["months"].sum() == pnl.totals.active_months
        json.dumps(pnl.to_dict(), allow_nan=False)


class TestHistory:
    def test_a_plan_change_and_a_gap_start_new_runs(self) -> None:
        revenue = revenue_frame(
            [
                ("x", "2026-01", 49, "Starter"),
                ("x", "2026-02", 199, "Pro"),
                ("x", "2026-03", 199, "Pro"),
                ("x", "2026-05", 199, "Pro"),
                ("y", "2026-01", 49, "Starter"),
                ("y", "2026-05", 49, "Starter"),
            ]
        )
        usage = usage_frame([("x", "chat", "2026-02", 10, 1.0), ("y", "chat", "2026-01", 5, 0.5)])
        report = econ.analyze(usage, revenue, econ.Scenario(segment_by="plan"))
        history = customer_pnl(report, "x").history
        assert history.columns == list(customer.HISTORY_SCHEMA.names())
        assert history.rows() == [
            (JAN, JAN, 1, "Starter", "Starter"),
            (FEB, MAR, 2, "Pro", "Pro"),
            (dt.date(2026, 5, 1), dt.date(2026, 5, 1), 1, "Pro", "Pro"),
        ]
        pnl = customer_pnl(report, "x")
        assert (pnl.plan, pnl.segment) == ("Pro", "Pro")
        # no usage in three of its four months: each feature is still its own row
        assert pnl.features["cost_per_month_usd"].to_list() == pytest.approx([0.25])

    def test_a_customer_on_one_plan_has_one_run(self, first: econ.Report) -> None:
        assert customer_pnl(first, "bolt").history.rows() == [(JAN, MAR, 3, "Pro", "core")]


class TestSimulatedBill:
    def test_a_new_base_price_bills_every_month_at_it(self) -> None:
        book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
        report = econ.analyze(FIRST_USAGE, FIRST_REVENUE, econ.Scenario(price_book=book))
        simulation = econ.simulate(report)
        pnl = customer_pnl(report, "acme", simulation)
        assert pnl.repriced
        assert pnl.months[customer.SIMULATED_BILL].to_list() == [59.0, 59.0, 59.0]
        assert pnl.totals.bill_simulated_usd == pytest.approx(177.0)
        assert pnl.totals.bill_change_usd == pytest.approx(30.0)
        bills = simulation.customers.filter(pl.col("customer_id") == "acme").row(0, named=True)
        assert bills["bill_simulated_usd"] == pytest.approx(pnl.totals.bill_simulated_usd)
        assert "bill_simulated_usd" not in pnl.reasons
        bolt = customer_pnl(report, "bolt", simulation)  # on Pro: the book leaves it alone
        assert bolt.totals.bill_change_usd == pytest.approx(0.0)

    def test_current_pricing_adds_no_simulated_bill(self, first: econ.Report) -> None:
        pnl = customer_pnl(first, "acme", econ.simulate(first))
        assert not pnl.repriced
        assert customer.SIMULATED_BILL not in pnl.months.columns
        assert pnl.totals.bill_simulated_usd is None
        assert pnl.reasons["bill_simulated_usd"] == "the scenario's price book changes nothing"


class TestUnknownCustomer:
    def test_an_unknown_id_names_close_ids(self, sample: econ.Report) -> None:
        with pytest.raises(econ.UnknownNameError) as raised:
            customer_pnl(sample, "acct_0137")
        message = raised.value.args[0]
        assert message.startswith("no customer 'acct_0137' has an active month in 2025-08 to ")
        assert "did you mean" in message
        named = message.split("did you mean ")[1].rstrip("?").split(", ")
        assert 1 <= len(named) <= customer.CLOSE_IDS
        assert all(name.startswith("'acct_") for name in named)
        assert isinstance(raised.value, econ.EconError)

    def test_an_id_nothing_resembles_names_a_few_customers(self, first: econ.Report) -> None:
        with pytest.raises(econ.UnknownNameError) as raised:
            customer_pnl(first, "zzzzzzzz")
        assert raised.value.args[0] == (
            "no customer 'zzzzzzzz' has an active month in 2026-01 to 2026-03; customers "
            "include 'acme', 'bolt', 'cove'."
        )

    def test_a_customer_outside_the_window_is_unknown(self) -> None:
        report = econ.analyze(
            FIRST_USAGE, FIRST_REVENUE, econ.Scenario(months=("2026-03", "2026-03"))
        )
        with pytest.raises(econ.UnknownNameError, match="2026-03 to 2026-03; customers include"):
            customer_pnl(report, "cove")


class TestTextAndJson:
    def test_the_text_has_the_headline_and_aligned_tables(self, first: econ.Report) -> None:
        text = customer_text(customer_pnl(first, "acme"))
        lines = text.splitlines()
        assert lines[0] == (
            "Customer acme, 2026-01 to 2026-03: 3 active months, now on Starter (Power users)."
        )
        assert "gross profit -$15.70 (margin -10.7%)" in text
        assert "Compute-adjusted LTV —" in text
        assert "payback —." in text
        assert "Plan and segment history" in lines
        header = lines[lines.index("Months") + 1]
        assert header.split("  ")[0] == "Month"
        jan = lines[lines.index("Months") + 2]
        assert jan.startswith("Jan 2026")
        assert jan.split()[-2:] == ["$9.00", "18.4%"]
        assert len(jan) == len(header)  # right-aligned under the header
        assert "  - CAC payback: needs a CAC" in lines
        unbounded = "churn is 0, so the lifetime is unbounded (segment Power users)"
        assert f"  - Compute-adjusted LTV: {unbounded}" in lines
        assert not any("Simulated bill" in line for line in lines)
        assert "nan" not in text and "None" not in text

    def test_the_text_says_what_the_price_book_bills(self) -> None:
        book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
        report = econ.analyze(FIRST_USAGE, FIRST_REVENUE, econ.Scenario(price_book=book))
        text = customer_text(customer_pnl(report, "acme", econ.simulate(report)))
        assert "would have billed $177.00 over these months (+$30.00)" in text
        assert "Simulated bill" in text

    def test_ids_cannot_reorder_the_terminal(self) -> None:
        evil = "evil\u202etxt.exe"  # a right-to-left override
        revenue = revenue_frame([(evil, "2026-01", 10, "Solo")])
        usage = usage_frame([(evil, "f", "2026-01", 1, 1.0)])
        text = customer_text(customer_pnl(econ.analyze(usage, revenue), evil))
        assert "\u202e" not in text
        assert "evil\\u202etxt.exe" in text

    def test_to_dict_is_json_without_nan(self, sample: econ.Report) -> None:
        customer_id = sample.customer_months.frame["customer_id"][0]
        data = customer_pnl(sample, customer_id).to_dict()
        text = json.dumps(data, allow_nan=False)
        assert data["customer_id"] == customer_id
        assert data["months"][0]["month"].count("-") == 2
        assert set(data["totals"]) >= {"revenue_usd", "gross_profit_usd", "active_months"}
        assert "feature" not in data["features"][0]
        assert json.loads(text) == data

    def test_every_table_column_is_in_its_frame(self) -> None:
        book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
        report = econ.analyze(FIRST_USAGE, FIRST_REVENUE, econ.Scenario(price_book=book))
        pnl = customer_pnl(report, "acme", econ.simulate(report))
        for frame, table in (
            (pnl.months, spec.CUSTOMER_MONTHS),
            (pnl.history, spec.CUSTOMER_HISTORY),
            (pnl.features, spec.CUSTOMER_FEATURES),
        ):
            assert [c.name for c in table if c.name not in frame.columns] == []

    def test_months_show_as_text_in_tables(self, first: econ.Report) -> None:
        shown = customer.for_table(customer_pnl(first, "acme").history)
        assert shown.select("from_month", "to_month").row(0) == ("2026-01", "2026-03")


def test_timing_on_the_sample(sample: econ.Report, capsys: pytest.CaptureFixture[str]) -> None:
    """How long a customer's P&L takes on the sample (printed, not asserted: it depends on the
    machine). The first call also joins the usage to the customer-months, once per report."""
    ids = sorted(sample.customer_months.frame["customer_id"].unique().to_list())[:20]
    started = time.perf_counter()
    customer_pnl(sample, ids[0])
    first_call = time.perf_counter() - started
    started = time.perf_counter()
    for customer_id in ids[1:]:
        customer_pnl(sample, customer_id)
    each = (time.perf_counter() - started) / (len(ids) - 1)
    with capsys.disabled():
        print(
            f"\ncustomer_pnl on the sample: first {first_call * 1000:.0f} ms, "
            f"then {each * 1000:.1f} ms each ({formats.count_of(len(ids) - 1, 'customer')})"
        )
