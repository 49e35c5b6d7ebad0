"""The comparison shaped for a reader: golden figures of the first small upload with Starter
repriced, the winner in a sentence, tables in the baseline's order with their changes, the
customers most affected, and a scenario compared with itself changing nothing anywhere."""

from __future__ import annotations

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE
from hypothesis import given, settings
from strategies import datasets, scenarios

import econ
from econ import formats
from econ.present import columns as spec
from econ.present import compare_view as view

FEATURES = ["chat_assistant", "deep_research"]


def named(name: str, scenario: econ.Scenario) -> econ.Named:
    return econ.Named(name, scenario)


def starter_at(price: float) -> econ.Scenario:
    book = econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=price)})
    return TODAY.replace(price_book=book)


TODAY = econ.Scenario(cac_usd=300.0)


@pytest.fixture(scope="module")
def data() -> econ.Dataset:
    return econ.load_dataset(
        FIRST_USAGE, FIRST_REVENUE, usage_name="u.parquet", revenue_name="r.parquet"
    )


@pytest.fixture(scope="module")
def compared(data: econ.Dataset) -> econ.Comparison:
    """Today; Starter at $59 (acme and cove pay $10 more a month: +$50 over 3 months); Starter
    at $39 ($50 less)."""
    return econ.compare_scenarios(
        data,
        [
            named("Today", TODAY),
            named("Starter at $59", starter_at(59.0)),
            named("Starter at $39", starter_at(39.0)),
        ],
    )


@pytest.fixture(scope="module")
def itself(data: econ.Dataset) -> econ.Comparison:
    return econ.compare_scenarios(data, [named("Today", TODAY), named("Today", TODAY)])


def _row(frame: pl.DataFrame, **keys: str) -> dict[str, object]:
    found = frame.filter(*(pl.col(k) == v for k, v in keys.items()))
    assert found.height == 1, keys
    return found.row(0, named=True)


# --- golden figures --------------------------------------------------------------------------


def test_the_totals_carry_roles_and_hand_computed_changes(compared: econ.Comparison) -> None:
    totals = view.totals_table(compared)
    assert totals["scenario"].to_list() == ["Today", "Starter at $59", "Starter at $39"]
    assert totals["role"].to_list() == ["baseline", "most gross profit", ""]
    dearer = _row(totals, scenario="Starter at $59")
    # Revenue 842 over 3 months → 280.67 a month; acme 3 and cove 2 Starter months at +$10.
    assert _row(totals, scenario="Today")["revenue_usd"] == pytest.approx(842 / 3)
    assert dearer["revenue_change_usd"] == pytest.approx(50 / 3)
    assert dearer["gross_profit_change_usd"] == pytest.approx(50 / 3)
    assert dearer["inference_change_usd"] == pytest.approx(0.0)
    cheaper = _row(totals, scenario="Starter at $39")
    assert cheaper["revenue_change_usd"] == pytest.approx(-50 / 3)


def test_the_winner_sentence_names_the_best_and_its_gain(compared: econ.Comparison) -> None:
    row = _row(compared.totals, scenario="Starter at $59")
    sentence = view.winner_sentence(compared)
    assert sentence == (
        f"Starter at $59 makes the most gross profit: {formats.money(row['gross_profit_usd'])} "
        f"a month, $16.67 more than Today ({formats.points(row['gross_margin_change'])} of "
        f"margin), {formats.money(row['gross_profit_after_response_change_usd'])} more once "
        f"the {formats.number(row['customers_expected_lost'])} customers expected to leave "
        "have gone."
    )


