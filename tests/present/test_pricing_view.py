"""The Tiers & pricing page's figures: the now → simulated strip, what the last edit did, the
recommendation cards and the bill-change histogram."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from builders import revenue_frame, usage_frame
from hypothesis import given
from hypothesis import strategies as st

import econ
from econ.formats import MINUS, NO_CHANGE, NULL_TEXT, money, money_change, percent, points
from econ.present import pricing_view as pv

REVENUE = revenue_frame(
    [(customer, month, 100, "Pro") for customer in "ab" for month in ("2026-01", "2026-02")]
)
USAGE = usage_frame([("b", "deep_research", "2026-01", 30, 15.0)])
RISE = econ.PriceBook(
    plans={
        "Pro": econ.PlanPrice(included={"deep_research": 10}, overage_usd={"deep_research": 1.0})
    }
)
"""b pays 20 extra uses × $1 = $20 more in January: $220 against $200 over the window (+10%)."""


def simulation(book: econ.PriceBook, **assumptions: float) -> econ.Simulation:
    scenario = econ.Scenario(price_book=book, churn=0.05, cac_usd=100.0, **assumptions)  # type: ignore[arg-type]
    return econ.simulate(econ.analyze(USAGE, REVENUE, scenario))


@pytest.fixture(scope="module")
def sample() -> tuple[econ.Report, list[econ.Recommendation]]:
    report = econ.analyze(*econ.sample_paths(), econ.sample_scenario())
    return report, econ.recommend(report)


class TestKpiStrip:
    def test_a_rise_by_hand(self) -> None:
        kpis = {kpi.label: kpi for kpi in pv.kpi_strip(simulation(RISE))}
        revenue = kpis["Revenue / month"]
        # $400 over two months now; $420 simulated.
        assert (revenue.now, revenue.simulated, revenue.change) == (
            "$200.00",
            "$210.00",
            "+$10.00 / month",
        )
        assert (revenue.trend, revenue.good) == ("up", True)
        # Everyone stays at current pricing; b leaves with p = 0.5 × 10% = 0.05.
        leaving = kpis[pv.EXPECTED_TO_LEAVE]
        assert (leaving.now, leaving.simulated, leaving.change) == ("0.0", "0.1", "+0.1")
        assert (leaving.trend, leaving.good) == ("up", False)

    def test_the_strip_is_the_simulations_totals(self) -> None:
        sim = simulation(RISE)
        kpis = {kpi.label: kpi for kpi in pv.kpi_strip(sim)}
        totals = {row[0]: row for row in sim.totals.rows()}
        _, profit_now, profit_then, _ = totals["gross_profit_usd"]
        assert kpis["Gross profit / month"].now == money(profit_now)
        assert kpis["Gross profit / month"].simulated == money(profit_then)
        _, _, margin_then, margin_change = totals["gross_margin"]
        assert kpis["Gross margin"].simulated == percent(margin_then)
        assert kpis["Gross margin"].change == points(margin_change)
        assert kpis["Gross margin"].change.endswith(" pp")

    def test_current_pricing_changes_nothing(self) -> None:
        kpis = pv.kpi_strip(simulation(econ.PriceBook()))
        assert {kpi.change for kpi in kpis} == {NO_CHANGE}
        assert {(kpi.trend, kpi.good) for kpi in kpis} == {("none", None)}
        # $400 of revenue and $15 of inference over two months: $192.50 of gross profit a
        # month, 96.25%; LTV = $96.25 a customer-month ÷ 5% churn = $1,925, ÷ $100 CAC.
        assert pv.now_line(kpis) == (
            "Now: revenue $200.00 · gross profit $192.50 · gross margin 96.2% · LTV:CAC 19.2x"
        )

    def test_no_response_no_leaving_figure(self) -> None:
        kpis = pv.kpi_strip(simulation(econ.PriceBook(churn_elasticity=0.0)))
        assert pv.EXPECTED_TO_LEAVE not in [kpi.label for kpi in kpis]

    def test_an_undefined_ltv_cac_says_why(self) -> None:
        sim = econ.simulate(econ.analyze(USAGE, REVENUE, econ.Scenario(churn=0.05)))
        ltv_cac = next(kpi for kpi in pv.kpi_strip(sim) if kpi.name == "LTV:CAC")
        assert (ltv_cac.now, ltv_cac.simulated, ltv_cac.change) == ("—", "—", None)
        assert "needs both an LTV" in ltv_cac.help
        assert ltv_cac.trend == "none"


def test_the_bills_sentence() -> None:
    assert pv.bills_sentence(simulation(RISE).bills) == (
        "1 of 2 customers would pay more ($20.00 over the window; median rise 10.0%), 0 would "
        "pay less. 0 see their bill rise by more than 20%: a churn risk."
    )
    assert pv.bills_sentence(simulation(econ.PriceBook()).bills) == (
        "Every one of the 2 customers' bills stays as it is."
    )


class TestWhatTheLastEditDid:
    def test_describing_edits(self) -> None:
        book = econ.PriceBook()
        starter = book.with_plan("Starter", econ.PlanPrice(base_usd=59.0))
        assert pv.describe_edit(book, starter) == "Starter at $59.00 a month"
        assert pv.describe_edit(starter, book) == "Price book cleared"
        assert pv.describe_edit(book, RISE) == (
            "10 Deep research uses a month on Pro, then $1 a use"
        )
        removed = book.with_plan("pro_plus", econ.PlanPrice(removed=("image_gen",)))
        assert pv.describe_edit(book, removed) == "Image gen off Pro plus"
        several = econ.PriceBook(
            cost_multipliers={"deep_research": 0.6}, churn_elasticity=1.0, metered_usage_drop=0.1
        )
        assert pv.describe_edit(book, several) == (
            "Deep research cost × 0.6; metered-usage drop 10% and 1 more change"
        )
        assert pv.describe_edit(book, book) == "Price book unchanged"
        swapped = replace(starter, model_swaps={"deep_research": "gpt-4o-mini"})
        assert pv.describe_edit(starter, swapped) == "Deep research on gpt-4o-mini"
        assert pv.describe_edit(swapped, starter) == "Deep research back on its own models"

    def test_the_sentence(self) -> None:
        before = pv.outcome_of(simulation(econ.PriceBook()))
        after = pv.outcome_of(simulation(RISE))
        text = pv.change_sentence("Edit", before, after)
        assert text.startswith("Edit: gross profit +$10.00 / month")
        assert "0.1 more customers expected to leave" in text
        assert "revenue" not in text  # the same as the gross profit: said once
        assert pv.change_sentence("Edit", after, after) == (
            "Edit: no change to revenue, gross profit or margin."
        )
        falling = pv.change_sentence("Back", after, before)
        assert f"gross profit {MINUS}$10.00 / month" in falling
        assert "0.1 fewer customers expected to leave" in falling

    def test_the_memory_between_runs(self) -> None:
        scenario = econ.Scenario(churn=0.05)
        context = pv.context_of("data", scenario)
        assert context == pv.context_of("data", scenario.replace(price_book=RISE))
        assert context != pv.context_of("data", scenario.replace(cac_usd=5.0))
        now = pv.outcome_of(simulation(econ.PriceBook()))
        then = pv.outcome_of(simulation(RISE))
        first = pv.remember(None, context, econ.PriceBook(), now)
        assert first.sentence is None
        assert pv.remember(first, context, econ.PriceBook(), now) is first
        edited = pv.remember(first, context, RISE, then)
        assert edited.sentence is not None
        assert edited.sentence.startswith("10 Deep research uses a month on Pro")
        assert pv.remember(edited, context, RISE, then) is edited  # it stays until the next edit
        elsewhere = pv.remember(edited, "other", RISE, then)
        assert elsewhere.sentence is None


class TestCards:
    def test_the_first_cards_of_the_sample(
        self, sample: tuple[econ.Report, list[econ.Recommendation]]
    ) -> None:
        _, recs = sample
        cards = pv.cards(recs)
        first, second = cards[0], cards[1]
        assert first.rank == 1
        assert first.title == "Deep research allowance on Pro"
        assert first.detail.startswith("Include 25 Deep research uses a month on Pro")
        assert first.badges == (
            money_change(recs[0].gross_profit_change_usd, per="month"),
            "margin " + points(recs[0].gross_margin_after - recs[0].gross_margin_before),  # type: ignore[operator]
        )
        assert second.title == "Fair use on Pro"
        assert second.badges == ("+$12,652 / month", "margin +0.9 pp")
        assert any("expected to leave" in fact for fact in first.facts)

    def test_no_identifier_and_no_zero_badge(
        self, sample: tuple[econ.Report, list[econ.Recommendation]]
    ) -> None:
        report, recs = sample
        for card in pv.cards(recs, segment_by=report.scenario.segment_by):
            text = " ".join([card.title, card.detail, *card.badges, *card.facts, *card.arithmetic])
            assert "deep_research" not in text
            assert "None" not in text
            assert "+0.00%" not in text
            assert "+$0 " not in text
            assert "$0 from" not in text
        signals = [c for c, r in zip(pv.cards(recs), recs, strict=True) if r.kind == "price_signal"]
        assert signals
        assert all(card.badges == () for card in signals)
        ltv = next(r for r in recs if r.kind == "ltv_cac")
        assert pv.short_title(ltv) == "Light users below 3:1 LTV:CAC"

    def test_words_replace_whole_identifiers_only(
        self, sample: tuple[econ.Report, list[econ.Recommendation]]
    ) -> None:
        _, recs = sample
        rec = recs[0]
        assert pv.in_words("deep_research and deep_research_v2", rec) == (
            "Deep research and deep_research_v2"
        )


def bills(changes: list[tuple[float, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        changes, schema={"change_usd": pl.Float64, "change_share": pl.Float64}, orient="row"
    )


class TestBillHistogram:
    def test_buckets_by_hand(self) -> None:
        frame = pv.bill_change_histogram(
            bills([(0.0, 0.0), (0.001, 0.0), (-30.0, -0.3), (5.0, 0.05), (6.0, 0.06), (9.0, None)])
        )
        assert frame.schema == pv.BILL_HISTOGRAM_SCHEMA
        counts = dict(zip(frame["bucket"], frame["customers"], strict=True))
        assert counts["No change"] == 2
        assert counts["−20% or more"] == 1
        assert counts["0 to +5%"] == 1  # a rise of exactly 5%
        assert counts["+5 to +10%"] == 1
        assert counts[pv.FROM_ZERO_BUCKET] == 1
        assert frame["order"].to_list() == list(range(frame.height))
        sides = dict(zip(frame["bucket"], frame["side"], strict=True))
        assert (sides["−5 to 0%"], sides["No change"], sides["+20 to +50%"]) == (
            "less",
            "none",
            "more",
        )

    def test_every_bucket_is_listed_and_three_unchanged_customers_read_as_such(self) -> None:
        frame = pv.bill_change_histogram(bills([(0.0, 0.0)] * 3))
        assert frame["bucket"].to_list() == [name for name, _, _ in pv.BILL_BUCKETS]
        assert frame.filter(pl.col("customers") > 0).rows() == [(3, "No change", "none", 3)]

    @given(
        st.lists(
            st.tuples(
                st.floats(-1e4, 1e4, allow_nan=False),
                st.one_of(st.none(), st.floats(-1.0, 50.0, allow_nan=False)),
            ),
            max_size=40,
        )
    )
    def test_every_customer_is_counted_once(
        self, changes: list[tuple[float, float | None]]
    ) -> None:
        frame = pv.bill_change_histogram(bills(changes))
        assert frame["customers"].sum() == len(changes)
        assert (frame["customers"] >= 0).all()


STRIPE = econ.Tiers(
    mode="graduated",
    bands=(
        econ.TierBand(up_to=5, unit_usd=7.0),
        econ.TierBand(up_to=10, unit_usd=6.5),
        econ.TierBand(unit_usd=6.0),
    ),
)
"""Stripe's example of tiers: 1-5 at $7, 6-10 at $6.50, 11 and up at $6."""


