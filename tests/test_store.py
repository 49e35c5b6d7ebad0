"""The dataset store: content-addressed, atomic, and honest about what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import revenue_frame, usage_frame

import econ
from econ.store import DatasetNotFoundError, DatasetStore, default_data_dir

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
    fixtures = Path(__file__).resolve().parent / "fixtures" / "imports"
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
