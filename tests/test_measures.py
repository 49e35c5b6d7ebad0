"""The one definition of each measure: the articles' published numbers, hand-computed cases,
the same answer on numbers and on columns, and the directions a CFO expects."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from econ import measures as m
from econ.schema import CATEGORY_BANDS, Band

money = st.floats(min_value=0, max_value=1e6, allow_nan=False)
margins = st.floats(min_value=-2, max_value=2, allow_nan=False)
rates = st.floats(min_value=1e-4, max_value=1, allow_nan=False)


class TestAcme:
    """Article 001's Acme SaaS: $200 a month, 2% monthly revenue churn, CAC $1,200."""

    def test_blended_gross_profit_and_ltv(self) -> None:
        profit = m.gross_profit(200.0, 55.0, 11.0 + 12.0 + 8.0)
        assert profit == 114
        assert m.lifetime_value(profit, 0.02) == (pytest.approx(5_700), None)

    def test_traditional_ltv(self) -> None:
        profit = m.traditional_profit(200.0, 7.0, 12.0, 8.0)
        assert m.lifetime_value(profit, 0.02) == (pytest.approx(8_650), None)

    @pytest.mark.parametrize(
        ("costs", "profit", "ltv", "ratio"),
        [((110, 15, 15, 10), 50, 2_500, 2.1), ((15, 8, 10, 7), 160, 8_000, 6.7)],
        ids=["heavy", "light"],
    )
    def test_segments(
        self, costs: tuple[float, float, float, float], profit: float, ltv: float, ratio: float
    ) -> None:
        inference, infra, support, cs = costs
        gross = m.gross_profit(200.0, inference, infra + support + cs)
        assert gross == profit
        value, _ = m.lifetime_value(gross, 0.02)
        assert value == pytest.approx(ltv)
        assert round(m.ltv_cac(value, 1_200.0)[0] or 0, 1) == ratio

    def test_ltv_cac_table(self) -> None:
        assert round(m.ltv_cac(8_650.0, 1_200.0)[0] or 0, 1) == 7.2
        assert round(m.ltv_cac(5_700.0, 1_200.0)[0] or 0, 1) == 4.8
        # Heavy users fall below the 3:1 benchmark; the blended row does not.
        assert (m.ltv_cac(2_500.0, 1_200.0)[0] or 0) < m.LTV_CAC_BENCHMARK < 4.8

    def test_payback(self) -> None:
        assert m.payback_months(1_200.0, 114.0) == (pytest.approx(1_200 / 114), None)

    def test_inference_share_rule(self) -> None:
        # Acme spends 55 / 200 = 27.5% of revenue on inference: the adjustment matters.
        share = m.inference_share(55.0, 200.0)
        assert share == 0.275
        assert m.compute_adjustment_matters(share) is True
        assert m.compute_adjustment_matters(0.049) is False
        assert m.compute_adjustment_matters(0.07) is None
        assert m.compute_adjustment_matters(None) is None


class TestUndefined:
    def test_lifetime_value(self) -> None:
        assert m.lifetime_value(100.0, None) == (None, "churn is undefined")
        assert m.lifetime_value(100.0, 0.0) == (None, "churn is 0, so the lifetime is unbounded")
        # A negative LTV is a defined value: the segment destroys value.
        assert m.lifetime_value(-10.0, 0.05) == (pytest.approx(-200), None)

    def test_ltv_cac(self) -> None:
        assert m.ltv_cac(None, 100.0) == (None, "needs both LTV and CAC")
        assert m.ltv_cac(100.0, None) == (None, "needs both LTV and CAC")
        assert m.ltv_cac(100.0, 0.0) == (None, "CAC is 0")

    def test_payback(self) -> None:
        assert m.payback_months(None, 10.0) == (None, "needs a CAC")
        assert m.payback_months(100.0, 0.0)[0] is None
        assert m.payback_months(100.0, -5.0)[1] == (
            "gross profit is not positive, so CAC is never paid back"
        )

    def test_ratios_without_a_denominator(self) -> None:
        assert m.gross_margin(10.0, 0.0) is None
        assert m.inference_share(10.0, 0.0) is None
        assert m.cost_per_call(1.0, 0.0) is None
        assert m.revenue_churn(5.0, 0.0) is None
        assert m.optimization_roi(0.1, 0.05, 1_000.0, 0.0) is None
        assert m.optimization_roi(0.1, 0.05, 1_000.0, 5e-324) is None  # overflows: undefined


