"""Article 001's three buckets of AI revenue, side by side, and the one the report counts.

"Use Direct AI Revenue when available, use AI-Attributed Revenue when defensible, and track
AI-Influenced Revenue separately." One row per bucket over the report's active customer-months:

- ``all``: every dollar of MRR (what an AI-native product counts);
- ``direct``: the revenue table's ``ai_revenue_usd`` (blank when it has none);
- ``attributed``: each AI plan's uplift over its base (:func:`econ.model.customer_months.uplifts`)
  on that plan's months, at most their MRR (blank until the scenario names an AI plan);
- ``influenced``: the revenue table's ``ai_influenced_usd``, reported and never counted.

Each with its total over the window, per month, per customer-month and as a share of MRR, and
whether segment LTV, feature margins and recommendations count it (exactly one of the first three
is counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.model.customer_months import (
    BASIS_TEXT,
    basis_sentence,
    counted_revenue,
    uplifts,
)
from econ.model.report import Report, records

BUCKETS: Final = ("all", "direct", "attributed", "influenced")
BUCKET_LABELS: Final = {
    "all": "All revenue (MRR)",
    "direct": "Direct AI revenue",
    "attributed": "AI-attributed revenue",
    "influenced": "AI-influenced revenue",
}

AI_REVENUE_SCHEMA: Final = pl.Schema(
    {
        "bucket": pl.String(),
        "total_usd": pl.Float64(),
        "per_month_usd": pl.Float64(),
        "per_customer_month_usd": pl.Float64(),
        "share_of_mrr": pl.Float64(),
        "counted": pl.Boolean(),
        "note": pl.String(),
    }
)
"""One row per bucket, in :data:`BUCKETS` order (see the module docstring); a blank figure has
its reason in ``note``."""


@dataclass(frozen=True)
class AiRevenueBuckets:
    """The buckets of a report.

    Attributes:
        table: :data:`AI_REVENUE_SCHEMA`.
        basis: the bucket the report counts (``all``, ``direct`` or ``attributed``).
        sentence: what is counted, in one sentence (with each AI plan's uplift).
        influenced_usd: AI-influenced revenue over the window, when the table records it.
    """

    table: pl.DataFrame
    basis: str
    sentence: str
    influenced_usd: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "sentence": self.sentence,
            "buckets": records(self.table),
        }


def ai_revenue_buckets(report: Report) -> AiRevenueBuckets:
    """Every bucket over the report's active customer-months (see the module docstring)."""
    cms = report.customer_months
    frame = cms.frame
    ai_revenue = cms.shaped_by.ai_revenue
    months, count = cms.window.months, frame.height
    mrr = float(frame[s.MRR_USD].sum())
    found = uplifts(ai_revenue, cms.list_prices)
    totals: dict[str, tuple[float | None, str]] = {"all": (mrr, "every dollar of MRR")}
    if s.AI_REVENUE_USD in frame.columns:
        direct = frame.select(counted_revenue("direct", pl.col(s.MRR_USD)).sum())
        totals["direct"] = (float(direct.item()), "the revenue table's ai_revenue_usd")
    else:
        totals["direct"] = (None, "the revenue table has no ai_revenue_usd column")
    if found.amounts:
        attributed = frame.select(
            counted_revenue("attributed", pl.col(s.MRR_USD), found.amounts).sum()
        )
        how = "; ".join(f"{plan}: {found.sources[plan]}" for plan in sorted(found.amounts))
        totals["attributed"] = (float(attributed.item()), how)
    else:
        totals["attributed"] = (None, "no AI plan and base plan are set")
    if s.AI_INFLUENCED_USD in frame.columns:
        influenced = float(frame[s.AI_INFLUENCED_USD].sum())
        totals["influenced"] = (influenced, "tracked beside the others; never in LTV or margins")
    else:
        totals["influenced"] = (None, "the revenue table has no ai_influenced_usd column")
    rows = []
    for bucket in BUCKETS:
        total, note = totals[bucket]
        rows.append(
            {
                "bucket": bucket,
                "total_usd": total,
                "per_month_usd": None if total is None else total / months,
                "per_customer_month_usd": None if total is None or not count else total / count,
                "share_of_mrr": m.share(total, mrr) if total is not None else None,
                "counted": bucket == ai_revenue.basis,
                "note": note,
            }
        )
    sentence = basis_sentence(ai_revenue, found)
    return AiRevenueBuckets(
        table=pl.DataFrame(rows, schema=AI_REVENUE_SCHEMA),
        basis=ai_revenue.basis,
        sentence=sentence,
        influenced_usd=totals["influenced"][0],
    )


def table_rows(buckets: AiRevenueBuckets) -> pl.DataFrame:
    """The buckets as a reader sees them: each bucket in words and whether LTV counts it."""
    used = pl.col("counted")
    return buckets.table.select(
        pl.col("bucket").replace_strict(BUCKET_LABELS, return_dtype=pl.String),
        "total_usd",
        "per_month_usd",
        "per_customer_month_usd",
        "share_of_mrr",
        pl.when(used)
        .then(pl.lit("counted"))
        .when(pl.col("bucket") == "influenced")
        .then(pl.lit("never (tracked)"))
        .otherwise(pl.lit("not counted"))
        .alias("in_ltv"),
        "note",
    )


__all__ = [
    "AI_REVENUE_SCHEMA",
    "BASIS_TEXT",
    "BUCKETS",
    "AiRevenueBuckets",
    "ai_revenue_buckets",
    "table_rows",
]
