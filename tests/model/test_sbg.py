"""The shifted-beta-geometric retention model: the published numbers of Fader & Hardie (2007,
2010) reproduced to their precision, hand-computed small cases, properties, and refusals."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import betaln, hyp2f1

from econ.model.retention.sbg import (
    AT_EDGE,
    MIN_DISCOUNT,
    NO_CHURN,
    TOO_LITTLE_DATA,
    SbgFit,
    churn_probability,
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    expected_lifetime,
    fit_sbg,
    period_rate,
    retention_rate,
    survival,
)

# Fader & Hardie (2007), survivors out of 1,000 for years 0–12 (the first 8 are fitted).
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
FITTED_YEARS = 8  # years 0–7

alphas = st.floats(0.05, 50.0)
betas = st.floats(0.05, 500.0)
discounts = st.floats(0.001, 0.5)


def series(alpha: float, beta: float, discount: float, first: int) -> float:
    """Σ_{k≥0} S(k + first) / (1 + d)ᵏ summed directly, far past where its terms matter."""
    k = np.arange(0.0, 60.0 / math.log1p(discount) + 2000.0)
    logs = betaln(alpha, beta + k + first) - betaln(alpha, beta) - k * math.log1p(discount)
    return float(np.exp(logs).sum())


def fitted(survivors: list[int] | list[list[int]]) -> tuple[float, float, float]:
    fit = fit_sbg(survivors)
    assert fit.reason is None
    assert fit.alpha is not None
    assert fit.beta is not None
    assert fit.log_likelihood is not None
    return fit.alpha, fit.beta, fit.log_likelihood


class TestFaderHardie2007:
    """ "How to project customer retention", Journal of Interactive Marketing 21(1): the two
    segments fitted on years 0–7."""

    def test_regular_segment(self) -> None:
        alpha, beta, log_likelihood = fitted(REGULAR[:FITTED_YEARS])
        assert round(alpha, 3) == 0.704
        assert round(beta, 3) == 1.182
        assert round(log_likelihood, 2) == -1680.27

    def test_high_end_segment(self) -> None:
        alpha, beta, log_likelihood = fitted(HIGH_END[:FITTED_YEARS])
        assert round(alpha, 3) == 0.668
        assert round(beta, 3) == 3.806
        assert round(log_likelihood, 2) == -1611.16

    def test_high_end_projection_for_years_8_to_12(self) -> None:
        alpha, beta, _ = fitted(HIGH_END[:FITTED_YEARS])
        projected = survival(alpha, beta, 12)[8:]
        assert [round(share, 3) for share in projected] == [0.460, 0.436, 0.414, 0.395, 0.378]

    def test_fit_summary(self) -> None:
        fit = fit_sbg(HIGH_END[:FITTED_YEARS])
        assert (fit.cohorts, fit.customers, fit.periods) == (1, 1000, 7)

    def test_high_end_residual_lifetime_after_seven_renewals(self) -> None:
        alpha, beta, _ = fitted(HIGH_END[:FITTED_YEARS])
        assert round(discounted_expected_residual_lifetime(alpha, beta, 0.10, 7), 3) == 7.530
        # and from the published (rounded) estimates
        assert round(discounted_expected_residual_lifetime(0.668, 3.806, 0.10, 7), 3) == 7.530


class TestFaderHardie2010:
    """ "Customer-base valuation in a contractual setting: the perils of ignoring
    heterogeneity", Marketing Science 29(1), Table 3: DERL at d = 10% after 0–4 renewals for two
    segments with the same mean churn (20%)."""

    @pytest.mark.parametrize(
        ("alpha", "beta", "published"),
        [
            (3.80, 15.20, [3.31, 3.45, 3.59, 3.72, 3.84]),
            (1 / 15, 4 / 15, [7.68, 9.46, 9.86, 10.06, 10.19]),
        ],
    )
    def test_table_3(self, alpha: float, beta: float, published: list[float]) -> None:
        derl = [
            round(discounted_expected_residual_lifetime(alpha, beta, 0.10, n), 2) for n in range(5)
        ]
        assert derl == published

    def test_several_cohorts_at_once(self) -> None:
        cohorts = [
            [10000, 8000, 6480, 5307, 4391],
            [10000, 8000, 6480, 5307],
            [10000, 8000, 6480],
            [10000, 8000],
        ]
        alpha, beta, _ = fitted(cohorts)
        assert round(alpha, 2) == 3.80
        assert round(beta, 2) == 15.19
        fit = fit_sbg(cohorts)
        assert (fit.cohorts, fit.customers, fit.periods) == (4, 40000, 4)


class TestHandComputed:
    """α = 1, β = 2: r_t = (t + 1) / (t + 2), so S(t) = 2 / (t + 2) telescopes."""

    def test_retention_rates(self) -> None:
        assert retention_rate(1.0, 2.0, 1) == pytest.approx(2 / 3)
        assert retention_rate(1.0, 2.0, 2) == pytest.approx(3 / 4)
        assert retention_rate(1.0, 2.0, 3) == pytest.approx(4 / 5)

    def test_survival_telescopes(self) -> None:
        assert survival(1.0, 2.0, 4) == pytest.approx([1.0, 2 / 3, 1 / 2, 2 / 5, 1 / 3])
        assert survival(1.0, 2.0, 0) == [1.0]

    def test_churn_is_the_drop_in_survival(self) -> None:
        # P(T = t) = S(t − 1) − S(t) = 2 / ((t + 1)(t + 2))
        assert churn_probability(1.0, 2.0, 1) == pytest.approx(1 / 3)
        assert churn_probability(1.0, 2.0, 2) == pytest.approx(1 / 6)
        assert churn_probability(1.0, 2.0, 3) == pytest.approx(1 / 10)

    def test_expected_lifetime(self) -> None:
        # (α + β − 1) / (α − 1) with α = 3, β = 6: 8 / 2, the limit of DEL as d → 0
        assert expected_lifetime(3.0, 6.0) == (pytest.approx(4.0), None)
        assert discounted_expected_lifetime(3.0, 6.0, 1e-5) == pytest.approx(4.0, rel=1e-4)

    def test_infinite_expected_lifetime_has_a_reason(self) -> None:
        lifetime, reason = expected_lifetime(1.0, 2.0)
        assert lifetime is None
        assert reason is not None
        assert "infinite" in reason

    def test_discounted_lifetimes_of_a_tiny_case(self) -> None:
        # α = 1, β = 1, d = 1: S(t) = 1 / (t + 1), DEL = Σ 2⁻ᵗ / (t + 1) = 2 ln 2,
        # DERL after 0 renewals = Σ_{t≥1} 2^(1−t) / (t + 1) = 2 (DEL − 1)
        assert discounted_expected_lifetime(1.0, 1.0, 1.0) == pytest.approx(2 * math.log(2))
        derl = discounted_expected_residual_lifetime(1.0, 1.0, 1.0, 0)
        assert derl == pytest.approx(2 * (2 * math.log(2) - 1))

    def test_period_rate(self) -> None:
        assert period_rate(0.10) == pytest.approx(1.1 ** (1 / 12) - 1)
        assert round(period_rate(0.10), 5) == 0.00797
        assert period_rate(0.21, 2) == pytest.approx(0.10)
        assert period_rate(0.0) == 0.0

    def test_a_fit_recovers_the_model_that_made_the_data(self) -> None:
        shares = survival(0.5, 2.5, 10)
        alpha, beta, _ = fitted([round(1_000_000 * s) for s in shares])
        assert alpha == pytest.approx(0.5, rel=1e-2)
        assert beta == pytest.approx(2.5, rel=1e-2)


class TestClosedForms:
    """The series the module sums are the closed forms of Fader & Hardie (2010), checked with
    scipy's ₂F₁ where it is well-conditioned (z = 1 / (1 + d) below 0.9)."""

    @given(alphas, betas, st.floats(0.12, 2.0), st.integers(0, 20))
    def test_del_and_derl_match_the_hypergeometric_forms(
        self, alpha: float, beta: float, discount: float, renewals: int
    ) -> None:
        z = 1 / (1 + discount)
        assert discounted_expected_lifetime(alpha, beta, discount) == pytest.approx(
            hyp2f1(1, beta, alpha + beta, z), rel=1e-9
        )
        b = beta + renewals
        closed = b / (alpha + b) * hyp2f1(1, b + 1, alpha + b + 1, z)
        assert discounted_expected_residual_lifetime(
            alpha, beta, discount, renewals
        ) == pytest.approx(closed, rel=1e-9)

    @pytest.mark.parametrize(
        ("alpha", "beta", "discount"),
        [
            (1.0, 0.05, 0.001),  # scipy's ₂F₁ returns −1.27 for DERL here
            (0.107, 442.86, 0.00156),  # and overflows here and below
            (0.2548, 173.03, 0.000515),
            (6.57, 697.43, 0.00164),
        ],
    )
    def test_where_the_closed_form_fails(self, alpha: float, beta: float, discount: float) -> None:
        assert discounted_expected_lifetime(alpha, beta, discount) == pytest.approx(
            series(alpha, beta, discount, 0), rel=1e-9
        )
        assert discounted_expected_residual_lifetime(alpha, beta, discount, 3) == pytest.approx(
            series(alpha, beta + 3, discount, 1), rel=1e-9
        )