class TestOtherPricingModels:
    def test_describing_seats_outcomes_tiers_and_commitments(self) -> None:
        book = econ.PriceBook()
        seats = book.with_plan("Pro", econ.PlanPrice(seat_usd=25.0, min_seats=3))
        assert pv.describe_edit(book, seats) == "Pro at $25.00 a seat a month (at least 3)"
        by_users = book.with_plan("Pro", econ.PlanPrice(seat_usd=25.0, seats_from="users"))
        assert pv.describe_edit(book, by_users) == (
            "Pro at $25.00 a seat a month, seats counted as users"
        )
        assert pv.describe_edit(seats, book) == "Price book cleared"
        assert pv.describe_edit(seats, book.with_plan("Pro", econ.PlanPrice(base_usd=9.0))) == (
            "Pro at $9.00 a month; no seat price on Pro"
        )
        outcome = book.with_plan("Pro", econ.PlanPrice(outcome_usd={"deep_research": 0.5}))
        assert pv.describe_edit(book, outcome) == "Deep research at $0.5 an outcome on Pro"
        tiered = book.with_plan("Pro", econ.PlanPrice(tiers={"*": STRIPE}))
        assert pv.describe_edit(book, tiered) == (
            "Graduated tiers on all usage on Pro (up to 5 calls at $7, up to 10 at $6.5, then $6)"
        )
        committed = book.with_plan(
            "Pro", econ.PlanPrice(commitment_usd=1200.0, commitment_period="year", breakage=0.5)
        )
        assert pv.describe_edit(book, committed) == (
            "A $1,200 commitment a year on Pro, 50% of what is unused expiring"
        )

    def test_describing_discounts_and_the_free_tier(self) -> None:
        book = econ.PriceBook()
        discounted = replace(
            book,
            discounts=(
                econ.Discount(share=0.1, min_bill_usd=500.0),
                econ.Discount(share=0.2, column="company_size", value="Enterprise"),
            ),
        )
        assert pv.describe_edit(book, discounted) == (
            "Volume discounts: 10% off for bills from $500; 20% off for company_size = Enterprise"
        )
        priced = book.with_plan("Pro", econ.PlanPrice(base_usd=9.0))
        assert pv.describe_edit(replace(priced, discounts=discounted.discounts), priced) == (
            "No volume discounts"
        )
        free = replace(book, freemium=econ.Freemium(conversion_rate=0.05, usage_cap_calls=100))
        assert pv.describe_edit(book, free) == (
            "Free-tier conversion at 5.0%; free usage capped at 100 calls a month"
        )

    def test_the_tiers_in_one_line(self) -> None:
        assert pv.tiers_summary(STRIPE) == "up to 5 calls at $7, up to 10 at $6.5, then $6"
        flat = econ.Tiers(measure="tokens", bands=(econ.TierBand(unit_usd=0.001, flat_usd=5),))
        assert pv.tiers_summary(flat) == "$0.001 + $5.00 a unit"

    def test_the_bill_parts_keep_the_parts_in_use(self) -> None:
        sim = simulation(RISE)
        # RISE bills overage only: the other parts are 0 on every plan and left out.
        shown = pv.bill_parts(sim.parts)
        assert shown.columns == [
            "plan",
            "customer_months",
            "bill_current_usd",
            "base_usd",
            "per_use_usd",
            "bill_simulated_usd",
            "deferred_usd",
        ]
        # b's 20 extra uses × $1 over two months: $10 a month on top of $200 of base.
        assert shown.row(0, named=True)["per_use_usd"] == pytest.approx(10.0)
        assert shown.row(0, named=True)["bill_simulated_usd"] == pytest.approx(210.0)
        today = pv.bill_parts(simulation(econ.PriceBook()).parts)
        assert "per_use_usd" not in today.columns
        assert today["base_usd"].to_list() == today["bill_current_usd"].to_list()

    def test_discount_segments_are_each_columns_values(self) -> None:
        revenue = pl.DataFrame(
            {"size": ["small", "mid", "small", None], "region": ["EU", "EU", "US", "US"]}
        )
        assert pv.discount_segments(revenue, ["size", "region", "missing"]) == {
            "size = mid": ("size", "mid"),
            "size = small": ("size", "small"),
            "region = EU": ("region", "EU"),
            "region = US": ("region", "US"),
        }


