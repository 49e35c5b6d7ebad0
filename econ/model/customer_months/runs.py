"""Per-customer figures of a customer-month frame, as sums over runs of rows.

A cm frame is sorted by customer and month, so each customer's cms are one run of rows: a sum
per customer is a sum over a run (much cheaper than grouping by the id). Used for the per
customer table and for the usage tiers.
"""

from __future__ import annotations

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
    means = spend / months
    per_customer = pl.Series(MONTHLY_INFERENCE, means)
    low, high = (per_customer.quantile(p / 100, interpolation="linear") for p in percentiles)
    if low is None or high is None:
        return frame.with_columns(pl.lit(TIER_CORE, pl.Categorical).alias(SEGMENT)), None
    q1, q2 = float(low), float(high)
    # below q1 → light (0), below q2 → core (1), else power (2)
    tier = np.where(means < q1, 0, np.where(means < q2, 1, 2)).astype(np.uint32)
    tiers = pl.Series(SEGMENT, TIERS, pl.Categorical).gather(pl.Series(np.repeat(tier, months)))
    return frame.with_columns(tiers), (q1, q2)
