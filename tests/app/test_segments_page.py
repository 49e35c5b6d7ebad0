"""The Segment LTV page, driven headlessly: its call-outs, every control, links that restore
them, hostile segment names, and a bounded number of controls for thousands of segments."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from app_support import (
    HOSTILE_LINKS,
    PAGES,
    SMALL_REVENUE,
    SMALL_USAGE,
    assert_no_markup,
    assert_page_renders,
    first_upload_app,
    hostile_app,
    many_app,
    open_app,
    own_data_dir,
    parquet,
    row,
    scenario_of,
    shown,
    table,
    upload,
)
from markup import HOSTILE
from streamlit.testing.v1 import AppTest
from test_features_page import assert_every_chart_draws, assert_reads_in_words, first_upload

import econ
from econ.present import labels, retention, views
from econ.scenario.link import decode_link, encode_link
from econ_pack import retention_charts
from ui import layout, session
from ui.text import plain

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def test_the_page_renders() -> None:
    assert_page_renders("segments")


def test_segment_page_calls_out_segments_below_three_to_one() -> None:
    at = open_app("segments")
    warnings = [w.value for w in at.warning]
    assert any("**Light users**" in w and "below 3:1" in w for w in warnings)
    assert [r["segment"] for r in table(at)] == [
        "Light users",
        "Core users",
        "Power users",
        "All customers",
    ]
    assert any("lose money" in m.value for m in at.markdown)


class TestSegmentControls:
    def test_doubling_churn_halves_ltv(self) -> None:
        at = open_app("segments")
        at.slider(key="churn:all").set_value(2.0).run()
        before = row(at, "all")["ltv_compute_adjusted_usd"]
        at.slider(key="churn:all").set_value(4.0).run()
        after = row(at, "all")["ltv_compute_adjusted_usd"]
        assert after == pytest.approx(before / 2)
        assert scenario_of(at).churn == {"all": 0.04}

    def test_churn_slider_starts_at_the_estimate_and_resets(self) -> None:
        at = open_app("segments")
        estimate = row(at, "light")["churn"]  # in percent, as the table shows it
        assert at.slider(key="churn:light").value == pytest.approx(round(estimate, 2))
        at.slider(key="churn:light").set_value(5.0).run()
        assert row(at, "light")["churn"] == pytest.approx(5.0)
        at.button(key="churn_reset").click().run()
        assert row(at, "light")["churn"] == pytest.approx(estimate)
        assert scenario_of(at).churn is None

    def test_segment_by_plan(self) -> None:
        at = open_app("segments")
        at.selectbox(key="segment_by").set_value("plan").run()
        assert [r["segment"] for r in table(at)] == ["Starter", "Pro", "Business", "All customers"]
        assert at.slider(key="churn:Starter") is not None

    def test_percentiles_move_customers_between_tiers(self) -> None:
        at = open_app("segments")
        light_before = row(at, "light")["customers"]
        at.slider(key="tier_percentiles").set_value((25, 90)).run()
        assert row(at, "light")["customers"] < light_before

    def test_cac_per_segment(self) -> None:
        at = open_app("segments")
        at.number_input(key="cac:power").set_value(6000.0).run()
        assert row(at, "power")["cac_usd"] == 6000
        assert row(at, "light")["cac_usd"] == 1800
        assert scenario_of(at).cac_usd == {"light": 1800.0, "core": 1800.0, "power": 6000.0}
        assert any("**Power users**" in w.value for w in at.warning)  # now below 3:1

    def test_cost_burden(self) -> None:
        at = open_app("segments")
        before = row(at, "all")["gross_profit_usd"]
        at.number_input(key="cogs:support_usd").set_value(16.0).run()
        assert row(at, "all")["gross_profit_usd"] == pytest.approx(before - 10)

    def test_price_reprices_the_plan(self) -> None:
        at = open_app("segments")
        at.selectbox(key="segment_by").set_value("plan").run()
        assert at.number_input(key="price:Starter").value == 49.0
        at.number_input(key="price:Starter").set_value(59.0).run()
        assert row(at, "Starter")["arpa_usd"] == pytest.approx(59.0)
        assert scenario_of(at).prices == {"Starter": 59.0}
        assert any("re-priced" in c.value for c in at.caption)

    def test_reset_assumptions(self) -> None:
        at = open_app("segments")
        at.slider(key="churn:all").set_value(9.0).run()
        at.sidebar.button(key="reset_scenario").click().run()
        assert scenario_of(at) == econ.sample_scenario()


class TestLinks:
    def test_a_link_restores_every_control_and_number(self) -> None:
        scenario = econ.Scenario(
            segment_by="plan",
            churn={"Pro": 0.03},
            cac_usd={"Starter": 900.0, "Pro": 2500.0, "Business": 9000.0},
            cogs=econ.Cogs(ai_infra_usd=5, support_usd=7, cs_usd=2, hosting_usd=4),
            prices={"Starter": 59.0},
            allocation=econ.Allocation("custom", {"autocomplete": 1, "deep_research": 3}),
            feature_categories={"deep_research": "premium"},
        )
        at = open_app("segments", encode_link("sample", scenario))
        assert scenario_of(at) == scenario
        assert at.selectbox(key="segment_by").value == "plan"
        assert at.slider(key="churn:Pro").value == pytest.approx(3.0)
        assert at.number_input(key="cac:Business").value == 9000.0
        assert at.number_input(key="cogs:support_usd").value == 7.0
        assert at.number_input(key="price:Starter").value == 59.0
        expected = econ.analyze_dataset(econ.load_dataset(*econ.sample_paths()), scenario)
        names = {labels.segment_label(s, "plan"): s for s in expected.segments["segment"]}
        for record in table(at):
            truth = expected.segment(names[record["segment"]])
            assert record["ltv_compute_adjusted_usd"] == pytest.approx(
                truth["ltv_compute_adjusted_usd"]
            )
            assert record["ltv_cac"] == pytest.approx(truth["ltv_cac"])
        at.switch_page(PAGES["features"]).run()
        assert at.radio(key="allocation_method").value == "custom"
        assert at.selectbox(key="category:deep_research").value == "premium"

    def test_a_control_change_is_written_into_the_url(self) -> None:
        at = open_app("segments")
        at.slider(key="churn:all").set_value(3.5).run()
        params = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
        link = decode_link(params)
        assert link.dataset_id == "sample"
        assert link.scenario == scenario_of(at)

    def test_a_link_to_an_uploaded_dataset(self) -> None:
        first = upload(open_app("data"), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
        dataset_id = first.session_state[session.DATASET_ID]
        again = open_app("segments", encode_link(dataset_id, econ.Scenario(churn=0.1)))
        assert again.session_state[session.DATASET_ID] == dataset_id
        assert row(again, "all")["churn"] == pytest.approx(10.0)  # percent, as shown


class TestNothingUsersWriteBecomesMarkup:
    """Uploaded segment names, plans and ids, and share links, are shown as text."""

    def test_a_hostile_dataset(self) -> None:
        at = hostile_app()
        at.switch_page(PAGES["segments"]).run()
        at.selectbox(key="segment_by").set_value("company_size").run()
        at.number_input(key=f"cac:{HOSTILE[2]}").set_value(90_000.0).run()
        assert_no_markup(at, "segment LTV")
        assert any(plain(HOSTILE[2]) in w.value for w in at.warning)  # below 3:1
        assert all(value in shown(at) for value in HOSTILE)
        # The layout reads the hostile column's name as a plain identifier; its values stay.
        at.selectbox(key="segment_by").set_value(at.selectbox(key="segment_by").options[-1]).run()
        assert_no_markup(at, "segment LTV by the second segment column")

    @pytest.mark.parametrize("params", HOSTILE_LINKS)
    def test_a_hostile_share_link(self, params: dict[str, str]) -> None:
        at = open_app(params=params)
        at.switch_page(PAGES["segments"]).run()
        assert_no_markup(at, "segments")


def test_thousands_of_segments_get_a_bounded_number_of_controls(tmp_path: Path) -> None:
    """One control per segment or plan, up to a bound: Streamlit's cost per rerun grows with
    the square of a page's widgets, so 8,000 segments would take minutes a run. The tables
    still list every one."""
    many = 300
    at = many_app(tmp_path, many)
    at.switch_page(PAGES["segments"]).run()
    at.selectbox(key="segment_by").set_value("region").run()
    churn = [s for s in at.slider if s.key and s.key.startswith("churn:")]
    assert len(churn) == layout.MAX_CONTROLS + 1  # and the blended row
    assert len([n for n in at.number_input if n.key and n.key.startswith("price:")]) == 40
    assert any(f"first 40 of {many:,} segments" in c.value for c in at.caption)


def known(value: object) -> bool:
    """A number the table shows (a blank cell reads as None or NaN)."""
    return isinstance(value, int | float) and not math.isnan(value)


def retention_table(at: AppTest) -> list[dict[str, Any]]:
    """The Retention section's table (the one with the sBG LTV)."""
    return next(
        frame.value.to_dict("records")
        for frame in at.dataframe
        if "ltv_sbg_usd" in frame.value.columns
    )


