"""The board pack's "Scenarios compared" section: present with the winner and the numbers when
a comparison is given, absent otherwise, and nothing from the data turned into markup."""

from __future__ import annotations

import dataclasses

import pytest
from markup import EVIL_HOST, HOSTILE, hostile_dataset
from pack_support import Tags, first_upload, inputs_for

import econ
from econ import formats
from econ.present import compare_view
from econ_pack.pack import PackInputs, board_pack_html, pack_inputs

HEADING = "Scenarios compared"


def _starter(price: float) -> econ.Scenario:
    book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=price)})
    return econ.Scenario(cac_usd=300.0, price_book=book)


@pytest.fixture(scope="module")
def small() -> PackInputs:
    return first_upload()


@pytest.fixture(scope="module")
def compared(small: PackInputs) -> econ.Comparison:
    return econ.compare_scenarios(
        small.dataset,
        [
            econ.Named("Today", econ.Scenario(cac_usd=300.0)),
            econ.Named("Starter at $59", _starter(59.0)),
            econ.Named("Starter at $39", _starter(39.0)),
        ],
    )


@pytest.fixture(scope="module")
def with_comparison(small: PackInputs, compared: econ.Comparison) -> str:
    return board_pack_html(dataclasses.replace(small, comparison=compared))


def test_the_section_is_absent_without_a_comparison(small: PackInputs) -> None:
    assert small.comparison is None
    assert HEADING not in Tags(board_pack_html(small)).text


def test_the_section_states_the_winner_and_the_numbers(
    with_comparison: str, compared: econ.Comparison
) -> None:
    text = Tags(with_comparison).text
    assert HEADING in text
    assert compare_view.winner_sentence(compared) in text
    assert "Starter at $59 makes the most gross profit:" in text
    dearer = compared.totals.row(1, named=True)
    for figure in (
        formats.money(dearer["gross_profit_usd"]),
        "+$16.67",  # revenue and gross profit change, a month: $50 over 3 months
        "\u2212$16.67",
        formats.points(dearer["gross_margin_change"]),
        "most gross profit",
    ):
        assert figure in text
    for heading in (
        "Segments: compute-adjusted LTV and LTV:CAC",
        "Compute-adjusted LTV, simple (gross profit ÷ churn)",
        "Compute-adjusted LTV, sBG (fitted retention, discounted)",
        "Plans, per month",
        "How each customer's bill moves",
        "Customers most affected by Starter at $59",
        "What each option changes",
        "Starter: simulated base price: — → 59",
    ):
        assert heading in text


def test_the_section_follows_the_cover_and_draws_two_charts(
    small: PackInputs, with_comparison: str
) -> None:
    text = Tags(with_comparison).text
    assert text.index(HEADING) < text.index("Compute-adjusted LTV by segment")
    svgs = sum(tag == "svg" for tag, _ in Tags(with_comparison).tags)
    plain = sum(tag == "svg" for tag, _ in Tags(board_pack_html(small)).tags)
    assert svgs == plain + 2  # gross profit per month, bill changes per option


def test_pack_inputs_passes_the_comparison_through(
    small: PackInputs, compared: econ.Comparison
) -> None:
    inputs = pack_inputs(
        small.dataset,
        small.scenario,
        dataset_id=small.dataset_id,
        share_link=None,
        generated_on=small.generated_on,
        report=small.report,
        comparison=compared,
    )
    assert inputs.comparison is compared


def test_a_comparison_with_itself_reads_no_change() -> None:
    inputs = first_upload()
    same = econ.compare_scenarios(
        inputs.dataset,
        [econ.Named("Today", inputs.scenario), econ.Named("Today", inputs.scenario)],
    )
    text = Tags(board_pack_html(dataclasses.replace(inputs, comparison=same))).text
    section = text[text.index(HEADING) : text.index("Compute-adjusted LTV by segment")]
    assert "Every option makes the same gross profit as Today" in section
    assert "+$" not in section and "\u2212$" not in section and " pp" not in section


def test_names_from_the_data_and_the_options_stay_text() -> None:
    usage, revenue = hostile_dataset()
    book = econ.PriceBook(plans={HOSTILE[0]: econ.PlanPrice(base_usd=30.0)})
    base = econ.Scenario(segment_by="company_size", cac_usd=100.0)
    inputs = inputs_for(usage, revenue, base, share_link=None)
    compared = econ.compare_scenarios(
        inputs.dataset,
        [
            econ.Named(HOSTILE[2], base),
            econ.Named(HOSTILE[1], base.replace(price_book=book)),
        ],
    )
    document = board_pack_html(dataclasses.replace(inputs, comparison=compared))
    tags = Tags(document)
    assert not any(EVIL_HOST in url for url in tags.urls())
    assert not {tag for tag, _ in tags.tags} & {"script", "iframe", "object", "embed", "img"}
    assert HOSTILE[1] in tags.text and HOSTILE[2] in tags.text
