"""The board pack's HTML: every section, the headline numbers, no external reference, nothing
from the data turned into markup, the same output for the same inputs."""

from __future__ import annotations

import re

import polars as pl
import pytest
from markup import EVIL_HOST, HOSTILE, hostile_dataset
from pack_support import GENERATED_ON, SHARE_LINK, Tags, first_upload, inputs_for, sample_inputs

import econ
from econ import formats
from econ.present.methods import FORMULAS
from econ_pack.formula_text import formula_html
from econ_pack.pack import PackInputs, board_pack_html, share_link_html
from econ_pack.pack_assumptions import assumption_rows


@pytest.fixture(scope="module")
def sample(sample_dataset: econ.Dataset) -> PackInputs:
    return sample_inputs(sample_dataset)


@pytest.fixture(scope="module")
def sample_html(sample: PackInputs) -> str:
    return board_pack_html(sample)


@pytest.fixture(scope="module")
def small() -> PackInputs:
    return first_upload()


def test_the_sample_pack_states_the_headline_numbers(sample_html: str) -> None:
    text = Tags(sample_html).text
    # Golden figures of the bundled sample (README, The sample data).
    for figure in ("$4,155,804", "84.3%", "78.8%", "4.9x", "2,000"):
        assert figure in text
    assert "Light users: compute-adjusted LTV:CAC is 2.8x, below 3:1" in text
    assert "Deep research loses $53,090" in text
    assert "Deep research loses $29,669 on Starter (margin -171.6%)" in text
    for heading in (
        "Compute-adjusted LTV by segment",
        "Gross margin per AI feature",
        "Feature margins plan by plan",
        "Recommendations",
        "Methods",
        "Assumptions of this view",
        "Appendix: the scenario",
    ):
        assert heading in text
    assert "simulated price book against current pricing" not in text  # no price book set


def test_the_footer_names_the_dataset_the_date_and_the_link(sample_html: str) -> None:
    footer = sample_html[sample_html.index('<footer class="running">') :]
    footer = footer[: footer.index("</footer>")]
    assert "Dataset sample" in footer
    assert GENERATED_ON.isoformat() in footer
    assert f'href="{SHARE_LINK.replace("&", "&amp;")}"' in footer


def test_the_html_references_nothing_outside_itself(sample_html: str) -> None:
    tags = Tags(sample_html)
    assert tags.urls() == [SHARE_LINK]  # the share link is the only address, a link to click
    names = {tag for tag, _ in tags.tags}
    assert not names & {"script", "link", "iframe", "object", "embed", "img", "base"}
    assert "@import" not in sample_html
    assert not re.search(r"url\((?!\s*['\"]?data:)", sample_html)
    assert sum(tag == "svg" for tag, _ in tags.tags) == 8  # 5 sparklines, LTV, stack, bands


def test_png_charts_are_data_uris(sample: PackInputs) -> None:
    tags = Tags(board_pack_html(sample, charts="png"))
    images = [attrs for tag, attrs in tags.tags if tag == "img"]
    assert len(images) == 8  # 5 sparklines, the LTV chart, the margin stack, the bands
    assert all((attrs["src"] or "").startswith("data:image/png;base64,") for attrs in images)
    assert all(url.startswith("data:") for url in tags.urls() if url != SHARE_LINK)


def test_the_pack_is_the_same_for_the_same_inputs(sample: PackInputs, sample_html: str) -> None:
    assert board_pack_html(sample) == sample_html


def test_the_segment_table_matches_the_report(sample: PackInputs, sample_html: str) -> None:
    text = Tags(sample_html).text
    blended = sample.report.segment("all")
    row = (
        f"All customers {formats.count(blended['customers'])} {formats.money(blended['arpa_usd'])}"
    )
    assert row in text
    assert formats.money(blended["ltv_compute_adjusted_usd"], cents=False) in text


def test_the_small_upload_pack(small: PackInputs) -> None:
    text = Tags(board_pack_html(small)).text
    assert "from usage usage.parquet and revenue rev.parquet" in text
    assert "January 2026 to March 2026" in text
    starter = small.report.features
    assert starter.height == 2
    assert "Deep research" in text and "Chat assistant" in text
    losing = small.report.feature("deep_research")["gross_profit_usd"]
    assert losing < 0
    assert f"Deep research loses {formats.money(-losing, cents=False)}" in text
    assert "Starter" in text and "Pro" in text  # the per-plan pivot


def test_the_simulation_appears_with_a_price_book(small: PackInputs) -> None:
    book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=79.0)})
    priced = first_upload(econ.Scenario(cac_usd=300.0, price_book=book))
    assert priced.simulation is not None and small.simulation is None
    text = Tags(board_pack_html(priced)).text
    assert "The simulated price book against current pricing" in text
    assert "Price book, Starter: base price a month $79.00" in text
    revenue = priced.simulation.totals.filter(pl.col("measure") == "revenue_usd").row(0, named=True)
    assert formats.money(revenue["simulated"], cents=False) in text
    assert "would pay more" in text


