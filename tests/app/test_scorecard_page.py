"""The AI scorecard page, driven headlessly: the sample's diagnosis and per-feature figures as
the library computes them, the first small upload (no tokens: a blank, said), hostile feature
ids shown as text, the AI unit-profit estimates moving the number (on the sample and the first
upload), and cost per outcome shown only for a ledger with an outcome column."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from app_support import (
    assert_no_markup,
    assert_page_renders,
    first_upload_app,
    hostile_app,
    open_app,
    own_data_dir,
    parquet,
    scenario_of,
    table,
    upload,
)
from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ import formats
from econ.present import scorecard as scorecard_module
from econ.present.scorecard import scorecard
from econ.scenario.link import encode_link

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def test_the_sample_shows_the_library_figures(sample_dataset: econ.Dataset) -> None:
    assert_page_renders("scorecard")
    at = open_app("scorecard")
    card = scorecard(econ.analyze_dataset(sample_dataset, econ.sample_scenario()))
    assert at.title[0].value == "AI scorecard"
    assert any(card.diagnosis() in w.value.replace("\\", "") for w in at.warning)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Inference share of revenue"] == "15.7%"
    assert metrics["Spread of customers' inference spend"] == f"{card.spend_variation:.2f}"
    shown = {row["feature_id"]: row for row in table(at)}
    expected = card.features.row(0, named=True)
    first = shown["Deep research"]
    assert first["inference_margin_per_call_usd"] == pytest.approx(
        expected["inference_margin_per_call_usd"]
    )
    assert first["tokens_per_dollar"] == pytest.approx(expected["tokens_per_dollar"])
    assert len(at.get("vega_lite_chart")) >= 1


def test_the_first_small_upload_says_why_tokens_are_blank() -> None:
    at = first_upload_app("scorecard")
    assert not at.exception
    assert any("records no token counts" in caption.value for caption in at.caption)
    rows = table(at)
    assert {row["feature_id"] for row in rows} == {"Chat assistant", "Deep research"}
    assert all(math.isnan(row["tokens_per_dollar"]) for row in rows)  # null, drawn blank
    assert any("Compute-adjusted LTV matters here" in w.value.replace("\\", "") for w in at.warning)


def test_hostile_feature_ids_stay_text() -> None:
    at = hostile_app()
    at.switch_page("pages/scorecard.py").run()
    assert_no_markup(at, "scorecard")


UNIT_PROFIT = "AI unit profit per active customer"


def _unit_profit(card: scorecard_module.Scorecard) -> str:
    return formats.money(card.blended_unit_profit()["ai_unit_profit_usd"])


@pytest.mark.slow
@pytest.mark.parametrize("source", ["sample", "first upload"])
def test_the_estimates_move_ai_unit_profit(source: str, sample_dataset: econ.Dataset) -> None:
    if source == "sample":
        at, data, scenario = open_app("scorecard"), sample_dataset, econ.sample_scenario()
    else:
        at = first_upload_app("scorecard")
        data, scenario = econ.load_dataset(FIRST_USAGE, FIRST_REVENUE), econ.Scenario()
    before = scorecard(econ.analyze_dataset(data, scenario))
    metrics = {metric.label: metric.value for metric in at.metric}
    # at 0 (not set) it is the compute-adjusted LTV, and the page says so
    assert metrics[UNIT_PROFIT] == _unit_profit(before)
    assert metrics["Compute-adjusted LTV"] == metrics[UNIT_PROFIT]
    assert any("0 (not set)" in caption.value for caption in at.caption)
    assert at.number_input(key="ai_costs:data_acquisition_usd").value == 0.0
    at.number_input(key="ai_costs:data_acquisition_usd").set_value(1_000.0).run()
    at.number_input(key="ai_costs:model_efficiency_value_usd").set_value(250.0).run()
    assert not at.exception
    costs = econ.AiUnitCosts(model_efficiency_value_usd=250.0, data_acquisition_usd=1_000.0)
    assert scenario_of(at).ai_costs == costs
    after = scorecard(econ.analyze_dataset(data, scenario.replace(ai_costs=costs)))
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics[UNIT_PROFIT] == _unit_profit(after)
    row = after.blended_unit_profit()
    moved = (250.0 - 1_000.0) / after.active_customers * row["lifetime_months"]
    assert row["ai_unit_profit_usd"] == pytest.approx(
        before.blended_unit_profit()["ai_unit_profit_usd"] + moved
    )
    assert not any("0 (not set)" in caption.value for caption in at.caption)
    # the estimates are the scenario's: they come back on another visit of the page
    at.switch_page("pages/segments.py").run()
    at.switch_page("pages/scorecard.py").run()
    assert at.number_input(key="ai_costs:data_acquisition_usd").value == 1_000.0


@pytest.mark.slow
def test_outcome_columns_show_only_with_an_outcome_column() -> None:
    at = first_upload_app("scorecard")
    assert "cost_per_outcome_usd" not in table(at)[0]
    assert any("need an outcome column" in caption.value for caption in at.caption)
    calls = FIRST_USAGE["calls"].to_list()
    with_outcomes = FIRST_USAGE.with_columns(
        pl.Series("outcome", [calls_ * 3 // 4 for calls_ in calls])
    )
    at = upload(open_app(), parquet(with_outcomes), parquet(FIRST_REVENUE))
    at.switch_page("pages/scorecard.py").run()
    assert not at.exception
    card = scorecard(econ.analyze(with_outcomes, FIRST_REVENUE))
    shown = {row["feature_id"]: row for row in table(at)}
    expected = card.features.filter(pl.col("feature_id") == "deep_research").row(0, named=True)
    assert shown["Deep research"]["cost_per_outcome_usd"] == pytest.approx(
        expected["cost_per_outcome_usd"]
    )
    assert shown["Deep research"]["success_rate"] == pytest.approx(100 * expected["success_rate"])


@pytest.mark.slow
def test_a_link_carries_the_estimates(sample_dataset: econ.Dataset) -> None:
    costs = econ.AiUnitCosts(model_maintenance_usd=5_000.0)
    scenario = econ.sample_scenario().replace(ai_costs=costs)
    at = open_app("scorecard", encode_link("sample", scenario))
    assert scenario_of(at).ai_costs == costs
    assert at.number_input(key="ai_costs:model_maintenance_usd").value == 5_000.0
    card = scorecard(econ.analyze_dataset(sample_dataset, scenario))
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics[UNIT_PROFIT] == _unit_profit(card)
