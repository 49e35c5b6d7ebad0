"""The rollup vouched for by a file's statistics equals the one checked row by row."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import econ
from econ.inputs.ingest import usage
from econ.inputs.readers import ColumnFacts, open_table, parquet_facts
from econ.inputs.rollup import vouched_rollup

SETTINGS = settings(max_examples=60)
START = dt.datetime(2025, 11, 28)


@st.composite
def ledgers(draw: st.DrawFn) -> pl.DataFrame:
    """Clean per-call ledgers in the shapes real files come in."""
    count = draw(st.integers(1, 60))
    seconds = draw(st.lists(st.integers(0, 90 * 86_400), min_size=count, max_size=count))
    unit = draw(st.sampled_from(["ms", "us", "ns"]))
    zone = draw(st.sampled_from([None, "UTC", "America/New_York", "Asia/Tokyo"]))
    times = pl.Series([START + dt.timedelta(seconds=x) for x in seconds], dtype=pl.Datetime(unit))
    if zone:
        times = times.dt.replace_time_zone(zone)
    columns: dict[str, Any] = {
        "customer_id": draw(
            st.lists(st.sampled_from(["a", "b", "c7"]), min_size=count, max_size=count)
        ),
        "feature_id": draw(
            st.lists(st.sampled_from(["chat", "search"]), min_size=count, max_size=count)
        ),
        "timestamp": times,
        "cost_usd": draw(
            st.lists(
                st.floats(0, 3, allow_nan=False).map(lambda x: round(x, 6)),
                min_size=count,
                max_size=count,
            )
        ),
    }
    frame = pl.DataFrame(columns)
    if draw(st.booleans()):
        frame = frame.with_columns(
            pl.col("customer_id").replace({"a": "101", "b": "102", "c7": "7"}).cast(pl.Int64)
        )
    if draw(st.booleans()):
        frame = frame.with_columns(pl.col("feature_id").cast(pl.Categorical))
    if draw(st.booleans()):
        frame = frame.with_columns(
            pl.Series("calls", draw(st.lists(st.integers(0, 9), min_size=count, max_size=count)))
        )
    tokens = draw(st.sampled_from(["none", "full", "some", "all_null"]))
    if tokens != "none":
        values = draw(st.lists(st.integers(0, 5000), min_size=count, max_size=count))
        if tokens == "some":
            values = [v if i % 3 else None for i, v in enumerate(values)]
        if tokens == "all_null":
            values = [None] * count
        frame = frame.with_columns(pl.Series("input_tokens", values, dtype=pl.Int64))
    if draw(st.booleans()):
        frame = frame.with_columns(pl.col("cost_usd").cast(pl.Float32))
    return _with_users(draw, _with_outcomes(draw, frame))


def _with_users(draw: st.DrawFn, frame: pl.DataFrame) -> pl.DataFrame:
    """No user column, or users as text (some calls naming none: null or empty), categorical
    or whole numbers."""
    kind = draw(st.sampled_from(["none", "text", "categorical", "integers"]))
    if kind == "none":
        return frame
    names = st.sampled_from(["u1", "u2", "u3", "", None])
    values = draw(st.lists(names, min_size=frame.height, max_size=frame.height))
    users = pl.Series("user_id", values, dtype=pl.String)
    if kind == "categorical":
        users = users.cast(pl.Categorical)
    if kind == "integers":
        numbers = {"u1": 1, "u2": 2, "u3": 3, "": None, None: None}
        users = pl.Series("user_id", [numbers[v] for v in values], dtype=pl.Int64)
    return frame.with_columns(users)


def _with_outcomes(draw: st.DrawFn, frame: pl.DataFrame) -> pl.DataFrame:
    """No outcome column, per-call flags, or counts of successful calls (each at most the row's
    calls; some empty, or a narrower integer type)."""
    kind = draw(st.sampled_from(["none", "flags", "counts", "some_empty", "int32"]))
    if kind == "none":
        return frame
    calls = frame["calls"].to_list() if "calls" in frame.columns else [1] * frame.height
    parts = draw(st.lists(st.floats(0, 1), min_size=frame.height, max_size=frame.height))
    counts: list[int | None] = [int(c * part) for c, part in zip(calls, parts, strict=True)]
    if kind == "flags":
        return frame.with_columns(pl.Series("outcome", [bool(c) for c in counts]))
    if kind == "some_empty":
        counts = [c if i % 2 else None for i, c in enumerate(counts)]
    dtype = pl.Int32 if kind == "int32" else pl.Int64
    return frame.with_columns(pl.Series("outcome", counts, dtype=dtype))


def spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, per load, whether the statistics vouched for the file."""
    taken: list[bool] = []

    def recording(*args: Any, **kwargs: Any) -> pl.DataFrame | None:
        result = vouched_rollup(*args, **kwargs)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(usage, "vouched_rollup", recording)
    return taken


