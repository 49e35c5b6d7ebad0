"""The AI scorecard worked by hand on a three-row ledger, and its identities on the sample."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from builders import revenue_frame

import econ
from econ import measures as m
from econ.present.scorecard import ALL_FEATURES, Scorecard, margin_lines, scorecard

USAGE = pl.DataFrame(
    {
        "customer_id": ["a", "a", "b"],
        "feature_id": ["chat", "search", "chat"],
        "month": [dt.date(2026, 1, 1)] * 3,
        "calls": [100, 50, 10],
        "cost_usd": [2.0, 0.5, 0.3],
        "input_tokens": [50_000, 20_000, None],
        "output_tokens": [10_000, 5_000, None],
    },
    schema_overrides={"input_tokens": pl.Int64, "output_tokens": pl.Int64},
)
REVENUE = revenue_frame([("a", "2026-01", 100, "Solo"), ("b", "2026-01", 50, "Solo")])


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return scorecard(econ.analyze(USAGE, REVENUE))


def test_per_feature_by_hand(card: Scorecard) -> None:
    rows = {row["feature_id"]: row for row in card.features.iter_rows(named=True)}
    # usage allocation: a's $100 splits 100:50 calls, b's $50 goes to chat
    chat, search = rows["chat"], rows["search"]
    assert chat["revenue_usd"] == pytest.approx(100 * 100 / 150 + 50)
    assert chat["cost_per_call_usd"] == pytest.approx(2.3 / 110)
    assert chat["revenue_per_call_usd"] == pytest.approx((100 * 100 / 150 + 50) / 110)
    assert chat["inference_margin_per_call_usd"] == pytest.approx(
        (100 * 100 / 150 + 50 - 2.3) / 110
    )
    # b's call has no tokens: chat's tokens per dollar is a's 60,000 tokens over a's $2.00
    assert chat["tokens"] == 60_000
    assert chat["tokens_per_dollar"] == pytest.approx(30_000)
    assert search["tokens_per_dollar"] == pytest.approx(25_000 / 0.5)
    assert search["inference_margin_per_call_usd"] == pytest.approx((100 * 50 / 150 - 0.5) / 50)
    assert chat["cost_per_customer_month_usd"] == pytest.approx(2.3 / 2)
    assert list(rows) == ["chat", "search"]  # the costliest first


def test_the_diagnosis_by_hand(card: Scorecard) -> None:
    assert card.inference_share == pytest.approx(2.8 / 150)
    # customers' mean monthly spend 2.5 and 0.3: mean 1.4, population std 1.1
    assert card.spend_variation == pytest.approx(1.1 / 1.4)
    assert card.matters is False
    assert card.diagnosis().startswith("Standard gross-margin LTV is enough here")


def test_the_month_rows_add_up(card: Scorecard) -> None:
    monthly = card.monthly
    every = monthly.filter(pl.col("feature_id") == ALL_FEATURES).row(0, named=True)
    assert every["calls"] == 160
    assert every["cost_usd"] == pytest.approx(2.8)
    assert every["customer_months"] == 2
    assert every["tokens"] == 85_000
    assert every["tokens_per_dollar"] == pytest.approx(85_000 / 2.5)
    features = monthly.filter(pl.col("feature_id") != ALL_FEATURES)
    assert float(features["cost_per_customer_month_usd"].sum()) == pytest.approx(2.8 / 2)
    assert monthly["feature_id"].to_list() == [ALL_FEATURES, "chat", "search"]


def test_without_tokens_tokens_per_dollar_is_blank_not_zero() -> None:
    card = scorecard(econ.analyze(USAGE.drop("input_tokens", "output_tokens"), REVENUE))
    assert card.features["tokens_per_dollar"].null_count() == card.features.height
    assert not card.tokens_known


def test_on_the_sample_figures_agree_with_the_feature_table(sample_dataset: econ.Dataset) -> None:
    report = econ.analyze_dataset(sample_dataset, econ.sample_scenario())
    card = scorecard(report)
    joined = card.features.join(report.features, on="feature_id", suffix="_table")
    for row in joined.iter_rows(named=True):
        assert row["cost_per_call_usd"] == pytest.approx(row["cost_per_call_usd_table"])
        assert row["revenue_usd"] == pytest.approx(row["revenue_usd_table"])
    assert card.matters is True
    assert card.inference_share == pytest.approx(
        report.totals.inference_usd / report.totals.revenue_usd
    )
    lines = margin_lines(card)
    assert set(lines["feature_id"]) == set(report.features["feature_id"])
    assert lines.sort("feature_id", "month").equals(lines)


@pytest.mark.parametrize(
    ("share", "variation", "expected"),
    [
        (0.12, 0.2, True),  # over 10%
        (0.03, 1.5, True),  # a wide spread alone
        (0.03, 0.5, False),  # under 5% and narrow
        (0.07, 0.5, None),  # in between
        (0.03, None, None),  # spread unknown
        (None, None, None),
    ],
)
def test_the_diagnosis_rule(share: float | None, variation: float | None, expected: object) -> None:
    assert m.compute_adjustment_diagnosis(share, variation) is expected


def test_spend_variation_and_per_call_measures() -> None:
    assert m.spend_variation([2.5, 0.3]) == pytest.approx(1.1 / 1.4)
    assert m.spend_variation([1.0]) is None
    assert m.spend_variation([0.0, 0.0]) is None
    assert m.inference_margin_per_call(15.0, 18.0, 20.0) == pytest.approx(-0.15)
    assert m.inference_margin_per_call(15.0, 18.0, 0.0) is None
    assert m.tokens_per_dollar(60_000.0, 2.0) == 30_000.0
    assert m.tokens_per_dollar(60_000.0, 0.0) is None
