"""Scenarios side by side: a scenario against itself differs by nothing, a recommendation's patch
reproduces the impact it announced, and a price rise is worked by hand on the first upload."""

from __future__ import annotations

from functools import cache

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE

import econ
from econ.decisions.compare import aligned, compare, options_of, scenario_changes, unique_names


@cache
def first_data() -> econ.Dataset:
    return econ.load_dataset(FIRST_USAGE, FIRST_REVENUE)


@cache
def sample_data() -> econ.Dataset:
    return econ.load_dataset(*econ.sample_paths())


STARTER_59 = econ.Scenario(
    price_book=econ.PriceBook(plans={"Starter": econ.PlanPrice(base_usd=59.0)}, churn_elasticity=0)
)


def _changes(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col("^.*_change.*$"))


@pytest.mark.parametrize("data", [first_data, sample_data], ids=["first-upload", "sample"])
def test_a_scenario_against_itself_differs_by_nothing(data: object) -> None:
    dataset = data()  # type: ignore[operator]
    scenario = econ.sample_scenario() if dataset is sample_data() else STARTER_59
    comparison = econ.compare_scenarios(
        dataset, [econ.Named("A", scenario), econ.Named("A", scenario)]
    )
    assert comparison.names == ("A", "A (2)")
    for frame in (comparison.totals, comparison.monthly, comparison.segments, comparison.plans):
        for column in _changes(frame).iter_columns():
            assert column.drop_nulls().abs().max() in (0.0, None), column.name
    summary = comparison.bill_summary.row(0, named=True)
    assert summary["paying_more"] == summary["paying_less"] == summary["at_risk"] == 0
    assert summary["change_max"] == summary["change_p50"] == 0.0
    assert comparison.bills["change_usd"].abs().max() == 0.0
    assert comparison.applied[0].changes == ()
    assert comparison.applied[0].recommendations == ()
    assert comparison.best == "A"


def test_each_recommendation_compared_with_today_reproduces_its_impact() -> None:
    data = sample_data()
    today = econ.sample_scenario()
    report = econ.analyze_dataset(data, today)
    recommendations = [item for item in econ.recommend(report) if item.patch is not None]
    assert len(recommendations) >= 3
    named = [econ.Named("Today", today)]
    for item in recommendations[:4]:
        assert item.patch is not None
        book = item.patch.apply(today.price_book)
        named.append(econ.Named(item.title, today.replace(price_book=book)))
    comparison = econ.compare_scenarios(data, named)
    totals = {row["scenario"]: row for row in comparison.totals.iter_rows(named=True)}
    for item, name in zip(recommendations[:4], comparison.names[1:], strict=True):
        row = totals[name]
        assert row["revenue_change_usd"] == pytest.approx(item.revenue_change_usd, abs=0.01)
        assert row["inference_change_usd"] == pytest.approx(item.cost_change_usd, abs=0.01)
        assert row["gross_profit_change_usd"] == pytest.approx(
            item.gross_profit_change_usd, abs=0.01
        )
        applied = next(a for a in comparison.applied if a.scenario == name)
        assert item.title in applied.recommendations
        assert applied.changes  # and in words what it changes
    best = max(totals.values(), key=lambda row: row["gross_profit_after_response_usd"])
    assert comparison.best == best["scenario"]


def test_starter_at_59_by_hand_on_the_first_upload() -> None:
    comparison = econ.compare_scenarios(
        first_data(), [econ.Named("Today", econ.Scenario()), econ.Named("Starter $59", STARTER_59)]
    )
    totals = {row["scenario"]: row for row in comparison.totals.iter_rows(named=True)}
    # acme pays $10 more in 3 months, cove in 2: $50 over 3 months.
    assert totals["Starter $59"]["revenue_change_usd"] == pytest.approx(50 / 3)
    assert totals["Starter $59"]["inference_change_usd"] == pytest.approx(0.0)
    assert totals["Starter $59"]["gross_profit_change_usd"] == pytest.approx(50 / 3)
    # today: revenue 49×5 + 199×3 = 842; after: 892; inference is unchanged.
    inference = float(FIRST_USAGE["cost_usd"].sum())
    before, after = (842 - inference) / 842, (892 - inference) / 892
    assert totals["Starter $59"]["gross_margin_change"] == pytest.approx(after - before)
    rise = 10 / 49
    summary = comparison.bill_summary.row(0, named=True)
    assert summary["customers"] == 3
    assert summary["paying_more"] == 2
    assert summary["paying_less"] == 0
    assert summary["at_risk"] == 2  # a 20.4% rise is above the 20% threshold
    # linear percentiles of [0, rise, rise]
    assert summary["change_p10"] == pytest.approx(0.2 * rise)
    assert summary["change_p50"] == pytest.approx(rise)
    assert summary["change_p90"] == pytest.approx(rise)
    assert summary["change_max"] == pytest.approx(rise)
    assert summary["change_usd"] == pytest.approx(50 / 3)
    affected = comparison.most_affected("Starter $59")
    assert affected["customer_id"].to_list() == ["acme", "cove", "bolt"]
    assert affected["change_usd"].to_list() == [30.0, 20.0, 0.0]
    plans = comparison.plans.filter(pl.col("scenario") == "Starter $59")
    starter = plans.filter(pl.col("plan") == "Starter").row(0, named=True)
    assert starter["gross_profit_change_usd"] == pytest.approx(50 / 3)
    assert plans.filter(pl.col("plan") == "Pro")["gross_profit_change_usd"].item() == 0.0
    assert comparison.best == "Starter $59"
    assert comparison.applied[0].changes == (
        "price book: churn elasticity: 0.5 → 0",
        "Starter: simulated base price: — → 59",
    )


