"""The sidebar's saved scenarios as a user works them: save, open, rename, copy, delete; a name
taken; a saved scenario the data no longer fits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from app_support import land, open_app, own_data_dir, row, scenario_of
from streamlit.testing.v1 import AppTest

import econ
from econ.scenario.link import encode_scenario
from ui import saved, session

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def _save(at: AppTest, name: str) -> AppTest:
    at.sidebar.text_input(key=saved.NAME_KEY).input(name)
    at.sidebar.button(key="saved:save").click()
    return at.run()


def _warnings(at: AppTest) -> str:
    return " | ".join(w.value.replace("\\", "") for w in at.warning)  # unescape markdown


def _names(data_dir: Path) -> list[str]:
    return [item.name for item in econ.ScenarioStore(data_dir).list("sample")]


def test_save_open_rename_copy_delete(data_dir: Path) -> None:
    at = open_app("segments")
    today = scenario_of(at)
    at = _save(at, "Today")
    assert "Saved the current scenario as 'Today'" in _warnings(at)
    assert _names(data_dir) == ["Today"]
    at.session_state[session.SCENARIO] = replace(today, cac_usd=2_500.0)
    at = _save(at.run(), "CAC 2500")
    assert _names(data_dir) == ["Today", "CAC 2500"]
    # open "Today" again: every page shows its assumptions
    first = econ.ScenarioStore(data_dir).find("sample", "Today")
    at.sidebar.selectbox(key=saved.CHOSEN_KEY).set_value(first.scenario_id)
    at.sidebar.button(key="saved:open").click()
    at = at.run()
    assert scenario_of(at) == today
    assert row(at, "all")["cac_usd"] == today.cac_usd
    # rename, then copy, then delete
    at.sidebar.text_input(key=saved.RENAME_KEY).input("Current pricing")
    at.sidebar.button(key="saved:rename_button").click()
    at = at.run()
    assert _names(data_dir) == ["CAC 2500", "Current pricing"]
    assert econ.ScenarioStore(data_dir).get("sample", first.scenario_id).name == "Current pricing"
    at.sidebar.button(key="saved:duplicate").click()
    at = at.run()
    assert _names(data_dir)[-1] == "Current pricing (copy)"
    at.sidebar.button(key="saved:delete").click()
    at = at.run()
    assert "Deleted the saved scenario 'Current pricing (copy)'" in _warnings(at)
    assert _names(data_dir) == ["CAC 2500", "Current pricing"]
    assert not at.exception


def test_a_taken_name_saves_nothing_and_says_so(data_dir: Path) -> None:
    at = _save(open_app("segments"), "Option A")
    at.session_state[session.SCENARIO] = replace(scenario_of(at), cac_usd=99.0)
    at = _save(at.run(), "option a")
    assert "already saved" in _warnings(at)
    assert _names(data_dir) == ["Option A"]
    at = _save(at, "   ")
    assert "cannot be empty" in _warnings(at)


def test_a_saved_scenario_the_data_no_longer_fits_opens_without_what_is_gone(
    data_dir: Path,
) -> None:
    old = econ.sample_scenario().replace(prices={"Enterprise": 999.0, "Pro": 219.0})
    kept = econ.ScenarioStore(data_dir).save("sample", "Old pricing", old)
    at = open_app("segments")
    at.sidebar.selectbox(key=saved.CHOSEN_KEY).set_value(kept.scenario_id)
    at.sidebar.button(key="saved:open").click()
    at = at.run()
    assert not at.exception
    assert dict(scenario_of(at).prices) == {"Pro": 219.0}
    said = _warnings(at)
    assert "Opened 'Old pricing', which no longer fits the data in full" in said
    assert "'Enterprise'" in said


def test_a_linked_scenario_that_no_longer_fits_drops_what_is_gone_and_says_so() -> None:
    stale = econ.sample_scenario().replace(
        segment_by="territory", churn={"emea": 0.01}, prices={"Enterprise": 999.0}
    )
    at = land({"v": "1", "data": "sample", "page": "segment-ltv", "s": encode_scenario(stale)})
    assert not at.exception
    kept = scenario_of(at)
    assert kept.segment_by == "usage_tier"
    assert kept.churn is None or dict(kept.churn) == {}  # type: ignore[arg-type]
    assert dict(kept.prices) == {}
    assert kept.cac_usd == stale.cac_usd  # what still fits is kept
    said = _warnings(at)
    assert "does not fit this dataset in full; dropped" in said
    assert "'territory'" in said


def test_a_renamed_or_deleted_scenario_follows_into_the_comparison(data_dir: Path) -> None:
    store = econ.ScenarioStore(data_dir)
    first = store.save("sample", "A", econ.sample_scenario())
    second = store.save("sample", "B", econ.sample_scenario().replace(cac_usd=99.0))
    at = open_app("segments")
    at.session_state[session.COMPARED] = (first.scenario_id, second.scenario_id)
    at.sidebar.selectbox(key=saved.CHOSEN_KEY).set_value(first.scenario_id)
    at.sidebar.text_input(key=saved.RENAME_KEY).input("A, renamed")
    at.sidebar.button(key="saved:rename_button").click()
    at = at.run()
    renamed = store.find("sample", "A, renamed")
    assert at.session_state[session.COMPARED] == (renamed.scenario_id, second.scenario_id)
    at.sidebar.selectbox(key=saved.CHOSEN_KEY).set_value(second.scenario_id)
    at.sidebar.button(key="saved:delete").click()
    at = at.run()
    assert at.session_state[session.COMPARED] == (renamed.scenario_id,)
    assert not at.exception
