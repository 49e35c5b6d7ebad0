"""Fixtures every test may use: its own data folder, a parquet writer, the loaded sample; the
hypothesis profile every property test runs under; the ``slow`` mark on app and browser tests.

Builders of small inputs live in :mod:`builders`, not here: tests import helpers from modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from builders import WriteParquet
from hypothesis import HealthCheck, settings

import econ

settings.register_profile(
    "econ",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
"""Hypothesis's own number of examples, with no deadline and no complaint about slow data
generation: many examples build and analyse a dataset, and either check would flake on a busy
machine. A test that wants more or fewer examples says so with ``@settings(max_examples=…)``."""
settings.load_profile("econ")

SLOW_KINDS = ("app", "browser")
"""Marks whose tests are slow by nature (a Streamlit script run, a real browser)."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every AppTest (``app``) and browser (``browser``) test ``slow`` too, so that the inner
    loop ``pytest -m "not slow"`` leaves them out without each test repeating the mark. It runs
    first, before pytest's own hook deselects by ``-m``."""
    for item in items:
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS):
            item.add_marker(pytest.mark.slow)


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
