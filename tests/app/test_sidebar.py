"""The sidebar on every page: the scenario as a file to download or open, and the sample banner."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from app_support import (
    FIRST_REVENUE,
    FIRST_USAGE,
    PAGES,
    open_app,
    own_data_dir,
    parquet,
    row,
    scenario_of,
    upload,
)
from streamlit.testing.v1 import AppTest

from ui import session

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def _open_scenario_file(at: AppTest, name: str, content: bytes) -> AppTest:
    state = at.session_state
    opened = state[session.SCENARIO_FILES] if session.SCENARIO_FILES in state else 0  # noqa: SIM401
    at.sidebar.file_uploader(key=f"scenario_file_{opened}").upload(name, content)
    return at.run()


def test_a_scenario_file_opened_becomes_the_scenario() -> None:
    at = open_app("segments")
    wanted = replace(scenario_of(at), cac_usd=2_500.0)
    at = _open_scenario_file(at, "board.json", wanted.to_json().encode())
    assert not at.exception
    assert scenario_of(at) == wanted
    assert any("Opened the scenario in board" in w.value for w in at.warning)
    assert row(at, "all")["cac_usd"] == 2_500.0


def test_a_bad_scenario_file_changes_nothing_and_says_why() -> None:
    at = open_app("segments")
    before = scenario_of(at)
    at = _open_scenario_file(at, "broken.json", b'{"cac_usd": -5}')
    assert not at.exception
    assert scenario_of(at) == before
    assert any(w.value.startswith("broken") and "could not be used" in w.value for w in at.warning)
    at = _open_scenario_file(at, "not-json.json", b"\xff\xfe nope")
    assert scenario_of(at) == before
    assert any(w.value.startswith("not") and "could not be" in w.value for w in at.warning)


def test_the_scenario_download_is_a_json_file() -> None:
    at = open_app("segments")
    (button,) = at.sidebar.get("download_button")
    assert button.proto.label == "Download this scenario (JSON)"
    assert button.proto.url.endswith(".json")
    assert button.proto.ignore_rerun


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_sample_banner_is_on_every_page(page: str) -> None:
    at = open_app(page)
    assert any("bundled sample" in info.value for info in at.main.info), page


def test_the_banner_goes_when_your_own_data_is_loaded() -> None:
    at = upload(open_app(), parquet(FIRST_USAGE), parquet(FIRST_REVENUE))
    assert at.session_state[session.DATASET_ID] != "sample"
    at.switch_page(PAGES["segments"]).run()
    assert not any("bundled sample" in info.value for info in at.main.info)


def test_the_board_pack_is_prepared_then_offered_in_both_formats() -> None:
    at = open_app("features")
    assert [b.label for b in at.sidebar.button if b.key == "board_pack_prepare"]
    at.sidebar.button(key="board_pack_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.proto.label for b in at.sidebar.get("download_button")]
    assert "Download HTML" in labels and "Download PDF" in labels
    # Kept for this view: the next run offers the files without preparing again.
    at.run()
    assert "Download PDF" in [b.proto.label for b in at.sidebar.get("download_button")]
    # A changed assumption asks to prepare again rather than offering a stale pack.
    at = _open_scenario_file(
        at, "other.json", replace(scenario_of(at), cac_usd=999.0).to_json().encode()
    )
    assert "Download PDF" not in [b.proto.label for b in at.sidebar.get("download_button")]
    assert at.sidebar.button(key="board_pack_prepare")