def test_when_the_baseline_wins_the_sentence_names_the_runner_up(data: econ.Dataset) -> None:
    c = econ.compare_scenarios(data, [named("Today", TODAY), named("Cheaper", starter_at(39.0))])
    assert view.best(c) == "Today"
    assert view.roles(c) == {"Today": "baseline, most gross profit", "Cheaper": ""}
    row = _row(c.totals, scenario="Cheaper")
    assert view.winner_sentence(c) == (
        "Today, the baseline, makes the most gross profit: "
        f"{formats.money(_row(c.totals, scenario='Today')['gross_profit_usd'])} a month. The "
        f"next best, Cheaper, makes $16.67 less than Today "
        f"({formats.points(row['gross_margin_change'])} of margin)."
    )


def test_segments_follow_the_baseline_order_then_the_options(compared: econ.Comparison) -> None:
    frame = view.segments_table(compared)
    baseline_order = compared.segments.filter(pl.col("scenario") == "Today")["segment"].to_list()
    assert baseline_order[-1] == "all"
    expected = [(seg, name) for seg in baseline_order for name in compared.names]
    assert list(zip(frame["segment"], frame["scenario"], strict=True)) == expected
    today = frame.filter(pl.col("scenario") == "Today")
    assert today["gross_margin_change"].to_list() == pytest.approx([0.0] * today.height)
    for row in frame.iter_rows(named=True):
        base = _row(frame, segment=row["segment"], scenario="Today")
        assert row["gross_margin_change"] == pytest.approx(
            row["gross_margin"] - base["gross_margin"]
        )
    assert set(frame["ltv_method"]) == {"Simple"}


def test_each_ltv_method_has_its_own_columns() -> None:
    simple = [c.name for c in view.segment_columns("simple")]
    sbg = [c.name for c in view.segment_columns("sbg")]
    assert "ltv_simple_usd" in simple and "ltv_cac_simple_change" in simple
    assert not [name for name in simple if "sbg" in name]
    assert "ltv_sbg_usd" in sbg and "ltv_cac_sbg_change" in sbg
    assert not [name for name in sbg if "simple" in name]
    assert (
        simple[:5]
        == sbg[:5]
        == [
            "segment",
            "scenario",
            "customers",
            "gross_margin",
            "gross_margin_change",
        ]
    )


def test_plans_show_the_repriced_plan_moving_alone(compared: econ.Comparison) -> None:
    plans = view.plans_table(compared)
    assert list(zip(plans["plan"], plans["scenario"], strict=True))[:3] == [
        ("Starter", "Today"),
        ("Starter", "Starter at $59"),
        ("Starter", "Starter at $39"),
    ]
    starter = _row(plans, plan="Starter", scenario="Starter at $59")
    assert starter["revenue_change_usd"] == pytest.approx(50 / 3)
    assert starter["gross_profit_change_usd"] == pytest.approx(50 / 3)
    pro = plans.filter(pl.col("plan") == "Pro")
    assert pro["revenue_change_usd"].to_list() == pytest.approx([0.0, 0.0, 0.0])


def test_bill_changes_are_shares_of_the_baseline_bill(compared: econ.Comparison) -> None:
    summary = view.bill_summary_table(compared)
    dearer = _row(summary, scenario="Starter at $59")
    # acme 147 → 177 and cove 98 → 118: both +20.4% (above the 20% threshold); bolt unchanged.
    assert dearer["paying_more"] == 2 and dearer["at_risk"] == 2
    assert dearer["change_p50"] == pytest.approx(30 / 147)
    assert dearer["change_p10"] == pytest.approx(0.2 * 30 / 147)  # linear, between 0 and 20.4%
    assert dearer["change_usd"] == pytest.approx(50 / 3)


def test_most_affected_lists_rises_then_falls_and_never_an_unchanged_bill(
    compared: econ.Comparison,
) -> None:
    dearer = view.most_affected_table(compared, "Starter at $59")
    assert dearer["customer_id"].to_list() == ["acme", "cove"]
    assert dearer["change_usd"].to_list() == pytest.approx([30.0, 20.0])
    cheaper = view.most_affected_table(compared, "Starter at $39")
    assert cheaper["customer_id"].to_list() == ["acme", "cove"]  # the largest fall first
    assert cheaper["change_usd"].to_list() == pytest.approx([-30.0, -20.0])
    assert view.most_affected_table(compared, "Starter at $39", count=1).height == 1


