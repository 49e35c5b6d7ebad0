"""The Tiers & pricing page, driven headlessly: the per-plan loser and the ranked fixes,
applying one, editing the simulated price book and seeing what it did beside the controls,
links that restore it, hostile names, thousands of features, and the first small upload."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from app_support import (
    HOSTILE_LINKS,
    PAGES,
    assert_no_markup,
    assert_page_renders,
    first_upload_app,
    hostile_app,
    many_app,
    open_app,
    own_data_dir,
    scenario_of,
    shown,
)
from markup import HOSTILE
from streamlit.testing.v1 import AppTest

import econ
from econ.formats import money, money_change, percent, points, ratio
from econ.present.labels import feature_label
from econ.scenario.link import encode_link
from ui.text import plain

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def test_the_page_renders() -> None:
    assert_page_renders("tiers")


def unescaped(text: str) -> str:
    """Markdown the page escaped, as a reader sees it (the page escapes numbers too)."""
    return text.replace("\\", "")


def metrics(at: AppTest) -> dict[str, Any]:
    return {m.label: m for m in at.metric}


def plan_table(at: AppTest) -> dict[str, dict[str, Any]]:
    """The per-plan comparison, by plan."""
    for frame in at.dataframe:
        if "revenue_simulated_usd" in frame.value.columns:
            return {r["plan"]: r for r in frame.value.to_dict("records")}
    raise AssertionError("no plan table")


def charts_drawn(at: AppTest) -> list[tuple[dict[str, Any], list[pl.DataFrame]]]:
    """Each chart of this run: its Vega-Lite spec and the frames it draws."""
    found = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        frames = [pl.read_ipc_stream(io.BytesIO(d.data.data)) for d in chart.proto.datasets]
        found.append((spec, frames))
    return found


def simulated(book: econ.PriceBook) -> econ.Simulation:
    scenario = econ.sample_scenario().replace(price_book=book)
    return econ.simulate(econ.analyze(*econ.sample_paths(), scenario))


def totals(simulation: econ.Simulation) -> dict[str, tuple[Any, ...]]:
    return {row[0]: row for row in simulation.totals.rows()}


class TestTiersAndPricing:
    def test_names_the_loser_on_the_cheap_plan_and_ranks_fixes(self) -> None:
        at = open_app("tiers")
        assert any(
            f"**{plain(feature_label('deep_research'))}** loses" in e.value
            and "**Starter**" in e.value
            for e in at.error
        )
        titles = [unescaped(e.label) for e in at.expander]
        assert titles[0].startswith("**1. Deep research allowance on Pro** · +$13,846 / month")
        # The Starter allowance ranks below the first few shown (graduated tiers rank too).
        at.toggle(key="show_all_recommendations").set_value(True).run()
        titles = [unescaped(e.label) for e in at.expander]
        assert any("Deep research allowance on Starter" in t for t in titles)
        assert not any("deep_research" in t for t in titles)

    def test_applying_a_recommendation_simulates_it(self) -> None:
        at = open_app("tiers")
        at.toggle(key="show_all_recommendations").set_value(True).run()
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
        plans = plan_table(at)
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
        expected = econ.simulate(
            econ.analyze(*econ.sample_paths(), econ.sample_scenario().replace(price_book=book))
        ).response
        assert expected.expected_lost > 0
        text = unescaped(" ".join(m.value for m in at.markdown))
        assert f"{expected.expected_lost:,.1f} are expected to leave" in text
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
            names = [m.value for m in at.markdown]
            assert all(plain(feature_label(feature)) in names for feature in HOSTILE)
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


class TestResultsBesideTheControls:
    """The figures on the right move with every edit on the left, and say what it did."""

    def test_the_strip_is_the_simulation(self) -> None:
        at = open_app("tiers")
        now = totals(simulated(econ.PriceBook()))
        shown_metrics = metrics(at)
        assert shown_metrics["Revenue / month"].value == money(now["revenue_usd"][2])
        assert shown_metrics["Gross profit / month"].value == money(now["gross_profit_usd"][2])
        assert shown_metrics["Gross margin"].value == percent(now["gross_margin"][2])
        assert {unescaped(m.delta) for m in at.metric if m.label in shown_metrics} >= {"no change"}
        assert any("changes nothing yet" in i.value for i in at.info)

    def test_an_edit_moves_the_strip_and_says_what_it_did(self) -> None:
        at = open_app("tiers")
        at.selectbox(key="book_plan").set_value("Starter").run()
        at.number_input(key="book:Starter:base").set_value(59.0).run()
        before = simulated(econ.PriceBook())
        after = simulated(econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)}))
        then, now = totals(after), totals(before)
        shown_metrics = metrics(at)
        revenue = shown_metrics["Revenue / month"]
        assert revenue.value == money(then["revenue_usd"][2])
        assert unescaped(revenue.delta) == money_change(then["revenue_usd"][3], per="month")
        assert unescaped(revenue.delta).startswith("+$")
        margin = shown_metrics["Gross margin"]
        assert unescaped(margin.delta) == points(then["gross_margin"][3])
        assert unescaped(margin.delta).endswith(" pp")
        ltv_cac = after.segments.filter(pl.col("segment") == "all")["ltv_cac_simulated"].item()
        assert shown_metrics["LTV:CAC (blended)"].value == ratio(ltv_cac)
        leaving = shown_metrics["Expected to leave"]
        assert leaving.value == f"{after.response.expected_lost:,.1f}"
        (said,) = [unescaped(s.value) for s in at.success]
        profit = then["gross_profit_usd"][2] - now["gross_profit_usd"][2]
        assert said.startswith(
            f"Starter at $59.00 a month: gross profit {money_change(profit, per='month')}, "
            f"margin {points(then['gross_margin'][2] - now['gross_margin'][2])}"
        )
        # Another rerun that edits nothing keeps the sentence; clearing the book says so.
        at.toggle(key="show_all_recommendations").set_value(True).run()
        assert [unescaped(s.value) for s in at.success] == [said]
        at.button(key="clear_price_book").click().run()
        assert not at.success
        assert any("changes nothing yet" in i.value for i in at.info)

    def test_recommendation_badges_are_changes(self) -> None:
        at = open_app("tiers")
        labels = [unescaped(e.label) for e in at.expander]
        fair_use = next(label for label in labels if "Fair use on Pro" in label)
        assert fair_use == "**2. Fair use on Pro** · +$12,652 / month · margin +0.9 pp"
        text = " ".join(labels)
        for wrong in ("+0.00%", "$0 from", "None", "nan"):
            assert wrong not in text


def test_the_first_small_upload_reads_in_words_and_draws_every_chart() -> None:
    at = first_upload_app("tiers")
    assert_reads_well(at)
    at.button(key="apply:allowance:Pro:deep_research").click().run()
    assert scenario_of(at).price_book.plan("Pro").included
    assert_reads_well(at)
    (said,) = [unescaped(s.value) for s in at.success]
    assert said.startswith("1 Deep research use a month on Pro, then $")
    histogram = next(
        frames[0] for spec, frames in charts_drawn(at) if "bucket" in frames[0].columns
    )
    assert histogram["customers"].sum() == 3
    rising = histogram.filter(pl.col("side") == "more")["customers"].sum()
    assert rising == 1  # bolt, the one Pro customer


def assert_reads_well(at: AppTest) -> None:
    """Every chart draws rows; the bill histogram counts whole customers; the text has no raw
    identifier, no undefined value and no zero written as a change."""
    assert not at.exception, [e.value for e in at.exception]
    drawn = charts_drawn(at)
    # margins now, simulated, and the bill histogram; and, once the price book changes
    # anything, each customer's bill now against simulated (a click opens its P&L)
    repriced = not scenario_of(at).price_book.is_current_pricing
    assert len(drawn) == (4 if repriced else 3)
    if repriced:
        (scatter,) = [spec for spec, _ in drawn if spec.get("params")]
        assert scatter["params"][0]["name"] == "customer"
    for spec, frames in drawn:
        assert frames, spec
        assert frames[0].height, spec
    (histogram,) = [spec for spec, frames in drawn if "bucket" in frames[0].columns]
    axis = histogram["layer"][0]["encoding"]["y"]["axis"]
    assert (axis["tickMinStep"], axis["format"]) == (1, "d")
    text = unescaped(shown(at))
    for wrong in ("None", "nan", "+0.00%", "$0 from", "deep_research", "chat_assistant"):
        assert wrong not in text, wrong
    for metric in at.metric:
        assert metric.value not in ("None", "nan")
