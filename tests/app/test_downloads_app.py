"""Every table a page shows can be downloaded as CSV and Excel, every chart as PNG and SVG."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import first_upload_app, open_app, own_data_dir
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.app

CHART_PAGES = ["segments", "features", "tiers", "projection"]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def _downloads(at: AppTest) -> dict[str, list[str]]:
    """The main area's download buttons by format label (PNG, SVG, CSV, Excel)."""
    found: dict[str, list[str]] = {}
    for button in at.main.get("download_button"):
        found.setdefault(button.proto.label, []).append(button.proto.id)
    return found


def _charts(at: AppTest) -> int:
    return len(at.main.get("vega_lite_chart"))


def _assert_every_table_and_chart_downloads(at: AppTest, page: str) -> None:
    found = _downloads(at)
    assert len(found.get("PNG", [])) == len(found.get("SVG", [])) == _charts(at) > 0, page
    tables = len(at.main.dataframe)
    assert len(found.get("CSV", [])) == len(found.get("Excel", [])), page
    # Every table of the report has its files (the Data page's previews are not report tables).
    assert len(found.get("CSV", [])) >= min(tables, 1), page
    for button in at.main.get("download_button"):
        assert button.proto.ignore_rerun, (page, button.proto.label)  # a click never reruns
        assert button.proto.deferred_file_id, (page, button.proto.label)  # made when clicked


@pytest.mark.parametrize("page", CHART_PAGES)
def test_the_sample_pages_offer_every_table_and_chart(page: str) -> None:
    _assert_every_table_and_chart_downloads(open_app(page), page)


@pytest.mark.parametrize("page", CHART_PAGES)
def test_a_first_small_upload_offers_them_too(page: str) -> None:
    _assert_every_table_and_chart_downloads(first_upload_app(page), page)
