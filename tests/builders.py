"""Small, hand-checkable inputs for tests: revenue rows and pre-aggregated usage rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import polars as pl
import pytest

from econ.cli import main


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


FIRST_REVENUE: Final = revenue_frame(
    [
        ("acme", "2026-01", 49, "Starter"),
        ("acme", "2026-02", 49, "Starter"),
        ("acme", "2026-03", 49, "Starter"),
        ("bolt", "2026-01", 199, "Pro"),
        ("bolt", "2026-02", 199, "Pro"),
        ("bolt", "2026-03", 199, "Pro"),
        ("cove", "2026-01", 49, "Starter"),
        ("cove", "2026-02", 49, "Starter"),
    ],
    company_size=["small", "small", "small", "mid", "mid", "mid", "small", "small"],
)
"""A first small upload, as a new user would try: 3 customers, 2 features (one of them losing
money on the cheap plan), 3 months, one churned customer, a segment column."""
FIRST_USAGE: Final = usage_frame(
    [
        ("acme", "chat_assistant", "2026-01", 400, 4.0),
        ("acme", "chat_assistant", "2026-02", 420, 4.2),
        ("acme", "chat_assistant", "2026-03", 450, 4.5),
        ("acme", "deep_research", "2026-01", 30, 36.0),
        ("acme", "deep_research", "2026-02", 40, 48.0),
        ("acme", "deep_research", "2026-03", 55, 66.0),
        ("bolt", "chat_assistant", "2026-01", 900, 9.0),
        ("bolt", "chat_assistant", "2026-02", 950, 9.5),
        ("bolt", "chat_assistant", "2026-03", 1000, 10.0),
        ("bolt", "deep_research", "2026-01", 20, 24.0),
        ("bolt", "deep_research", "2026-02", 25, 30.0),
        ("bolt", "deep_research", "2026-03", 20, 24.0),
        ("cove", "chat_assistant", "2026-01", 100, 1.0),
        ("cove", "chat_assistant", "2026-02", 80, 0.8),
    ]
)


TWO_MODEL_LEDGER: Final = pl.DataFrame(
    {
        "customer_id": ["a", "b", "a"],
        "feature_id": ["chat", "chat", "chat"],
        "model": ["gpt-4o", "claude-sonnet-4", "gpt-4o"],
        "timestamp": [
            dt.datetime(2025, 8, 15, 9),
            dt.datetime(2025, 8, 20, 10),
            dt.datetime(2025, 8, 25, 11),
        ],
        "calls": [10, 5, 3],
        "input_tokens": [100_000, 50_000, None],
        "cached_input_tokens": [40_000, None, None],
        "output_tokens": [20_000, 10_000, None],
        "cost_usd": [0.50, 0.40, 0.10],
    },
    schema_overrides={"input_tokens": pl.Int64, "output_tokens": pl.Int64},
)
"""Three rows of one feature in August 2025 on two models; the last logged no tokens (the model
swap and the per-model summary tests re-price it)."""


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``econ ARGS...`` in this process: its exit code, standard output and standard error."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
