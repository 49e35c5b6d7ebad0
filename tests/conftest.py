"""Shared builders: small, hand-checkable inputs written as real parquet files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import polars as pl
import pytest

import econ


@pytest.fixture(autouse=True, scope="session")
def _own_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test writes uploads or the rollup cache into the project or the user's folders."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ECON_DATA_DIR", str(tmp_path_factory.mktemp("econ-data")))
        yield


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


@pytest.fixture
def write_parquet(tmp_path: Path) -> WriteParquet:
    def write(name: str, frame: pl.DataFrame) -> Path:
        path = tmp_path / name
        frame.write_parquet(path)
        return path

    return write


@pytest.fixture(scope="session")
def sample_dataset() -> econ.Dataset:
    usage, revenue = econ.sample_paths()
    return econ.load_dataset(usage, revenue)
