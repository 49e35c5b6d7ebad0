"""Lifetime value from fitted retention curves, per segment: the sBG LTV and the value of the
existing customer base.

Per segment S (customers acquired in S: their segment in their first active month, as
:mod:`econ.model.retention.cohorts` groups them) and for the blended row ``"all"``:

- the shifted-beta-geometric (sBG) model is fitted to the first-spell survivors of every cohort
  of S, each right-censored at the window's last month (:func:`~econ.model.retention.sbg.fit_sbg`;
  Fader & Hardie 2007, "How to Project Customer Retention", Journal of Interactive Marketing
  21(1), and its multi-cohort form);
- with d the scenario's annual ``retention.discount_rate`` as a monthly rate
  (:func:`~econ.model.retention.sbg.period_rate`), DEL = Σₜ S(t) ÷ (1 + d)ᵗ from t = 0, the
  discounted expected lifetime in months of a new customer (Fader & Hardie 2010, "Customer-Base
  Valuation in a Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing Science
  29(1));
- ``ltv_sbg_usd`` = the segment table's monthly compute-adjusted ``gross_profit_usd`` × DEL;
- ``residual_value_usd`` = Σ over the customers of S active in the window's last month of their
  gross profit in that month × DERL(d | α, β, n − 1), the discounted expected residual lifetime
  of a customer who has paid n months in a row (Fader & Hardie 2010), where n is the length of
  the spell that reaches the last month (for a customer who came back after a gap, its months
  since it returned), n − 1 at most the longest tenure the fit saw; as in Fader & Hardie, the
  customer is valued just before her next renewal decision, that payment undiscounted. The
  last month's gross profit is used rather than a mean over the customer's months: it is what
  the customer pays and costs now, after any upgrade or price change. The current month itself
  is not in the residual value (it is already earned).

With a discount rate of 0, DEL is the undiscounted expected lifetime (α + β − 1) ÷ (α − 1) and
DERL after n renewals (β + n) ÷ (α − 1), both unbounded (null, with the reason) when α ≤ 1.

Too little data for a fit leaves α, β, the LTV and the residual value null, with the fit's
reason in ``null_reasons``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.inputs.prepare import CUSTOMER_CODE
from econ.model.customer_months import (
    COUNTED_REVENUE_USD,
    CURRENT_SPELL,
    INFERENCE_USD,
    SEGMENT,
    CustomerMonths,
)
from econ.model.retention.cohorts import (
    TENURE,
    customer_spells,
    survivors_of,
)
from econ.model.retention.sbg import (
    MIN_DISCOUNT,
    SbgFit,
    discounted_expected_lifetime,
    discounted_expected_residual_lifetime,
    expected_lifetime,
    fit_sbg,
    payback_months,
    period_rate,
    survival,
)
from econ.scenario.assumptions import ALL, Scenario

RETENTION_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        "customers": pl.Int64(),
        "cohorts": pl.Int64(),
        "periods": pl.Int64(),
        "alpha": pl.Float64(),
        "beta": pl.Float64(),
        "log_likelihood": pl.Float64(),
        "first_month_churn": pl.Float64(),
        "discounted_lifetime_months": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "ltv_simple_usd": pl.Float64(),
        "ltv_sbg_usd": pl.Float64(),
        "base_customers": pl.Int64(),
        "residual_value_usd": pl.Float64(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""One row per segment of the segment table, in its order, the blended ``"all"`` row last:
customers acquired in the segment, cohorts and longest tenure fitted, the sBG's α, β and
log-likelihood, its expected churn at the first renewal α ÷ (α + β), DEL in months, the
segment's monthly gross profit, its simple (gross profit ÷ churn) and sBG LTVs, the customers
active in the window's last month and their residual value; see the module docstring."""

