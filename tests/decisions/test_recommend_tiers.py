"""Graduated tiers proposed for a long-tailed feature below its target, computed by hand."""

from __future__ import annotations

import pytest
from builders import revenue_frame, usage_frame

import econ
from econ import measures as m

CALLS = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 40, 100]
"""Twelve customers' monthly uses of gen, at $1 a use: a median of 2, a long tail."""
REVENUE = revenue_frame([(f"c{i:02}", "2026-01", 10, "Pro") for i in range(len(CALLS))])
USAGE = usage_frame(
    [(f"c{i:02}", "gen", "2026-01", calls, float(calls)) for i, calls in enumerate(CALLS)]
)


def _graduated(report: econ.Report) -> econ.Recommendation:
    found = [r for r in econ.recommend(report) if r.kind == "graduated"]
    assert len(found) == 1
    return found[0]


def test_bands_from_the_median_and_the_90th_percentile() -> None:
    report = econ.analyze(USAGE, REVENUE, econ.Scenario())
    rec = _graduated(report)
    target = report.scenario.target_of("gen")
    price = m.overage_price(1.0, target)
    heavy = max(1.0, round(price * 0.75, 4))
    # Median 2; 90th percentile 2 + 0.9 × (40 − 2) = 36.2 → bands up to 2 free, up to 37 at
    # the target price, beyond at 75% of it (never below the $1 cost).
    bands = rec.change["tiers"]["bands"]
    assert [band["up_to"] for band in bands] == [2.0, 37.0, None]
    assert [band["unit_usd"] for band in bands] == [0.0, price, heavy]
    # 40 uses: 35 at the price + 3 heavy; 100 uses: 35 at the price + 63 heavy.
    assert rec.revenue_change_usd == pytest.approx(70 * price + 66 * heavy)
    assert rec.cost_change_usd == 0.0
    assert rec.customers_affected == 2


def test_the_patch_bills_the_same_in_the_simulator() -> None:
    report = econ.analyze(USAGE, REVENUE, econ.Scenario())
    rec = _graduated(report)
    assert rec.patch is not None
    book = rec.patch.apply(report.scenario.price_book)
    sim = econ.simulate(econ.analyze(USAGE, REVENUE, econ.Scenario(price_book=book)))
    change = {row[0]: row[3] for row in sim.totals.rows()}
    assert change["revenue_usd"] == pytest.approx(rec.revenue_change_usd)


def test_usage_close_to_its_median_gets_none() -> None:
    even = usage_frame([(f"c{i:02}", "gen", "2026-01", 5, 5.0) for i in range(len(CALLS))])
    report = econ.analyze(even, REVENUE, econ.Scenario())
    assert not [r for r in econ.recommend(report) if r.kind == "graduated"]
