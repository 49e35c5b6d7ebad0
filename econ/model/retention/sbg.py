"""The shifted-beta-geometric (sBG) retention model and the customer lifetimes it implies.

Each customer renews at the end of every period with her own probability 1 − θ until she
leaves, so her lifetime T (the period in which she is lost, T ≥ 1) is shifted-geometric; θ is
spread over customers as Beta(α, β). Mixing the two gives (Fader & Hardie 2007, "How to project
customer retention", Journal of Interactive Marketing 21(1), 76–90):

- P(T = t) = B(α + 1, β + t − 1) / B(α, β), t ≥ 1 (eq. 7), and equally S(t − 1) − S(t);
- S(t) = P(T > t) = B(α, β + t) / B(α, β), S(0) = 1;
- the retention rate r_t = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1), which rises with
  t: the customers who stay are, on average, the ones less likely to leave.

Values of a customer (Fader & Hardie 2010, "Customer-base valuation in a contractual setting:
the perils of ignoring heterogeneity", Marketing Science 29(1), 85–93), with z = 1 / (1 + d)
for a discount rate d per period and ₂F₁ the Gaussian hypergeometric function:

- the discounted expected lifetime of a customer at the start of her first period, who pays
  then and at the start of every period she is still there:
  DEL(d | α, β) = Σ_{t≥0} S(t) zᵗ = ₂F₁(1, β; α + β; z), so E(CLV) = m × DEL;
- the discounted expected residual lifetime of a customer who has made n renewals, just before
  her next renewal decision, the next payment undiscounted (eq. 6):
  DERL(d | α, β, n) = Σ_{t>n} [S(t) / S(n)] z^(t−n−1)
                    = (β + n) / (α + β + n) × ₂F₁(1, β + n + 1; α + β + n + 1; z);
- so DEL = 1 + z × DERL(d | α, β, 0), and DERL after n renewals is DERL(d | α, β + n, 0): the
  survivors of n periods are a cohort of their own with the updated Beta(α, β + n).

The undiscounted expected lifetime E(T) = (α + β − 1) / (α − 1) is finite only for α > 1.

DEL and DERL are computed by summing their series, every term positive: scipy's ₂F₁ is
ill-conditioned where monthly discount rates put z, near 1 (see :func:`_summed`).

Misuse by a caller (a survivor list that rises, negative counts, α ≤ 0, a period below 1, a
discount rate below :data:`MIN_DISCOUNT`) raises :class:`ValueError`: these come from code, not
from a user's file or scenario. Data that cannot identify the model (too few periods, no churn
at all, a best fit at the edge of the parameter space) is not an error: :func:`fit_sbg` returns
an :class:`SbgFit` without parameters and with the reason.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def load_scipy() -> None:
    """Import the parts of SciPy the fit uses. They load on first use, since importing them
    takes longer than many commands run (0.3-0.5 s); a caller that knows a fit is coming can
    load them ahead, e.g. in a thread while the ledger is read."""
    import scipy.optimize  # noqa: PLC0415
    import scipy.special  # noqa: F401, PLC0415


def betaln(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """ln B(a, b), SciPy's (loaded on first use)."""
    from scipy.special import betaln as log_beta  # noqa: PLC0415  (see load_scipy)

    return np.asarray(log_beta(a, b), dtype=np.float64)


def digamma(x: npt.ArrayLike) -> FloatArray:
    """ψ(x), SciPy's (loaded on first use)."""
    from scipy.special import digamma as psi  # noqa: PLC0415  (see load_scipy)

    return np.asarray(psi(x), dtype=np.float64)


_EDGE: Final = 1e-6
"""The fit searches μ and φ in [_EDGE, 1 − _EDGE]; a best fit within twice this of a bound has
run off to the edge of the parameter space."""

_FLAT: Final = 1e-5
"""A search that stops short of its tolerances (its line search can make no more progress in
floating point) is still a maximum when no gradient component is above this (per customer)."""

MIN_DISCOUNT: Final = 1e-6
"""The smallest discount rate per period DEL and DERL accept (about 0.0012% a year, monthly):
their series takes about 37 / d terms. Below it, use the undiscounted :func:`expected_lifetime`."""

_FIRST_CHUNK: Final = 256
_CHUNK: Final = 65_536
"""Terms of a DEL or DERL series summed at a time."""

_TAIL: Final = 1e-15
"""The series is summed until its remaining tail is below this share of the sum."""

