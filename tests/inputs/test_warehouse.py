"""The rollup as warehouse SQL: every dialect's rendering parses back; the DuckDB rendering run
on a ledger gives the polars rollup, its checks count the rows econ refuses in econ's words, and
its result, read back as a pre-aggregated ledger, gives the same rollup and model summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import econ
from econ import schema as s
from econ.inputs.warehouse import CHECK_COLUMNS, DIALECTS, NATIVE_COLUMNS, rollup_sql

KEYS = [s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH]
UTC = dt.UTC
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))
MINUS_FIVE = dt.timezone(dt.timedelta(hours=-5))
PRICES = {"m-cheap": econ.ModelPrice(1.0, 4.0, 0.5)}


def edge_ledger() -> pl.DataFrame:
    """Month boundaries in UTC (a stamp late on the 31st in New York is in the next month in
    UTC; one early on the 1st at +02:00 is in the previous one), missing and empty customers
    and features, pre-aggregated rows (calls and outcome counts), rows priced from tokens
    (one claiming more cached tokens than input ones) next to rows with a cost."""
    stamps = [
        dt.datetime(2025, 1, 31, 23, 59, 59, tzinfo=UTC),
        dt.datetime(2025, 1, 31, 20, 30, tzinfo=MINUS_FIVE),  # 2025-02-01 01:30 UTC
        dt.datetime(2025, 3, 1, 1, 0, tzinfo=PLUS_TWO),  # 2025-02-28 23:00 UTC
        dt.datetime(2025, 3, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2025, 2, 10, 12, 0, tzinfo=UTC),
        dt.datetime(2025, 2, 11, 12, 0, tzinfo=UTC),
        dt.datetime(2025, 2, 12, 12, 0, tzinfo=UTC),
        dt.datetime(2025, 2, 13, 12, 0, tzinfo=UTC),
        dt.datetime(2025, 2, 14, 12, 0, tzinfo=UTC),
    ]
    return pl.DataFrame(
        {
            s.CUSTOMER_ID: ["c1", "c1", None, "", "c2", "c2", "c2", "c1", "c1"],
            s.FEATURE_ID: ["chat", "chat", "chat", None, "search", "search", "search", "chat", ""],
            s.TIMESTAMP: pl.Series(stamps).dt.convert_time_zone("America/New_York"),
            s.COST_USD: [0.5, 0.25, 1.0, 2.0, None, 0.3, 0.75, None, 0.1],
            s.CALLS: [1, 3, 1, 10, 2, 1, 4, 1, 1],
            s.MODEL: ["m-cheap"] * 5 + [None, "m-cheap", "m-cheap", "m-cheap"],
            s.INPUT_TOKENS: [100, None, 50, 1000, 4000, None, 300, 10, None],
            s.OUTPUT_TOKENS: [20, None, 5, 200, 1000, 30, None, 5, None],
            s.CACHED_INPUT_TOKENS: [10, None, None, 0, 1000, None, 0, 50, None],
            s.OUTCOME: [1, 2, 0, 7, None, 1, 4, 0, 1],
        }
    )


def run(frame: pl.DataFrame, **options: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The DuckDB rendering's rollup and checks, run on ``frame`` as the table ``ledger``."""
    columns = [c for c in frame.columns if c in (*NATIVE_COLUMNS, s.MONTH)]
    time = frame.schema.get(s.TIMESTAMP)
    zoned = isinstance(time, pl.Datetime) and time.time_zone is not None
    sql = rollup_sql("ledger", "duckdb", columns=columns, zoned=zoned, **options)
    with duckdb.connect() as connection:
        connection.register("ledger", frame.to_arrow())
        return connection.sql(sql.rollup).pl(), connection.sql(sql.checks).pl()


def per_month(result: pl.DataFrame) -> pl.DataFrame:
    """The SQL result summed to customer × feature × month, as the polars rollup is."""
    sums = [c for c in (s.CALLS, s.COST_USD, *s.TOKEN_COLUMNS) if c in result.columns]
    return (
        result.group_by(KEYS)
        .agg(
            *(pl.col(c).sum() if c in (s.CALLS, s.COST_USD) else known(c) for c in sums),
            *([known(s.OUTCOME).alias(s.OUTCOMES)] if s.OUTCOME in result.columns else []),
        )
        .sort(KEYS)
    )


