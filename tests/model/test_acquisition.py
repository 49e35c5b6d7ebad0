"""AI-adjusted CAC worked by hand: trial compute before a customer's first paid month, and free
usage of customers who never paid, spread over the month's acquisitions."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame

import econ
from econ.model.acquisition import AiAdjustedCac, ai_adjusted_cac

REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Solo"),
        ("a", "2026-02", 100, "Solo"),
        ("a", "2026-03", 100, "Solo"),
        ("b", "2026-02", 100, "Solo"),
        ("b", "2026-03", 100, "Solo"),
        ("c", "2026-03", 300, "Team"),
    ]
)
USAGE = usage_frame(
    [
        ("a", "chat", "2026-01", 10, 1.0),
        ("a", "chat", "2026-02", 10, 1.0),
        ("a", "chat", "2026-03", 10, 1.0),
        ("b", "chat", "2026-01", 40, 5.0),  # b's trial: before it paid in February
        ("b", "chat", "2026-02", 10, 1.0),
        ("c", "chat", "2026-02", 60, 8.0),  # c's trial
        ("c", "chat", "2026-03", 20, 2.0),
        ("z", "chat", "2026-01", 30, 3.0),  # z never pays: a month nobody is acquired in
        ("z", "chat", "2026-02", 60, 6.0),
        ("z", "chat", "2026-03", 40, 4.0),
    ]
)


def _table(scenario: econ.Scenario) -> tuple[dict[str, dict[str, Any]], AiAdjustedCac]:
    found = ai_adjusted_cac(econ.analyze(USAGE, REVENUE, scenario))
    return {row["segment"]: row for row in found.table.iter_rows(named=True)}, found


def test_trial_compute_is_added_to_cac_by_hand() -> None:
    rows, found = _table(econ.Scenario(segment_by="plan", cac_usd=100.0, churn=0.05))
    solo, team, every = rows["Solo"], rows["Team"], rows["all"]
    # a was paying in the window's first month: not counted as acquired
    assert (solo["customers_acquired"], team["customers_acquired"]) == (1, 1)
    assert solo["trial_compute_usd"] == pytest.approx(5.0)
    assert solo["non_converting_compute_usd"] == pytest.approx(6.0)  # z's February
    assert solo["trial_cost_per_customer_usd"] == pytest.approx(11.0)
    assert solo["ai_adjusted_cac_usd"] == pytest.approx(111.0)
    assert team["ai_adjusted_cac_usd"] == pytest.approx(100.0 + 8.0 + 4.0)
    assert every["trial_cost_per_customer_usd"] == pytest.approx((5 + 8 + 6 + 4) / 2)
    assert every["ai_adjusted_cac_usd"] == pytest.approx(111.5)
    assert found.non_converting_usd == pytest.approx(13.0)
    assert found.unattributed_usd == pytest.approx(3.0)  # z's January
    # the same LTV over a larger CAC
    assert every["ltv_cac_ai_adjusted"] == pytest.approx(every["ltv_compute_adjusted_usd"] / 111.5)
    assert every["ltv_cac_ai_adjusted"] < every["ltv_cac"]
    assert found.to_dict()["acquisitions_counted_from"] == "2026-02"


def test_without_a_cac_the_trial_cost_stands_alone_with_a_reason() -> None:
    rows, _ = _table(econ.Scenario(segment_by="plan"))
    assert rows["Solo"]["trial_cost_per_customer_usd"] == pytest.approx(11.0)
    assert rows["Solo"]["ai_adjusted_cac_usd"] is None
    assert "ai_adjusted_cac_usd: needs a CAC" in rows["Solo"]["null_reasons"]


def test_customers_paying_from_the_first_month_are_not_acquisitions() -> None:
    report = econ.analyze(FIRST_USAGE, FIRST_REVENUE, econ.Scenario(cac_usd=300.0))
    found = ai_adjusted_cac(report)
    assert found.non_converting_usd == 0.0
    assert found.table["customers_acquired"].to_list() == [0] * report.segments.height
    assert found.table["ai_adjusted_cac_usd"].null_count() == report.segments.height
    assert found.table["ltv_cac"].to_list() == report.segments["ltv_cac"].to_list()
    assert found.table["segment"].to_list() == report.segments["segment"].to_list()
    assert found.table.filter(pl.col("customers_acquired") == 0)["null_reasons"].list.len().min()


def test_trial_compute_kept_per_customer_months_gives_the_same_table() -> None:
    """A CAC or churn change reuses the trial compute of the same customer-months."""
    scenario = econ.Scenario(segment_by="plan", cac_usd=100.0)
    base = econ.analyze(USAGE, REVENUE, scenario)
    kept = econ.trial_compute(base.customer_months)
    moved = econ.analyze_customer_months(
        base.customer_months, scenario.replace(cac_usd=250.0, churn=0.04)
    )
    assert ai_adjusted_cac(moved, kept).table.equals(ai_adjusted_cac(moved).table)
    solo = ai_adjusted_cac(moved, kept).table.filter(pl.col("segment") == "Solo").row(0, named=True)
    assert solo["ai_adjusted_cac_usd"] == pytest.approx(261.0)
