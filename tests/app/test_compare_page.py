"""The Compare scenarios page, driven headlessly: a first-time user saves three options on the
page and compares them on one screen, the totals shown are the comparison's, a scenario
compared with itself shows no difference, a link opens the comparison in a fresh session (and a
deleted scenario in it only warns), the baseline can change, a customer most affected opens in
the Customer P&L, and the first small upload works the same."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from app_support import (
    assert_no_markup,
    first_upload_app,
    land,
    own_data_dir,
    scenario_of,
    shown,
)
from markup import HOSTILE
from streamlit.testing.v1 import AppTest

import econ
from econ.present import compare_view
from econ.storage.store import DatasetStore
from ui import session

pytestmark = pytest.mark.app

PICKED = "compare:picked"
BASELINE = "compare:baseline"
SAVE_NAME = "compare:save_name"
TOTALS_CHANGES = (
    "revenue_change_usd",
    "inference_change_usd",
    "gross_profit_change_usd",
    "gross_margin_change",
    "gross_profit_after_response_change_usd",
)
PERCENT = {"gross_margin", "gross_margin_change"}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def starter_at(scenario: econ.Scenario, price: float) -> econ.Scenario:
    plans = {**scenario.price_book.plans, "Starter": econ.PlanPrice(base_usd=price)}
    return scenario.replace(price_book=replace(scenario.price_book, plans=plans))


def pro_allowance(scenario: econ.Scenario, data: econ.Dataset) -> econ.Scenario:
    report = econ.analyze_dataset(data, scenario)
    rec = next(r for r in econ.recommend(report) if r.patch is not None)
    assert rec.patch is not None
    return scenario.replace(price_book=rec.patch.apply(scenario.price_book))


def save_on_page(at: AppTest, name: str) -> AppTest:
    at.text_input(key=SAVE_NAME).input(name)
    at.button(key="compare:save").click()
    return at.run()


def totals_shown(at: AppTest) -> list[dict[str, Any]]:
    frame = next(df.value for df in at.dataframe if "role" in df.value.columns)
    records: list[dict[str, Any]] = frame.to_dict("records")
    return records


def assert_totals_shown(at: AppTest, comparison: econ.Comparison) -> None:
    """The totals table shows the comparison's totals (percentages in percent)."""
    rows = totals_shown(at)
    assert [row["scenario"] for row in rows] == list(comparison.names)
    for row, expected in zip(rows, comparison.totals.iter_rows(named=True), strict=True):
        for column, value in expected.items():
            if column == "scenario":
                continue
            scale = 100 if column in PERCENT else 1
            assert row[column] == pytest.approx(value * scale, abs=1e-9), column


def comparison_of(data: econ.Dataset, saved: list[econ.SavedScenario]) -> econ.Comparison:
    return econ.compare_scenarios(
        data, [econ.Named(item.name, item.scenario, item.scenario_id) for item in saved]
    )


def store(data_dir: Path) -> econ.ScenarioStore:
    return econ.ScenarioStore(data_dir)


def link(ids: list[str], data: str = "sample") -> dict[str, str]:
    params = {"v": "1", "page": "compare", "data": data}
    return {**params, "compare": ".".join(ids)} if ids else params


def compare_page(data: str = "sample") -> AppTest:
    """The Compare page reached as a visitor does, from a link. (AppTest's ``switch_page``
    mis-resolves a page whose URL path equals its file name, as ``compare`` does.)"""
    at = land(link([], data))
    assert at.title[0].value == "Compare scenarios"
    return at


@pytest.fixture
def three(data_dir: Path, sample_dataset: econ.Dataset) -> list[econ.SavedScenario]:
    today = econ.sample_scenario()
    return [
        store(data_dir).save("sample", "Today", today),
        store(data_dir).save("sample", "Starter at $59", starter_at(today, 59.0)),
        store(data_dir).save("sample", "Pro allowance", pro_allowance(today, sample_dataset)),
    ]


def test_a_first_time_user_saves_three_options_and_compares_them(
    data_dir: Path, sample_dataset: econ.Dataset
) -> None:
    at = compare_page()
    assert any("0 scenarios saved" in info.value for info in at.info)
    today = scenario_of(at)
    at = save_on_page(at, "Today")
    assert not totals_shown_or_none(at)
    at.session_state[session.SCENARIO] = starter_at(today, 59.0)
    at = save_on_page(at.run(), "Starter at $59")
    at.session_state[session.SCENARIO] = pro_allowance(today, sample_dataset)
    at = save_on_page(at.run(), "Pro allowance")
    assert not at.exception, [e.value for e in at.exception]
    saved = store(data_dir).list("sample")
    ids = [item.scenario_id for item in saved]
    assert [item.name for item in saved] == ["Today", "Starter at $59", "Pro allowance"]
    assert at.session_state[session.COMPARED] == tuple(ids)
    assert at.multiselect(key=PICKED).value == ids
    assert at.selectbox(key=BASELINE).value == ids[0]
    comparison = comparison_of(sample_dataset, saved)
    assert_totals_shown(at, comparison)
    assert compare_view.winner_sentence(comparison) in shown(at)
    assert comparison.best == "Pro allowance"
    assert len(at.get("vega_lite_chart")) == 2
    # The share link carries the comparison: a fresh session opens the same three.
    fresh = land(link(ids))
    assert any(f"compare={'.'.join(ids)}" in code.value for code in fresh.sidebar.code)
    assert_totals_shown(fresh, comparison)


