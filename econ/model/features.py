"""Gross margin per AI feature, and the margin stack.

Feature cost is the inference cost the feature's calls incurred inside active customer-months.
Feature revenue comes from splitting each customer-month's MRR over features (in a simulated
price book, revenue billed per use goes straight to its feature and the rest is split):

- ``usage``: by that customer-month's share of calls (a cm with no calls leaves its MRR
  unallocated);
- ``custom``: by the scenario's weights, normalized to sum to one (unlisted features get 0).

Gross profit (revenue − cost), gross margin, cost per call, revenue share and status against the
feature category's band (:data:`econ.schema.CATEGORY_BANDS`) are each computed by their one
definition in :mod:`econ.measures`. The margin stack orders features by gross profit,
highest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from econ import measures as m
from econ import schema as s
from econ.model.customer_months import (
    ALLOCATABLE_USD,
    COUNTED_REVENUE_USD,
    DIRECT_REVENUE_USD,
    USAGE_REVENUE_USD,
    CustomerMonths,
    cells_of,
)
from econ.scenario.assumptions import Scenario

FEATURE_SCHEMA: Final = pl.Schema(
    {
        "feature_id": pl.String(),
        "calls": pl.Int64(),
        "cost_usd": pl.Float64(),
        "cost_per_call_usd": pl.Float64(),
        "revenue_usd": pl.Float64(),
        "revenue_share": pl.Float64(),
        "gross_profit_usd": pl.Float64(),
        "gross_margin": pl.Float64(),
        "category": pl.String(),
        "band_low": pl.Float64(),
        "band_high": pl.Float64(),
        "act_below": pl.Float64(),
        "status": pl.String(),
        "null_reasons": pl.List(pl.String()),
    }
)
"""One row per feature (per group when grouped), in margin-stack order."""

_GROUP_REVENUE: Final = "_group_revenue"


def feature_table(
    cms: CustomerMonths, scenario: Scenario, *, by: Sequence[str] = ()
) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Feature margins, optionally within groups of customer-months (e.g. ``by=["plan"]``).

    ``by`` names columns of :attr:`CustomerMonths.frame`. Groupings by plan and month (or none)
    are summed from the feature cells; any other grouping from the usage rows. Returns the
    table (the ``by`` columns, then :data:`FEATURE_SCHEMA`) sorted by group, then by gross
    profit (highest first), and warnings about the allocation.
    """
    keys = list(by)
    cells = cms.cells if set(keys) <= _CELL_KEYS else cells_of(cms.usage, keys)
    per_feature = cells.group_by(*keys, s.FEATURE_ID).agg(
        pl.col(s.CALLS).sum(),
        pl.col(s.COST_USD).sum(),
        pl.col(USAGE_REVENUE_USD).sum(),
        pl.col(DIRECT_REVENUE_USD).sum(),
    )
    warnings: list[str] = []
    if scenario.allocation.method == "usage":
        table = per_feature.with_columns(
            (pl.col(USAGE_REVENUE_USD) + pl.col(DIRECT_REVENUE_USD)).alias("revenue_usd")
        )
    else:
        table, warnings = _custom_weighted(cms, scenario, keys, per_feature)
    table = table.select(*keys, s.FEATURE_ID, s.CALLS, s.COST_USD, "revenue_usd")
    group_revenue = (
        cms.frame.group_by(keys).agg(pl.col(COUNTED_REVENUE_USD).sum().alias(_GROUP_REVENUE))
        if keys
        else cms.frame.select(pl.col(COUNTED_REVENUE_USD).sum().alias(_GROUP_REVENUE))
    )
    return _finish(table, scenario, keys, group_revenue), tuple(warnings)


_CELL_KEYS: Final = frozenset({s.PLAN, s.MONTH})


