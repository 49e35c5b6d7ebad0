"""Each layout, given to ``econ analyze`` and dropped into the app's Data page, gives the totals a
careful analyst computes from the truth: revenue, inference inside paying months, unbilled
usage, calls, customers. The warnings reading made are shown on both."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fixtures.imports import openai_files, truth
from import_support import FIXTURES
from locations import APP
from markup import shown_text
from streamlit.testing.v1 import AppTest

from econ import formats
from econ.cli import main
from ui import session

FINE_TUNE_PRICE = {
    truth.FINE_TUNE: {
        "input_per_mtok": 0.30,
        "output_per_mtok": 1.20,
        "cached_input_per_mtok": 0.15,
    }
}
SEEN = [call for call in truth.CALLS if truth.seen_by_observability(call)]


@dataclass(frozen=True)
class Pair:
    usage: str
    revenue: str
    headline: truth.Headline
    warning: str
    """A warning the reading must show (in the report, the CLI and the Data page)."""


def pair(
    usage: str,
    revenue: str,
    calls: list[truth.Call],
    layout: str,
    warning: str,
    *,
    through: str = truth.THROUGH,
    **keys: Any,
) -> Pair:
    """A usage and a revenue file, and the totals of the truth's months through ``through``
    (running subscriptions are counted through the usage ledger's last month)."""
    months = {k: v for k, v in truth.expected_revenue(layout).items() if k[1] <= through}
    return Pair(
        usage, revenue, truth.expected_totals(truth.expected_usage(calls, **keys), months), warning
    )


DASHBOARD = "stripe_dashboard_subscriptions.csv"
EVENTS = "langfuse_blob_events.parquet"
NO_CUSTOMER = "2 rows (2 calls, $0.00117) name no customer"
PAIRS = [
    pair("langfuse_ui_observations.csv", DASHBOARD, SEEN, "stripe_dashboard", NO_CUSTOMER),
    pair("langfuse_ui_events.jsonl", DASHBOARD, SEEN, "stripe_dashboard", NO_CUSTOMER),
    pair(EVENTS, DASHBOARD, SEEN, "stripe_dashboard", NO_CUSTOMER),
    pair("litellm_spend_logs.csv", DASHBOARD, truth.CALLS, "stripe_dashboard", NO_CUSTOMER),
    pair("litellm_spend_logs_v2.json", DASHBOARD, truth.CALLS, "stripe_dashboard", NO_CUSTOMER),
    pair("helicone_export.jsonl", DASHBOARD, SEEN, "stripe_dashboard", NO_CUSTOMER),
    pair("helicone_export.csv", DASHBOARD, SEEN, "stripe_dashboard", NO_CUSTOMER),
    pair(
        "openai_usage_completions_page2.json",  # August, in one page
        DASHBOARD,
        [c for c in truth.CALLS if truth.seen_by_openai(c) and c.month == "2026-08"],
        "stripe_dashboard",
        "customers are taken from column:project_id",
        through="2026-08",
        customer=openai_files.project,
        feature=lambda call: call.model,
    ),
    pair(EVENTS, "stripe_invoices_acacia.json", SEEN, "stripe_invoices", NO_CUSTOMER),
    pair(EVENTS, "stripe_invoices_basil.json", SEEN, "stripe_invoices", NO_CUSTOMER),
    pair(EVENTS, "stripe_subscriptions.json", SEEN, "stripe_subscriptions", NO_CUSTOMER),
    pair(EVENTS, "baremetrics_subscriptions.csv", SEEN, "baremetrics", NO_CUSTOMER),
    pair(EVENTS, "chartmogul_invoices.json", SEEN, "chartmogul", NO_CUSTOMER),
    pair(
        EVENTS,
        "subscriptions_table.csv",
        SEEN,
        "subscriptions",
        "amounts were read as dollars because they are written with a decimal point",
    ),
]
IDS = [f"{p.usage}+{p.revenue}" for p in PAIRS]


@pytest.mark.parametrize("case", PAIRS, ids=IDS)
def test_the_command_line(case: Pair, tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps(FINE_TUNE_PRICE))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            [
                "analyze",
                "--usage",
                str(FIXTURES / case.usage),
                "--revenue",
                str(FIXTURES / case.revenue),
                "--prices",
                str(prices),
                "--format",
                "json",
                "--no-cache",
            ]
        )
    assert code == 0, err.getvalue()
    report = json.loads(out.getvalue())
    totals = report["totals"]
    want = case.headline
    assert totals["revenue_usd"] == pytest.approx(want.revenue)
    assert totals["inference_usd"] == pytest.approx(want.inference)
    assert totals["unbilled_inference_usd"] == pytest.approx(want.unbilled_inference)
    assert (totals["calls"], totals["unbilled_calls"]) == (want.calls, want.unbilled_calls)
    assert totals["customers"] == want.customers
    assert any(case.warning in w for w in report["warnings"])
    assert f"econ: warning: {case.usage}" in err.getvalue() or case.warning in err.getvalue()


def load_pricing_the_fine_tune(at: AppTest) -> None:
    """Load the files; when a model no price table knows has its rows left out and its price
    asked for, enter it, as a user would, and load again."""
    at.button(key="load_files").click().run()
    boxes = {shown_text(box.label): box for box in at.number_input}
    if f"{truth.FINE_TUNE} — input $/M" in boxes:
        boxes[f"{truth.FINE_TUNE} — input $/M"].set_value(0.30)
        boxes[f"{truth.FINE_TUNE} — output $/M"].set_value(1.20)
        boxes[f"{truth.FINE_TUNE} — cached input $/M"].set_value(0.15)
        at.run()
        at.button(key="load_files").click().run()


@pytest.mark.app
@pytest.mark.parametrize("case", PAIRS, ids=IDS)
def test_the_data_page(case: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECON_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=60).run().switch_page("pages/home.py").run()
    for key, name in (("upload_usage", case.usage), ("upload_revenue", case.revenue)):
        at.file_uploader(key=key).upload(name, (FIXTURES / name).read_bytes())
    at.run()
    load_pricing_the_fine_tune(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[session.DATASET_ID] != "sample", [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    want = case.headline
    assert metrics["Total revenue"] == formats.headline(want.revenue)
    assert metrics["Inference cost"] == formats.headline(want.inference)
    assert metrics["Unbilled usage"] == formats.headline(want.unbilled_inference)
    assert metrics["Customers"] == formats.count(want.customers)
    assert any(case.warning in shown_text(w.value) for w in at.warning)


@pytest.mark.app
def test_api_pages_dropped_in_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECON_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=60).run().switch_page("pages/home.py").run()
    usage = at.file_uploader(key="upload_usage")
    for number in (1, 2, 3):
        name = f"openai_usage_completions_page{number}.json"
        usage.upload(name, (FIXTURES / name).read_bytes())
    at.file_uploader(key="upload_revenue").upload(DASHBOARD, (FIXTURES / DASHBOARD).read_bytes())
    at.run()
    assert any(
        "openai_usage_completions_page1.json and 2 more is a" in shown_text(b.label)
        for b in at.selectbox
    )
    load_pricing_the_fine_tune(at)
    assert not at.exception, [e.value for e in at.exception]
    answered = [c for c in truth.CALLS if truth.seen_by_openai(c)]
    usage_truth = truth.expected_usage(
        answered, customer=openai_files.project, feature=lambda call: call.model
    )
    want = truth.expected_totals(usage_truth, truth.expected_revenue("stripe_dashboard"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Months"] == "3"
    assert metrics["Unbilled usage"] == formats.headline(want.unbilled_inference)
