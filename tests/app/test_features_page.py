"""The Feature margins page, driven headlessly: the money-loser and the crossing it names, its
allocation and category controls, hostile feature ids, and thousands of features."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    HOSTILE_LINKS,
    PAGES,
    assert_no_markup,
    assert_page_renders,
    hostile_app,
    many_app,
    open_app,
    own_data_dir,
    scenario_of,
    shown,
    table,
)
from markup import HOSTILE

from ui.text import plain

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def test_the_page_renders() -> None:
    assert_page_renders("features")


def test_feature_page_names_the_money_loser_and_the_crossing() -> None:
    at = open_app("features")
    assert any(f"**{plain('deep_research')}** loses" in e.value for e in at.error)
    assert any("crossed from a positive to a negative margin" in w.value for w in at.warning)
    features = table(at)
    assert features[-1]["feature_id"] == "deep_research"


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
        deep = next(r for r in table(at) if r["feature_id"] == "deep_research")
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
        insights = next(r for r in table(at) if r["feature_id"] == "data_insights")
        assert (insights["category"], insights["status"]) == ("value_add", "watch")  # 69.9%
        at.selectbox(key="category:data_insights").set_value("core").run()
        insights = next(r for r in table(at) if r["feature_id"] == "data_insights")
        assert (insights["category"], insights["status"]) == ("core", "ok")


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
        assert all(value in shown(at) for value in HOSTILE)

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
