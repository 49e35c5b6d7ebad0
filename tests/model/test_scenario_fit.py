"""A saved scenario opened on data that changed: what is gone is dropped and said; what was
added changes nothing."""

from __future__ import annotations

import polars as pl
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame

import econ
from econ.model.scenario_fit import fit_scenario


def _data(revenue: pl.DataFrame = FIRST_REVENUE, usage: pl.DataFrame = FIRST_USAGE) -> econ.Dataset:
    return econ.load_dataset(usage, revenue)


EVERYTHING = econ.Scenario(
    segment_by="company_size",
    churn={"small": 0.05, "gone_segment": 0.2, "all": 0.03},
    cac_usd={"mid": 900.0, "gone_segment": 100.0},
    cogs=econ.Cogs(support_usd={"small": 2.0, "gone_segment": 1.0}),
    prices={"Starter": 59.0, "Enterprise": 999.0},
    feature_categories={"deep_research": "premium", "voice": "core"},
    targets={"chat_assistant": 0.8, "voice": 0.7},
    allocation=econ.Allocation(method="custom", weights={"chat_assistant": 1.0, "voice": 2.0}),
    price_book=econ.PriceBook(
        plans={
            "Pro": econ.PlanPrice(
                included={"deep_research": 25.0, "voice": 10.0},
                overage_usd={"deep_research": 0.39, "voice": 0.1},
                removed=("voice",),
            ),
            "Enterprise": econ.PlanPrice(base_usd=2_000.0),
        },
        cost_multipliers={"deep_research": 0.5, "voice": 0.2},
    ),
    levers=econ.Levers(route_by_feature={"voice": econ.Route()}),
    months=("2026-01", "2026-03"),
)


def test_a_scenario_that_fits_is_unchanged() -> None:
    scenario = econ.Scenario(prices={"Starter": 59.0}, months=("2026-01", "2026-03"))
    fitted = fit_scenario(scenario, _data())
    assert fitted.scenario == scenario
    assert fitted.dropped == ()
    assert fitted.notes == ()


def test_what_the_data_no_longer_has_is_dropped_and_said() -> None:
    fitted = fit_scenario(EVERYTHING, _data())
    scenario = fitted.scenario
    assert dict(scenario.churn) == {"small": 0.05, "all": 0.03}  # type: ignore[arg-type]
    assert dict(scenario.cac_usd) == {"mid": 900.0}  # type: ignore[arg-type]
    assert dict(scenario.cogs.support_usd) == {"small": 2.0}  # type: ignore[arg-type]
    assert dict(scenario.prices) == {"Starter": 59.0}
    assert dict(scenario.feature_categories) == {"deep_research": "premium"}
    assert dict(scenario.targets) == {"chat_assistant": 0.8}
    assert dict(scenario.allocation.weights) == {"chat_assistant": 1.0}
    assert list(scenario.price_book.plans) == ["Pro"]
    pro = scenario.price_book.plans["Pro"]
    assert dict(pro.included) == {"deep_research": 25.0}
    assert pro.removed == ()
    assert dict(scenario.price_book.cost_multipliers) == {"deep_research": 0.5}
    assert dict(scenario.levers.route_by_feature) == {}
    said = " | ".join(fitted.dropped)
    for gone in ("'gone_segment'", "'Enterprise'", "'voice'"):
        assert gone in said
    econ.analyze_dataset(_data(), scenario)  # and it runs


def test_a_lost_segment_column_falls_back_to_usage_tiers() -> None:
    without_size = FIRST_REVENUE.drop("company_size")
    fitted = fit_scenario(EVERYTHING, _data(revenue=without_size))
    assert fitted.scenario.segment_by == "usage_tier"
    assert dict(fitted.scenario.churn) == {"all": 0.03}  # type: ignore[arg-type]
    assert "company_size" in fitted.dropped[0]
    econ.analyze_dataset(_data(revenue=without_size), fitted.scenario)


def test_a_custom_allocation_left_without_weights_splits_by_usage() -> None:
    scenario = econ.Scenario(allocation=econ.Allocation(method="custom", weights={"voice": 1.0}))
    fitted = fit_scenario(scenario, _data())
    assert fitted.scenario.allocation == econ.Allocation()
    assert any("split by usage" in line for line in fitted.dropped)


def test_new_months_keep_the_window_with_a_note_and_a_window_out_of_reach_goes() -> None:
    later = revenue_frame([("acme", "2026-04", 49, "Starter")], company_size=["small"])
    grown = pl.concat([FIRST_REVENUE, later])
    fitted = fit_scenario(econ.Scenario(months=("2026-01", "2026-03")), _data(revenue=grown))
    assert fitted.scenario.months == ("2026-01", "2026-03")
    assert fitted.dropped == ()
    assert "runs to 2026-04" in fitted.notes[0]
    gone = fit_scenario(econ.Scenario(months=("2025-01", "2025-06")), _data())
    assert gone.scenario.months is None
    assert "2026-01 to 2026-03" in gone.dropped[0]


def test_new_columns_and_features_change_nothing() -> None:
    usage = pl.concat(
        [FIRST_USAGE, FIRST_USAGE.head(1).with_columns(pl.lit("voice").alias("feature_id"))]
    )
    revenue = FIRST_REVENUE.with_columns(pl.lit("web").alias("channel"))
    scenario = econ.Scenario(segment_by="company_size", targets={"chat_assistant": 0.8})
    fitted = fit_scenario(scenario, _data(revenue=revenue, usage=usage))
    assert fitted.scenario == scenario
    assert fitted.dropped == ()


def test_a_model_swap_of_a_lost_feature_is_dropped_and_said() -> None:
    book = econ.PriceBook(model_swaps={"deep_research": "gpt-4o-mini", "gone": "gpt-4o-mini"})
    fitted = fit_scenario(econ.Scenario(price_book=book), _data())
    assert dict(fitted.scenario.price_book.model_swaps) == {"deep_research": "gpt-4o-mini"}
    assert fitted.dropped == ("model swaps for features the data no longer has: 'gone'",)


def test_pricing_models_of_lost_features_and_columns_are_dropped_and_said() -> None:
    tiers = econ.Tiers(bands=(econ.TierBand(up_to=10, unit_usd=1.0), econ.TierBand()))
    book = econ.PriceBook(
        plans={
            "Starter": econ.PlanPrice(
                tiers={"*": tiers, "deep_research": tiers, "voice": tiers},
                outcome_usd={"chat_assistant": 0.2, "voice": 0.1},
                seat_usd=10.0,
            )
        },
        discounts=(
            econ.Discount(share=0.1, column="company_size", value="mid"),
            econ.Discount(share=0.2, column="region", value="EU"),
        ),
    )
    fitted = fit_scenario(econ.Scenario(price_book=book), _data())
    starter = fitted.scenario.price_book.plans["Starter"]
    assert sorted(starter.tiers) == ["*", "deep_research"]
    assert dict(starter.outcome_usd) == {"chat_assistant": 0.2}
    assert starter.seat_usd == 10.0
    assert fitted.scenario.price_book.discounts == book.discounts[:1]
    said = " | ".join(fitted.dropped)
    assert "'voice'" in said
    assert "['region']" in said
    econ.analyze_dataset(_data(), fitted.scenario)
