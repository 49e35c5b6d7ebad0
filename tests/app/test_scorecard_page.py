"""The AI scorecard page, driven headlessly: the sample's diagnosis and per-feature figures as
the library computes them, the first small upload (no tokens: a blank, said), and hostile
feature ids shown as text."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from app_support import (
    assert_no_markup,
    assert_page_renders,
    first_upload_app,
    hostile_app,
    open_app,
    own_data_dir,
    table,
)

import econ
from econ.present.scorecard import scorecard

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