def known(column: str) -> pl.Expr:
    return pl.when(pl.col(column).count() > 0).then(pl.col(column).sum()).cast(pl.Int64)


def polars_rollup(frame: pl.DataFrame, **options: Any) -> pl.DataFrame:
    return econ.load_usage(frame, **options).rollup.sort(KEYS)


def same(sql: pl.DataFrame, rollup: pl.DataFrame) -> None:
    columns = [c for c in rollup.columns if c in sql.columns]
    assert_frame_equal(
        sql.select(columns),
        rollup.select(columns),
        check_dtypes=False,
        check_exact=False,
        rel_tol=1e-12,
    )


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    "columns",
    [NATIVE_COLUMNS, (s.CUSTOMER_ID, s.FEATURE_ID, s.MONTH, s.COST_USD)],
    ids=["native", "minimal"],
)
def test_every_dialects_rendering_parses_back(dialect: str, columns: tuple[str, ...]) -> None:
    sql = rollup_sql("analytics.usage", dialect, columns=columns, zoned=True)
    assert sql.dialect == dialect
    for query in (sql.rollup, sql.checks):
        assert sqlglot.parse_one(query, read=dialect) is not None


def test_mapped_columns_are_read_from_the_tables_names() -> None:
    frame = edge_ledger().rename({s.CUSTOMER_ID: "Account Id", s.CALLS: "n"})
    sql = rollup_sql(
        "ledger",
        "duckdb",
        columns=NATIVE_COLUMNS,
        mapping={s.CUSTOMER_ID: "Account Id", s.CALLS: "n"},
        zoned=True,
    )
    assert '"Account Id"' in sql.rollup
    for dialect in DIALECTS:
        rendered = rollup_sql("t", dialect, mapping={s.CUSTOMER_ID: "Account Id"}).rollup
        sqlglot.parse_one(rendered, read=dialect)
    with duckdb.connect() as connection:
        connection.register("ledger", frame.to_arrow())
        mapped = connection.sql(sql.rollup).pl()
    same(per_month(mapped), per_month(run(edge_ledger())[0]))


def test_the_duckdb_rendering_gives_the_polars_rollup_on_edge_rows() -> None:
    ledger = edge_ledger().with_columns(pl.col(s.COST_USD).fill_null(0.05))
    result, checks = run(ledger)
    rollup = polars_rollup(ledger)
    same(per_month(result), rollup)
    assert rollup.filter(pl.col(s.CUSTOMER_ID) == s.UNKNOWN_CUSTOMER).height == 2
    c1 = per_month(result).filter(pl.col(s.CUSTOMER_ID) == "c1", pl.col(s.FEATURE_ID) == "chat")
    assert c1[s.MONTH].to_list() == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]
    assert checks.columns == list(CHECK_COLUMNS)
    assert checks["broken_rows"].sum() == 0


def test_a_naive_timestamp_and_a_month_column_are_read_as_utc() -> None:
    ledger = edge_ledger().with_columns(
        pl.col(s.TIMESTAMP).dt.convert_time_zone("UTC").dt.replace_time_zone(None),
        pl.col(s.COST_USD).fill_null(0.05),
    )
    same(per_month(run(ledger)[0]), polars_rollup(ledger))
    monthly = ledger.with_columns(pl.col(s.TIMESTAMP).cast(pl.Date).alias(s.MONTH)).drop(
        s.TIMESTAMP
    )
    same(per_month(run(monthly)[0]), polars_rollup(monthly))


