"""Every pricing model of the price book on a 3-customer ledger: bills computed by hand, hybrid
as the sum of its parts, and prices of zero changing nothing."""

from __future__ import annotations

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import PLANS, datasets, price_books, tiers

import econ
from econ.decisions.pricing import PARTS, PARTS_SCHEMA, simulate
from econ.measures import tiered_charge

# Pro (a, b) and Lite (c) over January to March 2026; seats from the revenue table, b's
# February seat count missing; b is an enterprise customer.
REVENUE = revenue_frame(
    [
        ("a", "2026-01", 100, "Pro"),
        ("a", "2026-02", 100, "Pro"),
        ("a", "2026-03", 100, "Pro"),
        ("b", "2026-01", 100, "Pro"),
        ("b", "2026-02", 100, "Pro"),
        ("b", "2026-03", 100, "Pro"),
        ("c", "2026-01", 20, "Lite"),
        ("c", "2026-02", 20, "Lite"),
    ],
    size=["small", "small", "small", "enterprise", "enterprise", "enterprise", "small", "small"],
).with_columns(pl.Series("seats", [3, 3, 4, 10, None, 10, 1, 1], dtype=pl.Int64))
_ROWS = [
    ("a", "chat", "2026-01", 8, 0.8),
    ("a", "chat", "2026-02", 12, 1.2),
    ("a", "chat", "2026-03", 20, 2.0),
    ("a", "research", "2026-01", 2, 2.0),
    ("b", "chat", "2026-01", 30, 3.0),
    ("b", "chat", "2026-03", 6, 0.6),
    ("b", "research", "2026-02", 25, 25.0),
    ("c", "chat", "2026-01", 4, 0.4),
    ("c", "chat", "2026-02", 5, 0.5),
]
NO_OUTCOMES = usage_frame(_ROWS)
USAGE = NO_OUTCOMES.with_columns(
    pl.Series("outcome", [2, 5, 10, 1, 0, 6, 20, 1, 2], dtype=pl.Int64),
    pl.Series("input_tokens", [800, 1200, 2000, 200, 3000, 600, 2500, 400, 500], dtype=pl.Int64),
    pl.Series("output_tokens", [200, 300, 500, 50, 750, 150, 600, 100, 125], dtype=pl.Int64),
)
DATA = econ.load_dataset(USAGE, REVENUE)
STRIPE = (
    econ.TierBand(up_to=5, unit_usd=7.0),
    econ.TierBand(up_to=10, unit_usd=6.5),
    econ.TierBand(unit_usd=6.0),
)
"""Stripe's tiered-pricing example: 1–5 at $7, 6–10 at $6.50, 11 and up at $6."""


def run(
    plans: dict[str, econ.PlanPrice], data: econ.Dataset = DATA, **book: object
) -> econ.Simulation:
    scenario = econ.Scenario(price_book=econ.PriceBook(plans=plans, **book))  # type: ignore[arg-type]
    return simulate(econ.analyze_dataset(data, scenario))


def bills(sim: econ.Simulation) -> dict[str, float]:
    """Each customer's simulated bill over the window."""
    return dict(sim.customers.select("customer_id", "bill_simulated_usd").iter_rows())


def monthly(sim: econ.Simulation, customer: str) -> list[float]:
    frame = sim.simulated.frame.filter(pl.col("customer_id") == customer).sort("month")
    return [round(value, 6) for value in frame["mrr_usd"]]


def revenue(sim: econ.Simulation) -> float:
    """Simulated revenue a month."""
    return float(sim.totals.filter(pl.col("measure") == "revenue_usd")["simulated"].item())


def part(sim: econ.Simulation, plan: str, name: str) -> float:
    return float(sim.parts.filter(pl.col("plan") == plan)[name].item())