FIT_CURVE_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        TENURE: pl.Int64(),
        "at_risk": pl.Int64(),
        "observed": pl.Float64(),
        "fitted": pl.Float64(),
    }
)
"""Per segment and tenure t = 0 .. the longest observed: the first-spell survivors at t − 1 of
the cohorts observed at t (``at_risk``), the observed share alive (pooled over cohorts,
Kaplan–Meier style: Πₖ≤ₜ Σ survivorsₖ ÷ Σ survivorsₖ₋₁ over the cohorts observed at k) and the
fitted sBG survival S(t) (null without a fit)."""

_GROSS_PROFIT: Final = "_gross_profit"


def _current_base(cms: CustomerMonths, spells: pl.DataFrame) -> pl.DataFrame:
    """Customers active in the window's last month: acquisition segment, current spell length
    and gross profit that month."""
    frame = cms.frame
    burdens = m.compute_burdens()
    profit = m.gross_profit(pl.col(COUNTED_REVENUE_USD), pl.col(INFERENCE_USD), burdens)
    last = frame.filter(pl.col(s.MONTH) == cms.window.last).select(
        CUSTOMER_CODE, profit.alias(_GROSS_PROFIT)
    )
    return last.join(spells.select(CUSTOMER_CODE, SEGMENT, CURRENT_SPELL), on=CUSTOMER_CODE)


def _residual(base: pl.DataFrame, fit: SbgFit, discount: float) -> tuple[float | None, str | None]:
    """Σ gross profit × DERL over the base's customers (one DERL per spell length)."""
    if fit.alpha is None or fit.beta is None:
        return None, f"sbg fit: {fit.reason}"
    alpha, beta = fit.alpha, fit.beta
    by_length = base.group_by(CURRENT_SPELL).agg(pl.col(_GROSS_PROFIT).sum())
    total = 0.0
    for months, profit in by_length.iter_rows():
        renewals = min(int(months) - 1, fit.periods)
        if discount >= MIN_DISCOUNT:
            residual = discounted_expected_residual_lifetime(alpha, beta, discount, renewals)
        else:  # DERL at d = 0: the expected lifetime of Beta(α, β + n) survivors, less 1
            lifetime, _ = expected_lifetime(alpha, beta + renewals)
            if lifetime is None:
                return None, _UNBOUNDED
            residual = lifetime - 1.0
        total += profit * residual
    return (total, None) if math.isfinite(total) else (None, _UNBOUNDED)


_UNBOUNDED: Final = (
    "the fitted lifetime is unbounded without discounting (α ≤ 1); set a discount rate above 0"
)


def _lifetime(fit: SbgFit, discount: float) -> tuple[float | None, str | None]:
    """DEL of the fit at the monthly discount rate, or why it is undefined."""
    if fit.alpha is None or fit.beta is None:
        return None, f"sbg fit: {fit.reason}"
    if discount < MIN_DISCOUNT:  # too small to discount: the undiscounted lifetime
        lifetime, _ = expected_lifetime(fit.alpha, fit.beta)
        return (lifetime, None) if lifetime is not None else (None, _UNBOUNDED)
    value = discounted_expected_lifetime(fit.alpha, fit.beta, discount)
    return (value, None) if math.isfinite(value) else (None, _UNBOUNDED)


def _ltv(
    profit: float | None, lifetime: float | None, why: str | None
) -> tuple[float | None, str | None]:
    """sBG LTV = monthly gross profit × DEL, or why it is undefined."""
    if lifetime is None:
        return None, why
    if profit is None:
        return None, "the segment's gross profit is undefined"
    return profit * lifetime, None