def sorted_rollup(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("customer_id", "feature_id", "month")


@pytest.mark.slow
@SETTINGS
@given(ledgers(), st.integers(1, 3))
def test_statistics_and_row_checks_give_the_same_rollup(
    tmp_path_factory: pytest.TempPathFactory, frame: pl.DataFrame, row_groups: int
) -> None:
    path = tmp_path_factory.mktemp("ledger") / "usage.parquet"
    frame.write_parquet(path, row_group_size=max(1, frame.height // row_groups))
    with pytest.MonkeyPatch.context() as patch:
        taken = spy(patch)
        fast = econ.load_usage(path)
        slow = econ.load_usage(path, options=econ.IngestOptions(use_statistics=False))
    assert taken == [True]  # the first load was vouched for; the second never asked
    assert fast.rows_read == slow.rows_read == frame.height
    left, right = sorted_rollup(fast.rollup), sorted_rollup(slow.rollup)
    assert left.drop("cost_usd").equals(right.drop("cost_usd"))
    assert left["cost_usd"].to_list() == pytest.approx(right["cost_usd"].to_list())
    assert fast.pricing.drop("cost_usd").equals(slow.pricing.drop("cost_usd"))
    if "user_id" in frame.columns:
        assert fast.users is not None and slow.users is not None
        assert fast.users.equals(slow.users)
    else:
        assert fast.users is None and slow.users is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda f: f.with_columns(pl.lit(-1.0).alias("cost_usd")), "negative cost"),
        (lambda f: f.with_columns(pl.lit(math.nan).alias("cost_usd")), "NaN cost"),
        (lambda f: f.with_columns(pl.lit(math.inf).alias("cost_usd")), "infinite cost"),
        (lambda f: f.with_columns(pl.lit(None, pl.Float64).alias("cost_usd")), "no cost"),
        (lambda f: f.with_columns(pl.lit("").alias("feature_id")), "empty feature"),
        (lambda f: f.with_columns(pl.lit("x" * 300).alias("customer_id")), "long id"),
        (
            lambda f: f.with_columns(pl.lit(dt.datetime(1970, 1, 5)).alias("timestamp")),
            "before 1990",
        ),
        (lambda f: f.with_columns(pl.lit(-2).alias("calls")), "negative calls"),
        (lambda f: f.with_columns(pl.col("customer_id").cast(pl.Float64)), "float ids"),
        (lambda f: f.with_columns(pl.Series("outcome", [1, 3])), "more outcomes than calls"),
        (lambda f: f.with_columns(pl.lit(-1).alias("outcome")), "negative outcomes"),
        (lambda f: f.with_columns(pl.lit(0.5).alias("outcome")), "fractional outcomes"),
        (lambda f: f.with_columns(pl.lit("yes").alias("outcome")), "outcomes as text"),
    ],
)
def test_anything_in_doubt_goes_row_by_row(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[pl.DataFrame], pl.DataFrame],
    reason: str,
) -> None:
    frame = pl.DataFrame(
        {
            "customer_id": ["101", "102"],
            "feature_id": ["chat", "chat"],
            "timestamp": [START, START],
            "cost_usd": [0.5, 0.25],
            "calls": [1, 2],
        }
    )
    if reason == "float ids":
        frame = frame.with_columns(pl.col("customer_id").cast(pl.Int64))
    path = tmp_path / "usage.parquet"
    change(frame).write_parquet(path)
    taken = spy(monkeypatch)
    with contextlib.suppress(econ.InputError):  # the general path names the problem
        econ.load_usage(path)
    assert taken == [False], reason


