"""Per-customer figures of a customer-month frame, as sums over runs of rows.

A cm frame is sorted by customer and month, so each customer's cms are one run of rows: a sum
per customer is a sum over a run (much cheaper than grouping by the id). Used for the per
customer table and for the usage tiers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final

import numpy as np
import numpy.ma  # see the comment below the imports
import polars as pl

from econ import schema as s
from econ.inputs.prepare import CUSTOMER_CODE
from econ.model.customer_months.columns import INFERENCE_USD, SEGMENT

# polars checks numpy data for masked arrays, which imports numpy.ma (25 ms) the first time;
# importing it above moves that cost out of the first report a user waits for.

MONTHLY_INFERENCE: Final = "monthly_inference_usd"

TIER_LIGHT: Final = "light"
TIER_CORE: Final = "core"
TIER_POWER: Final = "power"
TIERS: Final = (TIER_LIGHT, TIER_CORE, TIER_POWER)


def per_customer(
    frame: pl.DataFrame, sums: Mapping[str, pl.Expr], latest: Sequence[str] = (SEGMENT,)
) -> pl.DataFrame:
    """Per customer of a cm frame: ``customer_id``, the ``latest`` columns (from its latest
    cm, as text), ``customer_months``, and the sum of each expression in ``sums``; in customer
    order.

    The frame is sorted by customer, so each customer's cms are one run of rows and the sums
    are sums over runs: much cheaper than grouping by the id.
    """
    starts, months = _runs(frame)
    values = frame.select(expr.cast(pl.Float64).alias(name) for name, expr in sums.items())
    last = pl.Series(starts + months - 1)
    return pl.DataFrame(
        {
            s.CUSTOMER_ID: frame[s.CUSTOMER_ID].gather(pl.Series(starts)),
            **{name: frame[name].gather(last).cast(pl.String) for name in latest},
            "customer_months": pl.Series(months, dtype=pl.UInt32),
            **{
                name: np.add.reduceat(values[name].to_numpy(), starts)
                if starts.size
                else np.zeros(0)
                for name in sums
            },
        }
    )


def _runs(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Where each customer's run of rows starts in a frame sorted by customer, and its length."""
    codes = frame[CUSTOMER_CODE].to_numpy()
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))[: codes.size]
    return starts, np.diff(starts, append=codes.size)


def with_usage_tiers(
    frame: pl.DataFrame, percentiles: tuple[float, float]
) -> tuple[pl.DataFrame, tuple[float, float] | None]:
    """Tier each customer by its mean monthly inference cost over its active cms."""
    if frame.height == 0:
        return frame.with_columns(pl.lit(TIER_CORE, pl.Categorical).alias(SEGMENT)), None
    # Per-customer figures are sums over runs of rows; per-row ones repeat them.
    starts, months = _runs(frame)
    spend = np.add.reduceat(frame[INFERENCE_USD].to_numpy(), starts)
    # Rounded to a millionth of a dollar: the sums above add each customer's rows in the
    # order the engine left them, so two customers with the same usage could differ in the
    # last bits and fall on either side of a percentile. Equal usage is one tier.
    means = np.round(spend / months, 6)
    per_customer = pl.Series(MONTHLY_INFERENCE, means)
    low, high = (per_customer.quantile(p / 100, interpolation="linear") for p in percentiles)
    if low is None or high is None:
        return frame.with_columns(pl.lit(TIER_CORE, pl.Categorical).alias(SEGMENT)), None
    q1, q2 = float(low), float(high)
    # below q1 → light (0), below q2 → core (1), else power (2)
    tier = np.where(means < q1, 0, np.where(means < q2, 1, 2)).astype(np.uint32)
    tiers = pl.Series(SEGMENT, TIERS, pl.Categorical).gather(pl.Series(np.repeat(tier, months)))
    return frame.with_columns(tiers), (q1, q2)


# -- spells: runs of consecutive active months --------------------------------------------

COHORT: Final = "cohort"
"""Per customer: its first active month of the window."""
SPELL: Final = "first_spell_months"
"""Per customer: the length in months of its first spell (consecutive active months)."""
CURRENT_SPELL: Final = "current_spell_months"
"""Per customer: the length of the spell it is in at the window's last month (0 when none)."""

CUSTOMER_SPELLS_SCHEMA: Final = pl.Schema(
    {
        CUSTOMER_CODE: pl.UInt32(),
        COHORT: pl.Date(),
        SEGMENT: pl.String(),
        SPELL: pl.Int64(),
        CURRENT_SPELL: pl.Int64(),
    }
)
"""One row per customer, in customer order: cohort, acquisition segment, first-spell length and
the length of the spell it is in at the window's last month."""

_INDEX: Final = "_month_index"


def month_index(column: str = s.MONTH) -> pl.Expr:
    """A month column as months since year 0, so that consecutive months differ by 1 (the one
    month arithmetic of spells, cohorts and the projection; :func:`index_of` for one date)."""
    month = pl.col(column)
    return month.dt.year().cast(pl.Int64) * 12 + month.dt.month().cast(pl.Int64) - 1


def index_of(day: dt.date) -> int:
    """One month as :func:`month_index` counts it."""
    return day.year * 12 + day.month - 1


def with_spells(frame: pl.DataFrame) -> pl.DataFrame:
    """The cms (sorted by customer and month) with their month index, whether each starts a
    spell (the customer's first cm, or one after a gap), and its spell's number (1 = first)."""
    code, index = pl.col(CUSTOMER_CODE), pl.col(_INDEX)
    first = code.is_first_distinct()
    starts = first | (index - index.shift(1) != 1).fill_null(True)
    # Spells numbered per customer without a window: the running count of spell starts, less
    # its value at the customer's first row (rows are grouped by customer), plus one.
    running = pl.col("_starts").cast(pl.Int64).cum_sum()
    return (
        frame.select(CUSTOMER_CODE, s.MONTH, s.MRR_USD, pl.col(SEGMENT).cast(pl.String))
        .with_columns(month_index().alias(_INDEX))
        .with_columns(first.alias("_first"), starts.alias("_starts"))
        .with_columns(
            (running - pl.when("_first").then(running).forward_fill() + 1).alias("_spell")
        )
    )


def customer_spells(frame: pl.DataFrame, last_month: dt.date) -> pl.DataFrame:
    """Per customer of a cm frame (:data:`CUSTOMER_SPELLS_SCHEMA`): its cohort (first active
    month), acquisition segment, first spell and current spell (the spell that reaches
    ``last_month``, the window's last, if any). A spell is a run of consecutive active months:
    a pause ends it, as churn counts it."""
    last = index_of(last_month)
    # Each row's spell began at the latest spell start up to it (rows are in month order
    # within each customer), so a customer's current spell runs from its last row's start.
    spells = with_spells(frame).with_columns(
        pl.when("_starts").then(pl.col(_INDEX)).forward_fill().alias("_spell_start")
    )
    final, began = pl.col(_INDEX).last(), pl.col("_spell_start").last()
    current = pl.when(final == last).then(final - began + 1).otherwise(0)
    return (
        spells.group_by(CUSTOMER_CODE, maintain_order=True)
        .agg(
            pl.col(s.MONTH).first().alias(COHORT),
            pl.col(SEGMENT).first(),
            (pl.col("_spell") == 1).sum().cast(pl.Int64).alias(SPELL),
            current.cast(pl.Int64).alias(CURRENT_SPELL),
        )
        .cast(dict(CUSTOMER_SPELLS_SCHEMA))  # type: ignore[arg-type]
        .select(CUSTOMER_SPELLS_SCHEMA.names())
    )
