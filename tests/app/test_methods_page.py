"""The Methods page, driven headlessly: its formulas with this view's live values, and hostile
names and links shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    HOSTILE_LINKS,
    PAGES,
    assert_no_markup,
    assert_page_renders,
    hostile_app,
    open_app,
    own_data_dir,
)

import econ
from econ.present.methods import FORMULAS

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def test_the_page_renders() -> None:
    assert_page_renders("methods")


def test_methods_page_shows_live_values() -> None:
    at = open_app("methods")
    assert len(at.latex) >= 6
    live = " ".join(m.value for m in at.markdown if "In this view" in m.value)
    blended = econ.analyze_dataset(
        econ.load_dataset(*econ.sample_paths()), econ.sample_scenario()
    ).segment("all")
    assert f"${blended['gross_profit_usd']:,.2f}" in live


class TestNothingUsersWriteBecomesMarkup:
    """Uploaded names, and share links, are shown as text."""

    def test_a_hostile_dataset(self) -> None:
        at = hostile_app()
        at.switch_page(PAGES["methods"]).run()
        assert_no_markup(at, "methods")

    @pytest.mark.parametrize("params", HOSTILE_LINKS)
    def test_a_hostile_share_link(self, params: dict[str, str]) -> None:
        at = open_app(params=params)
        at.switch_page(PAGES["methods"]).run()
        assert_no_markup(at, "methods")


def test_every_formula_shown_names_its_function() -> None:
    """The page's formulas are exactly the registry's, each captioned with its function."""
    at = open_app("methods")
    # Streamlit keeps st.latex's text as a Markdown display-math block.
    shown = [element.value.removeprefix("$$\n").removesuffix("\n$$") for element in at.latex]
    registry = {formula.latex: formula for formula in FORMULAS}
    assert [latex for latex in shown if latex not in registry] == []
    captions = {caption.value for caption in at.caption}
    for latex in shown:
        assert registry[latex].caption in captions
    # Cost from tokens is shown only when some rows were priced from tokens, currency
    # conversion only when something was converted (the sample is all in US dollars).
    assert {f.key for f in FORMULAS if f.latex not in shown} <= {"token_cost", "currency"}