class TestFreeTierFigures:
    def test_by_hand(self) -> None:
        """Two free customers costing $30 over 3 months, one converted; a paying month makes
        $20 of gross profit: $30 ÷ (2 × 50%) = $30 per converted customer, 1.5 months."""
        tier = econ.FreeTier(
            months=3,
            customers=2,
            customer_months=3,
            calls=300,
            cost_usd=30.0,
            by_plan=pl.DataFrame(),
            no_customer_cost_usd=0.0,
            converted=1,
            observed_conversion=0.5,
            conversion_rate=0.5,
            rate_source="observed",
            cost_per_conversion_usd=30.0,
            paid_profit_per_month_usd=20.0,
            payback_months=1.5,
        )
        figures = {f.label: f for f in pv.free_tier_figures(tier)}
        assert figures["Free-tier cost / month"].value == "$10.00"
        assert figures["Observed conversion"].value == "50.0%"
        assert figures["Per converted customer"].value == "$30.00"
        assert figures["Payback, months"].value == "1.5"
        assert "observed" in figures["Conversion used"].help
        assert all(f.capped is None for f in figures.values())
        capped = replace(
            tier,
            usage_cap_calls=50.0,
            capped_calls=150,
            capped_cost_usd=15.0,
            capped_cost_per_conversion_usd=15.0,
            capped_payback_months=0.75,
        )
        figures = {f.label: f for f in pv.free_tier_figures(capped)}
        assert figures["Free-tier cost / month"].capped == "$5.00"
        assert figures["Payback, months"].capped == "0.8 months"

    def test_undefined_figures_read_as_the_null_text(self) -> None:
        data = econ.load_dataset(USAGE, REVENUE)
        tier = econ.free_tier(data, econ.analyze_dataset(data, econ.Scenario()))
        assert tier.reasons
        figures = {f.label: f for f in pv.free_tier_figures(tier)}
        assert figures["Payback, months"].value == NULL_TEXT
        assert figures["Per converted customer"].value == NULL_TEXT