class TestProperties:
    @given(alphas, betas, st.integers(0, 60))
    def test_survival_never_rises_and_stays_in_0_1(
        self, alpha: float, beta: float, periods: int
    ) -> None:
        shares = survival(alpha, beta, periods)
        assert len(shares) == periods + 1
        assert shares[0] == 1.0
        assert all(0.0 <= s <= 1.0 for s in shares)
        assert all(b <= a for a, b in itertools.pairwise(shares))

    @given(alphas, betas, st.integers(1, 60))
    def test_churn_is_the_drop_in_survival(self, alpha: float, beta: float, period: int) -> None:
        shares = survival(alpha, beta, period)
        drop = shares[period - 1] - shares[period]
        assert churn_probability(alpha, beta, period) == pytest.approx(drop, rel=1e-9, abs=1e-15)

    @given(alphas, betas, st.integers(1, 60))
    def test_retention_rises_with_tenure(self, alpha: float, beta: float, period: int) -> None:
        assert retention_rate(alpha, beta, period + 1) >= retention_rate(alpha, beta, period)

    @given(alphas, betas, discounts)
    def test_lifetimes_match_their_series(self, alpha: float, beta: float, discount: float) -> None:
        assert discounted_expected_lifetime(alpha, beta, discount) == pytest.approx(
            series(alpha, beta, discount, 0), rel=1e-9
        )
        assert discounted_expected_residual_lifetime(alpha, beta, discount, 0) == pytest.approx(
            series(alpha, beta, discount, 1), rel=1e-9
        )

    @given(alphas, betas, discounts)
    def test_del_is_the_first_payment_plus_the_discounted_derl(
        self, alpha: float, beta: float, discount: float
    ) -> None:
        derl = discounted_expected_residual_lifetime(alpha, beta, discount, 0)
        assert discounted_expected_lifetime(alpha, beta, discount) == pytest.approx(
            1.0 + derl / (1.0 + discount), rel=1e-9
        )

    @given(alphas, betas, discounts, st.floats(0.5, 0.99))
    def test_del_rises_as_the_discount_falls(
        self, alpha: float, beta: float, discount: float, cut: float
    ) -> None:
        lower = discount * cut
        assert discounted_expected_lifetime(alpha, beta, lower) >= discounted_expected_lifetime(
            alpha, beta, discount
        ) * (1 - 1e-12)

    @given(alphas, betas, discounts, st.integers(0, 50))
    def test_derl_rises_with_renewals(
        self, alpha: float, beta: float, discount: float, renewals: int
    ) -> None:
        # the customers who stay are the ones less likely to leave
        now = discounted_expected_residual_lifetime(alpha, beta, discount, renewals)
        later = discounted_expected_residual_lifetime(alpha, beta, discount, renewals + 1)
        assert later >= now * (1 - 1e-12)

    @given(alphas, betas, discounts, st.integers(0, 50))
    def test_derl_after_renewals_is_a_new_cohort_with_updated_beta(
        self, alpha: float, beta: float, discount: float, renewals: int
    ) -> None:
        assert discounted_expected_residual_lifetime(
            alpha, beta, discount, renewals
        ) == pytest.approx(
            discounted_expected_residual_lifetime(alpha, beta + renewals, discount, 0), rel=1e-12
        )

    @given(st.floats(3.0, 50.0), st.floats(0.05, 20.0))
    def test_del_approaches_the_expected_lifetime_from_below_as_the_discount_vanishes(
        self, alpha: float, beta: float
    ) -> None:
        lifetime, _ = expected_lifetime(alpha, beta)
        assert lifetime is not None
        near = discounted_expected_lifetime(alpha, beta, 1e-4)
        assert lifetime * (1 - 1e-2) <= near <= lifetime
        assert near >= discounted_expected_lifetime(alpha, beta, 1e-3)

    @given(st.floats(0.2, 5.0), st.floats(0.5, 20.0))
    def test_a_fit_of_its_own_projection_returns_the_model(self, alpha: float, beta: float) -> None:
        shares = survival(alpha, beta, 12)
        fit = fit_sbg([1e6 * s for s in shares])
        assert fit.alpha == pytest.approx(alpha, rel=1e-3)
        assert fit.beta == pytest.approx(beta, rel=1e-3)