TOO_LITTLE_DATA: Final = (
    "too little data: the sBG needs a cohort observed for at least two periods with customers "
    "at risk, so that retention can be seen to change with tenure"
)
NO_CHURN: Final = "no churn observed: no customer left, so churn cannot be estimated"
AT_EDGE: Final = (
    "the data do not identify the sBG: its best fit runs off to the edge (α or β towards 0 or "
    "infinity), as when retention does not rise with tenure; a constant churn rate fits as well"
)


@dataclass(frozen=True)
class SbgFit:
    """The maximum-likelihood sBG fit of one or more cohorts (Fader & Hardie 2007).

    Attributes:
        alpha: α of the Beta(α, β) spread of churn probabilities, or ``None`` (see ``reason``).
        beta: β, or ``None``.
        log_likelihood: the log-likelihood at (α, β), or ``None``.
        cohorts: how many cohorts were fitted.
        customers: customers at period 0 over all cohorts (rounded to a whole number).
        periods: the longest cohort's observed periods (its survivor list's length − 1).
        reason: why ``alpha`` and ``beta`` are ``None`` (too little data, no churn observed,
            the optimizer failed or ran off to the edge), else ``None``.
    """

    alpha: float | None
    beta: float | None
    log_likelihood: float | None
    cohorts: int
    customers: int
    periods: int
    reason: str | None


def fit_sbg(survivors: Sequence[float] | Sequence[Sequence[float]]) -> SbgFit:
    """Fit the sBG by maximum likelihood (Fader & Hardie 2007), several cohorts at once (Fader &
    Hardie 2010).

    ``survivors`` is one cohort's customers still alive at period 0, 1, 2, … or a list of such
    cohorts, each right-censored at its own last period. A cohort with survivors n₀ … n_k
    contributes (n_{t−1} − n_t) × ln P(T = t) for t = 1 … k and n_k × ln S(k). Counts may be
    weights (not whole numbers).

    Raises :class:`ValueError` for a malformed list: empty, a cohort with no values, a value
    negative or not finite, a first value not above 0, or a value above the one before.
    Returns a fit without parameters, with the reason, when no cohort is observed for two
    periods with customers at risk, when no customer left, or when the optimizer fails or its
    best fit lies at the edge of the parameter space.
    """
    cohorts = _cohorts(survivors)
    for cohort in cohorts:
        _check_cohort(cohort)
    shell = SbgFit(
        alpha=None,
        beta=None,
        log_likelihood=None,
        cohorts=len(cohorts),
        customers=round(sum(cohort[0] for cohort in cohorts)),
        periods=max(len(cohort) for cohort in cohorts) - 1,
        reason=None,
    )
    reason = _unidentified(cohorts)
    if reason is not None:
        return replace(shell, reason=reason)
    lost, alive = _sufficient_statistics(cohorts)
    return _maximize(shell, lost, alive, _start(cohorts))


def churn_probability(alpha: float, beta: float, period: int) -> float:
    """P(T = t) = B(α + 1, β + t − 1) / B(α, β), the share of a new cohort lost in period t ≥ 1
    (Fader & Hardie 2007, eq. 7)."""
    _check_parameters(alpha, beta)
    _check_period(period)
    return float(np.exp(betaln(alpha + 1.0, beta + period - 1.0) - betaln(alpha, beta)))


def survival(alpha: float, beta: float, periods: int) -> list[float]:
    """S(0), S(1), …, S(periods): the share of a new cohort still there after t periods,
    S(t) = B(α, β + t) / B(α, β) (Fader & Hardie 2007), computed as the product of the retention
    rates r_1 … r_t so that it never rises."""
    _check_parameters(alpha, beta)
    if periods < 0:
        raise ValueError(f"periods must be 0 or more, not {periods}")
    t = np.arange(1, periods + 1, dtype=np.float64)
    rates = (beta + t - 1.0) / (alpha + beta + t - 1.0)
    return [1.0, *(float(s) for s in np.cumprod(rates))]


def retention_rate(alpha: float, beta: float, period: int) -> float:
    """r_t = (β + t − 1) / (α + β + t − 1), the share of customers alive at the end of period
    t − 1 who renew at the end of period t ≥ 1 (Fader & Hardie 2007)."""
    _check_parameters(alpha, beta)
    _check_period(period)
    return (beta + period - 1.0) / (alpha + beta + period - 1.0)


