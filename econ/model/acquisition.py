"""AI-adjusted CAC: customer acquisition cost with the compute burned in trials (reference article
000: the inference a free trial consumes is a cost of acquiring the customers it converts).

Definitions (the ledger rollup, the window's active customer-months and the report's segments):

- A customer is **acquired** in its first active month in the window, in its segment of that
  month, as the cohorts count it (:mod:`econ.model.retention.cohorts`). Customers first active
  in the window's first month are left out: they may have been paying before it.
- **Trial compute** of an acquired customer: the inference cost of its usage in months before
  it was acquired (it was using the product without paying).
- **Non-converting trial compute**: the inference cost, in the window's months, of every
  customer of the ledger that has no active month in the window (free users who never paid,
  and ids the revenue table does not know). It is its own line, and each month's is spread over
  the customers acquired that month, equally, in whatever segment they were acquired; a month in
  which nobody was acquired keeps its share unattributed (reported, in no segment).
- **Trial cost per acquired customer** of a segment = (its customers' trial compute + its share
  of non-converting trial compute) ÷ the customers it acquired; the blended row divides the
  totals (unattributed compute left out, and said).
- **AI-adjusted CAC** = the scenario's CAC + trial cost per acquired customer; undefined without
  a CAC (the trial cost alone is shown). LTV:CAC (:func:`econ.measures.ltv_cac`) and payback
  (:func:`econ.measures.payback_months`) are computed on both CACs, with the segment's
  compute-adjusted LTV and monthly gross profit.

With a scenario window narrower than the data, "before it was acquired" and "never paid" are read
inside what the customer-months hold; with every month (the default) they are exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.inputs.dataset import resolve
from econ.model.customer_months import SEGMENT, CustomerMonths
from econ.model.report import Report, clean, records
from econ.scenario.assumptions import ALL

AI_ADJUSTED_CAC_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        "customers_acquired": pl.Int64(),
        "trial_compute_usd": pl.Float64(),
        "non_converting_compute_usd": pl.Float64(),
        "trial_cost_per_customer_usd": pl.Float64(),
        "cac_usd": pl.Float64(),
        "ai_adjusted_cac_usd": pl.Float64(),
        "ltv_compute_adjusted_usd": pl.Float64(),
        "ltv_cac": pl.Float64(),
        "ltv_cac_ai_adjusted": pl.Float64(),
        "payback_months": pl.Float64(),
        "payback_months_ai_adjusted": pl.Float64(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""One row per segment of the report, in its order, the blended ``all`` row last."""


@dataclass(frozen=True)
class AiAdjustedCac:
    """AI-adjusted CAC per segment (see the module docstring).

    Attributes:
        table: :data:`AI_ADJUSTED_CAC_SCHEMA`.
        non_converting_usd: non-converting trial compute over the window's months.
        unattributed_usd: the part of it in months nobody was acquired in.
        left_out_month: the window's first month, whose customers are not counted as acquired.
    """

    table: pl.DataFrame
    non_converting_usd: float
    unattributed_usd: float
    left_out_month: dt.date

    def to_dict(self) -> dict[str, Any]:
        return {
            "segments": records(self.table),
            "non_converting_trial_compute_usd": clean(self.non_converting_usd),
            "unattributed_usd": clean(self.unattributed_usd),
            "acquisitions_counted_from": f"{self._first_counted():%Y-%m}",
        }

    def _first_counted(self) -> dt.date:
        month = self.left_out_month.month % 12 + 1
        year = self.left_out_month.year + (self.left_out_month.month == 12)
        return dt.date(year, month, 1)


@dataclass(frozen=True)
class TrialCompute:
    """The trial compute of a set of customer-months, per acquisition segment: what
    :func:`ai_adjusted_cac` adds to CAC. It depends on the customer-months alone, so a change of
    CAC or churn reuses it (the app caches it with them).

    Attributes:
        segments: ``segment, customers_acquired, trial_compute_usd, non_converting`` (the
            segment's share of non-converting trial compute).
        non_converting_usd, unattributed_usd, left_out_month: as in :class:`AiAdjustedCac`.
    """

    segments: pl.DataFrame
    non_converting_usd: float
    unattributed_usd: float
    left_out_month: dt.date