def test_the_lines_mark_the_baseline_and_label_the_best_once(compared: econ.Comparison) -> None:
    lines = view.gross_profit_lines(compared)
    assert lines["scenario"].unique(maintain_order=True).to_list() == list(compared.names)
    assert set(lines.filter(pl.col("line") == "baseline")["scenario"]) == {"Today"}
    assert set(lines.filter(pl.col("weight") == "best")["scenario"]) == {"Starter at $59"}
    labelled = lines.filter(pl.col("label").is_not_null())
    assert labelled["label"].to_list() == ["Starter at $59: most gross profit"]
    assert labelled["month"].item() == lines["month"].max()
    assert lines.height == 3 * compared.months


def test_every_option_counts_every_customer_in_the_same_buckets(
    compared: econ.Comparison,
) -> None:
    histograms = view.bill_change_histograms(compared)
    per_option = histograms.group_by("scenario").agg(
        pl.col("customers").sum(), pl.col("bucket").sort_by("order")
    )
    assert set(per_option["scenario"]) == {"Starter at $59", "Starter at $39"}
    assert per_option["customers"].to_list() == [3, 3]
    first, second = per_option["bucket"].to_list()
    assert first == second
    dearer = histograms.filter(pl.col("scenario") == "Starter at $59")
    assert dict(zip(dearer["bucket"], dearer["customers"], strict=True))["+20 to +50%"] == 2


def test_what_each_option_changes_reads_features_as_words() -> None:
    line = "Pro: deep_research uses included a month: — → 25"
    assert view.features_in_words(line, FEATURES) == (
        "Pro: Deep research uses included a month: — → 25"
    )
    assert view.features_in_words("deep_research_v2 and deep-research", FEATURES) == (
        "deep_research_v2 and deep-research"
    )


def test_each_option_says_what_it_changes(compared: econ.Comparison) -> None:
    changes = view.option_changes(compared, FEATURES)
    assert [item.scenario for item in changes] == ["Starter at $59", "Starter at $39"]
    assert changes[0].changes == ("Starter: simulated base price: — → 59",)
    assert changes[0].summary == (
        "It applies none of the baseline's recommendations and changes 1 assumption."
    )


# --- the tables' columns ---------------------------------------------------------------------


def test_every_compare_table_column_is_in_the_frame_that_fills_it(
    compared: econ.Comparison,
) -> None:
    filled = {
        "compare_totals": view.totals_table(compared),
        "compare_monthly": view.monthly_table(compared),
        "compare_segments": view.segments_table(compared),
        "compare_plans": view.plans_table(compared),
        "compare_bills": view.bill_summary_table(compared),
        "compare_affected": view.most_affected_table(compared, "Starter at $59"),
    }
    for name, frame in filled.items():
        table = spec.TABLES[name]
        assert [c.name for c in table if c.name not in frame.columns] == [], name
        assert len({c.label for c in table}) == len(table), name


def test_changes_read_with_their_sign_in_points_and_no_change() -> None:
    frame = pl.DataFrame(
        {
            "scenario": ["a", "b"],
            "gross_margin_change": [0.0, -0.0123],
            "revenue_change_usd": [0.001, 13_845.96],
        }
    )
    text = spec.as_text(frame, spec.COMPARE_TOTALS)
    assert text["Margin change"].to_list() == ["no change", "\u22121.2 pp"]
    assert text["Revenue change"].to_list() == ["no change", "+$13,846"]
    shown = spec.for_display(frame, spec.COMPARE_TOTALS)
    assert shown["gross_margin_change"].to_list() == pytest.approx([0.0, -1.23])
    exported = spec.for_export(frame, spec.COMPARE_TOTALS)
    assert "Margin change (pp)" in exported.columns
    assert "Revenue change ($)" in exported.columns


