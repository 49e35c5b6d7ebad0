"""The app's storage, driven headlessly: a refused upload leaves nothing on disk, and a data
directory that cannot be written (read-only, or not a folder at all) still shows the data."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from app_support import PAGES, land, open_app, parquet, upload_files
from builders import revenue_frame, usage_frame
from locations import FIXTURES
from streamlit.testing.v1 import AppTest

import econ
from econ.scenario.link import encode_link
from ui import session

pytestmark = pytest.mark.app

NOTICE = "Nothing can be saved on this server now"
SMALL_USAGE = usage_frame(
    [("a", "write", "2026-01", 100, 20.0), ("b", "research", "2026-01", 10, 150.0)]
)
SMALL_REVENUE = revenue_frame([("a", "2026-01", 100, "Solo"), ("b", "2026-01", 300, "Team")])


@pytest.fixture(params=["read-only", "not a folder"])
def unwritable(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The app's data directory, which cannot be written: read-only (chmod, which does not bind
    root), or whose path runs through a file (which binds anyone)."""
    if request.param == "not a folder":
        (tmp_path / "file").write_text("")
        folder = tmp_path / "file" / "econ-data"
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes through a read-only mode")
        folder = tmp_path / "econ-data"
        folder.mkdir(mode=0o500)
        request.addfinalizer(lambda: folder.chmod(0o700))
    monkeypatch.setenv("ECON_DATA_DIR", str(folder))
    return folder


def warnings_of(at: object) -> list[str]:
    return [w.value for w in at.warning]  # type: ignore[attr-defined]


def test_the_sample_opens_with_an_unwritable_data_dir_and_says_so_once(unwritable: Path) -> None:
    at = land()  # the notice is on the page the app opens on
    notices = [w for w in warnings_of(at) if NOTICE in w]
    assert len(notices) == 1 and "analyzed without its cache" in notices[0]
    at.switch_page(PAGES["data"]).run()
    assert any("bundled sample data" in info.value for info in at.info)
    assert {m.label: m.value for m in at.metric}["Customers"] == "2,000"
    assert not [w for w in warnings_of(at) if NOTICE in w]  # once, not on every run


def test_an_upload_to_an_unwritable_data_dir_is_analyzed_from_memory(unwritable: Path) -> None:
    at = open_app()
    at.file_uploader(key="upload_usage").upload("my_usage.parquet", parquet(SMALL_USAGE))
    at.file_uploader(key="upload_revenue").upload("my_revenue.parquet", parquet(SMALL_REVENUE))
    at.run()
    at.button(key="load_files").click().run()
    assert not at.exception
    assert at.session_state[session.DATASET_ID] != "sample"
    assert {m.label: m.value for m in at.metric}["Customers"] == "2"
    assert any("kept in memory only" in w for w in warnings_of(at))


def test_a_refused_upload_leaves_nothing_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "econ-data"
    monkeypatch.setenv("ECON_DATA_DIR", str(data_dir))
    at = upload_files(
        open_app(),
        FIXTURES / "litellm_daily_tag_spend.csv",
        FIXTURES / "baremetrics_subscriptions.csv",
    )
    before = sorted(data_dir.rglob("*"))
    at.button(key="load_files").click().run()  # no customer source chosen: refused
    assert at.session_state[session.DATASET_ID] == "sample"
    assert sorted(data_dir.rglob("*")) == before


def upload(at: AppTest, usage: pl.DataFrame) -> str:
    at.file_uploader(key="upload_usage").upload("my_usage.parquet", parquet(usage))
    at.file_uploader(key="upload_revenue").upload("my_revenue.parquet", parquet(SMALL_REVENUE))
    at.run()
    at.button(key="load_files").click().run()
    dataset_id = at.session_state[session.DATASET_ID]
    assert isinstance(dataset_id, str) and dataset_id != "sample"
    return dataset_id


def test_a_dataset_a_link_opens_is_kept_longest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "econ-data"
    monkeypatch.setenv("ECON_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ECON_MAX_DATASETS", "2")
    first, second = (
        upload(open_app(), SMALL_USAGE.with_columns(pl.col("cost_usd") * factor))
        for factor in (1, 2)
    )
    linked = open_app(params=encode_link(first, econ.Scenario()))  # "second" is now the oldest
    assert linked.session_state[session.DATASET_ID] == first
    third = upload(open_app(), SMALL_USAGE.with_columns(pl.col("cost_usd") * 3))
    stored = {path.stem for path in (data_dir / "datasets").iterdir()}
    assert stored == {first, third}
    assert second not in stored
