"""The Data page, driven headlessly: the sample's summary, reading exports and mapped layouts,
uploads that work or fail, links that land on it, and hostile names shown as text."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from app_support import (
    HOSTILE_LINKS,
    PAGES,
    SMALL_REVENUE,
    SMALL_USAGE,
    assert_no_markup,
    open_app,
    own_data_dir,
    parquet,
    scenario_of,
    shown,
    table,
    upload,
    upload_files,
    upload_hostile,
)
from locations import CORPUS, FIXTURES
from markup import HOSTILE, REVENUE_NAME, USAGE_NAME

import econ
from econ.scenario.link import encode_link
from ui import session
from ui.text import plain

pytestmark = pytest.mark.app


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test stores uploads in its own folder."""
    return own_data_dir(tmp_path, monkeypatch)


def test_data_page_shows_the_sample_banner_and_summary() -> None:
    at = open_app()
    assert at.title[0].value == "Data"
    assert any("bundled sample data" in info.value for info in at.info)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Customers"] == "2,000"
    assert metrics["Months"] == "15"
    assert metrics["Features"] == "8"
    assert metrics["Plans"] == "3"
    assert metrics["Unbilled usage"].startswith("$")
    assert len(at.main.file_uploader) == 2


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
        again = open_app("data", params=encode_link(dataset_id, econ.Scenario()))
        assert again.session_state[session.DATASET_ID] == dataset_id
        assert any("LiteLLM spend logs" in s.value for s in again.success)


class TestUploads:
    def test_good_files_replace_the_sample(self, data_dir: Path) -> None:
        at = upload(open_app(), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
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
        at = upload(open_app(), parquet(SMALL_USAGE), parquet(bad_revenue))
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
        at = upload(open_app(), b"\x00\x01binary", parquet(SMALL_REVENUE))
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
        at = upload(open_app(), parquet(SMALL_USAGE), parquet(SMALL_REVENUE))
        for page in PAGES.values():
            at.switch_page(page).run()
            assert not at.exception, page
        at.switch_page(PAGES["segments"]).run()
        assert {r["segment"] for r in table(at)} >= {"All customers"}


class TestLinks:
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


class TestNothingUsersWriteBecomesMarkup:
    """Uploaded ids and names, and share links, are shown as text."""

    def test_a_hostile_dataset(self) -> None:
        at = upload_hostile(open_app())
        assert_no_markup(at, "import step")
        at.button(key="load_files").click().run()
        assert at.session_state[session.DATASET_ID] != "sample"
        assert_no_markup(at, "data page")
        text = shown(at)
        assert USAGE_NAME in text and REVENUE_NAME in text
        assert HOSTILE[0] in text and HOSTILE[6] in text  # the plans

    @pytest.mark.parametrize("params", HOSTILE_LINKS)
    def test_a_hostile_share_link(self, params: dict[str, str]) -> None:
        at = open_app(params=params)
        assert_no_markup(at, "data page")
        if params["v"] != "1":
            assert params["v"] in shown(at)  # quoted in the notice, as text
