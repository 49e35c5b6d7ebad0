"""The Retention section's frames and control edits, by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from tiny_report import tiny_report

import econ
from econ.present import retention
from econ.present.retention import (
    CURVE_SCHEMA,
    FITTED,
    HEATMAP_SCHEMA,
    OBSERVED,
    TABLE_COLUMNS,
)

# Four customers over three months: a Jan–Mar, b Jan–Feb, c Jan, d Feb–Mar (all "P").
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "P"),
        ("a", "2026-02", 100, "P"),
        ("a", "2026-03", 100, "P"),
        ("b", "2026-01", 100, "P"),
        ("b", "2026-02", 100, "P"),
        ("c", "2026-01", 100, "P"),
        ("d", "2026-02", 100, "P"),
        ("d", "2026-03", 100, "P"),
    ]
)
USAGE = usage_frame([("a", "chat", "2026-01", 1, 1.0)])


def report(**scenario: object) -> econ.Report:
    chosen = econ.Scenario(segment_by="plan", **scenario)  # type: ignore[arg-type]
    return econ.analyze(USAGE, REVENUE, chosen)


class TestRetentionView:
    def test_the_heat_map_is_logo_retention_by_cohort_and_tenure(self) -> None:
        view = retention.retention_view(report())
        assert view.heatmap.schema == HEATMAP_SCHEMA
        assert view.heatmap.rows() == [
            ("Jan 2026", 0, 3, 3, 1.0),
            ("Jan 2026", 1, 3, 2, pytest.approx(2 / 3)),
            ("Jan 2026", 2, 3, 1, pytest.approx(1 / 3)),
            ("Feb 2026", 0, 1, 1, 1.0),
            ("Feb 2026", 1, 1, 1, 1.0),
        ]

    def test_the_table_follows_the_segment_table(self) -> None:
        view = retention.retention_view(report(retention={"discount_rate": 0.12}))
        assert view.table.columns == list(TABLE_COLUMNS)
        assert view.table["segment"].to_list() == ["P", "all"] == view.segments
        assert view.table["customers"].to_list() == [4, 4]
        assert view.table["base_customers"].to_list() == [2, 2]  # a and d pay in March
        assert view.discount_percent == 12.0
        assert view.ltv_method == "simple"

    def test_observed_curves_are_pooled_and_fitted_ones_follow_the_fit(self) -> None:
        view = retention.retention_view(report())
        observed = view.curves.filter(pl.col("series") == OBSERVED, pl.col("segment") == "all")
        # t=1: both cohorts, (2 + 1) ÷ (3 + 1); t=2: January only, 1 ÷ 2.
        assert observed["share"].to_list() == pytest.approx([1.0, 0.75, 0.375])
        fitted = view.table.row(1, named=True)
        drawn = view.curves.filter(pl.col("series") == FITTED, pl.col("segment") == "all")
        assert drawn.height == (3 if fitted["alpha"] is not None else 0)

    def test_a_tiny_report_has_blank_fits_with_their_reasons(self) -> None:
        view = retention.retention_view(tiny_report())
        assert view.table["alpha"].null_count() == view.table.height
        assert view.curves["series"].unique().to_list() == [OBSERVED]
        assert view.reasons
        assert all(where for where in view.reasons.values())
        assert any("too little data" in reason for reason in view.reasons)


class TestSurvivalCurves:
    def test_long_form_without_nulls(self) -> None:
        curves = pl.DataFrame(
            {
                "segment": ["x", "x", "y"],
                "tenure": [0, 1, 0],
                "at_risk": [5, 5, 2],
                "observed": [1.0, 0.6, 1.0],
                "fitted": [1.0, 0.55, None],
            }
        )
        long = retention.survival_curves(curves)
        assert long.schema == CURVE_SCHEMA
        assert long.rows() == [
            ("x", 0, OBSERVED, 1.0),
            ("x", 1, OBSERVED, 0.6),
            ("y", 0, OBSERVED, 1.0),
            ("x", 0, FITTED, 1.0),
            ("x", 1, FITTED, 0.55),
        ]


def test_monthly_grr_and_nrr_by_hand() -> None:
    # February starts with a, b and c ($300) and loses c; March starts with a, b and d ($300)
    # and loses b: two thirds kept each month, and nobody expanded, so GRR = NRR.
    rates = retention.retention_view(report()).rates
    assert rates.schema == retention.RATES_SCHEMA
    assert rates.rows() == [
        (dt.date(2026, 2, 1), "GRR", pytest.approx(2 / 3)),
        (dt.date(2026, 2, 1), "NRR", pytest.approx(2 / 3)),
        (dt.date(2026, 3, 1), "GRR", pytest.approx(2 / 3)),
        (dt.date(2026, 3, 1), "NRR", pytest.approx(2 / 3)),
    ]


def test_a_segments_heat_map_holds_the_customers_acquired_in_it() -> None:
    made = report()
    everyone = retention.segment_heatmap(made, "all")
    assert everyone.equals(retention.retention_view(made).heatmap)
    # Every customer here is on plan P, so P's cohorts are everyone's.
    assert retention.segment_heatmap(made, "P").equals(everyone)
    # January's cohort (a, b, c): 3, then 2 in their first spell, then 1.
    january = everyone.filter(pl.col("cohort") == "Jan 2026")
    assert january["alive"].to_list() == [3, 2, 1]


def test_the_curves_carry_each_segments_name_in_words() -> None:
    view = retention.retention_view(report())
    names = dict(view.curves.select("segment", "label").unique().iter_rows())
    assert names == {"P": "P", "all": "All customers"}
    tiers = retention.labelled_curves(
        pl.DataFrame({"segment": ["power", "all"]}), segment_by="usage_tier"
    )
    assert tiers["label"].to_list() == ["Power users", "All customers"]