def test_outcomes_roll_up_alike_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = pl.DataFrame(
        {
            "customer_id": ["101", "101", "102", "102"],
            "feature_id": ["chat", "chat", "chat", "search"],
            "timestamp": [START, START + dt.timedelta(days=1), START, START],
            "cost_usd": [0.5, 0.25, 0.25, 1.0],
            "calls": [4, 3, 2, 0],
            "outcome": [4, None, 1, 0],
        }
    )
    path = tmp_path / "usage.parquet"
    frame.write_parquet(path)
    taken = spy(monkeypatch)
    fast = econ.load_usage(path)
    slow = econ.load_usage(path, options=econ.IngestOptions(use_statistics=False))
    assert taken == [True]
    assert sorted_rollup(fast.rollup).equals(sorted_rollup(slow.rollup))
    outcomes = dict(
        zip(
            sorted_rollup(fast.rollup)["feature_id"] + sorted_rollup(fast.rollup)["customer_id"],
            sorted_rollup(fast.rollup)["outcomes"],
            strict=True,
        )
    )
    assert outcomes == {"chat101": 4, "chat102": 1, "search102": 0}  # empty counts as 0
    without = econ.load_usage(frame.drop("outcome"))
    assert without.rollup["outcomes"].null_count() == without.rollup.height


def test_parquet_statistics_cover_every_row_group_and_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    table = pa.table({"x": [3.0, None, 7.5], "y": pa.array([None, None, None], pa.int64())})
    pq.write_table(table, first, row_group_size=1)
    pq.write_table(pa.table({"x": [-1.0], "y": pa.array([4], pa.int64())}), second)
    facts = parquet_facts([pq.read_metadata(first), pq.read_metadata(second)])
    assert facts["x"] == ColumnFacts(nulls=1, low=-1.0, high=7.5, rows=4)
    assert facts["y"] == ColumnFacts(nulls=3, low=4, high=4, rows=4)


def test_missing_statistics_are_unknown(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0]}), path, write_statistics=False)
    facts = parquet_facts([pq.read_metadata(path)])
    assert facts["x"].low is None
    assert facts["x"].high is None


def test_frames_in_memory_have_facts_too() -> None:
    frame = pl.DataFrame({"x": [2.0, None, -1.0], "name": ["a", None, "c"]})
    facts = open_table(frame, "f").facts
    assert facts["x"] == ColumnFacts(nulls=1, low=-1.0, high=2.0, rows=3)
    assert facts["name"].nulls == 1


def test_users_are_counted_per_customer_month_alike_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 101 in Nov: u1 on chat and search (once), u2 on chat -> 2; in Dec: a call naming no user
    # and one naming "" -> 0. 102 in Nov: u1 -> 1 (users are counted per customer).
    frame = pl.DataFrame(
        {
            "customer_id": ["101", "101", "101", "101", "101", "102"],
            "feature_id": ["chat", "search", "chat", "chat", "chat", "chat"],
            "timestamp": [START] * 3 + [START + dt.timedelta(days=5)] * 2 + [START],
            "cost_usd": [0.5, 0.25, 0.25, 1.0, 1.0, 2.0],
            "user_id": ["u1", "u1", "u2", None, "", "u1"],
        }
    )
    path = tmp_path / "usage.parquet"
    frame.write_parquet(path)
    taken = spy(monkeypatch)
    fast = econ.load_usage(path)
    slow = econ.load_usage(path, options=econ.IngestOptions(use_statistics=False))
    assert taken == [True]
    expected = pl.DataFrame(
        {
            "customer_id": ["101", "101", "102"],
            "month": [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2025, 11, 1)],
            "users": [2, 0, 1],
        }
    )
    assert fast.users is not None and fast.users.equals(expected)
    assert slow.users is not None and slow.users.equals(expected)


def test_a_user_id_breaking_the_id_rules_goes_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = pl.DataFrame(
        {
            "customer_id": ["101", "102"],
            "feature_id": ["chat", "chat"],
            "timestamp": [START, START],
            "cost_usd": [0.5, 0.25],
            "user_id": ["u1", "bad\x00id"],
        }
    )
    path = tmp_path / "usage.parquet"
    frame.write_parquet(path)
    taken = spy(monkeypatch)
    with pytest.raises(econ.InputError, match="user_id"):
        econ.load_usage(path)
    assert taken == [False]
    kept = econ.load_usage(path, options=econ.IngestOptions(on_invalid="drop"))
    assert kept.users is not None and kept.users["users"].to_list() == [1]
