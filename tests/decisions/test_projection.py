"""The 12-month projection: a tiny projection computed by hand (customers decaying at a
constant churn, new customers joining, a cost trend capped), the sBG retention curves, and the
identities every projection keeps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame, usage_frame
from hypothesis import given, settings
from strategies import datasets, scenarios

import econ
from econ.decisions.pricing import simulate
from econ.decisions.projection import (
    COST_TREND_SCHEMA,
    MAX_MONTHLY_GROWTH,
    PROJECTION_SCHEMA,
    Projection,
    constant_churn,
    project,
    sbg_curve,
    sbg_fits,
    sbg_retention,
)
from econ.model.retention.sbg import SbgFit, survival

# Three customers over three months, segmented by channel. a and b are web customers on Solo
# ($100); b joins in February. c is a sales customer on Team ($300).
#   write:    web: a $10 a month, b $10 a month → $10 per web customer-month, flat.
#             sales: c $5 a month → $5 per sales customer-month, flat.
#   research: c $1, $2, $4 → the sales cost per customer-month doubles every month.
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Solo"),
        ("a", "2026-02", 100, "Solo"),
        ("a", "2026-03", 100, "Solo"),
        ("b", "2026-02", 100, "Solo"),
        ("b", "2026-03", 100, "Solo"),
        ("c", "2026-01", 300, "Team"),
        ("c", "2026-02", 300, "Team"),
        ("c", "2026-03", 300, "Team"),
    ],
    channel=["web", "web", "web", "web", "web", "sales", "sales", "sales"],
)
USAGE = usage_frame(
    [
        ("a", "write", "2026-01", 10, 10.0),
        ("a", "write", "2026-02", 10, 10.0),
        ("a", "write", "2026-03", 10, 10.0),
        ("b", "write", "2026-02", 10, 10.0),
        ("b", "write", "2026-03", 10, 10.0),
        ("c", "write", "2026-01", 5, 5.0),
        ("c", "write", "2026-02", 5, 5.0),
        ("c", "write", "2026-03", 5, 5.0),
        ("c", "research", "2026-01", 1, 1.0),
        ("c", "research", "2026-02", 2, 2.0),
        ("c", "research", "2026-03", 4, 4.0),
    ]
)
CHURN = 0.1
BURDEN = 2.0


def tiny(
    new_customers: float | None = None, book: econ.PriceBook | None = None, churn: float = CHURN
) -> tuple[econ.Report, econ.Simulation]:
    scenario = econ.Scenario(
        segment_by="channel",
        churn=churn,
        cogs=econ.Cogs(support_usd=BURDEN),
        retention=econ.Retention(new_customers_per_month=new_customers),
        price_book=book or econ.PriceBook(),
    )
    report = econ.analyze(USAGE, REVENUE, scenario)
    return report, simulate(report)


def rows(projection: Projection, segment: str, pricing: str = "current") -> list[dict[str, Any]]:
    return projection.frame.filter(
        (pl.col("segment") == segment) & (pl.col("pricing") == pricing)
    ).to_dicts()


def column(projection: Projection, segment: str, name: str, pricing: str = "current") -> list[Any]:
    return [row[name] for row in rows(projection, segment, pricing)]


class TestHandComputed:
    def test_without_new_customers_each_segment_decays_at_its_churn(self) -> None:
        projection = project(*tiny(new_customers=0.0), months=3)
        assert column(projection, "web", "customers") == pytest.approx(
            [2 * 0.9**k for k in (1, 2, 3)]
        )
        assert column(projection, "sales", "customers") == pytest.approx(
            [0.9**k for k in (1, 2, 3)]
        )
        assert column(projection, "all", "customers") == pytest.approx(
            [3 * 0.9**k for k in (1, 2, 3)]
        )
        assert projection.customers_today == 3
        assert projection.acquisition_source == "scenario"

    def test_the_months_follow_the_window(self) -> None:
        projection = project(*tiny(new_customers=0.0), months=3)
        assert column(projection, "all", "month") == [
            dt.date(2026, 4, 1),
            dt.date(2026, 5, 1),
            dt.date(2026, 6, 1),
        ]

    def test_new_customers_join_at_the_recent_rate(self) -> None:
        # b's first month (February) is one of the window's last two after its first: 1 new
        # customer in 2 months, all on web. C(k) = 2 × 0.9^k + 0.5 × Σ_{j=1..k} 0.9^(k−j).
        projection = project(*tiny(), months=3)
        assert projection.new_customers_per_month == pytest.approx(0.5)
        assert projection.acquisition_source == "data"
        assert projection.acquisition_shares == {"web": 1.0, "sales": 0.0}
        assert column(projection, "web", "customers") == pytest.approx([2.3, 2.57, 2.813])
        assert column(projection, "sales", "customers") == pytest.approx([0.9, 0.81, 0.729])

    def test_the_scenario_overrides_the_acquisition_rate(self) -> None:
        projection = project(*tiny(new_customers=4.0), months=1)
        assert projection.new_customers_per_month == 4.0
        assert column(projection, "web", "customers") == pytest.approx([1.8 + 4.0])

    def test_revenue_inference_burdens_and_profit(self) -> None:
        # sales, month 1: 0.9 customers × $300 = $270; inference 0.9 × (write $5 + research
        # 2.5 × 1.25) = $7.3125; burdens 0.9 × $2 = $1.80.
        projection = project(*tiny(new_customers=0.0), months=1)
        (sales,) = rows(projection, "sales")
        assert sales["revenue_usd"] == pytest.approx(270.0)
        assert sales["inference_usd"] == pytest.approx(0.9 * (5 + 2.5 * 1.25))
        assert sales["gross_profit_usd"] == pytest.approx(270.0 - 7.3125 - 1.8)
        assert sales["gross_margin"] == pytest.approx((270.0 - 7.3125 - 1.8) / 270.0)
        (web,) = rows(projection, "web")
        assert web["revenue_usd"] == pytest.approx(180.0)
        assert web["inference_usd"] == pytest.approx(18.0)
        assert web["gross_profit_usd"] == pytest.approx(180.0 - 18.0 - 3.6)

    def test_a_doubling_cost_is_capped(self) -> None:
        # ln u = 0, ln 2, 2 ln 2 at t = −2, −1, 0: slope ln 2, capped at ln 1.25; the intercept
        # refitted at the cap is ȳ − b t̄ = ln 2 + ln 1.25, so u(k) = 2.5 × 1.25^k.
        projection = project(*tiny(new_customers=0.0), months=3)
        trend = projection.cost_trends.filter(
            (pl.col("segment") == "sales")
            & (pl.col("feature_id") == "research")
            & (pl.col("pricing") == "current")
        ).row(0, named=True)
        assert trend["fitted_growth"] == pytest.approx(1.0)
        assert trend["monthly_growth"] == pytest.approx(MAX_MONTHLY_GROWTH)
        assert trend["cost_per_cm_usd"] == pytest.approx(2.5)
        assert trend["capped"] and trend["months_fitted"] == 3
        per_customer = [
            row["inference_usd"] / row["customers"] for row in rows(projection, "sales")
        ]
        assert per_customer == pytest.approx([5 + 2.5 * 1.25**k for k in (1, 2, 3)])
        assert any("capped" in note for note in projection.notes)

    def test_a_flat_cost_stays_flat(self) -> None:
        projection = project(*tiny(new_customers=0.0), months=2)
        flat = projection.cost_trends.filter(
            (pl.col("feature_id") == "write") & (pl.col("pricing") == "current")
        )
        assert flat["monthly_growth"].to_list() == pytest.approx([0.0, 0.0], abs=1e-12)
        assert dict(zip(flat["segment"], flat["cost_per_cm_usd"], strict=True)) == pytest.approx(
            {"sales": 5.0, "web": 10.0}
        )
        assert not flat["capped"].any()

    def test_simulated_pricing_moves_revenue_not_customers(self) -> None:
        book = econ.PriceBook(plans={"Solo": econ.PlanPrice(base_usd=150.0)})
        projection = project(*tiny(new_customers=0.0, book=book), months=2)
        current, simulated = rows(projection, "web"), rows(projection, "web", "simulated")
        assert [r["customers"] for r in simulated] == [r["customers"] for r in current]
        assert [r["revenue_usd"] for r in simulated] == pytest.approx([270.0, 243.0])
        assert rows(projection, "sales", "simulated") == [
            {**row, "pricing": "simulated"} for row in rows(projection, "sales")
        ]

    def test_schemas_and_order(self) -> None:
        projection = project(*tiny(), months=2)
        assert projection.frame.schema == PROJECTION_SCHEMA
        assert projection.cost_trends.schema == COST_TREND_SCHEMA
        keys = projection.frame.select("month", "segment", "pricing").rows()
        assert keys[:6] == [
            (dt.date(2026, 4, 1), "sales", "current"),
            (dt.date(2026, 4, 1), "sales", "simulated"),
            (dt.date(2026, 4, 1), "web", "current"),
            (dt.date(2026, 4, 1), "web", "simulated"),
            (dt.date(2026, 4, 1), "all", "current"),
            (dt.date(2026, 4, 1), "all", "simulated"),
        ]

    def test_to_dict_is_json_ready(self) -> None:
        data = project(*tiny(), months=1).to_dict()
        assert data["new_customers_per_month"] == 0.5
        assert data["rows"][0]["month"] == "2026-04-01"
        assert {"rows", "cost_trends", "notes", "customers_today"} <= set(data)

    def test_months_must_be_positive(self) -> None:
        with pytest.raises(ValueError, match="months"):
            project(*tiny(), months=0)


class TestRetentionCurves:
    def test_constant_churn_ignores_tenure(self) -> None:
        curve = constant_churn(0.2)
        assert curve(0, 2) == pytest.approx(0.64)
        assert curve(7, 2) == pytest.approx(0.64)
        assert curve(3, 0) == 1.0

    def test_sbg_curve_is_conditional_survival(self) -> None:
        # r(n, k) = S(n + k) ÷ S(n) (Fader & Hardie 2007).
        alpha, beta = 0.7, 3.5
        s = survival(alpha, beta, 10)
        curve = sbg_curve(alpha, beta)
        for n, k in [(0, 1), (0, 4), (2, 3), (5, 5)]:
            assert curve(n, k) == pytest.approx(s[n + k] / s[n])
        assert curve(4, 0) == 1.0
        assert curve(6, 1) > curve(0, 1)  # survivors are the stayers

    def test_a_null_fit_falls_back_to_churn(self) -> None:
        null = SbgFit(None, None, None, 1, 3, 0, "too little data")
        fitted = SbgFit(1.0, 9.0, -1.0, 2, 3, 2, None)
        curves = sbg_retention({"web": null, "sales": fitted})
        assert set(curves) == {"sales"}
        report, simulation = tiny(new_customers=0.0)
        projection = project(report, simulation, retention=curves, months=2)
        # sales: S(n + k) ÷ S(n) at its tenure 2, with r_t = (β + t − 1) ÷ (α + β + t − 1).
        expected = [11 / 12, 11 / 12 * 12 / 13]
        assert column(projection, "sales", "customers") == pytest.approx(expected)
        assert column(projection, "web", "customers") == pytest.approx([1.8, 1.62])
        assert any("'web' has no retention curve" in note for note in projection.notes)

    @pytest.mark.slow
    def test_fitted_on_the_sample(self, sample_dataset: econ.Dataset) -> None:
        report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
        fits = sbg_fits(report)
        assert set(fits) == {"light", "core", "power"}
        curves = sbg_retention(fits)
        assert set(curves) == {name for name, fit in fits.items() if fit.alpha is not None}
        projection = project(report, simulate(report), retention=curves)
        unfitted = {name for name in fits if name not in curves}
        assert {note.split("'")[1] for note in projection.notes} == unfitted
        assert all(0 < curve(3, 12) < 1 for curve in curves.values())


def assert_identities(projection: Projection) -> None:
    frame = projection.frame
    segments = frame.filter(pl.col("segment") != "all")
    sums = (
        segments.group_by("month", "pricing")
        .agg(pl.col("customers", "revenue_usd", "inference_usd", "gross_profit_usd").sum())
        .sort("month", "pricing")
    )
    total = frame.filter(pl.col("segment") == "all").sort("month", "pricing")
    for name in ("customers", "revenue_usd", "inference_usd", "gross_profit_usd"):
        if sums.height:
            assert total[name].to_list() == pytest.approx(sums[name].to_list(), rel=1e-9, abs=1e-9)
        else:
            assert total[name].to_list() == [0.0] * total.height
    numbers = frame.select(pl.exclude("month", "segment", "pricing"))
    for name in numbers.columns:
        assert not (numbers[name].is_nan() | numbers[name].is_infinite()).any(), name


class TestIdentities:
    def test_an_empty_price_book_projects_the_current_view(self) -> None:
        projection = project(*tiny(), months=4)
        current = projection.frame.filter(pl.col("pricing") == "current").drop("pricing")
        simulated = projection.frame.filter(pl.col("pricing") == "simulated").drop("pricing")
        assert current.equals(simulated)
        assert_identities(projection)

    def test_no_churn_and_no_acquisition_keep_customers_constant(self) -> None:
        report, simulation = tiny(new_customers=0.0, churn=0.0)
        projection = project(report, simulation)
        assert column(projection, "all", "customers") == [3.0] * 12
        assert column(projection, "web", "customers") == [2.0] * 12

    @pytest.mark.slow
    @settings(max_examples=40, deadline=None)
    @given(data=datasets(), scenario=scenarios())
    def test_any_dataset(self, data: econ.Dataset, scenario: econ.Scenario) -> None:
        try:
            report = econ.analyze_dataset(data, scenario)
        except econ.ScenarioError:
            return
        projection = project(report, simulate(report), months=3)
        assert projection.frame.schema == PROJECTION_SCHEMA
        assert_identities(projection)
        current = projection.frame.filter(pl.col("pricing") == "current").drop("pricing")
        simulated = projection.frame.filter(pl.col("pricing") == "simulated").drop("pricing")
        assert current.equals(simulated)


def test_a_short_history_is_called_an_extrapolation_and_capped_features_are_named() -> None:
    report = econ.analyze_dataset(econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), econ.Scenario())
    notes = project(report, simulate(report)).notes
    assert any("fitted on 3 months, fewer than the 6" in note for note in notes)
    assert any("'deep_research'" in note and "capped" in note for note in notes)
