"""``econ rollup-sql``: the rollup (or its checks) as SQL in a warehouse's dialect; exit 2 with
the choices on a dialect it does not know."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot

from econ.cli import main
from econ.inputs.warehouse import DIALECTS


@pytest.mark.parametrize("dialect", DIALECTS)
def test_prints_the_rollup_in_the_dialect(dialect: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rollup-sql", "--dialect", dialect, "--table", "analytics.usage"]) == 0
    printed = capsys.readouterr().out
    assert "analytics.usage" in printed
    assert sqlglot.parse_one(printed, read=dialect) is not None


def test_checks_columns_map_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "checks.sql"
    argv = [
        "rollup-sql",
        "--dialect",
        "snowflake",
        "--table",
        "usage",
        "--checks",
        "--columns",
        "customer_id,feature_id,timestamp,cost_usd",
        "--map",
        "usage.customer_id=ACCOUNT",
        "--zoned-timestamps",
        "--output",
        str(output),
    ]
    assert main(argv) == 0
    assert capsys.readouterr().out == ""
    text = output.read_text(encoding="utf-8")
    assert "must be finite (infinity found)" in text
    assert "CONVERT_TIMEZONE('UTC'" in text
    assert "ACCOUNT" in text
    assert "broken_rows" in text


def test_a_bad_dialect_exits_2_listing_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["rollup-sql", "--dialect", "oracle", "--table", "t"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert all(dialect in error for dialect in DIALECTS)


def test_a_table_without_a_time_column_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["rollup-sql", "--dialect", "duckdb", "--table", "t", "--columns", "customer_id"]
    assert main(argv) == 2
    assert "timestamp or month" in capsys.readouterr().err
    assert main(["rollup-sql", "--dialect", "duckdb", "--table", "t", "--map", "x=y"]) == 2
    assert "--map takes usage.COLUMN=TABLE_COLUMN" in capsys.readouterr().err