class TestPerSeat:
    def test_price_times_seats_with_a_minimum(self) -> None:
        sim = run({"Pro": econ.PlanPrice(base_usd=0.0, seat_usd=30.0, min_seats=5)})
        # a: 3, 3, 4 seats → 5 each (the minimum) → $150 a month.
        assert monthly(sim, "a") == [150.0, 150.0, 150.0]
        # b: 10, unknown (the minimum, 5), 10 → $300, $150, $300.
        assert monthly(sim, "b") == [300.0, 150.0, 300.0]
        assert bills(sim)["c"] == 40.0  # Lite is not priced per seat
        assert part(sim, "Pro", "seats_usd") == pytest.approx((450 + 750) / 3)
        assert any("1 of 6 customer-months have no seat count" in note for note in sim.notes)

    def test_seats_are_added_to_the_base(self) -> None:
        sim = run({"Pro": econ.PlanPrice(seat_usd=10.0)})
        # The recorded $100 stays (no base price given), plus 3, 3, 4 seats × $10.
        assert monthly(sim, "a") == [130.0, 130.0, 140.0]

    def test_seats_from_ledger_users_need_a_user_column(self) -> None:
        sim = run({"Pro": econ.PlanPrice(base_usd=0.0, seat_usd=30.0, seats_from="users")})
        assert monthly(sim, "a") == [0.0, 0.0, 0.0]
        assert any("no user_id column" in note for note in sim.notes)

    def test_seats_from_ledger_users(self) -> None:
        users = pl.DataFrame(
            {
                "customer_id": ["a", "a", "a", "b"],
                "feature_id": ["chat", "research", "chat", "chat"],
                "user_id": ["u1", "u1", "u2", "u9"],
                "timestamp": ["2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"],
                "cost_usd": [0.1, 0.2, 0.3, 0.4],
            }
        )
        data = econ.load_dataset(users, REVENUE.filter(pl.col("month") == pl.date(2026, 1, 1)))
        sim = run({"Pro": econ.PlanPrice(base_usd=0.0, seat_usd=30.0, seats_from="users")}, data)
        # a had two distinct users (u1 on two features counts once), b one.
        assert bills(sim) == {"a": 60.0, "b": 30.0, "c": 20.0}


class TestTiers:
    def test_stripe_golden_values(self) -> None:
        for quantity, graduated, volume in [
            (1, 7.0, 7.0),
            (5, 35.0, 35.0),
            (6, 41.5, 39.0),
            (20, 127.5, 120.0),
            (25, 157.5, 150.0),
        ]:
            bands = [(b.up_to, b.unit_usd, b.flat_usd) for b in STRIPE]
            for mode, expected in (("graduated", graduated), ("volume", volume)):
                charge = pl.select(tiered_charge(pl.lit(quantity), bands, mode)).item()
                assert charge == expected

    @pytest.mark.parametrize(
        ("mode", "a_months", "pro_total"),
        [
            # a's chat calls 8, 12, 20; b's 30 and 6.
            ("graduated", [54.5, 79.5, 127.5], 54.5 + 79.5 + 127.5 + 187.5 + 41.5),
            ("volume", [52.0, 72.0, 120.0], 52.0 + 72.0 + 120.0 + 180.0 + 39.0),
        ],
    )
    def test_graduated_and_volume_bill_the_same_usage_differently(
        self, mode: str, a_months: list[float], pro_total: float
    ) -> None:
        tiers = econ.Tiers(mode=mode, bands=STRIPE)  # type: ignore[arg-type]
        sim = run({"Pro": econ.PlanPrice(base_usd=0.0, tiers={"chat": tiers})})
        assert monthly(sim, "a") == a_months
        assert part(sim, "Pro", "tiers_usd") == pytest.approx(pro_total / 3)
        # The tier revenue is chat's own revenue.
        chat = sim.features.filter(pl.col("feature_id") == "chat")
        assert float(chat["revenue_usd"].item()) >= pro_total / 3

    def test_whole_plan_tiers_on_tokens(self) -> None:
        bands = (econ.TierBand(up_to=2000, unit_usd=0.01), econ.TierBand(unit_usd=0.005))
        tiers = econ.Tiers(mode="volume", measure="tokens", bands=bands)
        sim = run({"Pro": econ.PlanPrice(base_usd=0.0, tiers={econ.ALL_FEATURES: tiers})})
        # a, January: chat 800 + 200 and research 200 + 50 tokens = 1,250 → $12.50.
        # February: 1,500 → $15. March: 2,500 → above 2,000, all at $0.005 → $12.50.
        assert monthly(sim, "a") == [12.5, 15.0, 12.5]

    def test_flat_fees_of_the_bands_reached(self) -> None:
        bands = (econ.TierBand(up_to=10, flat_usd=25.0), econ.TierBand(unit_usd=1.0))
        tiers = econ.Tiers(mode="graduated", bands=bands)
        sim = run({"Pro": econ.PlanPrice(base_usd=0.0, tiers={econ.ALL_FEATURES: tiers})})
        # b's March: 6 calls → inside the first band → its $25 fee; January: 30 calls →
        # the fee + 20 × $1; February: 25 research calls → the fee + 15 × $1.
        assert monthly(sim, "b") == [45.0, 40.0, 25.0]


