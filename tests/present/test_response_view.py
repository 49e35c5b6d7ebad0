"""The customer response as the Tiers & pricing page shows it: the table of figures now, with no
response and after it; the sentence; and the segment table with the LTV after the response."""

from __future__ import annotations

import polars as pl
from builders import revenue_frame, usage_frame

import econ
from econ.present import response

REVENUE = revenue_frame(
    [(customer, month, 100, "Pro") for customer in "ab" for month in ("2026-01", "2026-02")]
)
USAGE = usage_frame([("b", "research", "2026-01", 30, 15.0)])
RISE = econ.PriceBook(
    plans={"Pro": econ.PlanPrice(included={"research": 10}, overage_usd={"research": 1.0})}
)


def simulation(book: econ.PriceBook) -> econ.Simulation:
    scenario = econ.Scenario(price_book=book, churn=0.05)
    return econ.simulate(econ.analyze(USAGE, REVENUE, scenario))


def test_the_table_sets_the_response_beside_the_figures_without_it() -> None:
    # b pays $20 more on $200 (+10%): p = 0.05 at elasticity 0.5.
    table = response.response_table(simulation(RISE))
    assert table.schema == response.RESPONSE_TABLE_SCHEMA
    rows = {row[0]: row[1:] for row in table.rows()}
    # 210 − 0.05 × $220 ÷ 2 months = $204.50, with its cents below $1,000
    assert rows["Revenue / month"] == ("$200.00", "$210.00", "$204.50")
    assert rows["Customers"] == ("2", "2", "1.9")
    assert set(response.RESPONSE_TABLE_HEADERS) == set(table.columns)


def test_the_sentence_names_the_rule_and_the_losses() -> None:
    text = response.response_summary(simulation(RISE).response)
    assert text.startswith("1 of 2 customers might leave")
    assert "min(1, 0.5 × x)" in text
    assert "0.1 are expected to leave" in text


def test_no_one_leaves_at_current_pricing() -> None:
    sim = simulation(econ.PriceBook(tolerated_increase=0.1))
    assert response.response_summary(sim.response) == (
        "No customer is expected to leave (a customer whose bill rises by a share x leaves with "
        "probability min(1, 0.5 × max(0, x − 10%)))."
    )
    table = response.response_table(sim)
    assert table["no_response"].to_list()[:3] == table["after_response"].to_list()[:3]


def test_segments_gain_the_ltv_after_the_response() -> None:
    sim = simulation(RISE)
    segments = response.segments_with_response(sim)
    assert segments["segment"].to_list() == sim.segments["segment"].to_list()
    blended = segments.filter(pl.col("segment") == "all").row(0, named=True)
    assert blended["lost_share"] == 0.05 / 2
    assert blended["ltv_compute_adjusted_after_response_usd"] == (
        blended["ltv_compute_adjusted_simulated_usd"] * (1 - 0.05 / 2)
    )
