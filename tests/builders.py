"""Small, hand-checkable inputs for tests: revenue rows and pre-aggregated usage rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl


def month(text: str) -> dt.date:
    """``"2026-01"`` → the 1st of that month."""
    year, number = text.split("-")
    return dt.date(int(year), int(number), 1)


def revenue_frame(
    rows: Sequence[tuple[str, str, float, str]], **segments: Sequence[str | None]
) -> pl.DataFrame:
    """Rows of (customer_id, "YYYY-MM", mrr_usd, plan), plus segment columns."""
    frame = pl.DataFrame(
        {
            "customer_id": [row[0] for row in rows],
            "month": [month(row[1]) for row in rows],
            "mrr_usd": [float(row[2]) for row in rows],
            "plan": [row[3] for row in rows],
        },
        schema={
            "customer_id": pl.String,
            "month": pl.Date,
            "mrr_usd": pl.Float64,
            "plan": pl.String,
        },
    )
    return frame.with_columns(
        pl.Series(name, values, dtype=pl.String) for name, values in segments.items()
    )


def usage_frame(rows: Sequence[tuple[str, str, str, int, float]]) -> pl.DataFrame:
    """Pre-aggregated rows of (customer_id, feature_id, "YYYY-MM", calls, cost_usd)."""
    return pl.DataFrame(
        {
            "customer_id": [row[0] for row in rows],
            "feature_id": [row[1] for row in rows],
            "month": [month(row[2]) for row in rows],
            "calls": [row[3] for row in rows],
            "cost_usd": [float(row[4]) for row in rows],
        },
        schema={
            "customer_id": pl.String,
            "feature_id": pl.String,
            "month": pl.Date,
            "calls": pl.Int64,
            "cost_usd": pl.Float64,
        },
    )


WriteParquet = Callable[[str, pl.DataFrame], Path]