def test_the_result_read_back_gives_the_same_rollup_and_model_summary(tmp_path: Path) -> None:
    """Rows without a cost stay apart (priced by econ from their tokens, never at $0): the
    exported result, read as a pre-aggregated ledger, gives what the raw rows give."""
    ledger = edge_ledger()
    result, _ = run(ledger)
    assert result.filter(pl.col(s.COST_USD).is_null()).height == 2
    exported = tmp_path / "rollup.parquet"
    result.write_parquet(exported)
    spec = econ.ImportSpec(price_overrides=PRICES)
    raw, back = econ.load_usage(ledger, spec=spec), econ.load_usage(exported, spec=spec)
    same(back.rollup.sort(KEYS), raw.rollup.sort(KEYS))
    assert raw.model_usage is not None
    assert back.model_usage is not None
    assert_frame_equal(back.model_usage, raw.model_usage, check_exact=False, rel_tol=1e-12)


@pytest.mark.slow
def test_the_report_from_the_result_is_the_report_from_the_raw_ledger(tmp_path: Path) -> None:
    usage, revenue = econ.sample_paths()
    ledger = pl.read_parquet(usage)
    result, checks = run(ledger)
    assert checks["broken_rows"].sum() == 0
    exported = tmp_path / "rollup.parquet"
    result.write_parquet(exported)
    scenario = econ.sample_scenario()
    raw = econ.analyze(usage, revenue, scenario)
    back = econ.analyze(exported, revenue, scenario)
    assert_frame_equal(back.features, raw.features, check_exact=False, rel_tol=1e-9)
    assert_frame_equal(back.segments, raw.segments, check_exact=False, rel_tol=1e-9)


BROKEN = [
    ("c" * 300, "chat", dt.datetime(2025, 1, 5), 0.1, 1, 0),
    ("c\x07", "chat", dt.datetime(2025, 1, 5), 0.1, 1, 0),
    ("c1", "chat\n", dt.datetime(2025, 1, 5), 0.1, 1, 0),
    ("c1", "chat", None, 0.1, 1, 0),
    ("c1", "chat", dt.datetime(1985, 1, 5), 0.1, 1, 0),
    ("c1", "chat", dt.datetime(2025, 1, 5), -0.1, 1, 0),
    ("c1", "chat", dt.datetime(2025, 1, 5), float("nan"), 1, 0),
    ("c1", "chat", dt.datetime(2025, 1, 5), float("inf"), 1, 0),
    ("c1", "chat", dt.datetime(2025, 1, 5), 2e12, 1, 0),
    ("c1", "chat", dt.datetime(2025, 1, 5), 0.1, None, 0),
    ("c1", "chat", dt.datetime(2025, 1, 5), 0.1, 2, 3),
    ("c1", "chat", dt.datetime(2025, 1, 5), 0.1, 2, -1),
    ("c1", "chat", dt.datetime(2025, 2, 5), 0.5, 2, 1),
    ("c2", "chat", dt.datetime(2025, 2, 5), 0.25, 1, 1),
]


def broken_ledger() -> pl.DataFrame:
    return pl.DataFrame(
        BROKEN,
        schema={
            s.CUSTOMER_ID: pl.String,
            s.FEATURE_ID: pl.String,
            s.TIMESTAMP: pl.Datetime("us"),
            s.COST_USD: pl.Float64,
            s.CALLS: pl.Int64,
            s.OUTCOME: pl.Int64,
        },
        orient="row",
    )


NEGATIVE_CALLS = pl.DataFrame(
    {s.CUSTOMER_ID: ["c1"], s.FEATURE_ID: ["chat"], s.TIMESTAMP: [dt.datetime(2025, 1, 5)]}
).with_columns(pl.lit(0.1).alias(s.COST_USD), pl.lit(-1).alias(s.CALLS))


@pytest.mark.parametrize(
    "ledger",
    [
        broken_ledger(),
        # without outcomes: econ refuses a negative count of calls under its own rule (with
        # them, under the outcome rule first: the checks count a row under every rule it breaks)
        pl.concat([broken_ledger().drop(s.OUTCOME), NEGATIVE_CALLS], how="vertical_relaxed"),
    ],
    ids=["outcomes", "no_outcomes"],
)
def test_the_checks_count_what_econ_refuses_in_econs_words(ledger: pl.DataFrame) -> None:
    result, checks = run(ledger)
    loaded = econ.load_usage(ledger, options=econ.IngestOptions(on_invalid="drop"))
    expected = sorted((p.column, p.rule, p.count) for p in loaded.dropped_problems)
    found = sorted(
        (row["column_name"], row["rule"], row["broken_rows"])
        for row in checks.filter(pl.col("broken_rows") > 0).iter_rows(named=True)
    )
    assert found == expected
    assert checks.filter(pl.col("broken_rows") > 0)["example"].is_not_null().all()
    assert checks.filter(pl.col("broken_rows") == 0)["example"].is_null().all()
    assert checks["check_number"].to_list() == sorted(checks["check_number"].to_list())
    # The rollup leaves the rows out, as econ does with --drop-invalid.
    same(per_month(result), loaded.rollup.sort(KEYS))
    with pytest.raises(econ.InputError):
        econ.load_usage(ledger)