def test_monthly_rows_add_up_to_the_totals() -> None:
    comparison = econ.compare_scenarios(
        first_data(), [econ.Named("Today", econ.Scenario()), econ.Named("Starter $59", STARTER_59)]
    )
    for name in comparison.names:
        months = comparison.monthly.filter(pl.col("scenario") == name)
        total = comparison.totals.filter(pl.col("scenario") == name).row(0, named=True)
        assert months.height == comparison.months == 3
        assert months["month"].is_sorted()
        for measure in ("revenue_usd", "inference_usd", "gross_profit_usd"):
            assert float(months[measure].sum()) / 3 == pytest.approx(total[measure])
        assert float(months["gross_profit_change_usd"].sum()) / 3 == pytest.approx(
            total["gross_profit_change_usd"]
        )


def test_segments_carry_both_ltv_methods_and_the_baseline_order() -> None:
    comparison = econ.compare_scenarios(
        sample_data(),
        [econ.Named("Today", econ.sample_scenario()), econ.Named("Starter $59", STARTER_59)],
    )
    today = comparison.segments.filter(pl.col("scenario") == "Today")
    report = econ.analyze_dataset(sample_data(), econ.sample_scenario())
    assert today["segment"].to_list() == report.segments["segment"].to_list()
    assert today["ltv_simple_usd"].to_list() == pytest.approx(
        report.segments["ltv_compute_adjusted_usd"].to_list()
    )
    sbg = report.retention["ltv_sbg_usd"].to_list()
    assert today["ltv_sbg_usd"].to_list() == pytest.approx(sbg, nan_ok=True)
    assert today["ltv_sbg_usd"].drop_nulls().len() >= 1


def test_every_option_takes_the_baseline_window_and_segments_and_says_so() -> None:
    other = econ.Scenario(months=("2026-02", "2026-03"), segment_by="plan")
    scenario, notes = aligned(econ.Scenario(), other)
    assert scenario.months is None
    assert scenario.segment_by == "usage_tier"
    assert len(notes) == 2
    assert "window" in notes[0]
    options = options_of(
        first_data(), [econ.Named("Today", econ.Scenario()), econ.Named("Feb on", other)]
    )
    assert options[1].report.customer_months.window == options[0].report.customer_months.window
    assert any("segmentation" in note for note in options[1].notes)


def test_every_option_counts_the_baselines_ai_revenue() -> None:
    attributed = econ.AiRevenue(basis="attributed", uplift_usd={"Pro": 30.0})
    scenario, notes = aligned(econ.Scenario(), econ.Scenario(ai_revenue=attributed))
    assert scenario.ai_revenue == econ.AiRevenue()
    assert notes == (
        "its AI revenue (AI-attributed revenue (each AI plan's uplift over its base plan)) is "
        "replaced by the baseline's (all revenue, as for an AI-native product), so every "
        "option counts the same revenue",
    )


def test_compare_takes_two_to_five_options() -> None:
    report = econ.analyze_dataset(first_data(), econ.Scenario())
    option = econ.Option("x", report, econ.simulate(report))
    with pytest.raises(ValueError, match="2 to 5"):
        compare([option])
    with pytest.raises(ValueError, match="2 to 5"):
        compare([option] * 6)


def test_names_and_changes_in_words() -> None:
    assert unique_names(["A", "B", "A", "A"]) == ("A", "B", "A (2)", "A (3)")
    changes = scenario_changes(
        econ.Scenario(),
        econ.Scenario(
            churn={"power": 0.05},
            cac_usd=900,
            price_book=econ.PriceBook(
                plans={"Pro": econ.PlanPrice(removed=("voice",))}, churn_elasticity=0.3
            ),
        ),
    )
    assert changes == (
        "CAC: — → 900",
        "monthly churn of power: — → 0.05",
        "price book: churn elasticity: 0.5 → 0.3",
        "Pro: features taken off: — → voice",
    )
