"""Import presets: every supported export reads into the same economics.

The fixtures (``tests/fixtures/imports``, made by its ``make.py``) hold one small company's
calls and subscriptions in each layout, so every usage export must give the same customers,
features, months, calls and tokens, and every revenue export the same customer-months.
"""

from __future__ import annotations

import hashlib
import runpy
from pathlib import Path

import polars as pl
import pytest

import econ
from econ import imports
from econ.readers import read_table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports"
USAGE_EXPORTS = {
    "langfuse_observations.parquet": "langfuse",
    "litellm_spend_logs.csv": "litellm",
    "litellm_daily_tag_spend.parquet": "litellm_daily",
    "openai_usage_completions.csv": "openai",
    "helicone_requests.csv": "helicone",
    "inhouse_ledger.parquet": "mapped",
}
REVENUE_EXPORTS = {
    "stripe_invoice_lines.csv": "stripe_invoices",
    "subscriptions.csv": "subscriptions",
    "stripe_subscriptions.parquet": "subscriptions",
}
# The truth behind every fixture: calls per customer (83 in all; one trial customer).
CALLS = {"cus_acme": 40, "cus_globex": 16, "cus_hooli": 3, "cus_initech": 15, "cus_umbrella": 9}
MRR = {
    ("cus_acme", 7): 199.0,
    ("cus_acme", 8): 199.0,
    ("cus_acme", 9): 199.0,
    ("cus_globex", 7): 49.0,
    ("cus_globex", 8): 49.0,
    ("cus_globex", 9): 49.0,
    ("cus_initech", 7): 159.2,
    ("cus_initech", 8): 159.2,
    ("cus_initech", 9): 159.2,
    ("cus_umbrella", 8): 60.0,
    ("cus_umbrella", 9): 60.0,
}


def usage_totals(load: econ.UsageLoad) -> pl.DataFrame:
    return (
        load.rollup.group_by("customer_id", "month")
        .agg(
            pl.col("calls").sum(),
            pl.col("input_tokens").sum(),
            pl.col("output_tokens").sum(),
            pl.col("cost_usd").sum().round(8),
        )
        .sort("customer_id", "month")
    )


@pytest.mark.parametrize(("name", "format_id"), USAGE_EXPORTS.items())
def test_usage_exports_are_detected(name: str, format_id: str) -> None:
    side = "usage"
    frame = read_table(FIXTURES / name, name)
    assert imports.detect(frame.collect_schema().names(), side) == format_id


@pytest.mark.parametrize(("name", "format_id"), REVENUE_EXPORTS.items())
def test_revenue_exports_are_detected(name: str, format_id: str) -> None:
    frame = read_table(FIXTURES / name, name)
    assert imports.detect(frame.collect_schema().names(), "revenue") == format_id


@pytest.mark.parametrize("name", list(USAGE_EXPORTS))
def test_every_usage_export_holds_the_same_calls(name: str) -> None:
    load = econ.load_usage(FIXTURES / name)
    calls = dict(load.rollup.group_by("customer_id").agg(pl.col("calls").sum()).iter_rows())
    assert calls == CALLS
    assert load.rollup["month"].unique().sort().dt.month().to_list() == [7, 8, 9]


@pytest.mark.parametrize(
    "name", ["litellm_spend_logs.csv", "litellm_daily_tag_spend.parquet", "helicone_requests.csv"]
)
def test_exports_match_langfuse_to_the_cent(name: str) -> None:
    reference = usage_totals(econ.load_usage(FIXTURES / "langfuse_observations.parquet"))
    other = usage_totals(econ.load_usage(FIXTURES / name))
    assert other.equals(reference)


def test_features_come_from_tags_metadata_or_columns() -> None:
    features = {"chat", "research", "summarize"}
    for name in (
        "langfuse_observations.parquet",
        "litellm_spend_logs.csv",
        "helicone_requests.csv",
    ):
        assert set(econ.load_usage(FIXTURES / name).rollup["feature_id"]) == features
    langfuse = econ.load_usage(
        FIXTURES / "langfuse_observations.parquet",
        spec=econ.ImportSpec(feature="column:trace_name"),
    )
    assert set(langfuse.rollup["feature_id"]) == {f"{f}-flow" for f in features}
    by_metadata = econ.load_usage(
        FIXTURES / "langfuse_observations.parquet", spec=econ.ImportSpec(feature="metadata:feature")
    )
    assert set(by_metadata.rollup["feature_id"]) == features


def test_langfuse_skips_spans() -> None:
    load = econ.load_usage(FIXTURES / "langfuse_observations.parquet")
    assert load.rows_read == 83  # 166 observations, half of them spans
    assert any("spans and events are skipped" in note for note in load.notes)


def test_litellm_daily_tag_table_does_not_double_count() -> None:
    load = econ.load_usage(FIXTURES / "litellm_daily_tag_spend.parquet")
    assert any("once per tag" in note for note in load.notes)
    assert load.rollup["calls"].sum() == 83  # the env:prod rows would have doubled it


def test_openai_usage_is_priced_from_tokens_with_cached_tokens_cheaper() -> None:
    load = econ.load_usage(FIXTURES / "openai_usage_completions.csv")
    pricing = dict(load.pricing.select("priced_by", "rows").iter_rows())
    assert pricing == {"genai-prices": 80}
    assert set(load.rollup["feature_id"]) == {"gpt-4o", "gpt-4o-mini", "o3"}
    given = usage_totals(econ.load_usage(FIXTURES / "langfuse_observations.parquet"))
    priced = usage_totals(load)
    # Same tokens; the OpenAI layout reads cached tokens, priced below fresh input.
    assert priced["input_tokens"].to_list() == given["input_tokens"].to_list()
    assert priced["cost_usd"].sum() < given["cost_usd"].sum()


