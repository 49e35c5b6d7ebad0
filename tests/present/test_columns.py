"""The column specs every table is shown, exported and printed with."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tiny_report import tiny_dataset, tiny_report

import econ
from econ.decisions.estimate import estimate
from econ.model.acquisition import ai_adjusted_cac
from econ.present import (
    ai_revenue,
    company,
    compare_view,
    customer,
    response,
    scorecard,
    spiral,
    views,
)
from econ.present import columns as spec
from econ.present.projection import projection_table
from econ.scenario.launch import Launch


@pytest.fixture(scope="module")
def priced() -> econ.Report:
    book = econ.PriceBook(plans={"Business": econ.PlanPrice(base_usd=400.0)})
    return tiny_report(econ.Scenario(segment_by="channel", cac_usd=100.0, price_book=book))


def _filled(report: econ.Report) -> dict[str, pl.DataFrame]:
    """Each table's frame, from the functions the pages fill it with."""
    simulation = econ.simulate(report)
    trends = company.company_months(report)
    pnl = customer.customer_pnl(report, "b", simulation)
    option = econ.Option("Today", report, simulation)
    compared = econ.compare([option, econ.Option("Again", report, simulation)])
    return {
        "segments": report.segments,
        "features": report.features,
        "features_by_plan": views.features_by_plan(report),
        "loss_makers": views.customer_profits(report.customer_months),
        "retention": report.retention,
        "plan_comparison": simulation.plans,
        "segment_comparison": response.segments_with_response(simulation),
        "bills": simulation.customers,
        "bill_parts": simulation.parts,
        "free_tier_plans": econ.free_tier(tiny_dataset(), report).by_plan,
        "projection": projection_table(econ.project(report, simulation)),
        "company_months": company.table_rows(trends.months),
        "company_spiral": company.table_rows(trends.spiral),
        "company_spiral_trends": spiral.table_rows(spiral.spiral_trends(report).trends),
        "customer_months": pnl.months,
        "customer_history": pnl.history,
        "customer_features": pnl.features,
        "compare_totals": compare_view.totals_table(compared),
        "compare_monthly": compare_view.monthly_table(compared),
        "compare_segments": compare_view.segments_table(compared),
        "compare_plans": compare_view.plans_table(compared),
        "compare_bills": compare_view.bill_summary_table(compared),
        "compare_affected": compared.bills,
        "ai_adjusted_cac": ai_adjusted_cac(report).table,
        "ai_revenue_buckets": ai_revenue.table_rows(ai_revenue.ai_revenue_buckets(report)),
        "scorecard_features": scorecard.scorecard(report).features,
        "scorecard_monthly": scorecard.scorecard(report).monthly,
        "scorecard_unit_profit": scorecard.scorecard(report).unit_profit,
        "launch_estimate": estimate(report, Launch(name="new", uses={"all": 3.0})).frame(),
    }


def test_every_column_of_every_table_is_in_the_frame_that_fills_it(priced: econ.Report) -> None:
    filled = _filled(priced)
    assert set(filled) == set(spec.TABLES)
    for name, table in spec.TABLES.items():
        missing = [c.name for c in table if c.name not in filled[name].columns]
        assert missing == [], (name, missing)
        assert len({c.label for c in table}) == len(table), name


def test_the_display_frame_shows_percent_words_and_blanks() -> None:
    frame = pl.DataFrame(
        {
            "segment": ["power", "all"],
            "gross_margin": [0.8431, float("nan")],
            "churn": [0.05, None],
            "customers": [3, 4],
            "ltv_cac": [float("inf"), 2.5],
        }
    )
    shown = spec.for_display(frame, spec.SEGMENTS)
    assert shown.columns == ["segment", "customers", "gross_margin", "churn", "ltv_cac"]
    assert shown["segment"].to_list() == ["Power users", "All customers"]
    assert shown["gross_margin"].to_list() == [pytest.approx(84.31), None]
    assert shown["churn"].to_list() == [pytest.approx(5.0), None]
    assert shown["customers"].dtype == pl.Int64
    assert shown["ltv_cac"].to_list() == [None, 2.5]
    by_plan = spec.for_display(frame, spec.SEGMENTS, segment_by="plan")
    assert by_plan["segment"].to_list() == ["Power", "All customers"]


def test_the_export_has_headers_with_units_and_rounded_values() -> None:
    frame = pl.DataFrame(
        {
            "feature_id": ["deep_research"],
            "calls": [1_237_549],
            "cost_per_call_usd": [0.2100004321],
            "cost_usd": [259_889.2812],
            "gross_margin": [-0.25671],
            "status": ["negative"],
        }
    )
    exported = spec.for_export(frame, spec.FEATURES)
    assert exported.columns == [
        "Feature",
        "Calls",
        "Cost / call ($)",
        "Inference cost ($)",
        "Margin (%)",
        "Status",
    ]
    assert exported.row(0) == ("Deep research", 1_237_549, 0.21, 259_889.28, -25.7, "Losing money")


def test_the_text_frame_writes_each_kind_once() -> None:
    frame = pl.DataFrame(
        {
            "segment": ["all"],
            "customers": [2000],
            "arpa_usd": [238.574],
            "ltv_compute_adjusted_usd": [12_652.4],
            "gross_margin": [0.843],
            "ltv_cac": [None],
            "payback_months": [float("nan")],
        },
        schema_overrides={"ltv_cac": pl.Float64},
    )
    text = spec.as_text(frame, spec.SEGMENTS)
    assert text.row(0, named=True) == {
        "Segment": "All customers",
        "Customers": "2,000",
        "ARPA": "$238.57",
        "Compute-adjusted LTV": "$12,652",
        "Margin": "84.3%",
        "LTV:CAC": "—",
        "Payback (months)": "—",
    }


@given(st.floats(allow_nan=True, allow_infinity=True) | st.none())
def test_no_cell_ever_reads_none_nan_or_inf(value: float | None) -> None:
    frame = pl.DataFrame({c.name: [value] for c in spec.SEGMENTS if c.kind != "segment"})
    frame = frame.with_columns(pl.lit("x").alias("segment"))
    for cell in spec.as_text(frame, spec.SEGMENTS).row(0):
        assert cell and not {"None", "nan", "inf"} & set(cell.replace("$", " ").split())
    exported = spec.for_export(frame, spec.SEGMENTS)
    for cell in exported.row(0)[1:]:
        assert cell is None or math.isfinite(cell)


def test_a_file_name_says_what_which_data_and_when() -> None:
    on = dt.date(2026, 11, 30)
    assert (
        spec.export_name("Segment LTV", "sample", on, "csv") == "segment-ltv_sample_2026-11-30.csv"
    )
    assert spec.export_name("bills", "../My usage (Q3)", on, ".xlsx") == (
        "bills_my-usage-q3_2026-11-30.xlsx"
    )
