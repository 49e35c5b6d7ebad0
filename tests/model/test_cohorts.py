"""Cohort retention, first-spell survivors and monthly GRR/NRR on small hand-computed datasets,
and properties that tie them to the segment table's churn."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest
from builders import month, revenue_frame, usage_frame
from hypothesis import given
from strategies import datasets

import econ
from econ.model.customer_months import CUSTOMER_SPELLS_SCHEMA, CustomerMonths
from econ.model.retention.cohorts import (
    COHORT_SCHEMA,
    GRR_NRR_SCHEMA,
    cohort_table,
    customer_spells,
    monthly_grr_nrr,
    survivors_by_cohort,
)

# Four customers over three months (segments by plan):
#   a: Pro $100 in Jan, Feb, Mar                        (stays)
#   b: Lite $50 in Jan, $80 in Feb, gone in Mar         (expands, then churns)
#   c: Lite $50 in Jan, nothing in Feb, $60 in Mar      (churns, then comes back)
#   d: Lite $40 in Feb, $30 in Mar                      (joins in Feb, contracts)
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Pro"),
        ("a", "2026-02", 100, "Pro"),
        ("a", "2026-03", 100, "Pro"),
        ("b", "2026-01", 50, "Lite"),
        ("b", "2026-02", 80, "Lite"),
        ("c", "2026-01", 50, "Lite"),
        ("c", "2026-03", 60, "Lite"),
        ("d", "2026-02", 40, "Lite"),
        ("d", "2026-03", 30, "Lite"),
    ]
)
USAGE = usage_frame([(c, "chat", "2026-01", 1, 1.0) for c in "abcd"])


def customer_months(revenue: pl.DataFrame = REVENUE, **scenario: object) -> CustomerMonths:
    dataset = econ.load_dataset(USAGE, revenue)
    return econ.build_customer_months(dataset, econ.Scenario(**scenario))  # type: ignore[arg-type]


def rows(frame: pl.DataFrame, *names: str) -> list[tuple[object, ...]]:
    return list(frame.select(names).iter_rows())


class TestCohortTable:
    def test_logo_and_revenue_retention_of_the_pooled_cohorts(self) -> None:
        table = cohort_table(customer_months(segment_by="plan"))
        assert table.schema == COHORT_SCHEMA
        jan, feb = month("2026-01"), month("2026-02")
        # Jan: a, b, c. First spells: a 3 months, b 2, c 1 (its March is a reactivation).
        # Revenue: 100+50+50 = 200; 100+80 = 180; 100+60 = 160 (c's return counts).
        # Feb: d, 2 months: $40, $30.
        assert rows(table, "cohort", "segment", "tenure", "customers", "alive") == [
            (jan, "all", 0, 3, 3),
            (jan, "all", 1, 3, 2),
            (jan, "all", 2, 3, 1),
            (feb, "all", 0, 1, 1),
            (feb, "all", 1, 1, 1),
        ]
        assert table["logo_retention"].to_list() == pytest.approx([1, 2 / 3, 1 / 3, 1, 1])
        assert table["revenue_usd"].to_list() == pytest.approx([200, 180, 160, 40, 30])
        assert table["revenue_retention"].to_list() == pytest.approx([1, 0.9, 0.8, 1, 0.75])

    def test_by_segment_uses_the_segment_of_the_first_month(self) -> None:
        table = cohort_table(customer_months(segment_by="plan"), by_segment=True)
        jan = table.filter(pl.col("cohort") == month("2026-01"))
        assert rows(jan, "segment", "tenure", "alive", "revenue_usd") == [
            ("Lite", 0, 2, 100.0),
            ("Lite", 1, 1, 80.0),
            ("Lite", 2, 0, 60.0),  # nobody in a first spell, c's return still earns
            ("Pro", 0, 1, 100.0),
            ("Pro", 1, 1, 100.0),
            ("Pro", 2, 1, 100.0),
        ]

    def test_a_customer_who_switches_segment_stays_in_its_first_one(self) -> None:
        revenue = revenue_frame([("a", "2026-01", 50, "Lite"), ("a", "2026-02", 100, "Pro")])
        table = cohort_table(customer_months(revenue, segment_by="plan"), by_segment=True)
        assert rows(table, "segment", "tenure", "alive", "revenue_usd") == [
            ("Lite", 0, 1, 50.0),
            ("Lite", 1, 1, 100.0),
        ]

    def test_a_window_counts_earlier_customers_in_its_first_cohort(self) -> None:
        table = cohort_table(customer_months(months=("2026-02", "2026-03")))
        # Feb: a, b, d (a and b paid before the window: left-truncated); c comes in March.
        assert rows(table, "cohort", "tenure", "customers", "alive") == [
            (month("2026-02"), 0, 3, 3),
            (month("2026-02"), 1, 3, 2),
            (month("2026-03"), 0, 1, 1),
        ]


class TestSurvivors:
    def test_first_spells_per_cohort_censored_at_the_last_month(self) -> None:
        cms = customer_months(segment_by="plan")
        assert survivors_by_cohort(cms) == [[3, 2, 1], [1, 1]]
        assert survivors_by_cohort(cms, "Lite") == [[2, 1, 0], [1, 1]]
        assert survivors_by_cohort(cms, "Pro") == [[1, 1, 1]]
        assert survivors_by_cohort(cms, "nobody") == []

    def test_a_cohort_in_the_last_month_has_one_period_and_empty_months_none(self) -> None:
        revenue = revenue_frame([("x", "2026-01", 10, "P"), ("y", "2026-03", 10, "P")])
        assert survivors_by_cohort(customer_months(revenue)) == [[1, 0, 0], [1]]

    def test_customer_spells(self) -> None:
        spells = customer_spells(customer_months(segment_by="plan"))
        assert spells.schema == CUSTOMER_SPELLS_SCHEMA
        # current spell: the run that reaches March (b has none; c's restarted in March).
        assert rows(spells, "segment", "first_spell_months", "current_spell_months") == [
            ("Pro", 3, 3),
            ("Lite", 2, 0),
            ("Lite", 1, 1),
            ("Lite", 2, 2),
        ]


class TestGrrNrr:
    def test_hand_computed_months(self) -> None:
        table = monthly_grr_nrr(customer_months())
        assert table.schema == GRR_NRR_SCHEMA
        # Feb: start 200 (Jan); c's $50 churns; b expands by 30; d is new ($40).
        # Mar: start 220 (Feb); b's $80 churns; d contracts by 10; c comes back with $60.
        assert rows(
            table,
            "month",
            "starting_mrr_usd",
            "churned_usd",
            "contraction_usd",
            "expansion_usd",
            "reactivation_usd",
            "new_usd",
        ) == [
            (month("2026-02"), 200.0, 50.0, 0.0, 30.0, 0.0, 40.0),
            (month("2026-03"), 220.0, 80.0, 10.0, 0.0, 60.0, 0.0),
        ]
        assert table["grr"].to_list() == pytest.approx([150 / 200, 130 / 220])
        assert table["nrr"].to_list() == pytest.approx([180 / 200, 190 / 220])
        assert table["null_reason"].to_list() == [None, None]

    def test_a_month_after_an_empty_month_is_undefined(self) -> None:
        revenue = revenue_frame([("x", "2026-01", 10, "P"), ("y", "2026-03", 10, "P")])
        table = monthly_grr_nrr(customer_months(revenue))
        assert table["month"].to_list() == [month("2026-02"), month("2026-03")]
        assert table["grr"].to_list() == [0.0, None]
        assert table["nrr"].to_list() == [0.0, None]
        assert table["null_reason"].to_list() == [None, "no customer was active the month before"]
        assert table["new_usd"].to_list() == [0.0, 10.0]

    def test_a_single_month_has_no_rows(self) -> None:
        revenue = revenue_frame([("x", "2026-01", 10, "P")])
        assert monthly_grr_nrr(customer_months(revenue)).height == 0


@pytest.mark.slow
@given(datasets())
def test_churned_mrr_is_what_the_segment_table_calls_churn(dataset: econ.Dataset) -> None:
    """Σ churned ÷ Σ starting MRR over the months is the blended estimated revenue churn."""
    scenario = econ.Scenario()
    cms = econ.build_customer_months(dataset, scenario)
    table = monthly_grr_nrr(cms)
    report = econ.analyze_customer_months(cms, scenario)
    start = table["starting_mrr_usd"].sum()
    expected = report.segment("all")["churn_estimated"]
    if start == 0:
        assert expected is None
    else:
        assert table["churned_usd"].sum() / start == pytest.approx(expected)
    assert all(0 <= g <= 1 for g in table["grr"].drop_nulls())


@pytest.mark.slow
@given(datasets())
def test_survivors_and_the_cohort_table_agree(dataset: econ.Dataset) -> None:
    """Survivors never rise, every cohort starts with its customers, and the pooled cohort
    table holds the same counts; every customer is in exactly one cohort."""
    cms = econ.build_customer_months(dataset, econ.Scenario())
    survivors = survivors_by_cohort(cms)
    assert all(a >= b for cohort in survivors for a, b in itertools.pairwise(cohort))
    assert sum(cohort[0] for cohort in survivors) == cms.customers
    table = cohort_table(cms)
    pooled = table.group_by("cohort", maintain_order=True).agg(pl.col("alive"))
    assert pooled["alive"].to_list() == survivors
    last = cms.window.last
    assert all(
        len(cohort) == (last.year - c.year) * 12 + last.month - c.month + 1
        for cohort, c in zip(survivors, pooled["cohort"], strict=True)
        if isinstance(c, dt.date)
    )
    by_segment = sum(len(survivors_by_cohort(cms, name)) for name in _segments(cms))
    assert by_segment >= len(survivors)


def _segments(cms: CustomerMonths) -> list[str]:
    return cms.frame["segment"].cast(pl.String).unique().to_list()