class TestRefusals:
    """Data that cannot identify the model gets a reason, never a made-up fit."""

    def refused(self, survivors: list[float] | list[list[float]]) -> SbgFit:
        fit = fit_sbg(survivors)
        assert (fit.alpha, fit.beta, fit.log_likelihood) == (None, None, None)
        assert fit.reason is not None
        return fit

    def test_one_period_only(self) -> None:
        fit = self.refused([1000, 631])
        assert fit.reason == TOO_LITTLE_DATA
        assert (fit.cohorts, fit.customers, fit.periods) == (1, 1000, 1)

    def test_period_zero_only(self) -> None:
        assert self.refused([1000]).reason == TOO_LITTLE_DATA

    def test_several_cohorts_of_one_period_each(self) -> None:
        assert self.refused([[1000, 600], [500, 290], [800, 500]]).reason == TOO_LITTLE_DATA

    def test_everyone_gone_in_the_first_period(self) -> None:
        # nobody is at risk in period 2, so retention is never seen to change
        assert self.refused([100, 0, 0, 0]).reason == TOO_LITTLE_DATA

    def test_no_churn_at_all(self) -> None:
        assert self.refused([1000, 1000, 1000]).reason == NO_CHURN
        assert self.refused([[50, 50, 50], [20, 20]]).reason == NO_CHURN

    @pytest.mark.parametrize(
        "survivors",
        [
            [1000, 900, 810, 729, 656.1],  # a constant 90% retention: no heterogeneity
            [1000, 900, 800, 700],  # retention falls with tenure
            [100, 50, 0],
        ],
    )
    def test_retention_that_does_not_rise_runs_off_to_the_edge(
        self, survivors: list[float]
    ) -> None:
        assert self.refused(survivors).reason == AT_EDGE