def expected_lifetime(alpha: float, beta: float) -> tuple[float | None, str | None]:
    """The undiscounted expected lifetime E(T) = E(1 / θ) = (α + β − 1) / (α − 1) periods,
    the first included, and no reason; ``(None, reason)`` when α ≤ 1, where it is infinite
    (Fader & Hardie 2010: DEL at d = 0)."""
    _check_parameters(alpha, beta)
    if alpha <= 1.0:
        return None, (
            f"α = {alpha:.3g} ≤ 1: the expected lifetime is infinite (enough customers almost "
            "never leave); use a discounted lifetime"
        )
    return (alpha + beta - 1.0) / (alpha - 1.0), None


def discounted_expected_lifetime(alpha: float, beta: float, discount: float) -> float:
    """DEL(d | α, β) = Σ_{t≥0} S(t) / (1 + d)ᵗ = ₂F₁(1, β; α + β; 1 / (1 + d)): the discounted
    number of payments of a customer at the start of her first period, who pays at the start
    of every period she is there, the first undiscounted (Fader & Hardie 2010). ``discount`` is
    the rate per period (see :func:`period_rate`), at least :data:`MIN_DISCOUNT`."""
    _check_parameters(alpha, beta)
    _check_discount(discount)
    return _summed(alpha, beta, discount, first=0)


def discounted_expected_residual_lifetime(
    alpha: float, beta: float, discount: float, renewals: int
) -> float:
    """DERL(d | α, β, n) = (β + n) / (α + β + n) × ₂F₁(1, β + n + 1; α + β + n + 1; 1 / (1 + d)):
    the discounted number of further payments of a customer who has made n renewals, just
    before her next renewal decision, that payment undiscounted (Fader & Hardie 2010, eq. 6).
    ``discount`` is the rate per period, at least :data:`MIN_DISCOUNT`; ``renewals`` is
    n ≥ 0."""
    _check_parameters(alpha, beta)
    _check_discount(discount)
    if renewals < 0:
        raise ValueError(f"renewals must be 0 or more, not {renewals}")
    return _summed(alpha, beta + renewals, discount, first=1)


def period_rate(annual: float, periods_per_year: int = 12) -> float:
    """The rate per period equivalent to an annual rate: (1 + annual)^(1 / periods) − 1, so a
    10% annual discount rate is 0.797% a month."""
    if not math.isfinite(annual) or annual <= -1.0:
        raise ValueError(f"the annual rate must be above −1, not {annual}")
    if periods_per_year < 1:
        raise ValueError(f"periods_per_year must be 1 or more, not {periods_per_year}")
    return math.expm1(math.log1p(annual) / periods_per_year)


def _summed(alpha: float, beta: float, discount: float, first: int) -> float:
    """Σ_{k≥0} S(k + first) zᵏ, the series whose closed forms are DEL (first 0) and DERL after
    0 renewals (first 1), summed term by term with ln S(t) = ln B(α, β + t) − ln B(α, β) until
    the tail, at most S(N) zᴺ / (1 − z) because S never rises, is a negligible share of the sum.

    Every term is positive, so the sum is accurate to rounding. The closed form is not used:
    at the discount rates of monthly data z is near 1, where scipy's ₂F₁ goes through its
    1 − z transformation, which is ill-conditioned when α is near a whole number (at α = 1,
    β = 0.05, d = 0.001 it returns −1.27 for 0.342; at α = 1 + 10⁻⁹, errors of 10⁻³) and
    overflows when α + β is above about 170. The sum takes about 37 / d terms at most (some
    5,000 at a 10% annual rate, monthly)."""
    log_z = -math.log1p(discount)
    one_minus_z = discount / (1.0 + discount)
    base = betaln(alpha, beta)
    total = 0.0
    start, size = 0, _FIRST_CHUNK
    while True:
        k = np.arange(start, start + size, dtype=np.float64)
        terms = np.exp(betaln(alpha, beta + k + first) - base + k * log_z)
        total += float(terms.sum())
        start += size
        size = min(2 * size, _CHUNK)  # most sums end within the first few hundred terms
        if float(terms[-1]) / one_minus_z <= _TAIL * total:
            return total