def test_openai_customer_and_feature_choices() -> None:
    load = econ.load_usage(
        FIXTURES / "openai_usage_completions.csv",
        spec=econ.ImportSpec(customer="column:project_id", feature="column:api_key_id"),
    )
    assert set(load.rollup["feature_id"]) == {"key_chat", "key_research", "key_summarize"}


@pytest.mark.parametrize("name", list(REVENUE_EXPORTS))
def test_every_revenue_export_gives_the_same_customer_months(name: str) -> None:
    load = econ.load_revenue(FIXTURES / name, spec=econ.ImportSpec(through="2026-09"))
    got = {
        (row["customer_id"], row["month"].month): row["mrr_usd"]
        for row in load.frame.iter_rows(named=True)
    }
    assert got == pytest.approx(MRR)
    assert load.frame.filter(pl.col("customer_id") == "cus_initech")["plan"].unique().to_list() == [
        "Pro Annual"
    ]


def test_stripe_prorations_are_left_out_unless_asked() -> None:
    name = FIXTURES / "stripe_invoice_lines.csv"
    without = econ.load_revenue(name, spec=econ.ImportSpec(through="2026-09"))
    with_prorations = econ.load_revenue(
        name, spec=econ.ImportSpec(through="2026-09", include_prorations=True)
    )
    assert without.frame["mrr_usd"].sum() - with_prorations.frame["mrr_usd"].sum() == pytest.approx(
        16.33
    )


def test_amounts_in_dollars() -> None:
    load = econ.load_revenue(
        FIXTURES / "subscriptions.csv",
        spec=econ.ImportSpec(through="2026-09", amounts_in="dollars"),
    )
    assert load.frame["mrr_usd"].max() == pytest.approx(19900.0)


def test_mixed_currencies_are_refused(tmp_path: Path) -> None:
    lines = pl.read_csv(FIXTURES / "stripe_invoice_lines.csv").with_columns(
        pl.when(pl.col("customer") == "cus_acme")
        .then(pl.lit("eur"))
        .otherwise(pl.col("currency"))
        .alias("currency")
    )
    with pytest.raises(econ.InputError, match="must be a single currency, found"):
        econ.load_revenue(lines)


def test_a_dataset_from_exports_runs_the_whole_report() -> None:
    data = econ.load_dataset(
        FIXTURES / "helicone_requests.csv", FIXTURES / "stripe_subscriptions.parquet"
    )
    report = econ.analyze_dataset(data, econ.Scenario(segment_by="plan", churn=0.02, cac_usd=500))
    assert report.totals.customers == 4
    assert report.totals.unbilled_calls == 3  # the trial customer
    assert set(report.segments["segment"]) == {"Starter", "Team", "Pro Annual", "Pro", "all"}
    assert data.revenue["month"].max().month == 9  # subscriptions run through the ledger's end


def test_guessed_mapping_for_an_unknown_layout() -> None:
    frame = read_table(FIXTURES / "inhouse_ledger.parquet", "inhouse")
    assert imports.guess_mapping(frame.collect_schema().names(), "usage") == {
        "customer_id": "account",
        "feature_id": "use_case",
        "timestamp": "created_at",
        "cost_usd": "price",
        "model": "llm",
    }
    revenue = read_table(FIXTURES / "inhouse_revenue.csv", "inhouse")
    assert imports.guess_mapping(revenue.collect_schema().names(), "revenue") == {
        "customer_id": "account",
        "month": "billing_month",
        "mrr_usd": "monthly_revenue",
        "plan": "tier",
    }


def test_an_explicit_mapping_wins() -> None:
    spec = econ.ImportSpec(
        format="mapped",
        mapping={
            "customer_id": "llm",
            "feature_id": "use_case",
            "timestamp": "created_at",
            "cost_usd": "price",
        },
    )
    load = econ.load_usage(FIXTURES / "inhouse_ledger.parquet", spec=spec)
    assert set(load.rollup["customer_id"]) == {"gpt-4o", "gpt-4o-mini", "o3"}


def test_inspection_offers_the_choices_the_file_holds() -> None:
    found = imports.inspect(read_table(FIXTURES / "langfuse_observations.parquet", "lf"), "usage")
    assert found.format == "langfuse"
    assert (found.customer, found.feature) == ("column:user_id", "tag:feature:")
    assert {"tag:feature:", "tag:env:", "metadata:feature", "metadata:region"} <= set(found.sources)


def test_bad_sources_are_refused_clearly() -> None:
    with pytest.raises(econ.InputError, match="is not a column of this file"):
        econ.load_usage(
            FIXTURES / "helicone_requests.csv", spec=econ.ImportSpec(customer="column:nope")
        )
    with pytest.raises(econ.ScenarioError, match="must look like column:<name>"):
        econ.load_usage(FIXTURES / "helicone_requests.csv", spec=econ.ImportSpec(feature="feature"))


def test_import_specs_round_trip() -> None:
    spec = econ.ImportSpec(
        format="langfuse",
        customer="column:user_id",
        feature="tag:feature:",
        mapping={"plan": "tier"},
        amounts_in="dollars",
        through="2026-09",
        include_prorations=True,
        price_overrides={"my-model": econ.ModelPrice(1.0, 2.0, 0.5)},
    )
    assert econ.ImportSpec.from_dict(spec.to_dict()) == spec


def test_fixtures_match_their_generator(tmp_path: Path) -> None:
    generator = runpy.run_path(str(FIXTURES / "make.py"))
    generator["main"].__globals__["HERE"] = tmp_path
    generator["main"]()
    committed = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in FIXTURES.iterdir()
        if p.suffix != ".py"
    }
    again = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert again == committed, "fixtures differ from make.py: run it and commit the files"
