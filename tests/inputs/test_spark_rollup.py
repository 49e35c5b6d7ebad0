"""The rollup on Spark (local[2]): the same report as the polars path on the same ledger, and
the same messages for the same bad rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import econ
from econ.cli import full_report
from econ.decisions.pricing import simulate
from econ.decisions.recommend import recommend
from econ.inputs.spark_rollup import local_session, polars_rollup, spark_rollup
from tests.builders import revenue_frame

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    # PySpark checks the pandas version when a session starts (its pandas API, unused here).
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

UTC = dt.UTC
TOKYO = "Asia/Tokyo"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    with local_session("local[2]", shuffle_partitions=4) as session:
        yield session


def edge_ledger() -> pl.DataFrame:
    """Calls on both sides of month boundaries in UTC (stamped in Tokyo time), rows naming no
    customer or no feature, pre-aggregated rows (calls and outcomes above 1), and rows with
    tokens but no cost (priced by econ)."""
    stamps = [
        dt.datetime(2025, 1, 31, 23, 30, tzinfo=UTC),  # Feb 1 in Tokyo, January in UTC
        dt.datetime(2025, 2, 1, 0, 30, tzinfo=UTC),
        dt.datetime(2025, 2, 28, 23, 59, tzinfo=UTC),
        dt.datetime(2025, 3, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2025, 3, 15, 12, tzinfo=UTC),
        dt.datetime(2025, 1, 10, tzinfo=UTC),
        dt.datetime(2025, 2, 10, tzinfo=UTC),
        dt.datetime(2025, 3, 10, tzinfo=UTC),
        dt.datetime(2025, 3, 31, 23, 0, tzinfo=UTC),
        dt.datetime(2025, 1, 5, tzinfo=UTC),
    ]
    return pl.DataFrame(
        {
            "customer_id": ["a", "a", None, "b", "", "b", "c", "c", "a", "a"],
            "feature_id": [
                "chat",
                "chat",
                "search",
                "chat",
                "search",
                "search",
                "chat",
                None,
                "chat",
                "chat",
            ],
            "timestamp": pl.Series(stamps).dt.convert_time_zone(TOKYO),
            "cost_usd": [0.5, 1.25, 0.1, None, 0.3, 2.0, None, 0.7, 0.4, 0.2],
            "calls": [1, 3, 1, 2, 1, 10, 1, 4, 2, 1],
            "model": ["gpt-4o-mini"] * 8 + ["gpt-4o", "gpt-4o-mini"],
            "input_tokens": [100, 300, None, 2000, 50, 1000, 500, None, 10, 5],
            "output_tokens": [10, 30, None, 400, 5, 100, 50, None, 1, 1],
            "cached_input_tokens": [0, 100, None, 3000, None, 0, 100, None, 0, 0],
            "outcome": [1, 2, 1, None, 1, 7, 0, 4, 2, 1],
        }
    )


def _report(usage: Path, revenue: Path) -> dict[str, Any]:
    data = econ.load_dataset(usage, revenue)
    report = econ.analyze_dataset(data, econ.Scenario())
    recommendations = recommend(report, model_usage=data.model_usage)
    simulation = simulate(report, model_usage=data.model_usage)
    return full_report(report, recommendations, simulation) | {
        "warnings": [w.split(": ", 1)[1] for w in data.warnings],
        "model_usage": data.model_usage.to_dicts() if data.model_usage is not None else None,
    }


def _same(left: object, right: object, where: str = "") -> None:
    """Equal, floats to a relative 1e-9 (Spark adds in another order)."""
    if isinstance(left, dict) and isinstance(right, dict):
        assert left.keys() == right.keys(), where
        for key in left:
            _same(left[key], right[key], f"{where}.{key}")
    elif isinstance(left, list) and isinstance(right, list):
        assert len(left) == len(right), where
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            _same(a, b, f"{where}[{index}]")
    elif isinstance(left, float) and isinstance(right, float):
        assert left == pytest.approx(right, rel=1e-9, abs=1e-12), where
    else:
        assert left == right, where


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ledger")
    ledger, revenue = folder / "ledger.parquet", folder / "revenue.parquet"
    edge_ledger().write_parquet(ledger)
    months = ("2025-01", "2025-02", "2025-03")
    revenue_frame([(c, m, 100.0, "pro") for c in "abc" for m in months]).write_parquet(revenue)
    return {"ledger": ledger, "revenue": revenue, "folder": folder}


def test_the_spark_rollup_gives_the_ledgers_report(spark: Any, files: dict[str, Path]) -> None:
    out = files["folder"] / "spark.parquet"
    written = spark_rollup(files["ledger"], out, spark=spark)
    assert written.rows_read == 10
    rollup = pl.read_parquet(out)
    # The call at 23:30 UTC on January 31 is January's, though Tokyo says February 1.
    first = rollup.filter(pl.col("customer_id") == "a", pl.col("feature_id") == "chat")
    assert first["month"].to_list()[0] == dt.date(2025, 1, 1)
    # Rows without a cost keep no cost (never $0), on their own day, priced by econ.
    unpriced = rollup.filter(pl.col("cost_usd").is_null())
    assert unpriced["month"].to_list() == [dt.date(2025, 3, 1), dt.date(2025, 2, 10)]
    assert "(unknown)" in rollup["customer_id"].to_list()
    assert "(untagged)" in rollup["feature_id"].to_list()
    assert rollup.height < 10
    _same(_report(files["ledger"], files["revenue"]), _report(out, files["revenue"]))


def test_the_polars_engine_writes_a_rollup_with_the_same_report(files: dict[str, Path]) -> None:
    out = files["folder"] / "polars.parquet"
    written = polars_rollup(files["ledger"], out)
    assert written.rows_read == 10
    raw, rolled = _report(files["ledger"], files["revenue"]), _report(out, files["revenue"])
    # Its costs are priced already and its models gone: the per-model summary is not kept. The
    # warnings about calls naming no customer or feature are said for both, each counting its
    # own rows (the rollup's rows stand for several of the ledger's).
    for report in (raw, rolled):
        report.pop("model_usage")
        warnings = " ".join(report.pop("warnings"))
        assert "counted as customer '(unknown)'" in warnings
        assert "counted as feature '(untagged)'" in warnings
    _same(raw, rolled)


def test_a_directory_of_hive_partitions_reads_as_one_ledger(
    spark: Any, files: dict[str, Path]
) -> None:
    folder = files["folder"] / "hive"
    ledger = edge_ledger().with_columns(part=pl.col("calls") % 2)
    ledger.write_parquet(folder, partition_by="part")
    out = files["folder"] / "hive.parquet"
    written = spark_rollup(folder, out, spark=spark)
    assert written.rows_read == 10
    single = pl.read_parquet(files["folder"] / "spark.parquet")
    assert written.rollup.equals(single)


BAD: dict[str, list[Any]] = {
    "customer_id": ["a", "x" * 300, "b\x00", "c", "d", "e", "f"],
    "feature_id": ["chat"] * 7,
    "timestamp": [
        dt.datetime(2025, 1, 1),
        dt.datetime(2025, 1, 2),
        None,
        dt.datetime(1980, 1, 2),
        dt.datetime(2025, 1, 2),
        dt.datetime(2025, 1, 3),
        dt.datetime(2025, 1, 4),
    ],
    "cost_usd": [1.0, -1.0, float("nan"), float("inf"), None, 2e12, 0.5],
    "calls": [1, -2, 1, 1, 1, 1, 1],
    "input_tokens": [None, None, None, -5, None, None, None],
}


def _messages(error: pytest.ExceptionInfo[econ.InputError]) -> list[str]:
    return [problem.message() for problem in error.value.problems]


@pytest.mark.parametrize(
    "ledger",
    [
        pytest.param(pl.DataFrame(BAD), id="rules"),
        pytest.param(
            pl.DataFrame(BAD).with_columns(outcome=pl.Series([0, 3, 1, 0, 1, 1, 2])),
            id="outcome-above-calls",
        ),
    ],
)
def test_bad_rows_get_the_polars_paths_messages(
    spark: Any, tmp_path: Path, ledger: pl.DataFrame
) -> None:
    path = tmp_path / "bad.parquet"
    ledger.write_parquet(path)
    with pytest.raises(econ.InputError) as polars_error:
        econ.load_usage(path)
    with pytest.raises(econ.InputError) as spark_error:
        spark_rollup(path, tmp_path / "out.parquet", spark=spark)
    assert _messages(spark_error) == _messages(polars_error)
    assert not (tmp_path / "out.parquet").exists()


def test_a_missing_column_is_named(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "ledger.parquet"
    edge_ledger().drop("feature_id").write_parquet(path)
    with pytest.raises(econ.InputError) as polars_error:
        econ.load_usage(path)
    with pytest.raises(econ.InputError) as spark_error:
        spark_rollup(path, tmp_path / "out.parquet", spark=spark)
    # The polars path adds what it knows of other layouts; the column and the rule are the same.
    spark_problems, polars_problems = spark_error.value.problems, polars_error.value.problems
    assert [p.column for p in spark_problems] == [p.column for p in polars_problems]
    assert spark_problems[0].rule.startswith("is required but missing")


def test_columns_are_mapped(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "ledger.parquet"
    edge_ledger().rename({"customer_id": "account"}).write_parquet(path)
    written = spark_rollup(
        path, tmp_path / "out.parquet", spark=spark, mapping={"customer_id": "account"}
    )
    assert written.rows_read == 10
    assert "a" in written.rollup["customer_id"].to_list()