def _custom_weighted(
    cms: CustomerMonths, scenario: Scenario, keys: list[str], per_feature: pl.DataFrame
) -> tuple[pl.DataFrame, list[str]]:
    """Each group's allocatable revenue split by the normalized weights, plus revenue billed
    per use; features with a weight but no usage get a row too."""
    weights = scenario.allocation.weights
    total = sum(weights.values())
    used = set(per_feature[s.FEATURE_ID].unique().to_list())
    warnings = []
    unweighted = sorted(used - set(weights))
    if unweighted:
        warnings.append(f"allocation.weights has no weight for {unweighted}: they get no revenue")
    unused = sorted(feature for feature, w in weights.items() if w > 0 and feature not in used)
    if unused:
        warnings.append(
            f"allocation.weights gives revenue to {unused}, which have no usage in the window"
        )
    shares = pl.DataFrame(
        {
            s.FEATURE_ID: list(weights),
            "_share": [w / total for w in weights.values()],
        },
        schema={s.FEATURE_ID: pl.String, "_share": pl.Float64},
    )
    allocatable = (
        cms.frame.group_by(keys).agg(pl.col(ALLOCATABLE_USD).sum())
        if keys
        else cms.frame.select(pl.col(ALLOCATABLE_USD).sum())
    )
    weighted = allocatable.join(shares, how="cross").select(
        *keys, s.FEATURE_ID, (pl.col(ALLOCATABLE_USD) * pl.col("_share")).alias("_weighted")
    )
    table = per_feature.join(
        weighted, on=[*keys, s.FEATURE_ID], how="full", coalesce=True
    ).with_columns(
        pl.col(s.CALLS).fill_null(0),
        pl.col(s.COST_USD).fill_null(0.0),
        (pl.col("_weighted").fill_null(0.0) + pl.col(DIRECT_REVENUE_USD).fill_null(0.0)).alias(
            "revenue_usd"
        ),
    )
    return table, warnings


_RATIOS: Final = ("cost_per_call_usd", "revenue_share", "gross_margin")


def _finite_or_null(name: str) -> pl.Expr:
    """Ratios over vanishingly small denominators can overflow: null them, never inf."""
    return pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name)


def _bands() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "category": list(s.CATEGORY_BANDS),
            "band_low": [band.low for band in s.CATEGORY_BANDS.values()],
            "band_high": [band.high for band in s.CATEGORY_BANDS.values()],
            "act_below": [band.act_below for band in s.CATEGORY_BANDS.values()],
        }
    )


def _finish(
    table: pl.DataFrame, scenario: Scenario, keys: list[str], group_revenue: pl.DataFrame
) -> pl.DataFrame:
    """Margins, shares, categories and status; margin-stack order within each group."""
    revenue = pl.col("revenue_usd")
    calls = pl.col(s.CALLS)
    # A feature carries no burden of its own: its gross profit is its revenue less its inference.
    profit = m.gross_profit(revenue, pl.col(s.COST_USD), pl.lit(0.0))
    table = (
        table.join(group_revenue, on=keys, how="left")
        if keys
        else table.join(group_revenue, how="cross")
    )
    categories = dict(scenario.feature_categories)
    reasons = pl.concat_list(
        pl.when(revenue == 0).then(pl.lit("gross_margin: no revenue is allocated to it")),
        pl.when(calls == 0).then(pl.lit("cost_per_call_usd: it made no calls")),
        *(
            pl.when(pl.col(name).is_infinite()).then(
                pl.lit(f"{name}: too large to represent (check the inputs)")
            )
            for name in _RATIOS
        ),
    ).list.drop_nulls()
    return (
        table.with_columns(
            m.cost_per_call(pl.col(s.COST_USD), calls).alias("cost_per_call_usd"),
            m.share(revenue, pl.col(_GROUP_REVENUE)).alias("revenue_share"),
            profit.alias("gross_profit_usd"),
            m.gross_margin(profit, revenue).alias("gross_margin"),
            pl.col(s.FEATURE_ID)
            .replace_strict(categories, default="core", return_dtype=pl.String)
            .alias("category"),
        )
        .with_columns(reasons.alias("null_reasons"))
        .with_columns(_finite_or_null(name) for name in _RATIOS)
        .join(_bands(), on="category", how="left")
        .with_columns(
            m.feature_status_expr(
                pl.col("gross_profit_usd"),
                pl.col("gross_margin"),
                act_below=pl.col("act_below"),
                low=pl.col("band_low"),
                high=pl.col("band_high"),
            ).alias("status")
        )
        .select(*keys, *FEATURE_SCHEMA.names())
        .sort(
            *keys,
            "gross_profit_usd",
            s.FEATURE_ID,
            descending=[*(False for _ in keys), True, False],
        )
    )