class TestDecisionArithmetic:
    """Article 002's tier arithmetic on hand-checkable numbers."""

    def test_allowance_and_overage(self) -> None:
        # $15 of revenue per customer-month, a 45% target margin, $0.90 per use.
        assert m.included_uses(15.0, 0.45, 0.90) == math.floor(15 * 0.55 / 0.90) == 9
        assert m.overage_price(0.90, 0.45) == 1.64  # $0.90 ÷ 0.55 = $1.636…, up to the cent

    def test_minimum_price(self) -> None:
        # $18 of cost a customer-month, 30% of the plan's revenue, 40% target margin.
        assert m.minimum_price(18.0, 0.30, 0.40) == pytest.approx(100.0)

    def test_roi_and_routing(self) -> None:
        assert m.optimization_roi(0.08, 0.05, 100_000.0, 15_000.0) == pytest.approx(2.4)
        assert m.routed_cost_factor(0.5, 0.2) == pytest.approx(0.6)
        assert m.routed_cost_factor(0.0, 0.2) == 1.0

    def test_fair_use(self) -> None:
        assert m.fair_use_charge(130.0, 100.0, 0.25) == pytest.approx(40.0)
        assert m.fair_use_charge(80.0, 100.0, 0.25) == 0.0

    def test_token_cost(self) -> None:
        # 1,000 prompt tokens of which 400 cached, 200 output tokens.
        cost = m.token_cost(
            1_000.0, 400.0, 200.0, input_rate=3e-6, cached_rate=0.3e-6, output_rate=15e-6
        )
        assert cost == pytest.approx(600 * 3e-6 + 400 * 0.3e-6 + 200 * 15e-6)


class TestOneDefinitionOnNumbersAndColumns:
    @given(
        st.lists(st.tuples(money, money, money, money), min_size=1, max_size=20),
    )
    def test_columns_agree_with_numbers(
        self, rows: list[tuple[float, float, float, float]]
    ) -> None:
        frame = pl.DataFrame(
            rows, schema=["revenue", "inference", "burdens", "calls"], orient="row"
        )
        revenue, inference, burdens, calls = (pl.col(name) for name in frame.columns)
        profit = m.gross_profit(revenue, inference, burdens)
        out = frame.select(
            profit.alias("profit"),
            m.gross_margin(profit, revenue).alias("margin"),
            m.inference_share(inference, revenue).alias("share"),
            m.cost_per_call(inference, calls).alias("per_call"),
            m.fair_use_charge(inference, burdens, 0.2).alias("fair_use"),
        )
        for row, got in zip(rows, out.iter_rows(named=True), strict=True):
            r, i, b, c = row
            p = m.gross_profit(r, i, b)
            assert got["profit"] == p
            assert got["margin"] == m.gross_margin(p, r)
            assert got["share"] == m.inference_share(i, r)
            assert got["per_call"] == m.cost_per_call(i, c)
            assert got["fair_use"] == pytest.approx(m.fair_use_charge(i, b, 0.2))

    @given(margins, st.sampled_from(sorted(CATEGORY_BANDS)))
    def test_feature_status_agrees_on_columns(self, margin: float, category: str) -> None:
        band: Band = CATEGORY_BANDS[category]  # type: ignore[index]
        frame = pl.DataFrame({"margin": [margin]}).select(
            m.feature_status_expr(
                # a margin below 0 comes with a loss: revenue above 0, so profit has its sign
                pl.col("margin"),
                pl.col("margin"),
                act_below=pl.lit(band.act_below),
                low=pl.lit(band.low),
                high=pl.lit(band.high),
            )
        )
        assert frame.item() == m.feature_status(margin, band)

    def test_a_loss_without_revenue_is_negative_on_columns(self) -> None:
        status = pl.select(
            m.feature_status_expr(
                pl.lit(-5.0),
                pl.lit(None, pl.Float64),
                act_below=pl.lit(0.4),
                low=pl.lit(0.55),
                high=pl.lit(0.75),
            )
        ).item()
        assert status == "negative"


class TestDirections:
    """How the numbers must move for a CFO reading them."""

    @given(money, money, money, st.floats(0.01, 1e4), rates)
    def test_a_price_rise_never_lowers_profit_margin_or_ltv(
        self, revenue: float, inference: float, burdens: float, rise: float, churn: float
    ) -> None:
        before = m.gross_profit(revenue, inference, burdens)
        after = m.gross_profit(revenue + rise, inference, burdens)
        assert after > before
        assert (m.lifetime_value(after, churn)[0] or 0) >= (m.lifetime_value(before, churn)[0] or 0)
        margin_before, margin_after = (
            m.gross_margin(before, revenue),
            m.gross_margin(after, revenue + rise),
        )
        if margin_before is not None and margin_after is not None:
            assert margin_after >= margin_before - 1e-12

    @given(st.floats(1, 1e5), rates, rates)
    def test_more_churn_means_less_ltv(self, profit: float, churn: float, more: float) -> None:
        low, high = sorted((churn, more))
        assert (m.lifetime_value(profit, high)[0] or 0) <= (m.lifetime_value(profit, low)[0] or 0)

    @given(money, money, st.floats(0.01, 1e4))
    def test_inference_lowers_compute_adjusted_profit_not_traditional(
        self, revenue: float, burdens: float, inference: float
    ) -> None:
        assert m.gross_profit(revenue, inference, burdens) < m.gross_profit(revenue, 0.0, burdens)
        assert m.traditional_profit(revenue, 0.0, 0.0, 0.0) == revenue
