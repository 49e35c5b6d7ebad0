"""What counts as AI revenue, from the Segment LTV page: the basis moves the page's figures,
the Summary says which is used, a link restores it, and a first upload can use its own
direct AI revenue column."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from app_support import (
    PAGES,
    open_app,
    own_data_dir,
    parquet,
    row,
    scenario_of,
    shown,
    upload,
)
from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ.scenario.link import encode_link

pytestmark = [pytest.mark.app, pytest.mark.slow]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_data_dir(tmp_path, monkeypatch)


def test_the_attributed_basis_counts_the_dearest_plans_uplift_and_says_so() -> None:
    at = open_app("segments")
    all_arpa = row(at, "all")["arpa_usd"]
    assert at.radio(key="ai_basis").value == "all"
    at.radio(key="ai_basis").set_value("attributed").run()
    assert not at.exception
    scenario = scenario_of(at)
    # The sample's dearest plan is Business ($799), priced over Pro ($199): $600 of uplift.
    assert scenario.ai_revenue.uplift_over == {"Business": "Pro"}
    assert at.selectbox(key="ai_base:Business").value == "Pro"
    page = shown(at).replace("\\", "")
    assert "AI revenue counted: AI-attributed revenue" in page
    assert "Business $799 − $199 (Pro)" in page
    assert row(at, "all")["arpa_usd"] < all_arpa
    # Typing the uplift replaces the prices' difference.
    at.number_input(key="ai_uplift:Business").set_value(100.0).run()
    assert scenario_of(at).ai_revenue.uplift_usd == {"Business": 100.0}
    at.switch_page(PAGES["summary"]).run()
    assert "Business $100 as given" in shown(at).replace("\\", "")


def test_a_link_restores_the_basis() -> None:
    scenario = econ.Scenario(
        ai_revenue=econ.AiRevenue(basis="attributed", uplift_over={"Pro": "Starter"})
    )
    params = dict(encode_link("sample", scenario, "segment-ltv"))
    at = open_app(params=params)
    assert at.radio(key="ai_basis").value == "attributed"
    assert at.selectbox(key="ai_base:Pro").value == "Starter"
    assert "Pro $199 − $49 (Starter)" in shown(at).replace("\\", "")


def test_direct_is_offered_only_with_a_column_and_counts_it() -> None:
    at = open_app("segments")
    assert not any(o.startswith("Direct") for o in at.radio(key="ai_basis").options)
    revenue = FIRST_REVENUE.with_columns(
        (pl.col("mrr_usd") * 0.2).alias("ai_revenue_usd"),
        pl.lit(5.0).alias("ai_influenced_usd"),
    )
    at = upload(open_app(), parquet(FIRST_USAGE), parquet(revenue))
    at.switch_page(PAGES["segments"]).run()
    assert any(o.startswith("Direct") for o in at.radio(key="ai_basis").options)
    total = row(at, "all")["arpa_usd"]
    at.radio(key="ai_basis").set_value("direct").run()
    assert not at.exception
    assert row(at, "all")["arpa_usd"] == pytest.approx(total * 0.2, rel=1e-3)
    page = shown(at).replace("\\", "")
    assert "AI-influenced revenue, tracked and never counted" in page