class TestOutcomes:
    def test_only_outcomes_are_billed(self) -> None:
        sim = run({"Pro": econ.PlanPrice(outcome_usd={"chat": 1.0})})
        # a's chat outcomes 2, 5, 10; b's January had 30 calls and no outcome: not billed.
        assert monthly(sim, "a") == [102.0, 105.0, 110.0]
        assert monthly(sim, "b") == [100.0, 100.0, 106.0]
        assert part(sim, "Pro", "outcomes_usd") == pytest.approx(23 / 3)
        assert any("23 of 76 calls were outcomes" in note for note in sim.notes)

    def test_a_ledger_without_outcomes_bills_none_and_says_so(self) -> None:
        data = econ.load_dataset(NO_OUTCOMES, REVENUE)
        sim = run({"Pro": econ.PlanPrice(outcome_usd={"chat": 1.0})}, data)
        assert monthly(sim, "a") == [100.0, 100.0, 100.0]
        assert any("records no outcome" in note for note in sim.notes)


class TestCommitment:
    def test_usage_draws_down_the_commitment(self) -> None:
        price = econ.PlanPrice(per_call_usd={"chat": 2.0}, commitment_usd=40.0)
        sim = run({"Pro": price})
        # a's chat charges $16, $24, $40: each month pays the $40 commitment.
        assert monthly(sim, "a") == [140.0, 140.0, 140.0]
        # b's: $60 (beyond the commitment), $0, $12.
        assert monthly(sim, "b") == [160.0, 140.0, 140.0]
        assert part(sim, "Pro", "deferred_usd") == 0.0

    def test_breakage_and_deferred_credit(self) -> None:
        price = econ.PlanPrice(per_call_usd={"chat": 2.0}, commitment_usd=40.0, breakage=0.0)
        sim = run({"Pro": price})
        # Billed as before; unused credit (24 + 16 for a, 40 + 28 for b) is deferred.
        assert monthly(sim, "a") == [140.0, 140.0, 140.0]
        assert part(sim, "Pro", "deferred_usd") == pytest.approx(108 / 3)
        pro = sim.plans.filter(pl.col("plan") == "Pro")
        # Recognized revenue: $300 bases + usage of $80 (a) and $72 (b) over three months.
        assert float(pro["revenue_simulated_usd"].item()) == pytest.approx((600 + 152) / 3)

    def test_an_annual_commitment_is_a_twelfth_a_month(self) -> None:
        monthly_book = {"Pro": econ.PlanPrice(per_call_usd={"chat": 2.0}, commitment_usd=40.0)}
        annual_book = {
            "Pro": econ.PlanPrice(
                per_call_usd={"chat": 2.0}, commitment_usd=480.0, commitment_period="year"
            )
        }
        assert bills(run(monthly_book)) == bills(run(annual_book))


class TestDiscounts:
    def test_by_bill(self) -> None:
        plans = {"Pro": econ.PlanPrice(base_usd=0.0, seat_usd=30.0, min_seats=5)}
        sim = run(plans, discounts=(econ.Discount(share=0.1, min_bill_usd=300.0),))
        assert monthly(sim, "b") == [270.0, 150.0, 270.0]
        assert monthly(sim, "a") == [150.0, 150.0, 150.0]
        assert part(sim, "Pro", "discounts_usd") == pytest.approx(-60 / 3)

    def test_by_segment_and_the_largest_applies(self) -> None:
        discounts = (
            econ.Discount(share=0.2, column="size", value="enterprise"),
            econ.Discount(share=0.05, min_bill_usd=50.0),
        )
        sim = run({}, discounts=discounts)
        assert monthly(sim, "b") == [80.0, 80.0, 80.0]
        assert monthly(sim, "a") == [95.0, 95.0, 95.0]
        assert monthly(sim, "c") == [20.0, 20.0]

    def test_a_segment_the_data_lacks_is_refused(self) -> None:
        with pytest.raises(econ.ScenarioError, match="no 'region' column"):
            run({}, discounts=(econ.Discount(column="region", value="EU"),))


def test_hybrid_is_the_sum_of_its_parts() -> None:
    base = econ.PlanPrice(base_usd=50.0)
    parts = {
        "seats": {"seat_usd": 30.0, "min_seats": 5},
        "per_use": {"per_call_usd": {"research": 0.5}},
        "tiers": {"tiers": {"chat": econ.Tiers(bands=STRIPE)}},
        "outcomes": {"outcome_usd": {"chat": 1.0}},
    }
    alone = revenue(run({"Pro": base}))
    added = {
        name: revenue(run({"Pro": econ.PlanPrice(base_usd=50.0, **fields)})) - alone  # type: ignore[arg-type]
        for name, fields in parts.items()
    }
    every = {key: value for fields in parts.values() for key, value in fields.items()}
    hybrid = run({"Pro": econ.PlanPrice(base_usd=50.0, **every)})  # type: ignore[arg-type]
    assert revenue(hybrid) - alone == pytest.approx(sum(added.values()))
    for name, change in added.items():
        assert part(hybrid, "Pro", f"{name}_usd") == pytest.approx(change)