def _cohorts(survivors: Sequence[float] | Sequence[Sequence[float]]) -> list[list[float]]:
    """The survivor lists as cohorts of floats: one list of numbers is one cohort."""
    if len(survivors) == 0:
        raise ValueError("survivors is empty: give at least one cohort's survivor counts")
    nested = [isinstance(item, Sequence) and not isinstance(item, str) for item in survivors]
    if all(nested):
        return [[float(n) for n in cohort] for cohort in survivors]  # type: ignore[union-attr]
    if any(nested):
        raise ValueError("survivors mixes numbers and lists: give one list or a list of lists")
    return [[float(n) for n in survivors]]  # type: ignore[arg-type]


def _check_cohort(cohort: list[float]) -> None:
    """Raise :class:`ValueError` unless the cohort is non-empty, finite, non-negative,
    starts above 0 and never rises."""
    if not cohort:
        raise ValueError("a cohort has no survivor counts")
    if not all(math.isfinite(n) and n >= 0.0 for n in cohort):
        raise ValueError(f"survivor counts must be finite and 0 or more: {cohort}")
    if cohort[0] <= 0.0:
        raise ValueError(f"a cohort must start with customers (above 0): {cohort}")
    if any(later > earlier for earlier, later in itertools.pairwise(cohort)):
        raise ValueError(f"survivor counts must never rise: {cohort}")


def _unidentified(cohorts: list[list[float]]) -> str | None:
    """Why the data cannot identify α and β, or ``None`` when a fit may be tried."""
    at_risk_periods = max(
        sum(1 for alive in cohort[:-1] if alive > 0.0) if len(cohort) > 1 else 0
        for cohort in cohorts
    )
    if at_risk_periods < 2:
        return TOO_LITTLE_DATA
    if all(cohort[-1] == cohort[0] for cohort in cohorts):
        return NO_CHURN
    return None


def _sufficient_statistics(cohorts: list[list[float]]) -> tuple[FloatArray, FloatArray]:
    """Over all cohorts, customers lost in each period t (index t, 0 unused) and customers
    still alive at a cohort's last period t (right-censored at t)."""
    length = max(len(cohort) for cohort in cohorts)
    lost = np.zeros(length, dtype=np.float64)
    alive = np.zeros(length, dtype=np.float64)
    for cohort in cohorts:
        counts = np.asarray(cohort, dtype=np.float64)
        lost[1 : len(cohort)] += counts[:-1] - counts[1:]
        alive[len(cohort) - 1] += counts[-1]
    return lost, alive


def _start(cohorts: list[list[float]]) -> FloatArray:
    """A starting (μ, φ): the first period's pooled churn, and φ = 1/3 (α + β = 2)."""
    first = [cohort for cohort in cohorts if len(cohort) > 1]
    churn = sum(c[0] - c[1] for c in first) / sum(c[0] for c in first)
    return np.array([min(max(churn, 0.01), 0.99), 1.0 / 3.0], dtype=np.float64)


def _alpha_beta(x: FloatArray) -> tuple[float, float]:
    """(α, β) from the mean churn probability μ = α / (α + β) and the polarization
    φ = 1 / (α + β + 1) (Fader & Hardie 2010): α = μ (1 − φ) / φ, β = (1 − μ) (1 − φ) / φ."""
    mean, polarization = float(x[0]), float(x[1])
    size = (1.0 - polarization) / polarization
    return mean * size, (1.0 - mean) * size


def _log_likelihood(alpha: float, beta: float, lost: FloatArray, alive: FloatArray) -> float:
    """LL(α, β) = Σ_t lost_t ln P(T = t) + Σ_t alive_t ln S(t) (Fader & Hardie 2007)."""
    t = np.arange(lost.size, dtype=np.float64)
    base = betaln(alpha, beta)
    log_churn = betaln(alpha + 1.0, beta + t[1:] - 1.0) - base
    log_survival = betaln(alpha, beta + t) - base
    return float(np.dot(lost[1:], log_churn) + np.dot(alive, log_survival))


def _gradient(alpha: float, beta: float, lost: FloatArray, alive: FloatArray) -> FloatArray:
    """(∂LL/∂α, ∂LL/∂β), from ∂ ln B(a, b)/∂a = ψ(a) − ψ(a + b) with ψ the digamma function."""
    t = np.arange(lost.size, dtype=np.float64)
    total = alpha + beta
    base_a = digamma(alpha) - digamma(total)
    base_b = digamma(beta) - digamma(total)
    churn_a = digamma(alpha + 1.0) - digamma(total + t[1:]) - base_a
    churn_b = digamma(beta + t[1:] - 1.0) - digamma(total + t[1:]) - base_b
    survival_a = digamma(total) - digamma(total + t)
    survival_b = digamma(beta + t) - digamma(total + t) - base_b
    return np.array(
        [
            np.dot(lost[1:], churn_a) + np.dot(alive, survival_a),
            np.dot(lost[1:], churn_b) + np.dot(alive, survival_b),
        ],
        dtype=np.float64,
    )


