"""The dataset store: content-addressed, atomic, and honest about what is missing."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from locations import FIXTURES

import econ
from econ.inputs.cache import bytes_hash
from econ.storage import store as store_module
from econ.storage.store import (
    DatasetNotFoundError,
    DatasetStore,
    StoreLimits,
    StoreWriteError,
    default_data_dir,
)

USAGE = usage_frame([("a", "chat", "2026-01", 3, 1.5)])
REVENUE = revenue_frame([("a", "2026-01", 20, "Pro")])


def parquet_bytes(tmp_path: Path, frame: object, name: str) -> bytes:
    path = tmp_path / name
    frame.write_parquet(path)  # type: ignore[attr-defined]
    return path.read_bytes()


def test_put_then_load(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path / "data")
    usage, revenue = parquet_bytes(tmp_path, USAGE, "u"), parquet_bytes(tmp_path, REVENUE, "r")
    dataset_id = store.put(usage, revenue, usage_name="u.parquet", revenue_name="r.parquet")
    assert len(dataset_id) == 32 and int(dataset_id, 16) >= 0
    data = store.load(dataset_id)
    assert data.usage_name == "u.parquet"
    assert data.revenue["mrr_usd"].to_list() == [20.0]


def test_same_bytes_same_id_and_files_are_stored_once(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    usage, revenue = parquet_bytes(tmp_path, USAGE, "u"), parquet_bytes(tmp_path, REVENUE, "r")
    first = store.put(usage, revenue, usage_name="a", revenue_name="b")
    second = store.put(usage, revenue, usage_name="a", revenue_name="b")
    assert first == second
    assert len(list((tmp_path / "blobs").iterdir())) == 2
    other = store.put(revenue, usage, usage_name="b", revenue_name="a")
    assert other != first  # the pair, in order, is the identity


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    store.put(b"usage", b"revenue", usage_name="u", revenue_name="r")
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_missing_datasets(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    with pytest.raises(DatasetNotFoundError):
        store.find("0" * 32)
    dataset_id = store.put(b"u", b"r", usage_name="u", revenue_name="r")
    next((tmp_path / "blobs").iterdir()).unlink()  # a blob vanished
    with pytest.raises(DatasetNotFoundError):
        store.find(dataset_id)


def test_bad_stored_bytes_raise_input_errors(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    dataset_id = store.put(b"not parquet", b"nor this", usage_name="u.pq", revenue_name="r.pq")
    with pytest.raises(econ.InputError) as error:
        store.load(dataset_id)
    assert {p.source for p in error.value.problems} == {"u.pq", "r.pq"}
    store.forget(dataset_id)
    with pytest.raises(DatasetNotFoundError):
        store.find(dataset_id)


def test_the_sample_is_always_there(tmp_path: Path) -> None:
    stored = DatasetStore(tmp_path).find("sample")
    assert (stored.usage_path, stored.revenue_path) == econ.sample_paths()


def test_data_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECON_DATA_DIR", str(tmp_path / "here"))
    assert default_data_dir() == tmp_path / "here"
    monkeypatch.delenv("ECON_DATA_DIR")
    assert default_data_dir().name in {".data", "econ"}


def test_several_files_a_side_are_one_table(tmp_path: Path) -> None:
    """API pages (or a month a file) uploaded together are stored and read as one export."""
    fixtures = FIXTURES
    pages = tuple(
        (fixtures / f"openai_usage_completions_page{n}.json").read_bytes() for n in (1, 2, 3)
    )
    revenue = (fixtures / "stripe_dashboard_subscriptions.csv").read_bytes()
    store = DatasetStore(tmp_path)
    one_page = store.put(pages[0], revenue, usage_name="p1.json", revenue_name="subs.csv")
    all_pages = store.put(pages, revenue, usage_name="p1.json and 2 more", revenue_name="subs.csv")
    assert one_page != all_pages
    stored = store.find(all_pages)
    assert isinstance(stored.usage_path, tuple) and len(stored.usage_path) == 3
    kept = store.load(all_pages, econ.IngestOptions(on_invalid="drop"))  # as the app loads
    months = kept.usage["month"].unique().sort()
    assert [f"{m:%Y-%m}" for m in months] == ["2026-07", "2026-08", "2026-09"]
    assert store.find(all_pages) == stored  # the manifest reads back the same


# Storage that cannot be filled or left dirty -------------------------------------------------

STRICT = econ.IngestOptions()
DROP = econ.IngestOptions(on_invalid="drop")
BAD_USAGE = usage_frame([("a", "chat", "2026-01", 3, 1.5), ("a", "chat", "2026-01", -1, 0.5)])


def files_under(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def stored_blobs(root: Path) -> set[str]:
    return {path.stem for path in (root / "blobs").iterdir()}


def test_a_refused_upload_leaves_no_file(tmp_path: Path) -> None:
    root = tmp_path / "data"
    store = DatasetStore(root)
    good_usage = parquet_bytes(tmp_path, USAGE, "u")
    revenue = parquet_bytes(tmp_path, REVENUE, "r")
    store.add(good_usage, revenue, usage_name="u", revenue_name="r", options=DROP)
    before = files_under(root)
    with pytest.raises(econ.InputError):  # not a table at all
        store.add(b"\x00\x01 not a table", revenue, usage_name="x", revenue_name="r")
    assert files_under(root) == before
    bad_usage = parquet_bytes(tmp_path, BAD_USAGE, "bad")
    with pytest.raises(econ.InputError):  # a row breaks a rule: refused when reading is strict
        store.add(bad_usage, revenue, usage_name="bad", revenue_name="r", options=STRICT)
    assert files_under(root) == before
    # The app keeps the usable rows: then the dataset is used, so it is stored.
    added = store.add(bad_usage, revenue, usage_name="bad", revenue_name="r", options=DROP)
    assert added.unstored is None and added.data.dropped.height == 1
    assert (
        store.find(added.dataset_id).usage_path == root / "blobs" / f"{bytes_hash(bad_usage)}.bin"
    )
    assert store.load(added.dataset_id, DROP).usage_rows == 1


def test_an_added_dataset_is_loaded_once_and_found_again(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    usage, revenue = parquet_bytes(tmp_path, USAGE, "u"), parquet_bytes(tmp_path, REVENUE, "r")
    added = store.add(usage, revenue, usage_name="u", revenue_name="r", options=DROP)
    assert store.load(added.dataset_id, DROP) is added.data  # handed over from memory
    again = DatasetStore(tmp_path).load(added.dataset_id, DROP)  # a restarted server
    assert again.revenue.equals(added.data.revenue)
    assert added.dataset_id == store.put(usage, revenue, usage_name="u", revenue_name="r")


def put_pair(store: DatasetStore, usage: bytes, revenue: bytes = b"shared revenue") -> str:
    return store.put(usage, revenue, usage_name="u", revenue_name="r")


def test_the_datasets_used_least_recently_go_first(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path, StoreLimits(max_datasets=2))
    first, second = put_pair(store, b"first"), put_pair(store, b"second")
    store.mark_used(first)  # opened through a link: "second" is now the oldest
    third = put_pair(store, b"third")
    assert sorted(p.stem for p in (tmp_path / "datasets").iterdir()) == sorted([first, third])
    with pytest.raises(DatasetNotFoundError):
        store.find(second)
    with pytest.raises(econ.InputError):
        store.load(first)  # loading counts as a use too (its bytes are not a table)
    put_pair(store, b"fourth")
    store.find(first)
    with pytest.raises(DatasetNotFoundError):
        store.find(third)
    assert store.find("sample").usage_path.exists()  # the sample is never in the store's count


def test_a_blob_another_kept_dataset_names_is_kept(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path, StoreLimits(max_datasets=1))
    old = put_pair(store, b"old usage")
    new = put_pair(store, b"new usage")
    with pytest.raises(DatasetNotFoundError):
        store.find(old)
    assert stored_blobs(tmp_path) == {bytes_hash(b"new usage"), bytes_hash(b"shared revenue")}
    store.find(new)
    store.forget(new)
    assert stored_blobs(tmp_path) == set()


def test_the_byte_bound_counts_each_blob_once_and_keeps_the_newest(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path, StoreLimits(max_bytes=1000))
    big = put_pair(store, b"x" * 2000)  # alone over the bound, but the newest: kept
    store.find(big)
    small = [put_pair(store, bytes([n]) * 300) for n in range(3)]  # 3 × 300 + the revenue
    with pytest.raises(DatasetNotFoundError):
        store.find(big)
    for dataset_id in small:
        store.find(dataset_id)
    put_pair(store, b"y" * 300)  # over 1000 bytes with all three: the oldest goes
    with pytest.raises(DatasetNotFoundError):
        store.find(small[0])
    store.find(small[1])


def test_bounds_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert StoreLimits.from_environment() == StoreLimits(100, 10_240 * 1_000_000)
    monkeypatch.setenv("ECON_MAX_DATASETS", "7")
    monkeypatch.setenv("ECON_MAX_STORE_MB", "1.5")
    assert StoreLimits.from_environment() == StoreLimits(7, 1_500_000)
    monkeypatch.setenv("ECON_MAX_DATASETS", "many")
    monkeypatch.setenv("ECON_MAX_STORE_MB", "-1")
    assert StoreLimits.from_environment() == StoreLimits()


def test_a_lowered_bound_applies_when_the_store_is_opened(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    kept = [put_pair(store, bytes([n])) for n in range(3)][-1]
    DatasetStore(tmp_path, StoreLimits(max_datasets=1))
    assert [p.stem for p in (tmp_path / "datasets").iterdir()] == [kept]


def left(path: Path, content: bytes | None, seconds_ago: float = 3600) -> Path:
    """A file (or, with no content, a folder) last written ``seconds_ago``."""
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    then = time.time() - seconds_ago
    os.utime(path, (then, then))
    return path


def test_opening_sweeps_temporary_files_a_killed_process_left(tmp_path: Path) -> None:
    store = DatasetStore(tmp_path)
    dataset_id = put_pair(store, b"kept")
    blobs, rollups = tmp_path / "blobs", tmp_path / "rollups"
    stale = [
        left(blobs / f".{'0' * 64}.bin.abc123.tmp", b"half an upload"),
        left(tmp_path / "datasets" / f".{dataset_id}.json.x1.tmp", b"{"),
        left(tmp_path / "datasets" / ".probe.x2.tmp", b""),
    ]
    others = left(tmp_path / ".not.ours.tmp", b"")  # the data directory itself is not swept
    staging = left(rollups / ".somekey.x3.tmp", None)  # the cache's, half written
    left(staging / "usage.parquet", b"PAR1")
    os.utime(staging, (time.time() - 3600,) * 2)
    orphan = left(blobs / f"{'1' * 64}.bin", b"a blob no dataset names, left long ago")
    fresh = left(blobs / ".fresh.bin.x4.tmp", b"a writer at work", seconds_ago=0)
    busy = left(rollups / ".busy.x5.tmp", None)  # old, but a file was just written into it
    left(busy / "usage.parquet", b"PAR1", seconds_ago=0)
    os.utime(busy, (time.time() - 3600,) * 2)
    young_orphan = left(blobs / f"{'2' * 64}.bin", b"about to be named", seconds_ago=0)

    DatasetStore(tmp_path)
    assert [path for path in [*stale, staging, orphan] if path.exists()] == []
    assert fresh.exists() and busy.exists() and young_orphan.exists() and others.exists()
    store.find(dataset_id)


# A data directory that is full or read-only --------------------------------------------------


@pytest.fixture(params=["read-only", "not a folder"])
def unwritable(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A data directory holding one stored dataset that can no longer be written: read-only
    (chmod, which does not bind root), or whose path runs through a file (which binds anyone)."""
    if request.param == "not a folder":
        (tmp_path / "file").write_text("")
        return tmp_path / "file" / "data"
    if os.geteuid() == 0:
        pytest.skip("root writes through a read-only mode")
    root = tmp_path / "data"
    DatasetStore(root)
    for folder in (root, *root.iterdir()):
        folder.chmod(0o500)
    request.addfinalizer(lambda: [f.chmod(0o700) for f in (root, *root.iterdir())])
    return root


