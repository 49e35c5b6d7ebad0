"""The Feature margins page, driven headlessly: the money-loser and the crossing it names, its
allocation and category controls, hostile feature ids, and thousands of features."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Final

import polars as pl
import pytest
from app_support import (
    FIRST_REVENUE,
    FIRST_USAGE,
    HOSTILE_LINKS,
    PAGES,
    assert_no_markup,
    assert_page_renders,
    hostile_app,
    many_app,
    open_app,
    own_data_dir,
    parquet,
    scenario_of,
    shown,
    table,
    upload,
)
from markup import HOSTILE
from streamlit.testing.v1 import AppTest

from econ.present import labels
from ui import session
from ui.text import plain

pytestmark = pytest.mark.app

RAW: Final = ("deep_research", "chat_assistant", "above_band", "value_add", "None", "nan")
"""What a reader of the first small upload's pages should never see: ids and undefined values."""


def first_upload(page: str) -> AppTest:
    """The app with the first small upload (3 customers, 2 features, 3 months) loaded from the
    Data page, on ``page``."""
    at = upload(open_app("data"), parquet(FIRST_USAGE), parquet(FIRST_REVENUE))
    assert at.session_state[session.DATASET_ID] != "sample"
    at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def drawn_charts(at: AppTest) -> list[tuple[dict[str, Any], list[pl.DataFrame]]]:
    """Each chart of this run: its Vega-Lite spec and the frames it draws."""
    found = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        frames = [pl.read_ipc_stream(io.BytesIO(d.data.data)) for d in chart.proto.datasets]
        found.append((spec, frames))
    return found


def assert_every_chart_draws(at: AppTest, charts: int) -> list[tuple[dict[str, Any], Any]]:
    drawn = drawn_charts(at)
    assert len(drawn) == charts
    for spec, frames in drawn:  # the first dataset is the chart's own (a 3:1 mark may be empty)
        assert frames and frames[0].height, spec.get("layer", spec)
    return drawn


def assert_reads_in_words(at: AppTest) -> None:
    """No id or undefined value in the page's text, tables or chart labels."""
    text = shown(at)
    cells = [
        str(value)
        for index in range(len(at.dataframe))
        for record in table(at, index)
        for value in record.values()
        if isinstance(value, str)
    ]
    for raw in RAW:
        assert raw not in text, raw
        assert raw not in cells, raw


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def test_the_page_renders() -> None:
    assert_page_renders("features")


def test_feature_page_names_the_money_loser_and_the_crossing() -> None:
    at = open_app("features")
    assert any(f"**{plain('Deep research')}** loses" in e.value for e in at.error)
    assert any("crossed from a positive to a negative margin" in w.value for w in at.warning)
    features = table(at)
    assert features[-1]["feature_id"] == "Deep research"


class TestFeatureControls:
    def test_custom_weights_show_normalized_shares(self) -> None:
        at = open_app("features")
        at.radio(key="allocation_method").set_value("custom").run()
        assert scenario_of(at).allocation.method == "custom"
        for slider in at.slider:
            if slider.key and slider.key.startswith("weight:"):
                slider.set_value(10.0)
        at.run()
        at.slider(key="weight:deep_research").set_value(30.0).run()
        # 7 features at 10 and one at 30: 30 / 100 of revenue.
        assert any(c.value == "= 30.0% of revenue" for c in at.caption)
        deep = next(r for r in table(at) if r["feature_id"] == "Deep research")
        total_revenue = sum(r["revenue_usd"] for r in table(at))
        assert deep["revenue_usd"] == pytest.approx(0.3 * total_revenue)

    def test_all_zero_weights_are_refused_with_a_message(self) -> None:
        at = open_app("features")
        at.radio(key="allocation_method").set_value("custom").run()
        weights = list(scenario_of(at).allocation.weights)
        last = weights[0]
        for key in weights:
            if key != last:
                at.slider(key=f"weight:{key}").set_value(0.0).run()
        at.slider(key=f"weight:{last}").set_value(0.0).run()
        assert any("That change was not applied" in w.value for w in at.warning)
        assert any(w > 0 for w in scenario_of(at).allocation.weights.values())

    def test_category_changes_the_status(self) -> None:
        at = open_app("features")
        insights = next(r for r in table(at) if r["feature_id"] == "Data insights")
        assert (insights["category"], insights["status"]) == ("Value-add", "Watch")  # 69.9%
        at.selectbox(key="category:data_insights").set_value("core").run()
        insights = next(r for r in table(at) if r["feature_id"] == "Data insights")
        assert (insights["category"], insights["status"]) == ("Core", "In band")


class TestNothingUsersWriteBecomesMarkup:
    """Uploaded feature ids, and share links, are shown as text."""

    def test_a_hostile_dataset(self) -> None:
        at = hostile_app()
        at.switch_page(PAGES["features"]).run()
        assert_no_markup(at, "feature margins")
        assert any(plain(HOSTILE[1]) in e.value for e in at.error)  # loses money
        assert any(plain(HOSTILE[2]) in w.value for w in at.warning)  # crossed below zero
        at.radio(key="allocation_method").set_value("custom").run()
        assert_no_markup(at, "feature margins, custom weights")
        # Shown as written: a hostile id is no snake_case word, so it keeps its own spelling.
        assert all(labels.feature_label(value) in shown(at) for value in HOSTILE)

    @pytest.mark.parametrize("params", HOSTILE_LINKS)
    def test_a_hostile_share_link(self, params: dict[str, str]) -> None:
        at = open_app(params=params)
        at.switch_page(PAGES["features"]).run()
        assert_no_markup(at, "features")


def test_thousands_of_features_get_a_bounded_number_of_controls(tmp_path: Path) -> None:
    """One control per feature, up to a bound (see the Segment LTV page's test)."""
    many = 300
    at = many_app(tmp_path, many)
    at.switch_page(PAGES["features"]).run()
    assert not at.exception
    assert any(f"first 40 of {many:,} features" in c.value for c in at.caption)


class TestFirstSmallUpload:
    """Three customers, two features (one losing money), three months."""

    def test_every_chart_draws_one_row_per_feature_and_month(self) -> None:
        at = first_upload("features")
        (stack, _), (bands, band_rows), (trend, trend_rows) = assert_every_chart_draws(at, 3)
        assert stack["layer"][0]["encoding"]["y"]["sort"] == [
            "Chat assistant",
            "Deep research",
            "Net gross profit",
        ]
        assert bands["layer"][0]["encoding"]["y"]["sort"] == ["Chat assistant", "Deep research"]
        assert band_rows[0]["feature"].to_list() == ["Chat assistant", "Deep research"]
        assert band_rows[0]["status"].to_list() == ["Above band", "Losing money"]
        x = trend["layer"][0]["encoding"]["x"]
        assert (x["timeUnit"], len(x["axis"]["values"])) == ("yearmonth", 3)
        assert trend_rows[0]["month"].n_unique() == 3

    def test_it_reads_in_words(self) -> None:
        at = first_upload("features")
        assert_reads_in_words(at)
        assert any(f"**{plain('Deep research')}** loses" in e.value for e in at.error)
        assert [r["feature_id"] for r in table(at)] == ["Chat assistant", "Deep research"]
        assert any("fund the losses with $571 to spare" in c.value for c in at.caption)