def _maximize(shell: SbgFit, lost: FloatArray, alive: FloatArray, start: FloatArray) -> SbgFit:
    """Maximize the log-likelihood over (μ, φ) in (0, 1)² with scipy's L-BFGS-B and the
    analytic gradient, the objective per customer. The homogeneous (geometric) model is the
    edge φ → 0; a best fit at any edge, or a search that stops where the gradient is not flat,
    is refused with its reason."""
    scale = float(lost.sum() + alive.sum())

    def objective(x: FloatArray) -> tuple[float, FloatArray]:
        alpha, beta = _alpha_beta(x)
        d_alpha, d_beta = _gradient(alpha, beta, lost, alive)
        size = (1.0 - x[1]) / x[1]
        d_size = -1.0 / x[1] ** 2
        d_mean = (d_alpha - d_beta) * size
        d_polarization = (d_alpha * x[0] + d_beta * (1.0 - x[0])) * d_size
        gradient = -np.array([d_mean, d_polarization], dtype=np.float64) / scale
        return -_log_likelihood(alpha, beta, lost, alive) / scale, gradient

    from scipy.optimize import minimize  # noqa: PLC0415  (see load_scipy)

    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(_EDGE, 1.0 - _EDGE)] * 2,
        options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 1000},
    )
    if np.any(np.abs(result.x - 0.5) >= 0.5 - 2.0 * _EDGE):
        return replace(shell, reason=AT_EDGE)
    if not (result.success or float(np.max(np.abs(result.jac))) <= _FLAT):
        return replace(shell, reason=f"the optimizer did not converge: {result.message}")
    alpha, beta = _alpha_beta(result.x)
    return replace(
        shell, alpha=alpha, beta=beta, log_likelihood=_log_likelihood(alpha, beta, lost, alive)
    )


def _check_parameters(alpha: float, beta: float) -> None:
    """Raise :class:`ValueError` unless α and β are finite and above 0."""
    if not (math.isfinite(alpha) and math.isfinite(beta) and alpha > 0.0 and beta > 0.0):
        raise ValueError(f"α and β must be finite and above 0, not α = {alpha}, β = {beta}")


def _check_period(period: int) -> None:
    """Raise :class:`ValueError` unless the period is 1 or more."""
    if period < 1:
        raise ValueError(f"the period must be 1 or more, not {period}")


def _check_discount(discount: float) -> None:
    """Raise :class:`ValueError` unless the discount rate per period is finite and at least
    :data:`MIN_DISCOUNT`."""
    if not (math.isfinite(discount) and discount >= MIN_DISCOUNT):
        raise ValueError(
            f"the discount rate per period must be at least {MIN_DISCOUNT:g}, not {discount} "
            "(for the undiscounted lifetime use expected_lifetime)"
        )


PAYBACK_HORIZON: Final = 1200
"""Months (100 years) within which CAC must be paid back for sBG payback to be defined."""


def payback_months(
    alpha: float, beta: float, monthly_profit: float, cost: float
) -> tuple[float | None, str | None]:
    """Months until the expected gross profit of a new customer pays back ``cost`` (CAC), when
    retention follows the sBG: the smallest n with profit × Σₜ₌₀ⁿ⁻¹ S(t) ≥ cost, interpolated
    within the month (profit is earned at the start of each month, as in DEL). With a constant
    churn c it is the same idea as CAC ÷ gross profit, spread over the months a customer stays
    (article 001 sets payback beside LTV:CAC; S(t) from Fader & Hardie 2007)."""
    _check_parameters(alpha, beta)
    if monthly_profit <= 0:
        return None, "gross profit is not positive, so CAC is never paid back"
    earned, alive = 0.0, 1.0
    for month in range(PAYBACK_HORIZON):
        step = monthly_profit * alive
        if earned + step >= cost:
            return month + (cost - earned) / step, None
        earned += step
        alive *= retention_rate(alpha, beta, month + 1)
        if alive <= 0.0:
            break
    return None, "the expected gross profit of a customer's lifetime never pays the CAC back"