def test_nothing_from_the_data_becomes_markup() -> None:
    usage, revenue = hostile_dataset()
    book = econ.PriceBook(plans={HOSTILE[0]: econ.PlanPrice(base_usd=30.0)})
    inputs = inputs_for(
        usage,
        revenue,
        econ.Scenario(segment_by="company_size", cac_usd=100.0, price_book=book),
        share_link=None,
    )
    for charts in ("svg", "png"):
        document = board_pack_html(inputs, charts=charts)  # type: ignore[arg-type]
        tags = Tags(document)
        assert not any(EVIL_HOST in url for url in tags.urls())
        assert not {tag for tag, _ in tags.tags} & {"script", "iframe", "object", "embed"}
        assert all(tag != "a" for tag, _ in tags.tags)  # no share link, so no link at all
        assert all(
            (attrs.get("src") or "").startswith("data:image/png;base64,")
            for tag, attrs in tags.tags
            if tag == "img"
        )
        for hostile in HOSTILE:  # each shows as the text it is
            assert hostile in tags.text
        assert "no share link" in tags.text


def test_a_command_line_link_is_text_to_append() -> None:
    assert share_link_html("?v=1&data=sample&s=x") == (
        "?v=1&amp;data=sample&amp;s=x (append to your app's address)"
    )
    assert share_link_html(None).startswith("no share link")
    assert share_link_html("javascript:alert(1)") == (
        "javascript:alert(1) (append to your app's address)"
    )


@pytest.mark.parametrize("formula", FORMULAS, ids=lambda formula: formula.key)
def test_every_formula_reads_without_latex(formula: object) -> None:
    shown = formula_html(formula.latex)  # type: ignore[attr-defined]
    assert "\\" not in shown and "{" not in shown.replace("{ ", "").replace("min{", "")
    assert re.fullmatch(r"(?:[^<]|<(?:/?(?:sub|sup))>|<span class='gap'></span>)*", shown)


def test_formulas_read_as_words() -> None:
    assert formula_html(r"\text{LTV} = \frac{\text{GP}}{\text{churn}}") == "LTV = GP ÷ churn"
    assert formula_html(r"\frac{a - b}{c}") == "(a − b) ÷ c"
    assert formula_html(r"x_\text{in} \ge 1") == "x<sub>in</sub> ≥ 1"
    assert formula_html(r"\text{<b>}") == "&lt;b&gt;"
    cases = r"\begin{cases} \text{a} & x < 0 \\ \text{b} & \text{otherwise} \end{cases}"
    assert formula_html(cases) == "{ a: x &lt; 0; b: otherwise }"


def test_every_assumption_has_words_and_a_value() -> None:
    scenario = econ.sample_scenario().replace(
        churn={"power": 0.02}, prices={"Starter": 59.0}, targets={"deep_research": 0.5}
    )
    rows = dict(assumption_rows(scenario))
    assert rows["Customer acquisition cost (CAC), every segment"] == "$1,800"
    assert rows["Monthly churn of Power users"] == "2.00%"
    assert rows["Monthly price of plan Starter"] == "$59.00"
    assert rows["Target gross margin of Deep research"] == "50.0%"
    assert rows["Category of Deep research"] == "Premium"
    assert rows["Price book"] == "none: current pricing"
    assert all(label and value for label, value in assumption_rows(scenario))
    assert not any("None" in value or "nan" in value for value in rows.values())


def test_the_cover_says_what_counts_as_ai_revenue(sample_html: str) -> None:
    text = Tags(sample_html).text
    assert "AI revenue counted: all revenue, as for an AI-native product." in text
    assert "Segment LTV page" not in text[: text.index("What matters most")]
    attributed = econ.AiRevenue(basis="attributed", uplift_usd={"Pro": 30.0})
    priced = first_upload(econ.Scenario(ai_revenue=attributed))
    cover = Tags(board_pack_html(priced)).text
    assert "Attributed AI revenue over the window" in cover
    assert "AI revenue counted: AI-attributed revenue" in cover and "Pro $30 as given" in cover
    assert "What counts as AI revenue AI-attributed revenue" in cover  # the assumptions table


def test_model_swaps_and_routed_models_read_as_words() -> None:
    route = econ.Route(share=0.5, relative_cost=0.2, model="gpt-4o-mini")
    scenario = econ.Scenario(
        price_book=econ.PriceBook(model_swaps={"deep_research": "gpt-4o-mini"}),
        levers=econ.Levers(route=route, route_by_feature={"chat": econ.Route(share=0.3)}),
    )
    rows = dict(assumption_rows(scenario))
    assert rows["Model swap of Deep research (cost re-priced from its tokens)"] == "gpt-4o-mini"
    assert rows["Routing: the model routed to (relative cost derived)"] == "gpt-4o-mini"
    assert rows["Routing Chat: model"] == "none"
    plain = dict(assumption_rows(econ.Scenario()))
    assert plain["Model swaps"] == "none (each feature on its own models)"
    assert plain["Routing: the model routed to"] == "none (the typed relative cost is used)"
    assert not any(label.startswith("Levers,") for label in plain)
