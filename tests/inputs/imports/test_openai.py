"""OpenAI: pages of the organization usage API, read from several files at once."""

from __future__ import annotations

from fixtures.imports import openai_files, truth
from import_support import (
    FIXTURES,
    PRICED,
    assert_same,
    expected_table,
    refused,
    usage_table,
    warnings_of,
)

import econ

PAGES = [FIXTURES / f"openai_usage_completions_page{n}.json" for n in (1, 2, 3)]


def test_the_pages_read_to_the_truth() -> None:
    load = econ.load_usage(PAGES, spec=PRICED)
    assert load.format == "openai"
    answered = [call for call in truth.CALLS if truth.seen_by_openai(call)]
    want = truth.expected_usage(answered, customer=openai_files.project, feature=lambda c: c.model)
    assert_same(usage_table(load), expected_table(want))
    # Every row was priced from its tokens, cached ones at the cached rate.
    assert load.pricing["priced_by"].to_list() == ["override"]


def test_what_the_usage_api_cannot_know_is_a_warning() -> None:
    warnings = warnings_of(econ.load_usage(PAGES, spec=PRICED))
    assert (
        "customers are taken from column:project_id, an id of your OpenAI organization" in warnings
    )
    assert "features are OpenAI models" in warnings


def test_one_page_is_a_file_too() -> None:
    load = econ.load_usage(PAGES[0], spec=PRICED)
    assert {f"{month:%Y-%m}" for month in load.rollup["month"]} == {"2026-07"}


def test_an_ungrouped_export_names_no_customer() -> None:
    message = refused(FIXTURES / "openai_usage_ungrouped.json")
    assert "names no customer" in message and "group_by=project_id" in message