def test_parts_add_up_to_the_simulated_bill() -> None:
    price = econ.PlanPrice(
        base_usd=10.0,
        seat_usd=5.0,
        per_call_usd={"research": 0.5},
        tiers={"chat": econ.Tiers(mode="volume", bands=STRIPE)},
        outcome_usd={"chat": 0.25},
        commitment_usd=300.0,
        fair_use_usd=1.0,
    )
    sim = run({"Pro": price}, discounts=(econ.Discount(share=0.1, min_bill_usd=100.0),))
    assert sim.parts.schema == PARTS_SCHEMA
    total = sim.parts.select(sum(pl.col(f"{name}_usd") for name in PARTS)).to_series()
    assert total.to_list() == pytest.approx(sim.parts["bill_simulated_usd"].to_list())
    by_customer = float(sim.customers["bill_simulated_usd"].sum()) / 3
    assert float(sim.parts["bill_simulated_usd"].sum()) == pytest.approx(by_customer, abs=0.01)


ZERO_PARTS = st.fixed_dictionaries(
    {},
    optional={
        "seat_usd": st.just(0.0),
        "min_seats": st.integers(0, 20).map(float),
        "seats_from": st.sampled_from(["revenue", "users"]),
        "tiers": st.just({"chat": econ.Tiers(bands=(econ.TierBand(),))}),
        "outcome_usd": st.just({"chat": 0.0, "research": 0.0}),
        "per_call_usd": st.just({"research": 0.0}),
        "commitment_usd": st.just(0.0),
        "breakage": st.floats(0.0, 1.0),
    },
)


@settings(max_examples=25, deadline=None)
@given(ZERO_PARTS, st.sampled_from(["Pro", "Lite"]))
def test_prices_of_zero_reproduce_the_current_view(fields: dict[str, object], plan: str) -> None:
    """A price book of models priced at zero bills what is billed today: every total, plan,
    segment and feature figure is the current one."""
    sim = run({plan: econ.PlanPrice(**fields)})  # type: ignore[arg-type]
    assert sim.totals["simulated"].to_list() == pytest.approx(sim.totals["current"].to_list())
    assert sim.bills.paying_more == sim.bills.paying_less == 0
    plans = sim.plans
    assert plans["revenue_simulated_usd"].to_list() == pytest.approx(
        plans["revenue_current_usd"].to_list()
    )
    current = econ.analyze_dataset(DATA, econ.Scenario()).features
    assert sim.features["revenue_usd"].to_list() == pytest.approx(current["revenue_usd"].to_list())


def test_free_tier_settings_leave_the_simulation_as_it_is() -> None:
    book = econ.PriceBook(freemium=econ.Freemium(conversion_rate=0.1, usage_cap_calls=10))
    assert book.is_current_pricing


@settings(max_examples=30, deadline=None)
@given(datasets(), price_books())
def test_an_empty_book_reproduces_the_current_report(
    data: econ.Dataset, book: econ.PriceBook
) -> None:
    """Only the free tier's settings, and no price: every figure is today's."""
    only_freemium = econ.PriceBook(freemium=book.freemium)
    report = econ.analyze_dataset(data, econ.Scenario(price_book=only_freemium))
    sim = simulate(report)
    assert sim.simulated is report.customer_months
    assert sim.totals["simulated"].to_list() == sim.totals["current"].to_list()
    assert sim.parts["bill_simulated_usd"].to_list() == sim.parts["bill_current_usd"].to_list()
    assert sim.features.equals(report.features)
    assert sim.notes == ()


ADDED_PARTS = st.fixed_dictionaries(
    {},
    optional={
        "seat_usd": st.floats(0, 100),
        "min_seats": st.integers(0, 5).map(float),
        "tiers": tiers().map(lambda found: {"chat": found}),
        "outcome_usd": st.floats(0, 5).map(lambda price: {"search": price}),
        "per_call_usd": st.floats(0, 1).map(lambda price: {"chat": price}),
        "commitment_usd": st.floats(0, 500),
        "breakage": st.floats(0, 1),
    },
)


@settings(max_examples=40, deadline=None)
@given(datasets(), ADDED_PARTS, st.sampled_from(PLANS))
def test_adding_a_priced_part_never_lowers_a_bill(
    data: econ.Dataset, fields: dict[str, object], plan: str
) -> None:
    """Seats, tiers, outcomes, per-use prices and commitments only add to the recorded bill:
    no customer pays less and revenue does not fall (with no customer response)."""
    book = econ.PriceBook(plans={plan: econ.PlanPrice(**fields)}, churn_elasticity=0.0)  # type: ignore[arg-type]
    sim = simulate(econ.analyze_dataset(data, econ.Scenario(price_book=book)))
    assert sim.bills.paying_less == 0
    before, after = sim.totals.filter(pl.col("measure") == "revenue_usd").row(0)[1:3]
    assert after >= before - 1e-6