def _row(
    segment: dict[str, Any], fit: SbgFit, base: pl.DataFrame, discount: float
) -> dict[str, Any]:
    """One :data:`RETENTION_SCHEMA` row from a segment-table row, its fit and its base."""
    reasons: list[str] = []

    def noted(name: str, figure: tuple[float | None, str | None]) -> float | None:
        value, reason = figure
        if reason:
            reasons.append(f"{name}: {reason}")
        return value

    discounted = _lifetime(fit, discount)
    lifetime = noted("discounted_lifetime_months", discounted)
    profit: float | None = segment["gross_profit_usd"]
    ltv = noted("ltv_sbg_usd", _ltv(profit, *discounted))
    alpha, beta = fit.alpha, fit.beta
    return {
        "segment": segment["segment"],
        "customers": fit.customers,
        "cohorts": fit.cohorts,
        "periods": fit.periods,
        "alpha": alpha,
        "beta": beta,
        "log_likelihood": fit.log_likelihood,
        "first_month_churn": None if alpha is None or beta is None else alpha / (alpha + beta),
        "discounted_lifetime_months": lifetime,
        "gross_profit_usd": profit,
        "ltv_simple_usd": segment["ltv_compute_adjusted_usd"],
        "ltv_sbg_usd": ltv,
        "base_customers": base.height,
        "residual_value_usd": noted("residual_value_usd", _residual(base, fit, discount)),
        "null_reasons": reasons,
    }


def fits_of(retention: pl.DataFrame) -> dict[str, SbgFit]:
    """The fits a retention table (:data:`RETENTION_SCHEMA`) was computed from, per segment
    name: its α, β and what they were fitted on, without fitting again (a null fit keeps its
    parameters null; its reason stays in the table's ``null_reasons``)."""
    return {
        row["segment"]: SbgFit(
            row["alpha"],
            row["beta"],
            row["log_likelihood"],
            cohorts=row["cohorts"],
            customers=row["customers"],
            periods=row["periods"],
            reason=None if row["alpha"] is not None else "no fit",
        )
        for row in retention.iter_rows(named=True)
    }


def fits(cms: CustomerMonths, names: Sequence[str]) -> dict[str, SbgFit]:
    """The sBG fit per segment name (``"all"``: every customer) on its cohorts' survivors."""
    spells = customer_spells(cms)
    return {name: _fit(survivors_of(spells, cms.window, _acquired(name))) for name in names}


def _acquired(name: str) -> str | None:
    """The acquisition segment whose cohorts a row fits (None: every customer)."""
    return None if name == ALL else name


_NOBODY: Final = "no customer started in this segment (a segment is the one of the first month)"


def _fit(survivors: list[list[int]]) -> SbgFit:
    """The sBG fit of some cohorts; none (with the reason) when there are no cohorts."""
    if not survivors:
        return SbgFit(None, None, None, cohorts=0, customers=0, periods=0, reason=_NOBODY)
    return fit_sbg(survivors)


def retention_table(
    cms: CustomerMonths,
    scenario: Scenario,
    segments: pl.DataFrame,
    *,
    fitted: dict[str, SbgFit] | None = None,
) -> pl.DataFrame:
    """Retention and lifetime value per segment of ``segments`` (the segment table,
    :data:`~econ.model.segments.SEGMENT_SCHEMA`), in its order (:data:`RETENTION_SCHEMA`).

    ``fitted`` are the fits of :func:`fits` when already known (they depend on the
    customer-months only, not on the discount rate).
    """
    names = segments["segment"].to_list()
    fitted = fitted if fitted is not None else fits(cms, names)
    discount = period_rate(scenario.retention.discount_rate)
    base = _current_base(cms, customer_spells(cms))
    rows = [
        _row(
            row,
            fitted[row["segment"]],
            base if row["segment"] == ALL else base.filter(pl.col(SEGMENT) == row["segment"]),
            discount,
        )
        for row in segments.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=RETENTION_SCHEMA, orient="row")


def _observed(survivors: list[list[int]]) -> tuple[list[int], list[float | None]]:
    """Pooled Kaplan–Meier-style share alive at each tenure, and the customers at risk."""
    longest = max((len(c) for c in survivors), default=0)
    at_risk = [sum(c[0] for c in survivors)] if longest else []
    shares: list[float | None] = [1.0] if longest else []
    share: float | None = 1.0
    for t in range(1, longest):
        observed = [c for c in survivors if len(c) > t]
        before = sum(c[t - 1] for c in observed)
        at_risk.append(before)
        share = (
            None if share is None or before == 0 else share * sum(c[t] for c in observed) / before
        )
        shares.append(share)
    return at_risk, shares


