"""Compute-adjusted LTV per customer segment, against traditional LTV and CAC.

All figures of a segment S are per active customer-month (cm), so segments recombine to the
blended row by weighting with their cm counts: ``arpa_usd`` = Σ MRR ÷ |S|, ``inference_usd``
and each burden are their means. Every other figure is computed by its one definition in
:mod:`econ.measures` (gross profit and margin, inference share, monthly revenue churn
when it is not given, the three LTVs, LTV:CAC on both views, payback); an undefined figure is
null, and ``null_reasons`` says why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.inputs.prepare import CUSTOMER_CODE, UNKNOWN_SEGMENT
from econ.model.customer_months import (
    SEGMENT,
    TIERS,
    CustomerMonths,
)
from econ.scenario.assumptions import ALL, BURDENS, PerSegment, Scenario

SEGMENT_SCHEMA: Final = pl.Schema(
    {
        "segment": pl.String(),
        "customers": pl.Int64(),
        "customer_months": pl.Int64(),
        "revenue_usd": pl.Float64(),
        "arpa_usd": pl.Float64(),
        "inference_usd": pl.Float64(),
        "ai_infra_usd": pl.Float64(),
        "support_usd": pl.Float64(),
        "cs_usd": pl.Float64(),
        "hosting_usd": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
        "inference_share": pl.Float64(),
        "churn": pl.Float64(),
        "churn_source": pl.String(),
        "churn_estimated": pl.Float64(),
        "ltv_revenue_usd": pl.Float64(),
        "ltv_traditional_usd": pl.Float64(),
        "ltv_compute_adjusted_usd": pl.Float64(),
        "cac_usd": pl.Float64(),
        "ltv_cac": pl.Float64(),
        "ltv_cac_traditional": pl.Float64(),
        "payback_months": pl.Float64(),
        "ltv_method": pl.String(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""One row per segment, then the blended row ``"all"``; see the module docstring."""

_SUMS: Final = ("revenue", "inference", *BURDENS, "at_risk_mrr", "churned_mrr")


def segment_table(
    cms: CustomerMonths, scenario: Scenario, *, churn_from: CustomerMonths | None = None
) -> pl.DataFrame:
    """Segment economics (:data:`SEGMENT_SCHEMA`), segments in reading order, blended last.

    Churn is estimated from ``churn_from`` (the observed history; ``cms`` itself by default):
    a simulation passes the observed customer-months, so a price change moves revenue and
    profit but never the churn rates or their weights.
    """
    frame = cms.frame
    per_segment = cms.segment_sums
    blended = per_segment.select(
        pl.lit(ALL).alias(SEGMENT),
        pl.lit(cms.customers, pl.UInt32).alias("customers"),
        pl.exclude(SEGMENT, "customers").sum(),
    )
    history = _at_risk(churn_from or cms)
    ordered = _reading_order(per_segment, scenario.segment_by)
    churns = {
        segment: _churn_for(scenario.churn, segment, *history.get(segment, (0.0, 0.0)))
        for segment in ordered[SEGMENT]
    }
    rows = [
        _finish(
            row,
            churns[row[SEGMENT]],
            _cac_for(scenario.cac_usd, row[SEGMENT]),
            history.get(row[SEGMENT], (0.0, 0.0)),
        )
        for row in ordered.iter_rows(named=True)
    ]
    total = (
        sum(risk for risk, _ in history.values()),
        sum(lost for _, lost in history.values()),
    )
    blended_churn = _blended_churn(scenario.churn, churns, history)
    blended_cac = _blended_cac(frame, scenario.cac_usd)
    rows += [
        _finish(row, blended_churn, blended_cac, total) for row in blended.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=SEGMENT_SCHEMA, orient="row")


def _at_risk(cms: CustomerMonths) -> dict[str, tuple[float, float]]:
    """Per segment: (MRR at risk, MRR churned) in the history churn is estimated from."""
    sums = cms.segment_sums.select(SEGMENT, "at_risk_mrr", "churned_mrr")
    return {segment: (at_risk, churned) for segment, at_risk, churned in sums.iter_rows()}


