"""``econ rollup``: the ledger written as one pre-aggregated file, on polars or on Spark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from econ import cli
from econ.inputs import spark_rollup
from econ.inputs.spark_rollup import SparkUnavailableError


def _ledger(path: Path) -> Path:
    pl.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "account": ["a", "a", "b"],
            "feature_id": ["chat", "chat", "search"],
            "timestamp": [
                dt.datetime(2025, 1, 31, 23),
                dt.datetime(2025, 1, 2),
                dt.datetime(2025, 2, 1),
            ],
            "cost_usd": [0.5, 0.25, 1.0],
        }
    ).write_parquet(path)
    return path


def test_the_polars_engine_writes_the_rollup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger, out = _ledger(tmp_path / "ledger.parquet"), tmp_path / "rollup.parquet"
    assert cli.main(["rollup", "--usage", str(ledger), "--output", str(out)]) == 0
    assert "3 ledger rows rolled up to 2 rows" in capsys.readouterr().out
    rollup = pl.read_parquet(out)
    assert rollup["calls"].to_list() == [2, 1]
    assert rollup["cost_usd"].to_list() == [0.75, 1.0]


def test_bad_input_exits_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.parquet"
    pl.read_parquet(_ledger(ledger)).with_columns(cost_usd=pl.lit(-1.0)).write_parquet(ledger)
    out = tmp_path / "rollup.parquet"
    assert cli.main(["rollup", "--usage", str(ledger), "--output", str(out)]) == 2
    error = capsys.readouterr().err
    assert "column 'cost_usd': must be zero or more (3 rows break this rule" in error
    assert "Traceback" not in error
    assert not out.exists()


def test_a_bad_map_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = _ledger(tmp_path / "ledger.parquet")
    argv = ["rollup", "--usage", str(ledger), "--output", str(tmp_path / "o.parquet")]
    assert cli.main([*argv, "--map", "revenue.plan=x"]) == 2
    assert "--map takes usage.COLUMN=FILE_COLUMN" in capsys.readouterr().err


def test_without_pyspark_the_spark_engine_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise SparkUnavailableError(spark_rollup.INSTALL_HINT)

    monkeypatch.setattr(spark_rollup, "_pyspark", missing)
    ledger = _ledger(tmp_path / "ledger.parquet")
    argv = ["rollup", "--engine", "spark", "--usage", str(ledger), "--output", str(tmp_path / "o")]
    assert cli.main(argv) == 2
    assert "pip install 'econ[spark]'" in capsys.readouterr().err


def test_import_econ_leaves_pyspark_alone() -> None:
    import subprocess
    import sys

    code = "import sys, econ, econ.cli; assert 'pyspark' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_the_spark_engine_writes_the_same_rollup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = _ledger(tmp_path / "ledger.parquet")
    polars_out, spark_out = tmp_path / "polars.parquet", tmp_path / "spark.parquet"
    assert cli.main(["rollup", "--usage", str(ledger), "--output", str(polars_out)]) == 0
    argv = ["rollup", "--engine", "spark", "--master", "local[2]", "--usage", str(ledger)]
    assert cli.main([*argv, "--output", str(spark_out), "--map", "usage.customer_id=account"]) == 0
    assert "3 ledger rows rolled up to 2 rows" in capsys.readouterr().out
    assert (
        pl.read_parquet(spark_out).drop("model", strict=False).equals(pl.read_parquet(polars_out))
    )