def fit_curves(cms: CustomerMonths, retention: pl.DataFrame) -> pl.DataFrame:
    """Observed against fitted survival per segment (:data:`FIT_CURVE_SCHEMA`), for a
    goodness-of-fit view: one curve per row of ``retention`` (:func:`retention_table`, its α and
    β, or any frame with ``segment``, ``alpha`` and ``beta``), in its order."""
    spells = customer_spells(cms)
    frames = []
    for name, alpha, beta in retention.select("segment", "alpha", "beta").iter_rows():
        at_risk, observed = _observed(survivors_of(spells, cms.window, _acquired(name)))
        frames.append(
            pl.DataFrame(
                {
                    "segment": [name] * len(observed),
                    TENURE: list(range(len(observed))),
                    "at_risk": at_risk,
                    "observed": observed,
                    "fitted": _fitted_curve(alpha, beta, len(observed)),
                },
                schema=FIT_CURVE_SCHEMA,
            )
        )
    return pl.concat(frames) if frames else FIT_CURVE_SCHEMA.to_frame()


def _fitted_curve(alpha: float | None, beta: float | None, length: int) -> list[float | None]:
    """S(0 .. length − 1) of a fit, or nulls without one."""
    if alpha is None or beta is None or length == 0:
        return [None] * length
    return list(survival(alpha, beta, length - 1))


SBG_FALLBACK: Final = "the sBG LTV is undefined for"
"""How the warning begins that names the segments whose LTV:CAC stays on the simple LTV."""


def with_ltv_method(
    segments: pl.DataFrame, retention: pl.DataFrame, scenario: Scenario
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """The segment table with LTV:CAC (:func:`econ.measures.ltv_cac`) and payback
    (:func:`~econ.model.retention.sbg.payback_months`) on each segment's sBG LTV, and
    ``ltv_method`` saying so, when the scenario's ``retention.ltv_method`` is ``sbg``.

    A segment without an sBG fit keeps the simple figures, and a warning names it and says
    why: the figures shown are never silently of another method than the one chosen.
    """
    if scenario.retention.ltv_method != "sbg":
        return segments, ()
    fitted = {row["segment"]: row for row in retention.iter_rows(named=True)}
    rows = [_on_sbg(row, fitted.get(row["segment"])) for row in segments.iter_rows(named=True)]
    simple = [row["segment"] for row in rows if row["ltv_method"] != "sbg"]
    warnings = (
        (
            f"{SBG_FALLBACK} {', '.join(simple)} (see each segment's reasons): "
            "their LTV:CAC and payback use the simple LTV (gross profit ÷ churn)",
        )
        if simple
        else ()
    )
    return pl.DataFrame(rows, schema=segments.schema, orient="row"), warnings


def _on_sbg(row: dict[str, Any], fit: dict[str, Any] | None) -> dict[str, Any]:
    """One segment row with LTV:CAC and payback on its sBG LTV (unchanged without one)."""
    ltv = fit["ltv_sbg_usd"] if fit is not None else None
    if ltv is None or fit is None or fit["alpha"] is None or fit["beta"] is None:
        return row
    reasons = [
        reason
        for reason in row["null_reasons"]
        if not reason.startswith(("ltv_cac:", "payback_months:"))
    ]
    cac = row["cac_usd"]
    ratio, why = m.ltv_cac(ltv, cac)
    if why:
        reasons.append(f"ltv_cac: {why}")
    payback: float | None = None
    if cac is None:
        reasons.append("payback_months: needs a CAC")
    else:
        payback, why = payback_months(fit["alpha"], fit["beta"], row["gross_profit_usd"], cac)
        if why:
            reasons.append(f"payback_months: {why}")
    return row | {
        "ltv_method": "sbg",
        "ltv_cac": ratio,
        "payback_months": payback,
        "null_reasons": reasons,
    }
