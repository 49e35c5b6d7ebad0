"""Fixtures every test may use: its own data folder, a parquet writer, the loaded sample.

Builders of small inputs live in :mod:`builders`, not here: tests import helpers from modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from builders import WriteParquet

import econ


@pytest.fixture(autouse=True, scope="session")
def _own_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test writes uploads or the rollup cache into the project or the user's folders."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ECON_DATA_DIR", str(tmp_path_factory.mktemp("econ-data")))
        yield


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
