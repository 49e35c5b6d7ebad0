"""Price signals: a feature that keeps far more of its revenue than its band asks, and that many
customers use, is likely under-priced value.

- **price_signal**: a feature above its band and widely used: an upgrade-vector candidate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from econ import schema as s
from econ.decisions.recommend.recommendation import Context, Recommendation, recommendation
from econ.formats import percent

WIDELY_USED: Final = 0.25
"""A feature used by at least this share of customers is "widely used" (price signal)."""
FAR_ABOVE_BAND: Final = 0.5
"""A margin more than this fraction of the way from its band's ceiling to 100% is "far above"
the band (price signal): above 97.5% for commodity features, 87.5% for core ones."""


def price_signals(context: Context) -> list[Recommendation]:
    """An upgrade-vector signal for each widely used feature far above its band."""
    cms = context.report.customer_months
    customers = cms.frame[s.CUSTOMER_ID].n_unique()
    if customers == 0:
        return []
    return [
        _price_signal(context, row) for row in _candidates(context, customers).iter_rows(named=True)
    ]


def _candidates(context: Context, customers: int) -> pl.DataFrame:
    """Tagged features far above their band, with their ``adoption`` (share of the
    ``customers`` who called them), kept when widely used; by feature."""
    adoption = context.feature_users.select(s.FEATURE_ID, "users")
    far_above = (
        pl.col("gross_margin") > pl.col("band_high") + (1 - pl.col("band_high")) * FAR_ABOVE_BAND
    )
    return (
        context.report.features.filter(far_above & (pl.col(s.FEATURE_ID) != s.UNTAGGED))
        .join(adoption, on=s.FEATURE_ID, how="left")
        .with_columns((pl.col("users").fill_null(0) / customers).alias("adoption"))
        .filter(pl.col("adoption") >= WIDELY_USED)
        .sort(s.FEATURE_ID)
    )


def _price_signal(context: Context, row: Mapping[str, Any]) -> Recommendation:
    feature = row[s.FEATURE_ID]
    users = context.customers_of(feature)
    return recommendation(
        context,
        kind="price_signal",
        title=f"{feature} is an upgrade vector: {percent(row['gross_margin'])} margin, "
        f"used by {percent(row['adoption'], digits=0)} of customers",
        revenue_change=0.0,
        cost_change=0.0,
        customer_codes=users,
        evidence={
            "gross_margin": row["gross_margin"],
            "band_high": row["band_high"],
            "adoption": row["adoption"],
        },
        change={"action": "feature it in upgrade prompts or a premium tier"},
        arithmetic=[
            f"{feature} keeps {percent(row['gross_margin'])} of its revenue, above its "
            f"{row['category']} band's {percent(row['band_high'], digits=0)} ceiling, and "
            f"{percent(row['adoption'], digits=0)} of customers use it: value is likely "
            "under-priced. No direct dollar impact is claimed.",
        ],
        patch=None,
        feature=feature,
    )