def test_unknown_dialects_and_tables_without_required_columns_are_refused() -> None:
    with pytest.raises(econ.ScenarioError, match="snowflake, bigquery"):
        rollup_sql("t", "oracle")
    with pytest.raises(econ.ScenarioError, match="timestamp or month"):
        rollup_sql("t", "duckdb", columns=(s.CUSTOMER_ID, s.FEATURE_ID, s.COST_USD))
    with pytest.raises(econ.ScenarioError, match="not a ledger column"):
        rollup_sql("t", "duckdb", columns=(*NATIVE_COLUMNS, "user"))
    with pytest.raises(econ.ScenarioError, match="not a table name"):
        rollup_sql("", "duckdb")


@st.composite
def ledgers(draw: st.DrawFn) -> pl.DataFrame:
    """Small clean ledgers: ids some of them missing, stamps across month ends in a few zones,
    costs some of them missing, calls, tokens and outcome counts."""
    count = draw(st.integers(1, 25))

    def column(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(values, min_size=count, max_size=count))

    start = dt.datetime(2025, 1, 30, tzinfo=UTC)
    hours = column(st.integers(0, 24 * 35))
    zone = draw(st.sampled_from(["UTC", "America/New_York", "Asia/Tokyo"]))
    calls = column(st.integers(0, 5))
    return pl.DataFrame(
        {
            s.CUSTOMER_ID: column(st.sampled_from(["a", "b", "", None])),
            s.FEATURE_ID: column(st.sampled_from(["chat", "search", None])),
            s.TIMESTAMP: pl.Series(
                [start + dt.timedelta(hours=h) for h in hours]
            ).dt.convert_time_zone(zone),
            s.COST_USD: column(st.one_of(st.none(), st.integers(0, 300).map(lambda c: c / 100))),
            s.CALLS: calls,
            s.MODEL: column(st.sampled_from(["m-cheap", None])),
            s.INPUT_TOKENS: column(st.one_of(st.none(), st.integers(0, 500))),
            s.OUTPUT_TOKENS: column(st.one_of(st.none(), st.integers(0, 500))),
            s.CACHED_INPUT_TOKENS: column(st.one_of(st.none(), st.integers(0, 600))),
            s.OUTCOME: [draw(st.integers(0, c)) for c in calls],
        },
        schema_overrides=dict.fromkeys((*s.TOKEN_COLUMNS, s.CALLS, s.OUTCOME), pl.Int64),
    )


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_the_sql_rollup_is_the_polars_rollup_on_any_small_ledger(ledger: pl.DataFrame) -> None:
    priced = ledger.with_columns(pl.col(s.COST_USD).fill_null(0.0))
    same(per_month(run(priced)[0]), polars_rollup(priced))
    result = run(ledger)[0]
    spec = econ.ImportSpec(price_overrides=PRICES)
    options = econ.IngestOptions(on_invalid="drop")
    try:
        raw = econ.load_usage(ledger, spec=spec, options=options)
    except econ.InputError:  # every row was left out: so is every row of the result
        with pytest.raises(econ.InputError):
            econ.load_usage(result, spec=spec, options=options)
        return
    back = econ.load_usage(result, spec=spec, options=options)
    same(back.rollup.sort(KEYS), raw.rollup.sort(KEYS))
    assert raw.model_usage is not None
    assert back.model_usage is not None
    assert_frame_equal(back.model_usage, raw.model_usage, check_exact=False, rel_tol=1e-9)