def test_an_unwritable_data_dir_is_analyzed_without_the_store(
    unwritable: Path, tmp_path: Path
) -> None:
    store = DatasetStore(unwritable)  # opening sweeps and evicts: neither may fail
    assert store.write_problem() in {
        "the server's data directory is read-only",
        "the server's data directory cannot be written (Not a directory)",
    }
    before = files_under(unwritable) if unwritable.exists() else set()
    assert store.load("sample", DROP).usage_rows > 0  # without the rollup cache
    usage, revenue = parquet_bytes(tmp_path, USAGE, "u"), parquet_bytes(tmp_path, REVENUE, "r")
    added = store.add(usage, revenue, usage_name="u", revenue_name="r", options=DROP)
    assert added.unstored == store.write_problem()
    assert added.data.revenue["mrr_usd"].to_list() == [20.0]
    assert store.load(added.dataset_id, DROP) is added.data  # held in memory, not handed once
    assert store.load(added.dataset_id, DROP) is added.data
    with pytest.raises(DatasetNotFoundError):
        DatasetStore(unwritable).load(added.dataset_id, DROP)  # another process: not there
    assert (files_under(unwritable) if unwritable.exists() else set()) == before


def no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_holds_the_upload_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data"
    store = DatasetStore(root)
    usage, revenue = parquet_bytes(tmp_path, USAGE, "u"), parquet_bytes(tmp_path, REVENUE, "r")
    before = files_under(root)
    monkeypatch.setattr(store_module, "_write_temporary", no_space)  # here and in any temp dir
    monkeypatch.setattr(pl.DataFrame, "write_parquet", no_space)  # the rollup cache
    assert store.write_problem() == "the disk holding the server's data directory is full"
    added = store.add(usage, revenue, usage_name="u", revenue_name="r", options=DROP)
    assert added.unstored == "the disk holding the server's data directory is full"
    assert store.load(added.dataset_id, DROP).revenue["mrr_usd"].to_list() == [20.0]
    # Several files a side cannot be read from memory: refused, saying why.
    with pytest.raises(StoreWriteError, match="full"):
        store.add((usage, usage), revenue, usage_name="u", revenue_name="r", options=DROP)
    assert files_under(root) == before


