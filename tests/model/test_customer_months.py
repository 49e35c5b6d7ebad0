"""Customer-months on a small hand-computed dataset: the window, which months are active, churn
flags, per-customer sums, usage tiers, per-segment burdens and what shapes them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from builders import FIRST_REVENUE, FIRST_USAGE, month, revenue_frame, usage_frame

import econ
from econ import schema as s
from econ.inputs.prepare import CUSTOMER_CODE
from econ.model.customer_months import per_customer
from econ.model.customer_months.cells import _in_row_order
from econ.present import facts

# Three customers, two features, three months:
#   a: Pro $100 in Jan, Feb, Mar                          (stays)
#   b: Lite $50 in Jan, Feb, then gone                     (churns after Feb)
#   c: Lite $50 in Jan, $0 in Feb, Pro $100 in Mar         (Feb is not active: Jan churns)
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Pro"),
        ("a", "2026-02", 100, "Pro"),
        ("a", "2026-03", 100, "Pro"),
        ("b", "2026-01", 50, "Lite"),
        ("b", "2026-02", 50, "Lite"),
        ("c", "2026-01", 50, "Lite"),
        ("c", "2026-02", 0, "Lite"),
        ("c", "2026-03", 100, "Pro"),
    ],
    channel=["sales", "sales", "sales", "self_serve", "self_serve", "self_serve", None, None],
)
# Inference per active month: a $11, $10, $9 (mean $10); b $2, $3 (mean $2.5); c $60, $30
# (mean $45). c's $0 February ($60, 40 calls) is unbilled.
USAGE = usage_frame(
    [
        ("a", "chat", "2026-01", 10, 10.0),
        ("a", "search", "2026-01", 20, 1.0),
        ("a", "chat", "2026-02", 10, 10.0),
        ("a", "chat", "2026-03", 10, 9.0),
        ("b", "chat", "2026-01", 5, 2.0),
        ("b", "chat", "2026-02", 5, 2.0),
        ("b", "search", "2026-02", 10, 1.0),
        ("c", "chat", "2026-01", 40, 60.0),
        ("c", "chat", "2026-02", 40, 60.0),
        ("c", "search", "2026-03", 40, 30.0),
    ]
)


def build(**scenario: object) -> econ.CustomerMonths:
    dataset = econ.load_dataset(USAGE, REVENUE)
    return econ.build_customer_months(dataset, econ.Scenario(**scenario))  # type: ignore[arg-type]


def by_cm(cms: econ.CustomerMonths, column: str) -> dict[tuple[str, str], object]:
    """``column`` of each active cm, keyed by (customer, "YYYY-MM")."""
    return {
        (row["customer_id"], f"{row['month']:%Y-%m}"): row[column]
        for row in cms.frame.iter_rows(named=True)
    }


class TestWindow:
    def test_every_revenue_month_by_default(self) -> None:
        window = build().window
        assert window == econ.Window(dt.date(2026, 1, 1), dt.date(2026, 3, 1))
        assert window.months == 3
        assert window.label == "2026-01 to 2026-03"

    def test_the_scenario_months_limit_it(self) -> None:
        cms = build(months=("2026-02", "2026-03"))
        assert cms.window == econ.Window(month("2026-02"), month("2026-03"))
        # a Feb, a Mar, b Feb, c Mar; c's $0 February stays unbilled.
        assert set(by_cm(cms, "mrr_usd")) == {
            ("a", "2026-02"),
            ("a", "2026-03"),
            ("b", "2026-02"),
            ("c", "2026-03"),
        }
        assert cms.unbilled_inference_usd == pytest.approx(60.0)

    def test_a_window_spans_years(self) -> None:
        assert econ.Window(month("2025-11"), month("2026-02")).months == 4


class TestActiveMonths:
    def test_a_zero_mrr_month_is_not_active(self) -> None:
        cms = build()
        assert cms.frame.height == 7
        assert ("c", "2026-02") not in by_cm(cms, "mrr_usd")
        assert cms.customers == 3

    def test_each_cm_carries_its_calls_and_inference(self) -> None:
        cms = build()
        assert by_cm(cms, "calls") == {
            ("a", "2026-01"): 30,
            ("a", "2026-02"): 10,
            ("a", "2026-03"): 10,
            ("b", "2026-01"): 5,
            ("b", "2026-02"): 15,
            ("c", "2026-01"): 40,
            ("c", "2026-03"): 40,
        }
        assert by_cm(cms, "inference_usd")[("a", "2026-01")] == pytest.approx(11.0)
        assert by_cm(cms, "inference_usd")[("c", "2026-03")] == pytest.approx(30.0)

    def test_usage_outside_active_months_is_unbilled(self) -> None:
        cms = build()
        assert cms.unbilled_inference_usd == pytest.approx(60.0)
        assert cms.unbilled_calls == 40

    def test_a_zero_price_makes_the_plan_inactive(self) -> None:
        cms = build(prices={"Lite": 0})
        assert set(by_cm(cms, "plan").values()) == {"Pro"}
        # b's $2 + $3 and c's Jan $60 join c's unbilled February.
        assert cms.unbilled_inference_usd == pytest.approx(5 + 60 + 60)

    def test_a_price_for_an_unknown_plan_warns(self) -> None:
        cms = build(prices={"Gold": 10})
        assert cms.warnings == ("prices name plans that are not in the revenue table: ['Gold']",)


class TestChurnFlags:
    def test_at_risk_is_every_month_but_the_last(self) -> None:
        at_risk = by_cm(build(), "at_risk")
        assert {cm for cm, flag in at_risk.items() if flag} == {
            ("a", "2026-01"),
            ("a", "2026-02"),
            ("b", "2026-01"),
            ("b", "2026-02"),
            ("c", "2026-01"),
        }

    def test_churned_when_the_next_month_is_not_active(self) -> None:
        churned = by_cm(build(), "churned")
        # b has no March; c's February is $0. a's March is the window's last month.
        assert {cm for cm, flag in churned.items() if flag} == {("b", "2026-02"), ("c", "2026-01")}

    def test_at_risk_and_churned_mrr(self) -> None:
        sums = build(segment_by="plan").segment_sums
        mrr = {
            row["segment"]: (row["at_risk_mrr"], row["churned_mrr"])
            for row in sums.iter_rows(named=True)
        }
        # Pro at risk: a Jan, a Feb. Lite at risk: b Jan, b Feb, c Jan; churned: b Feb, c Jan.
        assert mrr == {"Pro": (200.0, 0.0), "Lite": (150.0, 100.0)}


class TestPerCustomer:
    def test_sums_and_the_latest_values(self) -> None:
        cms = build(segment_by="channel")
        table = per_customer(
            cms.frame,
            {"revenue": pl.col("mrr_usd"), "inference": pl.col("inference_usd")},
            latest=("segment", "plan"),
        )
        assert table.to_dicts() == [
            {
                "customer_id": "a",
                "segment": "sales",
                "plan": "Pro",
                "customer_months": 3,
                "revenue": 300.0,
                "inference": 30.0,
            },
            {
                "customer_id": "b",
                "segment": "self_serve",
                "plan": "Lite",
                "customer_months": 2,
                "revenue": 100.0,
                "inference": 5.0,
            },
            {  # c moved from Lite to Pro, and its March has no channel
                "customer_id": "c",
                "segment": "unknown",
                "plan": "Pro",
                "customer_months": 2,
                "revenue": 150.0,
                "inference": 90.0,
            },
        ]

    def test_no_customer_months_no_rows(self) -> None:
        frame = build().frame.clear()
        table = per_customer(frame, {"revenue": pl.col("mrr_usd")})
        assert table.height == 0
        assert table.columns == ["customer_id", "segment", "customer_months", "revenue"]


class TestUsageTiers:
    def test_cut_at_the_percentiles_of_mean_monthly_inference(self) -> None:
        # Means: b 2.5, a 10, c 45. p50 = 10; p90 = 10 + 0.8 × (45 − 10) = 38.
        cms = build()
        assert cms.tier_thresholds == pytest.approx((10.0, 38.0))
        tiers = {customer: str(tier) for (customer, _), tier in by_cm(cms, "segment").items()}
        # a sits exactly on q1: below q1 is light, so a is core.
        assert tiers == {"a": "core", "b": "light", "c": "power"}

    def test_other_percentiles_move_the_cuts(self) -> None:
        # p25 = 2.5 + 0.5 × 7.5 = 6.25: a is core; p50 = 10: a (not below it) is power.
        cms = build(usage_tier_percentiles=(25, 50))
        assert cms.tier_thresholds == pytest.approx((6.25, 10.0))
        tiers = {customer: str(tier) for (customer, _), tier in by_cm(cms, "segment").items()}
        assert tiers == {"a": "power", "b": "light", "c": "power"}

    def test_no_thresholds_for_other_segments(self) -> None:
        assert build(segment_by="plan").tier_thresholds is None


class TestBurdens:
    def test_a_single_value_on_every_cm(self) -> None:
        cms = build(cogs=econ.Cogs(cs_usd=2.0))
        assert set(by_cm(cms, "cs_usd").values()) == {2.0}
        assert set(by_cm(cms, "support_usd").values()) == {0.0}

    def test_per_segment_with_all_as_fallback(self) -> None:
        cms = build(segment_by="channel", cogs=econ.Cogs(support_usd={"sales": 4.0, "all": 1.0}))
        support = by_cm(cms, "support_usd")
        assert {cm: value for cm, value in support.items() if cm[0] == "a"} == {
            ("a", "2026-01"): 4.0,
            ("a", "2026-02"): 4.0,
            ("a", "2026-03"): 4.0,
        }
        assert {value for cm, value in support.items() if cm[0] != "a"} == {1.0}
        assert cms.warnings == ()

    def test_a_segment_without_a_value_gets_zero_and_a_warning(self) -> None:
        cms = build(segment_by="channel", cogs=econ.Cogs(ai_infra_usd={"sales": 3.0}))
        sums = {row["segment"]: row["ai_infra_usd"] for row in cms.segment_sums.to_dicts()}
        assert sums == {"sales": 9.0, "self_serve": 0.0, "unknown": 0.0}
        assert cms.warnings == (
            "cogs.ai_infra_usd gives no value for segments ['self_serve', 'unknown']; $0 used",
        )


class TestShaping:
    def test_non_shaping_fields_are_left_at_their_defaults(self) -> None:
        scenario = econ.Scenario(churn=0.05, cac_usd=900.0)
        assert econ.shaping(scenario) == econ.Scenario()

    def test_shaping_fields_are_kept(self) -> None:
        scenario = econ.Scenario(segment_by="plan", months=("2026-01", "2026-02"), churn=0.05)
        shaped = econ.shaping(scenario)
        assert (shaped.segment_by, shaped.months) == ("plan", ("2026-01", "2026-02"))
        assert shaped.churn is None

    def test_churn_and_cac_do_not_change_the_customer_months(self) -> None:
        plain, priced = build(), build(churn=0.05, cac_usd=900.0)
        assert priced.frame.equals(plain.frame)
        assert priced.cells.equals(plain.cells)
        assert priced.shaped_by == plain.shaped_by == econ.Scenario()


@pytest.mark.parametrize("wide", [False, True])
def test_usage_rows_come_in_the_order_sorting_their_text_gives(wide: bool) -> None:
    """The integer sort key (customer code, feature's place, day) orders rows as sorting the
    ids and months would; a key too wide for 64 bits takes the three-column sort."""
    customers = ["acct_10", "acct_2", "Acme", "b", "zeta"]  # byte order, not natural order
    code = {name: rank for rank, name in enumerate(sorted(customers))}
    rows = [
        (customer, feature, month)
        for customer in reversed(customers)
        for feature in ("search", "chat", "Chat")
        for month in (dt.date(2026, 3, 1), dt.date(2025, 11, 1))
    ]
    usage = pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "feature_id": [r[1] for r in rows],
            "month": [r[2] for r in rows],
            CUSTOMER_CODE: [code[r[0]] + (2**58 if wide else 0) for r in rows],
        },
        schema_overrides={CUSTOMER_CODE: pl.UInt64 if wide else pl.UInt32},
    )
    ordered = _in_row_order(usage)
    expected = usage.sort("customer_id", "feature_id", "month")
    assert ordered.equals(expected)
    assert ordered["customer_id"].flags["SORTED_ASC"]


# Seats and users, hand-checked on the 3-customer first upload (builders.FIRST_*).
# Seats as a text column: acme 3, 4, empty; bolt 10, 10, 12; cove 1, then none.
FIRST_SEATS = ["3", "4", "", "10", "10", "12", "1", None]
# Users of each FIRST_USAGE row (chat rows, then deep_research rows, per customer):
#   acme Jan: u1 (chat) and a deep_research call naming no user -> 1
#   acme Feb: u2 (chat), u3 (deep_research)                     -> 2
#   acme Mar: u1 on both features                                -> 1 (counted once)
#   bolt Jan: b1, b9 -> 2; Feb: b1 twice -> 1; Mar: b2 twice -> 1
#   cove Jan: c1 -> 1; Feb: an empty user id names none          -> 0
FIRST_USERS = ["u1", "u2", "u1", None, "u3", "u1", "b1", "b1", "b2", "b9", "b1", "b2", "c1", ""]


def test_seats_and_users_come_into_every_customer_month() -> None:
    revenue = FIRST_REVENUE.with_columns(pl.Series(s.SEATS, FIRST_SEATS))
    usage = FIRST_USAGE.with_columns(pl.Series(s.USER_ID, FIRST_USERS))
    data = econ.load_dataset(usage, revenue)
    assert data.segment_columns == ("company_size",)  # seats is no segment, even as text
    cms = econ.build_customer_months(data, econ.Scenario())
    assert cms.frame.schema[s.SEATS] == pl.Int64
    assert cms.frame.schema[s.USERS] == pl.Int64
    assert by_cm(cms, s.SEATS) == {
        ("acme", "2026-01"): 3,
        ("acme", "2026-02"): 4,
        ("acme", "2026-03"): None,
        ("bolt", "2026-01"): 10,
        ("bolt", "2026-02"): 10,
        ("bolt", "2026-03"): 12,
        ("cove", "2026-01"): 1,
        ("cove", "2026-02"): None,
    }
    assert by_cm(cms, s.USERS) == {
        ("acme", "2026-01"): 1,
        ("acme", "2026-02"): 2,
        ("acme", "2026-03"): 1,
        ("bolt", "2026-01"): 2,
        ("bolt", "2026-02"): 1,
        ("bolt", "2026-03"): 1,
        ("cove", "2026-01"): 1,
        ("cove", "2026-02"): 0,
    }
    assert "seats is empty in 2 of 8 customer-months" in " ".join(data.notes)
    line = facts.seats_and_users(data)
    assert "Seats: known for 6 of 8 customer-months (40 seat-months in all)." in line
    assert "7 of 8 customer-months have at least one (at most 2 in a month)" in line


def test_a_customer_month_without_calls_has_no_users() -> None:
    extra = revenue_frame([("cove", "2026-03", 49, "Starter")], company_size=["small"])
    revenue = FIRST_REVENUE.vstack(extra)
    usage = FIRST_USAGE.with_columns(pl.Series(s.USER_ID, FIRST_USERS))
    cms = econ.build_customer_months(econ.load_dataset(usage, revenue), econ.Scenario())
    assert by_cm(cms, s.USERS)[("cove", "2026-03")] == 0
    assert by_cm(cms, s.CALLS)[("cove", "2026-03")] == 0


def test_without_seats_or_users_both_columns_are_there_and_null() -> None:
    data = econ.load_dataset(FIRST_USAGE, FIRST_REVENUE)
    assert data.users is None
    cms = econ.build_customer_months(data, econ.Scenario())
    counts = cms.frame.select(s.SEATS, s.USERS)
    assert counts.schema == pl.Schema({s.SEATS: pl.Int64, s.USERS: pl.Int64})
    assert counts.null_count().row(0) == (cms.frame.height, cms.frame.height)
    line = facts.seats_and_users(data)
    assert "the revenue table gives none" in line and "no user_id column" in line
    simulated = econ.simulate(econ.analyze_dataset(data, econ.Scenario()))
    assert {s.SEATS, s.USERS} <= set(simulated.simulated.frame.columns)
