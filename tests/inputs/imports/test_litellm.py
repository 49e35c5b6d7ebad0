"""LiteLLM: its spend logs (as psql dumps them, and as its API serves them) and its daily tables."""

from __future__ import annotations

import pytest
from fixtures.imports import litellm_files, truth
from import_support import (
    FIXTURES,
    OVERRIDES,
    PRICED,
    assert_same,
    expected_table,
    logged_cost,
    notes_of,
    refused,
    usage_table,
    warnings_of,
)

import econ

SPEND_LOGS = [
    "litellm_spend_logs.csv",  # psql \copy … CSV HEADER: JSONB text, timestamp(3)
    "litellm_spend_logs_api.json",  # GET /spend/logs: a JSON list
    "litellm_spend_logs_v2.json",  # GET /spend/logs/v2: a page, tags as JSON text
]


@pytest.mark.parametrize("name", SPEND_LOGS)
def test_spend_logs_read_to_the_truth(name: str) -> None:
    load = econ.load_usage(FIXTURES / name, spec=PRICED)
    assert load.format == "litellm"
    assert_same(usage_table(load), expected_table(truth.expected_usage(truth.CALLS)))


@pytest.mark.parametrize("name", SPEND_LOGS)
def test_failures_cache_hits_and_unpriced_calls_are_told_apart(name: str) -> None:
    load = econ.load_usage(FIXTURES / name, spec=PRICED)
    notes = notes_of(load)
    assert "1 failed request (status failure, $0.00): not counted as calls" in notes
    assert "1 request answered from LiteLLM's cache (spend $0.00)" in notes
    assert "1 successful request with tokens logged spend 0 (LiteLLM had no price" in notes
    # No end_user ("" in the log) and no feature: tag: counted apart, and said.
    assert "2 rows (2 calls, $0.00117) name no customer" in warnings_of(load)
    assert "2 rows (2 calls, $0.000414) name no feature" in warnings_of(load)


def test_the_user_agent_tags_litellm_adds_are_not_features() -> None:
    load = econ.load_usage(FIXTURES / "litellm_spend_logs.csv", spec=PRICED)
    assert set(load.rollup["feature_id"]) == {"chat", "research", "summarize", "(untagged)"}


def test_the_daily_tag_table_has_no_customer_until_one_is_chosen() -> None:
    message = refused(FIXTURES / "litellm_daily_tag_spend.csv")
    assert "names no customer" in message and "--customer column:api_key" in message
    spec = econ.ImportSpec(customer="column:api_key", price_overrides=OVERRIDES)
    load = econ.load_usage(FIXTURES / "litellm_daily_tag_spend.csv", spec=spec)
    keys = {
        litellm_files.api_key(customer): customer or "(unknown)"
        for customer in ["cus_acme", "cus_globex", "cus_initech", "cus_umbrella", "cus_hooli", None]
    }
    got = {(keys[c], f, m): totals for (c, f, m), totals in usage_table(load).items()}
    # Only feature: tags are summed (each tag row holds the request's whole spend), so requests
    # without one are not in these rows; the unpriced fine-tune logged $0 and stays $0.
    tagged = [call for call in truth.CALLS if call.feature]
    assert_same(got, expected_table(truth.expected_usage(tagged, cost=logged_cost)))
    warnings = warnings_of(load)
    assert "only rows of tags starting with 'feature:' are used" in warnings
    assert "2 rows with tokens logged spend 0: answers from LiteLLM's cache, or a model" in warnings


def test_the_daily_end_user_table_has_no_feature_until_one_is_chosen() -> None:
    message = refused(FIXTURES / "litellm_daily_end_user_spend.csv")
    assert "names no feature" in message and "--feature column:model_group" in message
    spec = econ.ImportSpec(feature="column:model_group", price_overrides=OVERRIDES)
    load = econ.load_usage(FIXTURES / "litellm_daily_end_user_spend.csv", spec=spec)
    with_customer = [call for call in truth.CALLS if call.customer]
    want = truth.expected_usage(with_customer, feature=lambda call: call.model, cost=logged_cost)
    assert_same(usage_table(load), expected_table(want))
