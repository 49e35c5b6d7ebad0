"""The Tiers & pricing page, driven headlessly: the per-plan loser and the ranked fixes,
applying one, editing the simulated price book, links that restore it, hostile names, and
thousands of features."""

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
    table,
)
from markup import HOSTILE

import econ
from econ.scenario.link import encode_link
from ui.text import plain

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def test_the_page_renders() -> None:
    assert_page_renders("tiers")


class TestTiersAndPricing:
    def test_names_the_loser_on_the_cheap_plan_and_ranks_fixes(self) -> None:
        at = open_app("tiers")
        assert any(
            f"**{plain('deep_research')}** loses" in e.value and "**Starter**" in e.value
            for e in at.error
        )
        titles = [e.label for e in at.expander]
        assert titles[0].startswith("**1. ")
        assert any(plain("deep_research uses a month on Starter") in t for t in titles)

    def test_applying_a_recommendation_simulates_it(self) -> None:
        at = open_app("tiers")
        key = "apply:allowance:Starter:deep_research"
        at.button(key=key).click().run()
        book = scenario_of(at).price_book
        assert book.plan("Starter").included == {"deep_research": 6}
        assert book.plan("Starter").overage_usd == {"deep_research": 0.39}
        assert at.button(key=key).disabled
        metrics = {m.label: m for m in at.metric}
        assert metrics["Revenue / month"].value == "$282,383"
        assert any("customers would pay more" in m.value for m in at.markdown)
        at.button(key="clear_price_book").click().run()
        assert scenario_of(at).price_book == econ.PriceBook()

    def test_editing_the_price_book(self) -> None:
        at = open_app("tiers")
        at.selectbox(key="book_plan").set_value("Starter").run()
        at.number_input(key="book:Starter:base").set_value(59.0).run()
        assert scenario_of(at).price_book.plan("Starter").base_usd == 59.0
        plans = {r["plan"]: r for r in table(at, 0)}
        assert plans["Starter"]["revenue_simulated_usd"] > plans["Starter"]["revenue_current_usd"]
        assert plans["Pro"]["revenue_simulated_usd"] == plans["Pro"]["revenue_current_usd"]
        at.number_input(key="book:Starter:deep_research:per_call_usd").set_value(0.5).run()
        assert scenario_of(at).price_book.plan("Starter").per_call_usd == {"deep_research": 0.5}
        at.checkbox(key="book:Starter:image_gen:removed").check().run()
        assert scenario_of(at).price_book.plan("Starter").removed == ("image_gen",)

    def test_a_link_reproduces_the_simulated_price_book(self) -> None:
        book = econ.PriceBook(
            plans={"Pro": econ.PlanPrice(base_usd=219.0, fair_use_usd=150.0)},
            cost_multipliers={"deep_research": 0.6},
            metered_usage_drop=0.1,
        )
        at = open_app(
            "tiers", encode_link("sample", econ.sample_scenario().replace(price_book=book))
        )
        assert scenario_of(at).price_book == book
        at.selectbox(key="book_plan").set_value("Pro").run()
        assert at.number_input(key="book:Pro:base").value == 219.0
        assert at.number_input(key="book:Pro:fair_use").value == 150.0
        assert at.number_input(key="book:cost:deep_research").value == 0.6
        assert at.slider(key="book:metered_usage_drop").value == 0.1

    def test_the_customer_response_sliders_set_the_price_book(self) -> None:
        at = open_app("tiers")
        for name, value in (
            ("metered_usage_drop", 0.25),
            ("churn_risk_increase", 0.4),
            ("fair_use_margin", 0.6),
        ):
            at.slider(key=f"book:{name}").set_value(value).run()
            assert getattr(scenario_of(at).price_book, name) == value

    def test_the_response_is_shown_and_its_controls_set_the_price_book(self) -> None:
        book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)})
        at = open_app(
            "tiers", encode_link("sample", econ.sample_scenario().replace(price_book=book))
        )
        assert any("If customers respond" in m.value for m in at.markdown)
        expected = econ.simulate(
            econ.analyze(*econ.sample_paths(), econ.sample_scenario().replace(price_book=book))
        ).response
        assert expected.expected_lost > 0
        shown = " ".join(m.value for m in at.markdown)
        unescaped = shown.replace("\\", "")  # the page escapes Markdown in numbers too
        assert f"{expected.expected_lost:,.1f} are expected to leave" in unescaped
        assert at.table, "the response table is shown"
        at.slider(key="book:churn_elasticity").set_value(1.0).run()
        assert scenario_of(at).price_book.churn_elasticity == 1.0
        at.slider(key="book:tolerated_increase").set_value(0.1).run()
        assert scenario_of(at).price_book.tolerated_increase == 0.1


class TestNothingUsersWriteBecomesMarkup:
    """Uploaded plans and feature ids, and share links, are shown as text."""

    def test_a_hostile_dataset(self) -> None:
        at = hostile_app()
        at.switch_page(PAGES["tiers"]).run()
        at.toggle(key="show_all_recommendations").set_value(True).run()
        for plan in (HOSTILE[0], HOSTILE[6]):
            at.selectbox(key="book_plan").set_value(plan).run()
            assert_no_markup(at, f"tiers & pricing, {plan}")
            assert all(plain(feature) in [m.value for m in at.markdown] for feature in HOSTILE)
        assert any(plain(HOSTILE[1]) in e.label for e in at.expander)  # a recommendation

    @pytest.mark.parametrize("params", HOSTILE_LINKS)
    def test_a_hostile_share_link(self, params: dict[str, str]) -> None:
        at = open_app(params=params)
        at.switch_page(PAGES["tiers"]).run()
        assert_no_markup(at, "tiers")


def test_thousands_of_features_get_a_bounded_number_of_controls(tmp_path: Path) -> None:
    """One price-book row per feature, up to a bound (see the Segment LTV page's test)."""
    many = 300
    at = many_app(tmp_path, many)
    at.switch_page(PAGES["tiers"]).run()
    assert not at.exception
    assert any(f"first 40 of {many:,} features" in c.value for c in at.caption)