class TestMisuse:
    """A malformed survivor list or parameter comes from code and raises ValueError."""

    @pytest.mark.parametrize(
        ("survivors", "words"),
        [
            ([], "empty"),
            ([[]], "no survivor counts"),
            ([1000, 1200, 900], "never rise"),
            ([1000, -1], "0 or more"),
            ([1000, math.nan], "finite"),
            ([0, 0, 0], "start with customers"),
            ([[1000, 900], 800], "mixes"),
        ],
    )
    def test_bad_survivors(self, survivors: list[float], words: str) -> None:
        with pytest.raises(ValueError, match=words):
            fit_sbg(survivors)

    def test_bad_parameters(self) -> None:
        with pytest.raises(ValueError, match="above 0"):
            survival(0.0, 1.0, 3)
        with pytest.raises(ValueError, match="above 0"):
            retention_rate(1.0, math.inf, 1)
        with pytest.raises(ValueError, match="period"):
            churn_probability(1.0, 1.0, 0)
        with pytest.raises(ValueError, match="periods"):
            survival(1.0, 1.0, -1)
        with pytest.raises(ValueError, match="discount"):
            discounted_expected_lifetime(1.0, 1.0, 0.0)
        with pytest.raises(ValueError, match="at least"):
            discounted_expected_residual_lifetime(1.0, 1.0, MIN_DISCOUNT / 2, 0)
        with pytest.raises(ValueError, match="renewals"):
            discounted_expected_residual_lifetime(1.0, 1.0, 0.1, -1)
        with pytest.raises(ValueError, match="annual"):
            period_rate(-1.0)
        with pytest.raises(ValueError, match="periods_per_year"):
            period_rate(0.1, 0)