# --- text for a terminal ---------------------------------------------------------------------


def test_the_text_has_every_section_aligned(compared: econ.Comparison) -> None:
    text = view.comparison_text(compared, features=FEATURES)
    for heading in (
        "Compared: Today, Starter at $59, Starter at $39.",
        "3 scenarios on the same 3 months of history, each against Today",
        view.winner_sentence(compared),
        "Per month over the window",
        "Segments: Compute-adjusted LTV, simple (gross profit ÷ churn)",
        "Segments: Compute-adjusted LTV, sBG (fitted retention, discounted)",
        "Plans, per month",
        "Each customer's bill over the window against the baseline's",
        "Customers most affected by Starter at $59",
        "What each option changes against the baseline",
        "  - Starter: simulated base price: — → 59",
    ):
        assert heading in text
    totals = text[text.index("Per month over the window") :].splitlines()[1:14]
    assert totals[0].split() == ["Figure", "Today", "Starter", "at", "$59", "Starter", "at", "$39"]
    revenue_change = next(line for line in totals if line.startswith("Revenue change"))
    assert revenue_change.split()[-2:] == ["+$16.67", "\u2212$16.67"]
    widths = {len(line) for line in totals}
    assert len(widths) == 1  # right-aligned to one width


def test_a_name_that_is_the_header_keeps_both(data: econ.Dataset) -> None:
    c = econ.compare_scenarios(data, [named("Figure", TODAY), named("Other", starter_at(59.0))])
    frame = view.totals_by_figure(c)
    assert frame.columns == ["Figure ·", "Figure", "Other"]


# --- a scenario compared with itself ---------------------------------------------------------

CHANGES = {
    "totals": (
        "revenue_change_usd",
        "inference_change_usd",
        "gross_profit_change_usd",
        "gross_margin_change",
        "gross_profit_after_response_change_usd",
    ),
    "monthly": ("gross_profit_change_usd",),
    "segments": (
        "gross_margin_change",
        "ltv_simple_change_usd",
        "ltv_sbg_change_usd",
        "ltv_cac_simple_change",
        "ltv_cac_sbg_change",
    ),
    "plans": ("revenue_change_usd", "gross_profit_change_usd", "gross_margin_change"),
}


def assert_nothing_changes(c: econ.Comparison) -> None:
    frames = {
        "totals": view.totals_table(c),
        "monthly": view.monthly_table(c),
        "segments": view.segments_table(c),
        "plans": view.plans_table(c),
    }
    for name, columns in CHANGES.items():
        for column in columns:
            values = frames[name][column].drop_nulls().to_list()
            assert all(abs(value) < 1e-9 for value in values), (name, column, values)
    bills = view.bill_summary_table(c)
    assert bills["paying_more"].to_list() == [0] and bills["paying_less"].to_list() == [0]
    assert bills["change_usd"].to_list() == pytest.approx([0.0])
    assert view.most_affected_table(c, c.names[1]).is_empty()
    assert view.best(c) is None
    assert view.roles(c) == {c.names[0]: "baseline", c.names[1]: ""}
    assert view.winner_sentence(c).startswith("Every option makes the same gross profit as ")
    assert view.option_changes(c)[0].changes == ()


def test_a_scenario_compared_with_itself_changes_nothing(itself: econ.Comparison) -> None:
    assert itself.names == ("Today", "Today (2)")
    assert_nothing_changes(itself)
    text = view.comparison_text(itself)
    assert "+$" not in text and "\u2212$" not in text and " pp" not in text
    assert "No customer's bill changes." in text


@settings(max_examples=25)
@given(datasets(), scenarios())
def test_any_scenario_compared_with_itself_changes_nothing(
    data: econ.Dataset, scenario: econ.Scenario
) -> None:
    c = econ.compare_scenarios(data, [named("A", scenario), named("A", scenario)])
    assert_nothing_changes(c)
    view.comparison_text(c)
