"""The rollup cache: a dataset read once is re-opened from disk, exactly as it was."""

from __future__ import annotations

import datetime as dt
import errno
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from builders import WriteParquet

import econ
from econ.errors import Problem
from econ.inputs import cache
from econ.inputs.ingest import assemble


@pytest.fixture
def files(write_parquet: WriteParquet) -> tuple[Path, Path]:
    usage = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c"],
            "feature_id": ["chat", "search", "chat", "chat", "chat"],
            "month": [dt.date(2026, 1, 1)] * 4 + [dt.date(2026, 2, 1)],
            "calls": [3, 1, 2, -1, 4],  # one bad row, dropped when reading keeps usable rows
            "cost_usd": [0.3, 0.05, 0.2, 0.1, 0.4],
        }
    )
    revenue = pl.DataFrame(
        {
            "customer_id": ["a", "b", "b"],
            "month": [dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)],
            "mrr_usd": [49.0, 99.0, 99.0],
            "plan": ["Lite", "Pro", "Pro"],
            "region": ["EU", None, None],
        }
    )
    return write_parquet("usage.parquet", usage), write_parquet("revenue.parquet", revenue)


DROP = econ.IngestOptions(on_invalid="drop")


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count loads that read the files (not the cache)."""
    reads: list[int] = []
    original = assemble._read_dataset

    def reading(*args: Any, **kwargs: Any) -> econ.Dataset:
        reads.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(assemble, "_read_dataset", reading)
    return reads


def assert_same(left: econ.Dataset, right: econ.Dataset) -> None:
    for name in ("usage", "revenue", "dropped", "pricing"):
        assert getattr(left, name).equals(getattr(right, name)), name
    for name in ("revenue_usage", "cells", "unbilled", "segment_values"):
        assert getattr(left.prepared, name).equals(getattr(right.prepared, name)), name
    assert left.prepared.plans == right.prepared.plans
    assert left.prepared.months == right.prepared.months
    for name in ("segment_columns", "usage_rows", "usage_name", "revenue_name", "notes"):
        assert getattr(left, name) == getattr(right, name), name
    assert [p.message() for p in left.dropped_problems] == [
        p.message() for p in right.dropped_problems
    ]


def test_second_load_comes_from_the_cache(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = counting(monkeypatch)
    first = econ.load_dataset(*files, options=DROP, cache_dir=tmp_path / "cache")
    again = econ.load_dataset(*files, options=DROP, cache_dir=tmp_path / "cache")
    assert len(reads) == 1
    assert first.dropped_problems, "the bad row was reported"
    assert_same(first, again)
    report, cached_report = (econ.analyze_dataset(d, econ.Scenario()) for d in (first, again))
    assert report.to_dict() == cached_report.to_dict()


def test_any_change_in_what_was_read_is_a_new_entry(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = counting(monkeypatch)
    where = tmp_path / "cache"
    econ.load_dataset(*files, options=DROP, cache_dir=where)
    econ.load_dataset(*files, options=DROP, cache_dir=where, usage_name="renamed.parquet")
    econ.load_dataset(
        *files,
        options=DROP,
        cache_dir=where,
        revenue_spec=econ.ImportSpec(through="2026-06"),
    )
    usage, revenue = files
    pl.read_parquet(usage).head(4).write_parquet(usage)  # new bytes
    econ.load_dataset(usage, revenue, options=DROP, cache_dir=where)
    assert len(reads) == 4
    assert len([p for p in where.iterdir() if not p.name.startswith(".")]) == 4


def test_a_refused_file_is_not_cached(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = counting(monkeypatch)
    for _ in range(2):
        with pytest.raises(econ.InputError):
            econ.load_dataset(*files, cache_dir=tmp_path / "cache")  # strict: the bad row refuses
    assert len(reads) == 2
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_a_damaged_entry_is_read_again(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "cache"
    first = econ.load_dataset(*files, options=DROP, cache_dir=where)
    (entry,) = where.iterdir()
    (entry / "cells.parquet").write_bytes(b"not parquet")
    reads = counting(monkeypatch)
    again = econ.load_dataset(*files, options=DROP, cache_dir=where)
    assert len(reads) == 1
    assert_same(first, again)
    econ.load_dataset(*files, options=DROP, cache_dir=where)  # written anew, so now a hit
    assert len(reads) == 1


def test_the_least_recently_used_entries_go(files: tuple[Path, Path], tmp_path: Path) -> None:
    where = tmp_path / "cache"
    small = cache.RollupCache(where, max_entries=2)
    data = econ.load_dataset(*files, options=DROP)
    for key in ("first", "second"):
        small.save(key, data)
    assert small.load("first") is not None  # a use: "second" is now the oldest
    small.save("third", data)
    assert sorted(p.name for p in where.iterdir()) == ["first", "third"]


def test_frames_are_never_cached(tmp_path: Path) -> None:
    usage, revenue = econ.sample_paths()
    econ.load_dataset(pl.read_parquet(usage), revenue, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_content_hash_of_folders_globs_and_lists(tmp_path: Path) -> None:
    for index in range(3):
        pl.DataFrame({"x": [index]}).write_parquet(tmp_path / f"part-{index}.parquet")
    parts = sorted(tmp_path.glob("*.parquet"))
    folder = cache.content_hash(tmp_path)
    assert folder == cache.content_hash(str(tmp_path / "*.parquet"))
    assert folder == cache.content_hash(parts)
    assert folder != cache.content_hash(parts[:2])
    assert cache.content_hash(parts[0]) == cache.bytes_hash(parts[0].read_bytes())
    assert cache.content_hash(pl.DataFrame({"x": [1]})) is None


def test_problem_examples_keep_their_types() -> None:
    problem = Problem(
        "usage.parquet",
        "cost_usd",
        "must be zero or more",
        2,
        {
            "row": 7,
            "month": dt.date(2026, 1, 1),
            "at": dt.datetime(2026, 1, 2, 3, 4),
            "cost_usd": -1.5,
            "tags": ["a", "b"],
        },
    )
    again = cache._problem_from_json(cache._problem_to_json(problem))
    assert again.message() == problem.message()


@pytest.mark.parametrize(
    "error",
    [
        pl.exceptions.ComputeError("parquet: underlying IO error: No space left on device"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_a_full_disk_means_no_cache_not_an_error(
    files: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    where = tmp_path / "cache"
    data = econ.load_dataset(*files, options=DROP)

    def full(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    assert cache.RollupCache(where).save("key", data) is False
    assert list(where.iterdir()) == []  # no half-written staging folder
    again = econ.load_dataset(*files, options=DROP, cache_dir=where)
    assert_same(data, again)
    monkeypatch.undo()
    assert cache.RollupCache(where).save("key", data) is True


def test_a_cache_that_cannot_be_written_is_still_read(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "cache"
    first = econ.load_dataset(*files, options=DROP, cache_dir=where)
    reads = counting(monkeypatch)

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(cache.os, "utime", read_only)  # marking a use is a write
    monkeypatch.setattr(cache.tempfile, "mkdtemp", read_only)
    assert_same(first, econ.load_dataset(*files, options=DROP, cache_dir=where))
    assert len(reads) == 0  # a hit, though its use could not be recorded
    econ.load_dataset(*files, options=DROP, cache_dir=where, usage_name="other.parquet")
    assert len(reads) == 1  # a miss is read from the files and not written
    assert len(list(where.iterdir())) == 1
