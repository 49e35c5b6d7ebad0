"""The free tier: its cost, the conversion observed or set, the cost per converted customer
and the effect of a usage cap, computed by hand."""

from __future__ import annotations

import polars as pl
import pytest
from builders import revenue_frame, usage_frame

import econ

# Pro customer a pays all along; d starts on the $0 Free plan and pays from March; e never
# appears in the revenue table. Calls without a customer cost $0.30.
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Pro"),
        ("a", "2026-02", 100, "Pro"),
        ("a", "2026-03", 100, "Pro"),
        ("d", "2026-01", 0, "Free"),
        ("d", "2026-02", 0, "Free"),
        ("d", "2026-03", 100, "Pro"),
    ]
)
USAGE = usage_frame(
    [
        ("a", "chat", "2026-01", 10, 5.0),
        ("a", "chat", "2026-02", 10, 5.0),
        ("a", "chat", "2026-03", 10, 5.0),
        ("d", "chat", "2026-01", 100, 1.0),
        ("d", "chat", "2026-02", 50, 0.5),
        ("d", "chat", "2026-03", 40, 0.4),
        ("e", "chat", "2026-01", 10, 0.1),
        ("(unknown)", "chat", "2026-02", 3, 0.3),
    ]
)
DATA = econ.load_dataset(USAGE, REVENUE)


def free(**settings: float) -> econ.FreeTier:
    book = econ.PriceBook(freemium=econ.Freemium(**settings))
    return econ.free_tier(DATA, econ.analyze_dataset(DATA, econ.Scenario(price_book=book)))


def test_cost_and_observed_conversion() -> None:
    tier = free()
    assert (tier.customers, tier.customer_months, tier.calls) == (2, 3, 160)
    assert tier.cost_usd == pytest.approx(1.6)
    assert tier.no_customer_cost_usd == pytest.approx(0.3)
    # d paid in March after a free January; e never paid.
    assert (tier.converted, tier.observed_conversion) == (1, 0.5)
    assert tier.rate_source == "observed"
    # $1.60 ÷ (2 free customers × 50%) = $1.60 per converted customer.
    assert tier.cost_per_conversion_usd == pytest.approx(1.6)
    plans = dict(tier.by_plan.select("plan", "cost_usd").iter_rows())
    assert plans == {"Free": pytest.approx(1.5), "(no revenue row)": pytest.approx(0.1)}


def test_the_free_tier_is_todays_unbilled_usage() -> None:
    report = econ.analyze_dataset(DATA, econ.Scenario())
    tier = econ.free_tier(DATA, report)
    unbilled = report.totals.unbilled_inference_usd
    assert tier.cost_usd + tier.no_customer_cost_usd == pytest.approx(unbilled)


def test_a_conversion_rate_set_by_the_user() -> None:
    tier = free(conversion_rate=0.1)
    assert tier.rate_source == "scenario"
    # $1.60 ÷ (2 × 10%) = $8.
    assert tier.cost_per_conversion_usd == pytest.approx(8.0)
    # Paying customer-months: a's three and d's March, $400 of revenue against $15.40 of
    # inference: $96.15 of gross profit a month; $8 takes 0.083 of a month to repay.
    assert tier.paid_profit_per_month_usd == pytest.approx((400 - 15.4) / 4)
    assert tier.payback_months == pytest.approx(8.0 / ((400 - 15.4) / 4))


def test_a_usage_cap() -> None:
    tier = free(conversion_rate=0.1, usage_cap_calls=20)
    # d's January 100 calls → 20 (a fifth of $1.00), February 50 → 20 ($0.20); e's 10 stay.
    assert tier.capped_calls == 50
    assert tier.capped_cost_usd == pytest.approx(0.5)
    assert tier.capped_cost_per_conversion_usd == pytest.approx(0.5 / 0.2)
    assert tier.cost_usd == pytest.approx(1.6)  # the uncapped figure is kept beside it


def test_no_free_customers_gives_reasons_not_numbers() -> None:
    paid = REVENUE.filter(pl.col("customer_id") == "a")
    data = econ.load_dataset(USAGE.filter(pl.col("customer_id") == "a"), paid)
    tier = econ.free_tier(data, econ.analyze_dataset(data, econ.Scenario()))
    assert tier.customers == 0
    assert tier.cost_per_conversion_usd is None
    assert tier.observed_conversion is None
    assert "no free customers" in tier.reasons[0]


def test_nobody_converted_yet() -> None:
    revenue = REVENUE.filter(pl.col("customer_id") != "d")
    data = econ.load_dataset(USAGE, revenue)
    tier = econ.free_tier(data, econ.analyze_dataset(data, econ.Scenario()))
    assert tier.observed_conversion == 0.0
    assert tier.cost_per_conversion_usd is None
    assert any("no conversion rate was observed" in reason for reason in tier.reasons)
    assert tier.to_dict()["cost_per_conversion_usd"] is None
