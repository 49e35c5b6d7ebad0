"""The AI scorecard worked by hand on a three-row ledger, and its identities on the sample."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, revenue_frame
from hypothesis import given
from hypothesis import strategies as st

import econ
from econ import measures as m
from econ.present.scorecard import (
    ALL_FEATURES,
    NO_OUTCOME_COLUMN,
    NO_OUTCOMES,
    UNIT_PROFIT_LABEL,
    UNIT_PROFIT_SCHEMA,
    UNIT_PROFIT_STEPS_SCHEMA,
    Scorecard,
    margin_lines,
    scorecard,
    unit_profit_steps,
)

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


# Cost per outcome: the three-row ledger with an outcome column (a's chat: 80 of 100 calls
# succeeded, a's search none of 50, b's chat 6 of 10).
OUTCOMES = USAGE.with_columns(pl.Series("outcome", [80, 0, 6]))


@pytest.fixture(scope="module")
def outcome_card() -> Scorecard:
    return scorecard(econ.analyze(OUTCOMES, REVENUE))


def test_cost_per_outcome_by_hand(outcome_card: Scorecard) -> None:
    assert outcome_card.outcomes_known
    rows = {row["feature_id"]: row for row in outcome_card.features.iter_rows(named=True)}
    chat, search = rows["chat"], rows["search"]
    assert chat["outcomes"] == 86
    assert chat["success_rate"] == pytest.approx(86 / 110)
    assert chat["cost_per_outcome_usd"] == pytest.approx(2.3 / 86)
    assert chat["outcome_note"] is None
    # search made 50 calls and reached no outcome: a 0% success rate, and no cost per outcome
    assert search["outcomes"] == 0
    assert search["success_rate"] == 0.0
    assert search["cost_per_outcome_usd"] is None
    assert search["outcome_note"] == NO_OUTCOMES


def test_cost_per_outcome_month_by_month(outcome_card: Scorecard) -> None:
    rows = {row["feature_id"]: row for row in outcome_card.monthly.iter_rows(named=True)}
    every = rows[ALL_FEATURES]
    assert every["outcomes"] == 86
    assert every["success_rate"] == pytest.approx(86 / 160)
    assert every["cost_per_outcome_usd"] == pytest.approx(2.8 / 86)
    assert rows["chat"]["cost_per_outcome_usd"] == pytest.approx(2.3 / 86)
    assert rows["search"]["cost_per_outcome_usd"] is None


def test_without_an_outcome_column_cost_per_outcome_is_blank_and_says_why(card: Scorecard) -> None:
    assert not card.outcomes_known
    for frame in (card.features, card.monthly):
        assert frame["outcomes"].null_count() == frame.height
        assert frame["success_rate"].null_count() == frame.height
        assert frame["cost_per_outcome_usd"].null_count() == frame.height
        assert set(frame["outcome_note"]) == {NO_OUTCOME_COLUMN}


def test_per_call_flags_count_as_outcomes() -> None:
    calls = pl.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b"],
            "feature_id": ["chat"] * 4,
            "timestamp": [dt.datetime(2026, 1, 3, 12)] * 4,
            "cost_usd": [0.5, 0.25, 0.25, 1.0],
            "outcome": [True, False, None, True],  # empty: the call did not succeed
        }
    )
    chat = scorecard(econ.analyze(calls, REVENUE)).features.row(0, named=True)
    assert chat["outcomes"] == 2
    assert chat["success_rate"] == pytest.approx(2 / 4)
    assert chat["cost_per_outcome_usd"] == pytest.approx(2.0 / 2)


def test_cost_per_outcome_measure() -> None:
    assert m.cost_per_outcome(2.3, 86.0) == pytest.approx(2.3 / 86)
    assert m.cost_per_outcome(2.3, 0.0) is None
    frame = pl.DataFrame({"cost": [2.0, 1.0, 1.0], "outcomes": [4.0, 0.0, None]})
    shown = frame.select(m.cost_per_outcome(pl.col("cost"), pl.col("outcomes")).alias("x"))
    assert shown["x"].to_list() == [0.5, None, None]


# AI unit profit (article 000 §2), worked by hand: ARPA (100 + 50) ÷ 2 = $75, inference
# (2.5 + 0.3) ÷ 2 = $1.40, AI infra $2, support $5, CS $3 per customer-month; churn 5%, so a
# lifetime of 20 months; both customers active in the last month; the user's estimates $100
# (model-efficiency value), $300 (data acquisition) and $40 (model maintenance) a month.
HAND = econ.Scenario(
    churn=0.05,
    cogs=econ.Cogs(ai_infra_usd=2.0, support_usd=5.0, cs_usd=3.0),
    ai_costs=econ.AiUnitCosts(
        model_efficiency_value_usd=100.0, data_acquisition_usd=300.0, model_maintenance_usd=40.0
    ),
)


def test_ai_unit_profit_by_hand() -> None:
    card = scorecard(econ.analyze(USAGE, REVENUE, HAND))
    assert card.active_customers == 2
    assert card.unit_profit.schema == UNIT_PROFIT_SCHEMA
    row = card.blended_unit_profit()
    assert row["lifetime_months"] == pytest.approx(20)
    assert row["ltv_before_compute_usd"] == pytest.approx((75 - 5 - 3) * 20)  # 1,340
    assert row["compute_usd"] == pytest.approx((1.4 + 2) * 20)  # 68
    assert row["model_efficiency_value_usd"] == pytest.approx(100 / 2 * 20)  # 1,000
    assert row["data_acquisition_usd"] == pytest.approx(300 / 2 * 20)  # 3,000
    assert row["model_maintenance_usd"] == pytest.approx(40 / 2 * 20)  # 400
    assert row["ai_unit_profit_usd"] == pytest.approx(1340 + 1000 - 68 - 3000 - 400)  # -1,128
    assert row["ltv_compute_adjusted_usd"] == pytest.approx(1340 - 68)
    assert row["null_reason"] is None
    assert card.unit_profit["segment"].to_list()[-1] == "all"
    document = card.to_dict()["ai_unit_profit"]
    assert document["active_customers"] == 2
    assert document["inputs_set"] is True
    assert document["inputs_usd_per_month"]["data_acquisition_usd"] == 300.0
    assert document["segments"][-1]["ai_unit_profit_usd"] == pytest.approx(-1128)


def test_ai_unit_profit_is_blank_without_a_lifetime(card: Scorecard) -> None:
    # one month of data: churn cannot be estimated, so no lifetime
    row = card.blended_unit_profit()
    assert row["ai_unit_profit_usd"] is None
    assert row["null_reason"] == "churn is undefined"
    assert unit_profit_steps(card).is_empty()
    zero = scorecard(econ.analyze(USAGE, REVENUE, HAND.replace(churn=0.0)))
    assert zero.blended_unit_profit()["null_reason"] == "churn is 0, so the lifetime is unbounded"


@pytest.mark.parametrize("source", ["sample", "first upload"])
def test_with_the_three_at_zero_it_is_the_compute_adjusted_ltv(
    source: str, sample_dataset: econ.Dataset
) -> None:
    report = (
        econ.analyze_dataset(sample_dataset, econ.sample_scenario())
        if source == "sample"
        else econ.analyze(FIRST_USAGE, FIRST_REVENUE)
    )
    card = scorecard(report)
    assert card.ai_costs.all_zero
    blended = card.blended_unit_profit()
    assert blended["ai_unit_profit_usd"] == pytest.approx(
        report.segment("all")["ltv_compute_adjusted_usd"], rel=1e-12
    )
    for row in card.unit_profit.iter_rows(named=True):
        truth = report.segment(row["segment"])["ltv_compute_adjusted_usd"]
        assert (row["ai_unit_profit_usd"] is None) == (truth is None)
        if truth is not None:
            assert row["ai_unit_profit_usd"] == pytest.approx(truth, rel=1e-12)
            assert row["model_efficiency_value_usd"] == 0.0


def test_the_active_customers_are_those_of_the_last_month() -> None:
    card = scorecard(econ.analyze(FIRST_USAGE, FIRST_REVENUE))
    assert card.active_customers == 2  # cove left after February


@given(
    margin=st.floats(-500, 5_000),
    compute=st.floats(0, 2_000),
    churn=st.floats(0.001, 1),
    customers=st.integers(1, 100_000),
    base=st.tuples(*(st.floats(0, 1e6),) * 3),
    raise_by=st.floats(0.01, 1e6),
    term=st.sampled_from(["model_efficiency_value", "data_acquisition", "model_maintenance"]),
)
def test_each_estimate_moves_ai_unit_profit_by_its_share_over_the_lifetime(
    *,
    margin: float,
    compute: float,
    churn: float,
    customers: int,
    base: tuple[float, float, float],
    raise_by: float,
    term: str,
) -> None:
    names = ("model_efficiency_value", "data_acquisition", "model_maintenance")
    before_terms = dict(zip(names, base, strict=True))
    after_terms = before_terms | {term: before_terms[term] + raise_by}
    before, _ = m.ai_unit_profit(margin, compute, churn, customers, **before_terms)
    after, _ = m.ai_unit_profit(margin, compute, churn, customers, **after_terms)
    assert before is not None and after is not None
    moved = raise_by / customers / churn
    sign = 1 if term == "model_efficiency_value" else -1
    assert after.profit - before.profit == pytest.approx(sign * moved, rel=1e-6, abs=1e-6)
    assert before.profit == pytest.approx(
        before.ltv_before_compute
        + before.model_efficiency_value
        - before.compute
        - before.data_acquisition
        - before.model_maintenance
    )


def test_ai_unit_profit_measure_edges() -> None:
    none, reason = m.ai_unit_profit(70.0, 3.0, None, 10)
    assert none is None and reason == "churn is undefined"
    unshared, reason = m.ai_unit_profit(70.0, 3.0, 0.1, 0, data_acquisition=50.0)
    assert unshared is None and reason == "no active customer to share the AI costs over"
    alone, reason = m.ai_unit_profit(70.0, 3.0, 0.1, 0)
    assert alone is not None and reason is None
    assert alone.profit == pytest.approx(670.0)


def test_the_waterfall_steps_add_up_to_the_profit() -> None:
    card = scorecard(econ.analyze(USAGE, REVENUE, HAND))
    steps = unit_profit_steps(card)
    assert steps.schema == UNIT_PROFIT_STEPS_SCHEMA
    assert steps["label"].to_list()[-1] == UNIT_PROFIT_LABEL
    terms = steps.filter(pl.col("kind") != "total")
    assert terms["amount_usd"].to_list() == pytest.approx([1340, 1000, -68, -3000, -400])
    assert terms["end_usd"].to_list()[-1] == pytest.approx(-1128)
    assert terms["start_usd"].to_list()[1:] == pytest.approx(terms["end_usd"].to_list()[:-1])
    assert steps["kind"].to_list() == ["gain", "gain", "cost", "cost", "cost", "total"]
    assert steps["source"].to_list() == [
        "data",
        "estimate",
        "data",
        "estimate",
        "estimate",
        "result",
    ]
    unset = unit_profit_steps(
        scorecard(econ.analyze(USAGE, REVENUE, HAND.replace(ai_costs=econ.AiUnitCosts())))
    )
    assert unset["source"].to_list()[1] == "not set"
    assert unset["kind"].to_list()[3] == "cost"  # a cost of $0 is still a cost
    assert str(unset["amount_usd"][3]) == "0.0"  # never −0
