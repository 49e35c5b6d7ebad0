"""The app, driven headlessly with Streamlit's AppTest: every page, the controls that matter,
uploads, and links that reproduce a view."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from locations import APP, CORPUS, FIXTURES
from markup import HOSTILE, REVENUE_NAME, USAGE_NAME, hostile_dataset, markup, shown_text
from streamlit.testing.v1 import AppTest

import econ
from econ.scenario.link import decode_link, encode_link
from ui import layout, session
from ui.text import plain

pytestmark = pytest.mark.app

PAGES = {
    "segments": "pages/segments.py",
    "features": "pages/features.py",
    "methods": "pages/formulas.py",
    "tiers": "pages/tiers.py",
}
TIMEOUT = 60


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    folder = tmp_path / "econ-data"
    monkeypatch.setenv("ECON_DATA_DIR", str(folder))
    return folder


def open_app(page: str | None = None, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if params:
        at.query_params.update(params)
    at.run()
    if page:
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, index: int = 0) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = at.dataframe[index].value.to_dict("records")
    return records


def row(at: AppTest, segment: str) -> dict[str, Any]:
    return next(r for r in table(at) if r["segment"] == segment)


def scenario_of(at: AppTest) -> econ.Scenario:
    value = at.session_state[session.SCENARIO]
    assert isinstance(value, econ.Scenario)
    return value


def parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


SMALL_REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Solo"),
        ("a", "2026-02", 100, "Solo"),
        ("b", "2026-01", 300, "Team"),
        ("b", "2026-02", 300, "Team"),
        ("c", "2026-01", 100, "Solo"),
    ],
    channel=["web", "web", "sales", "sales", "web"],
)
SMALL_USAGE = usage_frame(
    [
        ("a", "write", "2026-01", 100, 20.0),
        ("a", "write", "2026-02", 100, 20.0),
        ("b", "research", "2026-01", 10, 150.0),
        ("b", "research", "2026-02", 10, 150.0),
        ("c", "write", "2026-01", 10, 2.0),
        ("trial", "write", "2026-01", 5, 1.0),
    ]
)


class TestPages:
    def test_data_page_shows_the_sample_banner_and_summary(self) -> None:
        at = open_app()
        assert at.title[0].value == "Data"
        assert any("bundled sample data" in info.value for info in at.info)
        metrics = {metric.label: metric.value for metric in at.metric}
        assert metrics["Customers"] == "2,000"
        assert metrics["Months"] == "15"
        assert metrics["Features"] == "8"
        assert metrics["Plans"] == "3"
        assert metrics["Unbilled usage"].startswith("$")
        assert len(at.file_uploader) == 2

    @pytest.mark.parametrize("page", list(PAGES))
    def test_every_page_renders(self, page: str) -> None:
        at = open_app(page)
        assert at.title[0].value
        # Only the pages that call out money-losing features in red show errors.
        assert not at.error or page in {"features", "tiers"}
        assert any("?v=1&data=sample&s=" in code.value for code in at.sidebar.code)

    def test_segment_page_calls_out_segments_below_three_to_one(self) -> None:
        at = open_app("segments")
        warnings = [w.value for w in at.warning]
        assert any("**light**" in w and "below 3:1" in w for w in warnings)
        assert [r["segment"] for r in table(at)] == ["light", "core", "power", "all"]
        assert any("lose money" in m.value for m in at.markdown)

    def test_feature_page_names_the_money_loser_and_the_crossing(self) -> None:
        at = open_app("features")
        assert any(f"**{plain('deep_research')}** loses" in e.value for e in at.error)
        assert any("crossed from a positive to a negative margin" in w.value for w in at.warning)
        features = table(at)
        assert features[-1]["feature_id"] == "deep_research"

    def test_methods_page_shows_live_values(self) -> None:
        at = open_app("methods")
        assert len(at.latex) >= 6
        live = " ".join(m.value for m in at.markdown if "In this view" in m.value)
        blended = econ.analyze_dataset(
            econ.load_dataset(*econ.sample_paths()), econ.sample_scenario()
        ).segment("all")
        assert f"${blended['gross_profit_usd']:,.2f}" in live


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
        estimate = row(at, "light")["churn"]
        assert at.slider(key="churn:light").value == pytest.approx(round(estimate * 100, 2))
        at.slider(key="churn:light").set_value(5.0).run()
        assert row(at, "light")["churn"] == pytest.approx(0.05)
        at.button(key="churn_reset").click().run()
        assert row(at, "light")["churn"] == pytest.approx(estimate)
        assert scenario_of(at).churn is None

    def test_segment_by_plan(self) -> None:
        at = open_app("segments")
        at.selectbox(key="segment_by").set_value("plan").run()
        assert [r["segment"] for r in table(at)] == ["Starter", "Pro", "Business", "all"]
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
        assert any("**power**" in w.value for w in at.warning)  # now below 3:1

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


def upload_files(at: AppTest, usage: Path, revenue: Path) -> AppTest:
    at.file_uploader(key="upload_usage").upload(usage.name, usage.read_bytes())
    at.file_uploader(key="upload_revenue").upload(revenue.name, revenue.read_bytes())
    return at.run()


class TestImports:
    def test_exports_are_detected_and_read(self) -> None:
        at = upload_files(
            open_app(),
            FIXTURES / "langfuse_blob_events.parquet",
            FIXTURES / "stripe_invoices_basil.json",
        )
        chosen = {box.label: box.value for box in at.selectbox}
        assert chosen[f"{plain('langfuse_blob_events.parquet')} is a"] == "langfuse"
        assert chosen["Customer comes from"] == "column:user_id"
        assert chosen["Feature comes from"] == "tag:feature:"
        assert chosen[f"{plain('stripe_invoices_basil.json')} is a"] == "stripe_invoices"
        assert at.radio(key=next(r.key for r in at.radio)).value == "auto"
        at.button(key="load_files").click().run()
        assert not at.exception
        # The fine-tune has no price: its row is left out, and its price asked for.
        assert any("Langfuse observations" in s.value for s in at.success)
        metrics = {m.label: m.value for m in at.metric}
        assert (metrics["Customers"], metrics["Features"]) == ("4", "4")
        assert any("spans and events skipped" in c.value for c in at.caption)
        assert any("name no customer" in w.value for w in at.warning)

    def test_choosing_another_feature_source(self) -> None:
        at = upload_files(
            open_app(),
            FIXTURES / "helicone_export.jsonl",
            FIXTURES / "stripe_dashboard_subscriptions.csv",
        )
        feature_box = next(box for box in at.selectbox if box.label == "Feature comes from")
        feature_box.set_value("column:model").run()
        at.button(key="load_files").click().run()
        at.switch_page(PAGES["features"]).run()
        features = {r["feature_id"] for r in table(at)}
        assert {"gpt-4o", "gpt-4o-mini", "o3"} <= features

    def test_a_file_that_names_no_customer_must_be_told_where_it_is(self) -> None:
        at = upload_files(
            open_app(),
            FIXTURES / "litellm_daily_tag_spend.csv",
            FIXTURES / "baremetrics_subscriptions.csv",
        )
        customer_box = next(box for box in at.selectbox if box.label == "Customer comes from")
        assert customer_box.value is None  # nothing in the file names one: the user chooses
        at.button(key="load_files").click().run()
        assert at.session_state[session.DATASET_ID] == "sample"
        assert any("names no customer" in str(row) for row in table(at))
        customer_box = next(box for box in at.selectbox if box.label == "Customer comes from")
        customer_box.set_value("column:api_key").run()
        at.button(key="load_files").click().run()
        assert at.session_state[session.DATASET_ID] != "sample"
        # Loaded: the uploaders let go of the files (a new, empty pair is shown).
        (usage,) = [u for u in at.get("file_uploader") if u.key.startswith("upload_usage")]
        assert usage.key == "upload_usage_1" and not usage.value

    def test_an_unknown_layout_is_mapped(self, tmp_path: Path) -> None:
        usage, revenue = tmp_path / "ledger.parquet", tmp_path / "revenue.csv"
        pl.DataFrame(
            {
                "account": ["a1", "a2"],
                "use_case": ["chat", "search"],
                "created_at": ["2026-07-01T10:00:00Z", "2026-08-02T10:00:00Z"],
                "price": [0.5, 0.25],
            }
        ).write_parquet(usage)
        revenue.write_text(
            "account,billing_month,monthly_revenue,tier\n"
            "a1,2026-07,199,Pro\na1,2026-08,199,Pro\na2,2026-08,49,Starter\n"
        )
        at = upload_files(open_app(), usage, revenue)
        mapped = {box.label: box.value for box in at.selectbox}
        assert mapped[f"{plain('ledger.parquet')} is a"] == "mapped"
        assert mapped["customer_id"] == "account"
        at.button(key="load_files").click().run()
        assert not at.exception
        assert {m.label: m.value for m in at.metric}["Plans"] == "2"

    def test_prices_for_an_unknown_model_can_be_entered(self) -> None:
        at = upload_files(
            open_app(), CORPUS / "usage_unknown_model.parquet", CORPUS / "good_revenue.parquet"
        )
        at.button(key="load_files").click().run()
        assert at.session_state[session.DATASET_ID] == "sample"
        model = plain("my-finetune-v2")
        assert any(model in w.value for w in at.warning)
        inputs = {box.label: box for box in at.number_input}
        inputs[f"{model} — input $/M"].set_value(0.5)
        inputs[f"{model} — output $/M"].set_value(1.5)
        at.run()
        at.button(key="load_files").click().run()
        assert at.session_state[session.DATASET_ID] != "sample"
        assert any("priced by override" in c.value for c in at.caption)

    def test_a_link_reads_an_imported_dataset_the_same_way(self) -> None:
        at = upload_files(
            open_app(),
            FIXTURES / "litellm_spend_logs.csv",
            FIXTURES / "stripe_subscriptions.json",
        )
        at.button(key="load_files").click().run()
        dataset_id = at.session_state[session.DATASET_ID]
        again = open_app(params=encode_link(dataset_id, econ.Scenario()))
        assert again.session_state[session.DATASET_ID] == dataset_id
        assert any("LiteLLM spend logs" in s.value for s in again.success)


class TestUploads:
    def upload(self, at: AppTest, usage: bytes, revenue: bytes) -> AppTest:
        at.file_uploader(key="upload_usage").upload("my_usage.parquet", usage)
        at.file_uploader(key="upload_revenue").upload("my_revenue.parquet", revenue)
        at.run()
        if not at.button(key="load_files").disabled:
            at.button(key="load_files").click().run()
        return at

    def test_good_files_replace_the_sample(self, data_dir: Path) -> None:
        at = self.upload(open_app(), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
        assert not at.exception
        assert any(plain("my_usage.parquet") in s.value for s in at.success)
        metrics = {metric.label: metric.value for metric in at.metric}
        assert metrics["Customers"] == "3"
        assert metrics["Plans"] == "2"
        assert metrics["Unbilled usage"] == "$1.00"  # a small upload shows cents
        dataset_id = at.session_state[session.DATASET_ID]
        assert len(dataset_id) == 32
        assert (data_dir / "datasets" / f"{dataset_id}.json").exists()
        assert at.query_params["data"] == [dataset_id] or at.query_params["data"] == dataset_id

    def test_bad_rows_are_left_out_listed_and_downloadable(self) -> None:
        bad_revenue = SMALL_REVENUE.with_columns(pl.Series("mrr_usd", [100.0, -5, 300, 300, 100]))
        at = self.upload(open_app(), parquet(SMALL_USAGE), parquet(bad_revenue))
        assert not at.exception
        assert any("1 row left out" in w.value for w in at.warning)
        problems = table(at)
        assert problems[0]["file"] == "my_revenue.parquet"
        assert problems[0]["column"] == "mrr_usd"
        assert problems[0]["rows"] == 1
        assert "row=2" in problems[0]["example"]
        assert at.session_state[session.DATASET_ID] != "sample"
        assert at.get("download_button")

    def test_unreadable_files_show_problems_and_keep_the_previous_data(self) -> None:
        at = self.upload(open_app(), b"\x00\x01binary", parquet(SMALL_REVENUE))
        assert any("cannot be read" in e.value for e in at.error)
        assert any(
            "is not a readable parquet, CSV, JSON or JSON Lines file" in r["rule"]
            for r in table(at)
        )
        assert at.session_state[session.DATASET_ID] == "sample"
        assert any("bundled sample data" in info.value for info in at.info)

    def test_one_file_alone_waits_for_the_other(self) -> None:
        at = open_app()
        at.file_uploader(key="upload_usage").upload("u.parquet", parquet(SMALL_USAGE))
        at.run()
        assert any("Add the revenue table too" in info.value for info in at.info)

    def test_uploaded_data_works_on_every_page(self) -> None:
        at = self.upload(open_app(), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
        for page in PAGES.values():
            at.switch_page(page).run()
            assert not at.exception, page
        at.switch_page(PAGES["segments"]).run()
        assert {r["segment"] for r in table(at)} >= {"all"}


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
        for record in table(at):
            truth = expected.segment(record["segment"])
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
        first = TestUploads().upload(open_app(), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
        dataset_id = first.session_state[session.DATASET_ID]
        again = open_app("segments", encode_link(dataset_id, econ.Scenario(churn=0.1)))
        assert again.session_state[session.DATASET_ID] == dataset_id
        assert row(again, "all")["churn"] == pytest.approx(0.1)

    def test_a_link_whose_dataset_is_gone_falls_back_with_a_message(self) -> None:
        at = open_app(params=encode_link("0" * 32, econ.Scenario(churn=0.1)))
        assert any("no longer stored" in w.value for w in at.warning)
        assert at.session_state[session.DATASET_ID] == "sample"
        assert scenario_of(at) == econ.sample_scenario()

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"v": "1", "data": "sample", "s": "not-a-scenario"}, "could not be used"),
            ({"v": "7", "data": "sample"}, "newer version"),
            ({"v": "1", "data": "../../etc/passwd"}, "malformed"),
        ],
    )
    def test_a_malformed_link_falls_back_with_a_message(
        self, params: dict[str, str], message: str
    ) -> None:
        at = open_app(params=params)
        assert any(message in w.value for w in at.warning)
        at.switch_page(PAGES["segments"]).run()
        assert not at.exception
        assert scenario_of(at) == econ.sample_scenario()


# Elements whose text Streamlit shows as it is. (Selectbox and multiselect options are plain
# text too; radio options, like every label, help text, metric and alert, are Markdown.)
LITERAL_ELEMENTS = {"code", "latex", "dataframe", "vega_lite_chart", "exception"}
MARKDOWN_FIELDS = {"body", "label", "help", "delta"}


def elements(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from elements(child)


def markdown_bodies(at: AppTest) -> list[str]:
    """Every string of this run that Streamlit renders as Markdown: markdown, captions,
    headings and alerts; labels and help of widgets, metrics, expanders and tabs; metric values
    and deltas; radio options."""
    bodies: list[str] = []
    for node in elements(at._tree):
        if node.type in LITERAL_ELEMENTS:
            continue
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            bodies += [
                value
                for field, value in proto.ListFields()
                if field.name in MARKDOWN_FIELDS and isinstance(value, str)
            ]
            if node.type == "radio":
                bodies += list(proto.options)
        label = getattr(node, "label", None)  # expanders and tabs keep theirs in a sub-message
        if isinstance(label, str):
            bodies.append(label)
    return bodies


def shown(at: AppTest) -> str:
    """All the Markdown text of this run as a reader sees it."""
    return "\n".join(shown_text(body) for body in markdown_bodies(at))


def assert_no_markup(at: AppTest, where: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    made = {body: found for body in markdown_bodies(at) if (found := markup(body))}
    assert not made, (where, made)


class TestNothingUsersWriteBecomesMarkup:
    """Uploaded ids and names, and share links, are shown as text on every page."""

    def test_a_hostile_dataset_on_every_page(self) -> None:
        usage, revenue = hostile_dataset()
        at = open_app()
        at.file_uploader(key="upload_usage").upload(USAGE_NAME, parquet(usage))
        at.file_uploader(key="upload_revenue").upload(REVENUE_NAME, parquet(revenue))
        at.run()
        assert_no_markup(at, "import step")
        at.button(key="load_files").click().run()
        assert at.session_state[session.DATASET_ID] != "sample"
        assert_no_markup(at, "data page")
        text = shown(at)
        assert USAGE_NAME in text and REVENUE_NAME in text
        assert HOSTILE[0] in text and HOSTILE[6] in text  # the plans

        at.switch_page(PAGES["segments"]).run()
        at.selectbox(key="segment_by").set_value("company_size").run()
        at.number_input(key=f"cac:{HOSTILE[2]}").set_value(90_000.0).run()
        assert_no_markup(at, "segment LTV")
        assert any(plain(HOSTILE[2]) in w.value for w in at.warning)  # below 3:1
        assert all(value in shown(at) for value in HOSTILE)
        # The layout reads the hostile column's name as a plain identifier; its values stay.
        at.selectbox(key="segment_by").set_value(at.selectbox(key="segment_by").options[-1]).run()
        assert_no_markup(at, "segment LTV by the second segment column")

        at.switch_page(PAGES["features"]).run()
        assert_no_markup(at, "feature margins")
        assert any(plain(HOSTILE[1]) in e.value for e in at.error)  # loses money
        assert any(plain(HOSTILE[2]) in w.value for w in at.warning)  # crossed below zero
        at.radio(key="allocation_method").set_value("custom").run()
        assert_no_markup(at, "feature margins, custom weights")
        assert all(value in shown(at) for value in HOSTILE)

        at.switch_page(PAGES["tiers"]).run()
        at.toggle(key="show_all_recommendations").set_value(True).run()
        for plan in (HOSTILE[0], HOSTILE[6]):
            at.selectbox(key="book_plan").set_value(plan).run()
            assert_no_markup(at, f"tiers & pricing, {plan}")
            assert all(plain(feature) in [m.value for m in at.markdown] for feature in HOSTILE)
        assert any(plain(HOSTILE[1]) in e.label for e in at.expander)  # a recommendation

        at.switch_page(PAGES["methods"]).run()
        assert_no_markup(at, "methods")

    @pytest.mark.parametrize(
        "params",
        [
            {"v": "![x](http://evil.example/x.png) [Log in again](http://evil.example/phish)"},
            {"v": "1", "data": HOSTILE[0], "page": HOSTILE[1]},
            {
                "v": "1",
                "data": "sample",
                "s": econ.scenario.link.encode_scenario(econ.Scenario(segment_by=HOSTILE[0])),
            },
            {
                "v": "1",
                "data": "sample",
                "s": econ.scenario.link.encode_scenario(
                    econ.sample_scenario().replace(
                        prices={HOSTILE[0]: 10.0},
                        cogs=econ.Cogs(support_usd={"light": 1.0, HOSTILE[1]: 2.0}),
                        feature_categories={HOSTILE[2]: "core"},
                    )
                ),
            },
        ],
        ids=["version", "dataset-and-page", "segment-by", "scenario-keys"],
    )
    def test_a_hostile_share_link_on_every_page(self, params: dict[str, str]) -> None:
        at = open_app(params=params)
        assert_no_markup(at, "data page")
        if params["v"] != "1":
            assert params["v"] in shown(at)  # quoted in the notice, as text
        for name, page in PAGES.items():
            at.switch_page(page).run()
            assert_no_markup(at, name)


@pytest.mark.app
def test_thousands_of_segments_and_features_get_a_bounded_number_of_controls(
    tmp_path: Path,
) -> None:
    """One control per segment, plan or feature, up to a bound: Streamlit's cost per rerun
    grows with the square of a page's widgets, so 8,000 features would take minutes a run.
    The tables still list every one."""
    many = 300
    months = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    usage, revenue = tmp_path / "usage.parquet", tmp_path / "revenue.parquet"
    pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(many) for _ in months],
            "feature_id": [f"f{i}" for i in range(many) for _ in months],
            "month": months * many,
            "cost_usd": 0.5,
        }
    ).write_parquet(usage)
    pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(many) for _ in months],
            "month": months * many,
            "mrr_usd": 50.0,
            "plan": [f"p{i}" for i in range(many) for _ in months],
            "region": [f"r{i}" for i in range(many) for _ in months],
        }
    ).write_parquet(revenue)
    at = upload_files(open_app(), usage, revenue)
    at.button(key="load_files").click().run()
    assert not at.exception
    at.switch_page(PAGES["segments"]).run()
    at.selectbox(key="segment_by").set_value("region").run()
    churn = [s for s in at.slider if s.key and s.key.startswith("churn:")]
    assert len(churn) == layout.MAX_CONTROLS + 1  # and the blended row
    assert len([n for n in at.number_input if n.key and n.key.startswith("price:")]) == 40
    assert any(f"first 40 of {many:,} segments" in c.value for c in at.caption)
    for page in ("features", "tiers"):
        at.switch_page(PAGES[page]).run()
        assert not at.exception
        assert any(f"first 40 of {many:,} features" in c.value for c in at.caption)
