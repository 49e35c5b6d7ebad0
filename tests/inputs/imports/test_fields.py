"""Finding one value however an export nested it: struct, map, JSON text, flattened column."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from econ.inputs.imports.fields import Fields


def values(frame: pl.DataFrame, expr: pl.Expr) -> list[object]:
    return frame.select(expr.alias("v"))["v"].to_list()


def with_map(pairs: list[list[tuple[str, int]]]) -> pl.DataFrame:
    table = pa.table({"usage": pa.array(pairs, pa.map_(pa.string(), pa.int64()))})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return pl.read_parquet(buffer.getvalue())


SHAPES = {
    "struct": pl.DataFrame({"usage": [{"input": 10, "input_cached_tokens": 5}, {"input": 3}]}),
    "map": with_map([[("input", 10), ("input_cached_tokens", 5)], [("input", 3)]]),
    "json text": pl.DataFrame({"usage": ['{"input":10,"input_cached_tokens":5}', '{"input":3}']}),
    "twice escaped": pl.DataFrame(
        {"usage": ['{""input"":10,""input_cached_tokens"":5}', '{""input"":3}']}
    ),
    "quoted numbers": pl.DataFrame(
        {"usage": ['{"input":"10","input_cached_tokens":"5"}', '{"input":"3"}']}
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_path_in_every_shape(shape: str) -> None:
    frame = SHAPES[shape]
    fields = Fields(frame.schema)
    assert values(frame, fields.number("usage.input")) == [10.0, 3.0]
    assert values(frame, fields.bucket_sum("usage", ["input"])) == [15.0, 3.0]
    assert values(frame, fields.bucket_sum("usage", ["input_cached_tokens"])) == [5.0, None]


def test_a_flattened_column_stands_for_the_path() -> None:
    frame = pl.DataFrame({"period_start": [1]})
    assert values(frame, Fields(frame.schema).number("period.start")) == [1.0]


def test_a_nested_path_wins_over_a_flattened_name() -> None:
    # An invoice's own period_start is not its line's period.start.
    frame = pl.DataFrame({"period_start": [1], "period": [{"start": 2, "end": 3}]})
    assert values(frame, Fields(frame.schema).number("period.start")) == [2.0]


def test_missing_paths() -> None:
    frame = pl.DataFrame({"a": [{"b": 1}]})
    fields = Fields(frame.schema)
    assert not fields.has("a.c", "x")
    assert fields.found("x", "a.b") == "a.b"
    assert values(frame, fields.text("x")) == [None]


def test_sums_over_lists_of_objects() -> None:
    structs = pl.DataFrame({"d": [[{"amount": 100}, {"amount": 50}], [], None]})
    text = pl.DataFrame(
        {"d": ['[{"amount": 100, "discount": "di_1"}, {"amount": 50}]', "[]", None]}
    )
    for frame in (structs, text):
        assert values(frame, Fields(frame.schema).list_sum("d", "amount")) == [150.0, 0.0, None]


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ('"2026-03-02T00:42:19.160Z"', dt.datetime(2026, 3, 2, 0, 42, 19, 160000)),  # with quotes
        ("2026-03-02T00:42:19.160Z", dt.datetime(2026, 3, 2, 0, 42, 19, 160000)),
        ("2026-03-02 00:42:19.160000", dt.datetime(2026, 3, 2, 0, 42, 19, 160000)),  # ClickHouse
        ("2026-03-02 00:43:05.9", dt.datetime(2026, 3, 2, 0, 43, 5, 900000)),  # Postgres
        ("2026-03-02T01:42:19+01:00", dt.datetime(2026, 3, 2, 0, 42, 19)),
        ("2026-03-02 00:42", dt.datetime(2026, 3, 2, 0, 42)),  # Stripe's Dashboard
        ("2026-03-02", dt.datetime(2026, 3, 2)),
        ("next tuesday", None),
    ],
)
def test_times_as_exports_write_them(written: str, utc: dt.datetime | None) -> None:
    frame = pl.DataFrame({"t": [written]})
    assert values(frame, Fields(frame.schema).time("t")) == [utc]


def test_epoch_seconds_and_milliseconds() -> None:
    frame = pl.DataFrame({"s": [1772412139], "ms": [1772412139160]})
    fields = Fields(frame.schema)
    assert values(frame, fields.time("s")) == [dt.datetime(2026, 3, 2, 0, 42, 19)]
    assert values(frame, fields.time("ms")) == [dt.datetime(2026, 3, 2, 0, 42, 19, 160000)]


def test_flags() -> None:
    frame = pl.DataFrame({"f": ["true", "False", "1", "", None]})
    assert values(frame, Fields(frame.schema).flag("f")) == [True, False, True, None, None]


def test_sums_over_lists_that_are_always_empty() -> None:
    # No Stripe line in the file has a discount: the column is a list of nulls once read.
    frame = pl.read_json(b'[{"d": []}, {"d": []}, {"d": null}]')
    assert values(frame, Fields(frame.schema).list_sum("d", "amount")) == [0.0, 0.0, None]