def totals_shown_or_none(at: AppTest) -> list[dict[str, Any]] | None:
    return totals_shown(at) if any("role" in df.value.columns for df in at.dataframe) else None


def test_a_scenario_compared_with_itself_shows_no_difference(
    data_dir: Path, sample_dataset: econ.Dataset
) -> None:
    today = econ.sample_scenario()
    first = store(data_dir).save("sample", "Today", today)
    again = store(data_dir).save("sample", "Today again", today)
    at = land(link([first.scenario_id, again.scenario_id]))
    rows = totals_shown(at)
    assert len(rows) == 2
    for row in rows:
        for column in TOTALS_CHANGES:
            assert row[column] == pytest.approx(0.0, abs=1e-9), column
    assert rows[0]["gross_profit_usd"] == pytest.approx(rows[1]["gross_profit_usd"])
    assert "Every option makes the same gross profit as Today" in shown(at)
    assert [m.delta for m in at.metric if m.delta] == ["no change"]
    assert any("No customer's bill changes" in c.value for c in at.caption)


def test_a_link_opens_the_comparison_in_a_fresh_session(
    three: list[econ.SavedScenario], sample_dataset: econ.Dataset
) -> None:
    ids = [item.scenario_id for item in three]
    at = land(link(ids))
    assert at.title[0].value == "Compare scenarios"
    assert at.multiselect(key=PICKED).value == ids
    assert_totals_shown(at, comparison_of(sample_dataset, three))
    assert not at.warning
    assert_no_markup(at, "compare page from a link")


def test_a_deleted_scenario_in_a_link_warns_and_the_rest_still_compare(
    data_dir: Path, three: list[econ.SavedScenario], sample_dataset: econ.Dataset
) -> None:
    ids = [item.scenario_id for item in three]
    store(data_dir).delete("sample", ids[1])
    at = land(link(ids))
    assert not at.exception
    assert any("cannot be opened" in w.value for w in at.warning)
    assert_totals_shown(at, comparison_of(sample_dataset, [three[0], three[2]]))
    store(data_dir).delete("sample", ids[2])
    at = land(link(ids))
    assert not at.exception
    assert len([w for w in at.warning if "cannot be opened" in w.value]) == 2
    assert totals_shown_or_none(at) is None


def test_choosing_another_baseline_measures_against_it(
    three: list[econ.SavedScenario], sample_dataset: econ.Dataset
) -> None:
    ids = [item.scenario_id for item in three]
    at = land(link(ids))
    at.selectbox(key=BASELINE).set_value(ids[2]).run()
    assert at.session_state[session.COMPARED] == (ids[2], ids[0], ids[1])
    assert_totals_shown(at, comparison_of(sample_dataset, [three[2], three[0], three[1]]))
    at.multiselect(key=PICKED).unselect(ids[0]).run()
    assert at.session_state[session.COMPARED] == (ids[2], ids[1])
    assert [row["scenario"] for row in totals_shown(at)] == ["Pro allowance", "Starter at $59"]


def test_a_customer_most_affected_opens_in_the_customer_pnl(
    three: list[econ.SavedScenario], sample_dataset: econ.Dataset
) -> None:
    at = land(link([item.scenario_id for item in three]))
    comparison = comparison_of(sample_dataset, three)
    affected = compare_view.most_affected_table(comparison, "Pro allowance")
    picker = at.selectbox(key="compare_drill_1")
    assert picker.options == affected["customer_id"].to_list()
    loser = affected["customer_id"][0]
    at.button(key="compare_drill_1_open").click().run()
    assert not at.exception
    assert at.session_state[session.CUSTOMER] == loser
    assert at.title[0].value == "Customer P&L"


def test_the_board_pack_of_the_page_includes_the_comparison(
    three: list[econ.SavedScenario],
) -> None:
    at = land(link([item.scenario_id for item in three]))
    assert any("the scenarios compared" in c.value for c in at.sidebar.caption)
    elsewhere = land({"v": "1", "page": "segment-ltv", "data": "sample"})
    assert not any("the scenarios compared" in c.value for c in elsewhere.sidebar.caption)


def test_hostile_names_stay_text(data_dir: Path) -> None:
    today = econ.sample_scenario()
    first = store(data_dir).save("sample", HOSTILE[0], today)
    second = store(data_dir).save("sample", HOSTILE[1], starter_at(today, 59.0))
    at = land(link([first.scenario_id, second.scenario_id]))
    assert_no_markup(at, "compare page, hostile names")
    assert HOSTILE[1] in shown(at)


def test_the_first_upload_compares_too(data_dir: Path) -> None:
    dataset_id = first_upload_app().session_state[session.DATASET_ID]
    at = compare_page(dataset_id)
    assert at.session_state[session.DATASET_ID] == dataset_id
    today = scenario_of(at)
    at = save_on_page(at, "Today")
    at.session_state[session.SCENARIO] = starter_at(today, 59.0)
    at = save_on_page(at.run(), "Starter at $59")
    assert not at.exception, [e.value for e in at.exception]
    saved = store(data_dir).list(dataset_id)
    assert [item.name for item in saved] == ["Today", "Starter at $59"]
    data = DatasetStore(data_dir).load(dataset_id, econ.IngestOptions(on_invalid="drop"))
    assert_totals_shown(at, comparison_of(data, saved))
    assert "Starter at $59 makes the most gross profit" in shown(at)
    assert len(at.get("vega_lite_chart")) == 2
