"""The sBG fit per segment and the lifetime values built on it: Fader & Hardie's published fits
reproduced from revenue tables, hand-computed LTVs and residual values, and what is undefined."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from hypothesis import given
from hypothesis import strategies as st
from strategies import datasets

import econ
from econ.model.customer_months import CustomerMonths
from econ.model.retention.sbg import (
    discounted_expected_residual_lifetime,
    period_rate,
    survival,
)
from econ.model.retention.value import (
    FIT_CURVE_SCHEMA,
    RETENTION_SCHEMA,
    fit_curves,
    fits,
    retention_table,
)

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def cohort_revenue(cohorts: Sequence[Sequence[int]], mrr: float = 100.0) -> pl.DataFrame:
    """A revenue table whose k-th cohort joins in month k (from January) with ``cohort[0]``
    customers, of whom ``cohort[t]`` still pay at tenure t (each on plan "P")."""
    rows = [
        (f"c{k}-{i}", MONTHS[k + t], mrr, "P")
        for k, cohort in enumerate(cohorts)
        for t, alive in enumerate(cohort)
        for i in range(alive)
    ]
    return revenue_frame(rows)


USAGE = usage_frame([("c0-0", "chat", "2026-01", 1, 0.0)])

# Fader & Hardie's multi-cohort example (1/10 scale: 1,000 customers per cohort).
MULTI_COHORT = [[1000, 800, 648, 531, 439], [1000, 800, 648, 531], [1000, 800, 648], [1000, 800]]
# Fader & Hardie (2007), "regular" customers, the first seven years (8 survivor counts).
REGULAR = [[1000, 631, 468, 382, 326, 289, 262, 241]]


def analyzed(
    cohorts: Sequence[Sequence[int]], **scenario: object
) -> tuple[CustomerMonths, econ.Scenario, pl.DataFrame]:
    dataset = econ.load_dataset(USAGE, cohort_revenue(cohorts))
    chosen = econ.Scenario(segment_by="plan", **scenario)  # type: ignore[arg-type]
    cms = econ.build_customer_months(dataset, chosen)
    return cms, chosen, econ.analyze_customer_months(cms, chosen).segments


def table_for(cohorts: Sequence[Sequence[int]], **scenario: object) -> pl.DataFrame:
    return retention_table(*analyzed(cohorts, **scenario))


def row(table: pl.DataFrame, segment: str) -> dict[str, object]:
    return table.filter(pl.col("segment") == segment).row(0, named=True)


class TestPublishedFits:
    def test_the_multi_cohort_example(self) -> None:
        # Published: α = 3.80, β = 15.19 (10,000 a cohort; 1/10 scale moves the third digit).
        table = table_for(MULTI_COHORT)
        assert table.schema == RETENTION_SCHEMA
        assert table["segment"].to_list() == ["P", "all"]
        for name in ("P", "all"):
            fitted = row(table, name)
            assert fitted["alpha"] == pytest.approx(3.80, abs=0.01)
            assert fitted["beta"] == pytest.approx(15.19, abs=0.01)
            assert (fitted["customers"], fitted["cohorts"], fitted["periods"]) == (4000, 4, 4)

    @pytest.mark.slow
    def test_the_multi_cohort_example_at_full_scale(self) -> None:
        full = [[n * 10 for n in cohort] for cohort in MULTI_COHORT]
        full[0][3:] = [5307, 4391]
        full[1][3] = 5307
        fitted = row(table_for(full), "all")
        assert fitted["alpha"] == pytest.approx(3.80, abs=0.005)
        assert fitted["beta"] == pytest.approx(15.19, abs=0.005)

    def test_the_regular_customers_of_2007(self) -> None:
        fitted = row(table_for(REGULAR), "all")
        assert fitted["alpha"] == pytest.approx(0.704, abs=0.0005)
        assert fitted["beta"] == pytest.approx(1.182, abs=0.0005)
        assert fitted["first_month_churn"] == pytest.approx(0.704 / 1.886, abs=0.001)


def summed_lifetime(alpha: float, beta: float, discount: float) -> float:
    """DEL by brute force: Σ S(t) / (1 + d)ᵗ over 5,000 periods (the tail is negligible)."""
    curve = survival(alpha, beta, 5000)
    return sum(s / (1 + discount) ** t for t, s in enumerate(curve))


class TestLifetimeValue:
    def test_sbg_ltv_is_monthly_gross_profit_times_the_discounted_lifetime(self) -> None:
        table = table_for(MULTI_COHORT)
        fitted = row(table, "all")
        alpha, beta = float(fitted["alpha"]), float(fitted["beta"])  # type: ignore[arg-type]
        lifetime = summed_lifetime(alpha, beta, period_rate(0.10))
        assert fitted["discounted_lifetime_months"] == pytest.approx(lifetime, rel=1e-9)
        # No usage and no burdens: gross profit is the $100 MRR of every customer-month.
        assert fitted["gross_profit_usd"] == pytest.approx(100.0)
        assert fitted["ltv_sbg_usd"] == pytest.approx(100.0 * lifetime, rel=1e-9)
        assert fitted["null_reasons"] == []

    def test_the_simple_ltv_is_the_segment_tables(self) -> None:
        cms, scenario, segments = analyzed(MULTI_COHORT)
        table = retention_table(cms, scenario, segments)
        assert table["ltv_simple_usd"].to_list() == segments["ltv_compute_adjusted_usd"].to_list()

    def test_residual_value_of_the_base(self) -> None:
        # In August the 241 regular customers left have paid 8 months in a row: 7 renewals.
        fitted = row(table_for(REGULAR), "all")
        alpha, beta = float(fitted["alpha"]), float(fitted["beta"])  # type: ignore[arg-type]
        derl = discounted_expected_residual_lifetime(alpha, beta, period_rate(0.10), 7)
        assert fitted["base_customers"] == 241
        assert fitted["residual_value_usd"] == pytest.approx(241 * 100.0 * derl, rel=1e-12)

    def test_each_base_customer_is_valued_at_its_own_tenure_and_profit(self) -> None:
        # Multi-cohort: in May, 439 of January (4 renewals), 531 of February (3), 648 of
        # March (2), 800 of April (1), each $100 a month.
        fitted = row(table_for(MULTI_COHORT), "P")
        alpha, beta = float(fitted["alpha"]), float(fitted["beta"])  # type: ignore[arg-type]
        d = period_rate(0.10)
        expected = sum(
            n * 100.0 * discounted_expected_residual_lifetime(alpha, beta, d, renewals)
            for n, renewals in ((439, 4), (531, 3), (648, 2), (800, 1))
        )
        assert fitted["base_customers"] == 439 + 531 + 648 + 800
        assert fitted["residual_value_usd"] == pytest.approx(expected, rel=1e-12)

    def test_a_higher_discount_rate_lowers_both_values(self) -> None:
        cms, scenario, segments = analyzed(MULTI_COHORT)
        fitted = fits(cms, segments["segment"].to_list())
        low = retention_table(cms, scenario, segments, fitted=fitted)
        high_scenario = scenario.replace(retention=econ.Retention(discount_rate=0.5))
        high = retention_table(cms, high_scenario, segments, fitted=fitted)
        for name in ("ltv_sbg_usd", "residual_value_usd"):
            assert high[name][-1] < low[name][-1]
        assert high["alpha"].to_list() == low["alpha"].to_list()  # the fit does not change

    def test_no_discounting_gives_the_undiscounted_lifetime(self) -> None:
        fitted = row(table_for(MULTI_COHORT, retention={"discount_rate": 0.0}), "all")
        alpha, beta = float(fitted["alpha"]), float(fitted["beta"])  # type: ignore[arg-type]
        assert fitted["discounted_lifetime_months"] == pytest.approx(
            (alpha + beta - 1) / (alpha - 1)
        )
        # A customer after n renewals: (β + n) ÷ (α − 1) more months.
        expected = 100.0 * sum(
            n * (beta + renewals) / (alpha - 1)
            for n, renewals in ((439, 4), (531, 3), (648, 2), (800, 1))
        )
        assert fitted["residual_value_usd"] == pytest.approx(expected)

    def test_an_unbounded_lifetime_without_discounting_is_null_with_the_reason(self) -> None:
        fitted = row(table_for(REGULAR, retention={"discount_rate": 0.0}), "all")  # α < 1
        assert fitted["alpha"] is not None
        assert fitted["ltv_sbg_usd"] is None and fitted["residual_value_usd"] is None
        reasons = fitted["null_reasons"]
        assert isinstance(reasons, list)
        assert any(r.startswith("ltv_sbg_usd: the fitted lifetime is unbounded") for r in reasons)


class TestUndefined:
    def test_a_single_month_cannot_be_fitted(self) -> None:
        fitted = row(table_for([[10]]), "all")
        assert fitted["alpha"] is None and fitted["ltv_sbg_usd"] is None
        assert fitted["residual_value_usd"] is None
        reasons = fitted["null_reasons"]
        assert isinstance(reasons, list)
        assert any("ltv_sbg_usd: sbg fit: too little data" in r for r in reasons)
        assert fitted["ltv_simple_usd"] is None  # and the simple LTV cannot be estimated either

    def test_a_segment_nobody_started_in(self) -> None:
        revenue = revenue_frame(
            [
                ("a", "2026-01", 50, "Lite"),
                ("a", "2026-02", 100, "Pro"),
                ("b", "2026-01", 50, "Lite"),
            ]
        )
        scenario = econ.Scenario(segment_by="plan")
        cms = econ.build_customer_months(econ.load_dataset(USAGE, revenue), scenario)
        segments = econ.analyze_customer_months(cms, scenario).segments
        pro = row(retention_table(cms, scenario, segments), "Pro")
        assert pro["customers"] == 0 and pro["alpha"] is None
        assert pro["base_customers"] == 0
        reasons = pro["null_reasons"]
        assert isinstance(reasons, list)
        assert any("no customer started in this segment" in r for r in reasons)

    def test_no_churn_at_all(self) -> None:
        fitted = row(table_for([[5, 5, 5, 5]]), "all")
        assert fitted["alpha"] is None
        assert any("no churn observed" in r for r in fitted["null_reasons"])  # type: ignore[attr-defined]


class TestFitCurves:
    def test_observed_is_pooled_over_the_cohorts_at_risk(self) -> None:
        cms, scenario, segments = analyzed(MULTI_COHORT)
        table = retention_table(cms, scenario, segments)
        curves = fit_curves(cms, table.filter(pl.col("segment") == "all"))
        assert curves.schema == FIT_CURVE_SCHEMA
        # t=1: 4 cohorts, 3200 / 4000; t=2: 3 cohorts, 1944 / 2400; t=3: 2, 1062 / 1296;
        # t=4: 1, 439 / 531.
        expected = [1.0, 0.8]
        for alive, before in ((1944, 2400), (1062, 1296), (439, 531)):
            expected.append(expected[-1] * alive / before)
        assert curves["observed"].to_list() == pytest.approx(expected)
        assert curves["at_risk"].to_list() == [4000, 4000, 2400, 1296, 531]
        fitted = fits(cms, ["all"])["all"]
        assert fitted.alpha is not None and fitted.beta is not None
        assert curves["fitted"].to_list() == pytest.approx(survival(fitted.alpha, fitted.beta, 4))
        assert segments.height == 2

    def test_no_fit_leaves_the_fitted_curve_null(self) -> None:
        cms, scenario, segments = analyzed([[10]])
        curves = fit_curves(cms, retention_table(cms, scenario, segments)[::-1])
        assert curves["segment"].to_list() == ["all", "P"]
        assert curves["fitted"].to_list() == [None, None]
        assert curves["observed"].to_list() == [1.0, 1.0]

    def test_nothing_to_draw(self) -> None:
        cms, scenario, segments = analyzed([[10]])
        nothing = retention_table(cms, scenario, segments).clear()
        assert fit_curves(cms, nothing).schema == FIT_CURVE_SCHEMA


@pytest.mark.slow
@given(datasets(), st.sampled_from(["usage_tier", "plan", "region"]), st.sampled_from([0.0, 0.1]))
def test_any_dataset_gives_a_table_with_a_reason_for_every_blank(
    dataset: econ.Dataset, segment_by: str, discount: float
) -> None:
    scenario = econ.Scenario(
        segment_by=segment_by, retention=econ.Retention(discount_rate=discount)
    )
    cms = econ.build_customer_months(dataset, scenario)
    segments = econ.analyze_customer_months(cms, scenario).segments
    table = retention_table(cms, scenario, segments)
    assert table.schema == RETENTION_SCHEMA
    assert table["segment"].to_list() == segments["segment"].to_list()
    for record in table.iter_rows(named=True):
        reasons = " ".join(record["null_reasons"])
        for name in ("ltv_sbg_usd", "residual_value_usd", "discounted_lifetime_months"):
            value = record[name]
            assert (value is None) == (f"{name}:" in reasons)
            assert value is None or math.isfinite(value)
        assert (record["alpha"] is None) == (record["beta"] is None)
    assert fit_curves(cms, table).schema == FIT_CURVE_SCHEMA
