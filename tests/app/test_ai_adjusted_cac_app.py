"""The Segment LTV page's AI-adjusted CAC: the table the library computes, beside the given CAC,
and the line on trials that never paid."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from app_support import first_upload_app, open_app, own_data_dir

import econ

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def _shown(at: object) -> list[dict[str, object]]:
    for frame in at.dataframe:  # type: ignore[attr-defined]
        records = frame.value.to_dict("records")
        if records and "ai_adjusted_cac_usd" in records[0]:
            return list(records)
    raise AssertionError("no AI-adjusted CAC table")


def test_the_sample_shows_trial_compute_added_to_cac(sample_dataset: econ.Dataset) -> None:
    at = open_app("segments")
    expected = econ.ai_adjusted_cac(econ.analyze_dataset(sample_dataset, econ.sample_scenario()))
    rows = _shown(at)
    assert [row["segment"] for row in rows] == [
        "Light users",
        "Core users",
        "Power users",
        "All customers",
    ]
    for row, want in zip(rows, expected.table.iter_rows(named=True), strict=True):
        assert row["customers_acquired"] == want["customers_acquired"]
        assert row["ai_adjusted_cac_usd"] == pytest.approx(want["ai_adjusted_cac_usd"])
        assert row["ltv_cac_ai_adjusted"] == pytest.approx(want["ltv_cac_ai_adjusted"])
    assert any("never paid used" in m.value for m in at.markdown)


def test_the_first_upload_acquired_nobody_after_its_first_month() -> None:
    at = first_upload_app("segments")
    rows = _shown(at)
    assert all(row["customers_acquired"] == 0 for row in rows)
    assert all(math.isnan(row["ai_adjusted_cac_usd"]) for row in rows)  # null, drawn blank
