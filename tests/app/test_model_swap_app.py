"""The Tiers & pricing page's model swap: pick a feature and a model, see its recorded calls
re-priced and the derived multiplier, and apply it to the simulation."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import first_upload_app, open_app, own_data_dir, scenario_of
from streamlit.testing.v1 import AppTest

import econ
from econ.scenario.link import encode_link

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "")


def test_picking_a_model_shows_the_swap_and_applying_it_simulates_it(
    sample_dataset: econ.Dataset,
) -> None:
    at = open_app("tiers")
    at.selectbox(key="swap_feature").set_value("chat_assistant").run()
    models = at.selectbox(key="swap_model:chat_assistant").options
    assert models[:2] == ["o3", "claude-sonnet-4"]  # the ledger's own, the costliest first
    at.selectbox(key="swap_model:chat_assistant").set_value("gpt-4o-mini").run()
    assert not at.exception
    window = econ.analyze_dataset(sample_dataset, econ.sample_scenario()).customer_months.window
    swap = econ.swap_model(sample_dataset, "chat_assistant", "gpt-4o-mini", window)
    assert swap.multiplier is not None and swap.repriced_usd is not None
    shown = metrics(at)
    assert shown["Recorded, over the window"] == econ.formats.money(swap.recorded_with_tokens_usd)
    assert shown["Re-priced"] == econ.formats.money(swap.repriced_usd)
    assert shown["Cost ×"] == f"{swap.multiplier:.3g}"
    assert "at gpt-4o-mini's list rates they would have cost" in captions(at)
    at.button(key="swap:apply").click().run()
    assert scenario_of(at).price_book.model_swaps == {"chat_assistant": "gpt-4o-mini"}
    assert at.button(key="swap:apply").disabled
    assert f"cost × {swap.multiplier:.3g}, derived from its tokens" in captions(at)
    at.button(key="swap:remove").click().run()
    assert scenario_of(at).price_book.model_swaps == {}


def test_a_link_with_a_swap_opens_on_it() -> None:
    book = econ.PriceBook(model_swaps={"deep_research": "gpt-4o"})
    at = open_app("tiers", encode_link("sample", econ.sample_scenario().replace(price_book=book)))
    assert scenario_of(at).price_book == book
    at.selectbox(key="swap_feature").set_value("deep_research").run()
    assert at.selectbox(key="swap_model:deep_research").value == "gpt-4o"
    assert at.button(key="swap:apply").disabled
    assert "Deep research → gpt-4o: cost ×" in captions(at)


def test_the_first_small_upload_has_nothing_to_re_price() -> None:
    at = first_upload_app("tiers")
    assert not at.exception
    assert any("nothing to re-price" in info.value.replace("\\", "") for info in at.info)