class TestRetention:
    def test_the_section_renders_on_the_sample(self) -> None:
        at = open_app("segments")
        assert "Retention" in [header.value for header in at.subheader]
        records = retention_table(at)
        assert [r["segment"] for r in records] == [
            "Light users",
            "Core users",
            "Power users",
            "All customers",
        ]
        assert at.number_input(key="retention:discount_rate").value == 10.0
        assert at.radio(key="retention:ltv_method").value == "simple"
        assert any(known(r["alpha"]) for r in records)

    def test_moving_the_discount_rate_changes_the_sbg_ltv(self) -> None:
        at = open_app("segments")
        before = {r["segment"]: r["ltv_sbg_usd"] for r in retention_table(at)}
        fitted = [name for name, ltv in before.items() if known(ltv)]
        assert fitted
        at.number_input(key="retention:discount_rate").set_value(30.0).run()
        assert scenario_of(at).retention.discount_rate == pytest.approx(0.30)
        after = {r["segment"]: r["ltv_sbg_usd"] for r in retention_table(at)}
        assert all(after[name] < before[name] for name in fitted)

    def test_the_ltv_method_is_written_into_the_scenario(self) -> None:
        at = open_app("segments")
        at.radio(key="retention:ltv_method").set_value("sbg").run()
        assert scenario_of(at).retention.ltv_method == "sbg"
        again = open_app("segments", encode_link("sample", scenario_of(at)))
        assert again.radio(key="retention:ltv_method").value == "sbg"

    def test_with_the_sbg_method_ltv_cac_follows_the_sbg_ltv(self) -> None:
        at = open_app("segments")
        at.radio(key="retention:ltv_method").set_value("sbg").run()
        report = econ.analyze_dataset(econ.load_dataset(*econ.sample_paths()), scenario_of(at))
        core = report.segment("core")
        fitted = report.retention.filter(report.retention["segment"] == "core").row(0, named=True)
        assert fitted["ltv_sbg_usd"] is not None
        assert core["ltv_method"] == "sbg"
        assert core["ltv_cac"] == pytest.approx(fitted["ltv_sbg_usd"] / core["cac_usd"])
        assert row(at, "core")["ltv_cac"] == pytest.approx(core["ltv_cac"])
        # Segments without a fit keep the simple figures, and the page says so.
        warning = "sBG LTV is undefined for"
        assert any(warning in notice for notice in report.warnings)
        assert any(warning in element.value for element in [*at.warning, *at.markdown])

    def test_the_heat_map_follows_the_chosen_segment(self) -> None:
        at = open_app("segments")
        choice = at.selectbox(key="retention:cohort_segment")
        assert choice.value == "all"
        choice.set_value("power").run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="retention:cohort_segment").value == "power"

    def test_the_section_renders_on_a_tiny_dataset(self) -> None:
        at = upload(open_app("data"), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
        at.switch_page(PAGES["segments"]).run()
        assert not at.exception, [e.value for e in at.exception]
        assert "Retention" in [header.value for header in at.subheader]
        records = retention_table(at)
        assert records[-1]["segment"] == "All customers"
        assert not any(known(r["ltv_sbg_usd"]) for r in records)
        assert any("too little data" in m.value for m in at.markdown)

    def test_the_charts_are_valid_vega_lite(self) -> None:
        report = econ.analyze_dataset(
            econ.load_dataset(*econ.sample_paths()), econ.sample_scenario()
        )
        view = retention.retention_view(report)
        retention_charts.cohort_heatmap(view.heatmap).to_dict(validate=True)
        retention_charts.survival_curves(view.curves, view.segments).to_dict(validate=True)
        retention_charts.grr_nrr(view.rates).to_dict(validate=True)


class TestFirstSmallUpload:
    """Three customers, two features, three months; nobody on the core or power tier leaves."""

    def test_every_chart_draws(self) -> None:
        at = first_upload("segments")
        ltv, histogram, heat, curves, rates = assert_every_chart_draws(at, 5)
        notes = ltv[1][0].filter(ltv[1][0]["note"].is_not_null())
        assert set(notes["label"]) == {"Core users", "Power users"}
        assert set(notes["note"]) == {views.NO_CHURN_NOTE}
        axis = histogram[0]["layer"][0]["encoding"]["y"]["axis"]
        assert (axis["values"], axis["format"]) == ([0, 1], "d")
        assert histogram[1][0]["customers"].sum() == 3
        assert heat[1][0]["cohort"].unique().to_list() == ["Jan 2026"]
        assert curves[0]["layer"][0]["encoding"]["x"]["axis"]["values"] == [0, 1, 2]
        assert len(rates[0]["layer"][0]["encoding"]["x"]["axis"]["values"]) == 2

    def test_only_money_losers_are_listed_in_words(self) -> None:
        at = first_upload("segments")
        assert_reads_in_words(at)
        losers = next(
            records
            for index in range(len(at.dataframe))
            if "customer_id" in (records := table(at, index))[0]
        )
        assert [(r["customer_id"], r["segment"]) for r in losers] == [("acme", "Power users")]
        assert all(r["gross_profit_usd"] < 0 for r in losers)


def test_no_customer_losing_money_is_said(tmp_path: Path) -> None:
    at = upload(open_app("data"), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
    at.switch_page(PAGES["segments"]).run()
    assert not at.exception
    assert "No customer loses money." in [m.value for m in at.markdown]
    assert not any("customer_id" in table(at, i)[0] for i in range(len(at.dataframe)))


def test_a_churn_above_the_usual_range_is_shown_as_the_figures_use_it() -> None:
    """One of the two light customers left: 50% churn, shown as 50%, not pinned at 30%."""
    at = first_upload_app("segments")
    slider = at.slider(key="churn:light")
    assert slider.value == pytest.approx(50.0)
    assert slider.max == 50.0
    assert row(at, "light")["churn"] == pytest.approx(50.0)