def trial_compute(cms: CustomerMonths) -> TrialCompute:
    """Each acquisition segment's trial compute and share of non-converting trial compute (see
    the module docstring); one pass over the ledger rollup."""
    window = cms.window
    first = _acquisitions(cms)
    acquired = first.filter(pl.col("cohort") > window.first)
    ledger = resolve(cms.ledger_source).select(s.CUSTOMER_ID, s.MONTH, s.COST_USD)
    trial = (
        ledger.join(acquired, on=s.CUSTOMER_ID)
        .filter(pl.col(s.MONTH) < pl.col("cohort"))
        .group_by("segment")
        .agg(pl.col(s.COST_USD).sum().alias("trial_compute_usd"))
    )
    never_paid = (
        ledger.join(first, on=s.CUSTOMER_ID, how="anti")
        .filter(window.contains())
        .group_by(s.MONTH)
        .agg(pl.col(s.COST_USD).sum().alias("free_usd"))
    )
    per_month = acquired.group_by("cohort").agg(pl.len().alias("month_acquired"))
    shares = (
        acquired.join(never_paid, left_on="cohort", right_on=s.MONTH)
        .join(per_month, on="cohort")
        .group_by("segment")
        .agg((pl.col("free_usd") / pl.col("month_acquired")).sum().alias("non_converting"))
    )
    segments = (
        acquired.group_by("segment")
        .agg(pl.len().cast(pl.Int64).alias("customers_acquired"))
        .join(trial, on="segment", how="full", coalesce=True)
        .join(shares, on="segment", how="full", coalesce=True)
        .with_columns(pl.exclude("segment").fill_null(0))
        .sort("segment")
    )
    non_converting = float(never_paid["free_usd"].sum())
    return TrialCompute(
        segments=segments,
        non_converting_usd=non_converting,
        unattributed_usd=max(0.0, non_converting - float(shares["non_converting"].sum())),
        left_out_month=window.first,
    )


def ai_adjusted_cac(report: Report, trials: TrialCompute | None = None) -> AiAdjustedCac:
    """Trial compute (``trials``, else computed from the report's customer-months) added to
    each segment's CAC (see the module docstring)."""
    found = trials if trials is not None else trial_compute(report.customer_months)
    rows = [_row(row, found.segments) for row in report.segments.iter_rows(named=True)]
    return AiAdjustedCac(
        table=pl.DataFrame(rows, schema=AI_ADJUSTED_CAC_SCHEMA, orient="row"),
        non_converting_usd=found.non_converting_usd,
        unattributed_usd=found.unattributed_usd,
        left_out_month=found.left_out_month,
    )


def _acquisitions(cms: CustomerMonths) -> pl.DataFrame:
    """Per customer with an active month: its first one in the window and its segment then."""
    return cms.frame.group_by(s.CUSTOMER_ID).agg(
        pl.col(s.MONTH).min().alias("cohort"),
        pl.col(SEGMENT).sort_by(s.MONTH).first().cast(pl.String).alias("segment"),
    )


def _row(segment: dict[str, Any], trials: pl.DataFrame) -> dict[str, Any]:
    """One segment's (or the blended row's) CACs, LTV:CACs and paybacks."""
    name = segment["segment"]
    rows = trials if name == ALL else trials.filter(pl.col("segment") == name)

    def summed(column: str) -> float:
        return float(rows[column].sum())

    acquired = int(summed("customers_acquired"))
    trial_usd, free_usd = summed("trial_compute_usd"), summed("non_converting")
    reasons: list[str] = []
    per_customer = (trial_usd + free_usd) / acquired if acquired else None
    if per_customer is None:
        reasons.append(
            "trial_cost_per_customer_usd: no customer was acquired after the window's first month"
        )
    cac: float | None = segment["cac_usd"]
    adjusted = cac + per_customer if cac is not None and per_customer is not None else None
    if cac is None:
        reasons.append("ai_adjusted_cac_usd: needs a CAC")
    ltv: float | None = segment["ltv_compute_adjusted_usd"]
    profit = float(segment["gross_profit_usd"] or 0.0)
    ratio, ratio_adjusted = m.ltv_cac(ltv, cac)[0], m.ltv_cac(ltv, adjusted)[0]
    payback, why = m.payback_months(cac, profit)
    payback_adjusted, why_adjusted = m.payback_months(adjusted, profit)
    reasons += [f"payback_months: {why}"] if why and cac is not None else []
    reasons += [f"payback_months_ai_adjusted: {why_adjusted}"] if why_adjusted and adjusted else []
    return {
        "segment": name,
        "customers_acquired": acquired,
        "trial_compute_usd": trial_usd,
        "non_converting_compute_usd": free_usd,
        "trial_cost_per_customer_usd": per_customer,
        "cac_usd": cac,
        "ai_adjusted_cac_usd": adjusted,
        "ltv_compute_adjusted_usd": ltv,
        "ltv_cac": ratio,
        "ltv_cac_ai_adjusted": ratio_adjusted,
        "payback_months": payback,
        "payback_months_ai_adjusted": payback_adjusted,
        "null_reasons": reasons,
    }