def _reading_order(per_segment: pl.DataFrame, segment_by: str) -> pl.DataFrame:
    """Usage tiers light → power; plans by price, cheapest first; others alphabetically."""
    arpa = pl.col("revenue") / pl.col("customer_months")
    is_unknown = pl.col(SEGMENT) == UNKNOWN_SEGMENT
    if segment_by == s.USAGE_TIER:
        rank = pl.col(SEGMENT).replace_strict(
            {tier: i for i, tier in enumerate(TIERS)}, default=len(TIERS)
        )
        return per_segment.sort(rank, pl.col(SEGMENT))
    if segment_by == s.PLAN:
        return per_segment.sort(is_unknown, arpa, pl.col(SEGMENT))
    return per_segment.sort(is_unknown, pl.col(SEGMENT))


def _cac_for(cac: PerSegment | None, segment: str) -> tuple[float | None, str | None]:
    if cac is None:
        return None, "no CAC given"
    if isinstance(cac, float):
        return cac, None
    value = cac.get(segment, cac.get(ALL))
    return (value, None) if value is not None else (None, f"no CAC given for {segment!r}")


def _blended_cac(frame: pl.DataFrame, cac: PerSegment | None) -> tuple[float | None, str | None]:
    """The blended CAC: the ``"all"`` value, else the mean over customers of the CAC of the
    segment each customer was in at its first active month (where it was acquired)."""
    if cac is None or isinstance(cac, float) or ALL in cac:
        return _cac_for(cac, ALL)
    # The frame is sorted by customer and month: a customer's first row is where it started.
    first_segments = frame.filter(pl.col(CUSTOMER_CODE).is_first_distinct())[SEGMENT]
    missing = sorted(set(first_segments.unique().to_list()) - set(cac))
    if missing:
        return None, f"no CAC given for {missing} and no 'all' value"
    mapping: Mapping[str, float] = cac
    mean = first_segments.replace_strict(dict(mapping), return_dtype=pl.Float64).mean()
    return (float(mean), None) if isinstance(mean, float) else (None, "no customers")


Churn = tuple[float | None, str | None, str | None]
"""A churn rate, its source (``scenario``, ``estimated`` or ``segments``) and why it is null."""


def _churn_for(
    given: PerSegment | None, segment: str, at_risk_mrr: float, churned_mrr: float
) -> Churn:
    """(rate, source, reason when null) for one segment."""
    if isinstance(given, float):
        return given, "scenario", None
    if given is not None and segment in given:
        return given[segment], "scenario", None
    if at_risk_mrr <= 0:
        return None, None, _NO_HISTORY
    return m.revenue_churn(churned_mrr, at_risk_mrr), "estimated", None


_NO_HISTORY: Final = "cannot be estimated: no customer-month before the window's last"


def _blended_churn(
    given: PerSegment | None,
    segments: Mapping[str, Churn],
    history: Mapping[str, tuple[float, float]],
) -> Churn:
    """The blended row's churn: its own given value (a single rate, or the ``"all"`` key);
    else, when no segment's rate is given, the estimate over every customer-month (today's
    rule); else the segments' rates weighted by their MRR at risk in the observed history
    (:func:`econ.measures.blended_churn`), so that a segment's override moves the blended row."""
    if isinstance(given, float) or (given is not None and ALL in given):
        return _churn_for(given, ALL, 0.0, 0.0)
    at_risk = sum(risk for risk, _ in history.values())
    churned = sum(lost for _, lost in history.values())
    if not any(source == "scenario" for _, source, _ in segments.values()):
        return _churn_for(None, ALL, at_risk, churned)
    pairs = [
        (rate, history.get(segment, (0.0, 0.0))[0])
        for segment, (rate, _, _) in segments.items()
        if rate is not None
    ]
    rate = m.blended_churn(pairs)
    return (rate, "segments", None) if rate is not None else (None, None, _NO_HISTORY)