@pytest.mark.parametrize(
    "error",
    [
        pl.exceptions.ComputeError("No space left on device (os error 28)"),
        OSError(errno.ENOSPC, ""),
    ],
)
def test_a_full_disk_while_caching_only_skips_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise error

    store = DatasetStore(tmp_path)
    usage, revenue = parquet_bytes(tmp_path, USAGE, "u"), parquet_bytes(tmp_path, REVENUE, "r")
    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    added = store.add(usage, revenue, usage_name="u", revenue_name="r", options=DROP)
    assert added.unstored is None  # the files were written; only the cache was not
    assert list((tmp_path / "rollups").iterdir()) == []  # nothing half-written
    assert DatasetStore(tmp_path).load(added.dataset_id, DROP).usage_rows == 1


def test_a_reopened_dataset_keeps_its_users_and_seats(tmp_path: Path) -> None:
    usage = USAGE.with_columns(pl.lit("u1").alias("user_id"))
    revenue = REVENUE.with_columns(pl.lit(4).alias("seats"))
    root = tmp_path / "data"
    u, r = parquet_bytes(tmp_path, usage, "u"), parquet_bytes(tmp_path, revenue, "r")
    dataset_id = DatasetStore(root).put(u, r, usage_name="u", revenue_name="r")
    first = DatasetStore(root).load(dataset_id)  # read from the files, then cached
    again = DatasetStore(root).load(dataset_id)  # from the rollup cache
    for data in (first, again):
        assert data.users is not None
        assert data.users["users"].to_list() == [1]
        assert data.prepared.revenue_usage["users"].to_list() == [1]
        assert data.revenue["seats"].to_list() == [4]
    plain = DatasetStore(root).put(
        parquet_bytes(tmp_path, USAGE, "u0"), r, usage_name="u0", revenue_name="r"
    )
    for _ in range(2):
        data = DatasetStore(root).load(plain)
        assert data.users is None
        assert data.prepared.revenue_usage["users"].to_list() == [None]
