"""LTV:CAC: a segment whose compute-adjusted lifetime value does not reach 3 times its CAC.

- **ltv_cac**: a segment below 3:1 compute-adjusted LTV:CAC (the healthy ratio of article 002,
  :data:`~econ.measures.LTV_CAC_BENCHMARK`), with the churn or CAC that would reach 3:1:
  CAC at most LTV ÷ 3, or churn at most gross profit per customer-month ÷ (3 × CAC).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from econ import measures as m
from econ.decisions.recommend.recommendation import Context, Recommendation, recommendation
from econ.formats import money, percent, ratio
from econ.inputs.prepare import CUSTOMER_CODE
from econ.scenario.assumptions import ALL

BENCHMARK_LABEL: Final = f"{m.LTV_CAC_BENCHMARK:g}:1"
"""The benchmark as the text says it: 3:1."""


def ltv_cac(context: Context) -> list[Recommendation]:
    """One recommendation per segment (and the blended row) below the benchmark."""
    segments = context.report.segments
    below = segments.filter(pl.col("ltv_cac") < m.LTV_CAC_BENCHMARK)
    return [_below_benchmark(context, row) for row in below.iter_rows(named=True)]


def _below_benchmark(context: Context, row: Mapping[str, Any]) -> Recommendation:
    segment = row["segment"]
    profit, cac, churn = row["gross_profit_usd"], row["cac_usd"], row["churn"]
    needed_churn = m.churn_for_ltv_cac(profit, cac)
    needed_cac = m.cac_for_ltv_cac(row["ltv_compute_adjusted_usd"])
    customers = context.report.customer_months.frame.filter(
        pl.col("segment") == segment if segment != ALL else pl.lit(True)
    )[CUSTOMER_CODE]
    return recommendation(
        context,
        kind="ltv_cac",
        title=f"{'All customers' if segment == ALL else f'The {segment} segment'} "
        f"is below {BENCHMARK_LABEL} LTV:CAC ({ratio(row['ltv_cac'])})",
        revenue_change=0.0,
        cost_change=0.0,
        customer_codes=customers,
        evidence={
            "ltv_cac": row["ltv_cac"],
            "churn": churn,
            "cac_usd": cac,
            "gross_profit_usd": profit,
            "inference_share": row["inference_share"],
        },
        change={"cac_at_most_usd": needed_cac, "churn_at_most": needed_churn},
        arithmetic=_lines(row, needed_cac, needed_churn),
        patch=None,
        segment=segment,
    )


def _lines(row: Mapping[str, Any], needed_cac: float, needed_churn: float | None) -> list[str]:
    """The segment's LTV against its CAC, and the CAC or churn that would reach the benchmark."""
    segment, cac = row["segment"], row["cac_usd"]
    return [
        f"{segment}: compute-adjusted LTV {money(row['ltv_compute_adjusted_usd'], cents=False)}"
        f" = {money(row['gross_profit_usd'])} ÷ {percent(row['churn'], digits=2)} churn, against "
        f"a {money(cac, cents=False)} CAC: {ratio(row['ltv_cac'])}.",
        f"{BENCHMARK_LABEL} needs CAC at or below {money(needed_cac, cents=False)}"
        + (
            f", or churn at or below {percent(needed_churn, digits=2)} a month"
            if needed_churn
            else ""
        )
        + f"; inference is {percent(row['inference_share'])} of its revenue.",
    ]