def _finish(
    row: Mapping[str, Any],
    churn: Churn,
    cac: tuple[float | None, str | None],
    risk: tuple[float, float],
) -> dict[str, Any]:
    """One row of :data:`SEGMENT_SCHEMA`; ``risk`` is the segment's (MRR at risk, MRR churned)
    in the observed history, whose ratio is the data's own estimate of its churn."""
    months = row["customer_months"]
    if months == 0:
        return _empty(row[SEGMENT])
    per_cm = {name: row[name] / months for name in _SUMS}
    economics = _economics(per_cm, churn, cac)
    return _finite_or_null(
        {
            "segment": row[SEGMENT],
            "customers": row["customers"],
            "customer_months": months,
            "revenue_usd": row["revenue"],
            "arpa_usd": per_cm["revenue"],
            "inference_usd": per_cm["inference"],
            **{name: per_cm[name] for name in BURDENS},
            "gross_profit_usd": economics["gross_profit_usd"],
            "gross_margin": economics["gross_margin"],
            "inference_share": m.inference_share(per_cm["inference"], per_cm["revenue"]),
            "churn": churn[0],
            "churn_source": churn[1],
            "churn_estimated": m.revenue_churn(risk[1], risk[0]),
            **{name: economics[name] for name in _LIFETIME_FIGURES},
            "ltv_method": "simple",  # the report moves LTV:CAC to the sBG LTV when asked
            "null_reasons": economics["null_reasons"],
        }
    )


_LIFETIME_FIGURES: Final = (
    "ltv_revenue_usd",
    "ltv_traditional_usd",
    "ltv_compute_adjusted_usd",
    "cac_usd",
    "ltv_cac",
    "ltv_cac_traditional",
    "payback_months",
)


def _economics(
    per_cm: Mapping[str, float],
    churn: tuple[float | None, str | None, str | None],
    cac: tuple[float | None, str | None],
) -> dict[str, Any]:
    """Profit, margin, the three LTVs, LTV:CAC and payback of one segment from its figures per
    customer-month, each by its one definition in :mod:`econ.measures`, with the reason
    for each undefined figure in ``null_reasons``."""
    reasons: list[str] = []

    def noted(name: str, figure: tuple[float | None, str | None]) -> float | None:
        value, reason = figure
        if reason:
            reasons.append(f"{name}: {reason}")
        return value

    arpa = per_cm["revenue"]
    burdens = per_cm["ai_infra_usd"] + per_cm["support_usd"] + per_cm["cs_usd"]
    gross_profit = m.gross_profit(arpa, per_cm["inference"], burdens)
    traditional = m.traditional_profit(
        arpa, per_cm["hosting_usd"], per_cm["support_usd"], per_cm["cs_usd"]
    )
    margin = m.gross_margin(gross_profit, arpa)
    noted("gross_margin", (margin, None if margin is not None else _NO_REVENUE))
    rate = noted("churn", (churn[0], churn[2]))
    ltvs = {
        name: noted(name, m.lifetime_value(profit, rate))
        for name, profit in (
            ("ltv_revenue_usd", arpa),
            ("ltv_traditional_usd", traditional),
            ("ltv_compute_adjusted_usd", gross_profit),
        )
    }
    cac_usd = noted("cac_usd", cac)
    return {
        "gross_profit_usd": gross_profit,
        "gross_margin": margin,
        **ltvs,
        "cac_usd": cac_usd,
        "ltv_cac": noted("ltv_cac", m.ltv_cac(ltvs["ltv_compute_adjusted_usd"], cac_usd)),
        "ltv_cac_traditional": noted(
            "ltv_cac_traditional", m.ltv_cac(ltvs["ltv_traditional_usd"], cac_usd)
        ),
        "payback_months": noted("payback_months", m.payback_months(cac_usd, gross_profit)),
        "null_reasons": reasons,
    }


_NO_REVENUE: Final = "no revenue (every customer-month is billed $0)"


def _finite_or_null(row: dict[str, Any]) -> dict[str, Any]:
    """Null out figures that overflowed (e.g. a CAC of 1e-320), saying so."""
    for name, value in row.items():
        if isinstance(value, float) and not math.isfinite(value):
            row[name] = None
            row["null_reasons"].append(f"{name}: too large to represent (check the inputs)")
    return row


def _empty(segment: str) -> dict[str, Any]:
    """A row for a segment without active customer-months: every figure undefined."""
    row: dict[str, Any] = dict.fromkeys(SEGMENT_SCHEMA.names())
    row.update(segment=segment, customers=0, customer_months=0, revenue_usd=0.0)
    row["null_reasons"] = ["every figure: no customer-month with MRR above 0 in the window"]
    return row
