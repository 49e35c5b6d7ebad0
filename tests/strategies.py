"""Hypothesis strategies shared by the property tests: small datasets and any scenario."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import strategies as st

import econ
from econ.schema import CATEGORIES

CUSTOMERS = [f"c{i}" for i in range(8)]
FEATURES = ["alpha", "beta", "gamma", "delta"]
MONTHS = [dt.date(2026, m, 1) for m in range(1, 6)]
PLANS = ["Lite", "Pro", "Max"]


@st.composite
def datasets(draw: st.DrawFn) -> econ.Dataset:
    cells = draw(
        st.sets(
            st.tuples(st.sampled_from(CUSTOMERS), st.sampled_from(MONTHS)), min_size=1, max_size=30
        )
    )
    cells_sorted = sorted(cells)
    revenue = pl.DataFrame(
        {
            "customer_id": [c for c, _ in cells_sorted],
            "month": [m for _, m in cells_sorted],
            "mrr_usd": [
                draw(st.sampled_from([0.0, 19.0, 49.5, 99.0, 250.0])) for _ in cells_sorted
            ],
            "plan": [draw(st.sampled_from(PLANS)) for _ in cells_sorted],
            "region": [draw(st.sampled_from(["EU", "US", None])) for _ in cells_sorted],
            "ai_influenced_usd": [draw(st.sampled_from([0.0, 12.5])) for _ in cells_sorted],
        },
        schema_overrides={"region": pl.String},
    )
    # Direct AI revenue: none, a quarter or all of each month's MRR.
    shares = [draw(st.sampled_from([0.0, 0.25, 1.0])) for _ in cells_sorted]
    revenue = revenue.with_columns(
        (pl.col("mrr_usd") * pl.Series(shares, dtype=pl.Float64)).alias("ai_revenue_usd")
    )
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from([*CUSTOMERS, "stranger"]),
                st.sampled_from(FEATURES),
                st.sampled_from(MONTHS),
                st.integers(0, 50),
                st.floats(0, 40, allow_nan=False).map(lambda x: round(x, 4)),
            ),
            min_size=1,
            max_size=40,
        )
    )
    usage = pl.DataFrame(
        rows, schema=["customer_id", "feature_id", "month", "calls", "cost_usd"], orient="row"
    )
    return econ.load_dataset(usage, revenue)


@st.composite
def scenarios(draw: st.DrawFn) -> econ.Scenario:
    method = draw(st.sampled_from(["usage", "custom"]))
    weights = {f: draw(st.floats(0, 10)) for f in FEATURES} if method == "custom" else {}
    if method == "custom":
        weights["alpha"] = draw(st.floats(0.5, 10))
    burden = st.floats(0, 30, allow_nan=False)
    return econ.Scenario(
        segment_by=draw(st.sampled_from(["usage_tier", "plan", "region"])),
        allocation=econ.Allocation(method=method, weights=weights),
        churn=draw(st.one_of(st.none(), st.floats(0.01, 0.5))),
        cac_usd=draw(st.one_of(st.none(), st.floats(0, 5000))),
        cogs=econ.Cogs(
            ai_infra_usd=draw(burden),
            support_usd=draw(
                st.one_of(
                    burden,
                    st.dictionaries(st.sampled_from(["Lite", "Pro", "light", "EU", "all"]), burden),
                )
            ),
            cs_usd=draw(burden),
            hosting_usd=draw(burden),
        ),
        prices=draw(
            st.dictionaries(st.sampled_from(PLANS), st.sampled_from([0.0, 10.0, 80.0]), max_size=2)
        ),
        ai_revenue=draw(
            st.sampled_from(
                [
                    econ.AiRevenue(),
                    econ.AiRevenue(basis="direct"),
                    econ.AiRevenue(basis="attributed", uplift_over={PLANS[1]: PLANS[0]}),
                    econ.AiRevenue(basis="attributed", uplift_usd={PLANS[0]: 20.0}),
                ]
            )
        ),
    )


# -- any valid scenario, every field drawn (for the JSON and link round-trips) --

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_ -", min_size=1, max_size=12)
trimmed = names.filter(lambda name: name.strip() == name)
"""Names without leading or trailing spaces (a launch's, a model's)."""
money = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=0, max_value=1, allow_nan=False)
per_segment = st.one_of(money, st.dictionaries(names, money, max_size=4))
months = st.tuples(st.integers(2015, 2030), st.integers(1, 12)).map(
    lambda ym: f"{ym[0]}-{ym[1]:02d}"
)


share = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def plan_prices(draw: st.DrawFn) -> econ.PlanPrice:
    return econ.PlanPrice(
        base_usd=draw(st.one_of(st.none(), money)),
        included=draw(st.dictionaries(names, st.integers(0, 1000).map(float), max_size=3)),
        overage_usd=draw(st.dictionaries(names, money, max_size=3)),
        per_call_usd=draw(st.dictionaries(names, money, max_size=2)),
        removed=tuple(draw(st.lists(names, max_size=2))),
        fair_use_usd=draw(st.one_of(st.none(), money)),
        seat_usd=draw(st.one_of(st.none(), money)),
        min_seats=draw(st.integers(0, 50).map(float)),
        seats_from=draw(st.sampled_from(["revenue", "users"])),
        tiers=draw(st.dictionaries(st.one_of(names, st.just("*")), tiers(), max_size=2)),
        outcome_usd=draw(st.dictionaries(names, money, max_size=2)),
        commitment_usd=draw(st.one_of(st.none(), money)),
        commitment_period=draw(st.sampled_from(["month", "year"])),
        breakage=draw(st.floats(0, 1)),
    )


@st.composite
def tiers(draw: st.DrawFn) -> econ.Tiers:
    """Graduated or volume tiers with one to three bands, the last one open."""
    bounds = sorted(draw(st.sets(st.integers(1, 10_000), max_size=2)))
    bands = [
        econ.TierBand(up_to=bound, unit_usd=draw(money), flat_usd=draw(money))
        for bound in [*bounds, None]
    ]
    return econ.Tiers(
        mode=draw(st.sampled_from(["graduated", "volume"])),
        measure=draw(st.sampled_from(["calls", "tokens"])),
        bands=tuple(bands),
    )


@st.composite
def discounts(draw: st.DrawFn) -> econ.Discount:
    by_segment = draw(st.booleans())
    return econ.Discount(
        share=draw(st.floats(0, 1)),
        min_bill_usd=draw(st.one_of(st.none(), money)),
        column="region" if by_segment else None,
        value=draw(st.sampled_from(["EU", "US"])) if by_segment else None,
    )


@st.composite
def price_books(draw: st.DrawFn) -> econ.PriceBook:
    return econ.PriceBook(
        plans=draw(st.dictionaries(names, plan_prices(), max_size=3)),
        cost_multipliers=draw(st.dictionaries(names, st.floats(0, 10), max_size=3)),
        model_swaps=draw(st.dictionaries(names, trimmed, max_size=2)),
        metered_usage_drop=draw(st.floats(0, 0.99)),
        fair_use_margin=draw(st.floats(0, 0.95)),
        churn_risk_increase=draw(st.floats(0, 5)),
        churn_elasticity=draw(st.floats(0, 100)),
        tolerated_increase=draw(st.floats(0, 100)),
        discounts=tuple(draw(st.lists(discounts(), max_size=2))),
        freemium=econ.Freemium(
            conversion_rate=draw(st.one_of(st.none(), st.floats(0.001, 1))),
            usage_cap_calls=draw(st.one_of(st.none(), st.integers(0, 1000).map(float))),
        ),
    )


@st.composite
def levers(draw: st.DrawFn) -> econ.Levers:
    route = st.builds(
        econ.Route, share=share, relative_cost=share, model=st.one_of(st.none(), trimmed)
    )
    optimize = st.builds(econ.Optimize, cost_reduction=share, investment_usd=money)
    return econ.Levers(
        fair_use_percentile=draw(st.floats(1, 99.9)),
        route=draw(route),
        route_by_feature=draw(st.dictionaries(names, route, max_size=2)),
        optimize=draw(optimize),
        optimize_by_feature=draw(st.dictionaries(names, optimize, max_size=2)),
    )


@st.composite
def any_scenarios(draw: st.DrawFn) -> econ.Scenario:
    low = draw(st.floats(min_value=1, max_value=98))
    high = draw(st.floats(min_value=low + 0.5, max_value=99.5))
    method = draw(st.sampled_from(["usage", "custom"]))
    weights = draw(st.dictionaries(names, money, max_size=5))
    if method == "custom":
        weights = {**weights, "anchor": draw(st.floats(min_value=0.1, max_value=100))}
    window = draw(st.one_of(st.none(), st.lists(months, min_size=2, max_size=2).map(sorted)))
    return econ.Scenario(
        segment_by=draw(st.sampled_from(["usage_tier", "plan", "channel"])),
        usage_tier_percentiles=(low, high),
        allocation=econ.Allocation(method=method, weights=weights),
        churn=draw(st.one_of(st.none(), rates, st.dictionaries(names, rates, max_size=4))),
        cac_usd=draw(st.one_of(st.none(), per_segment)),
        cogs=econ.Cogs(
            ai_infra_usd=draw(per_segment),
            support_usd=draw(per_segment),
            cs_usd=draw(per_segment),
            hosting_usd=draw(per_segment),
        ),
        prices=draw(st.dictionaries(names, money, max_size=3)),
        months=tuple(window) if window else None,  # type: ignore[arg-type]
        feature_categories=draw(st.dictionaries(names, st.sampled_from(CATEGORIES), max_size=4)),
        targets=draw(st.dictionaries(names, st.floats(0, 0.99), max_size=3)),
        price_book=draw(price_books()),
        levers=draw(levers()),
        retention=econ.Retention(
            ltv_method=draw(st.sampled_from(["simple", "sbg"])),
            discount_rate=draw(st.floats(0, 1)),
            new_customers_per_month=draw(st.one_of(st.none(), money)),
            trend_months=draw(st.integers(2, 24)),
        ),
        launches={launch.name: launch for launch in draw(st.lists(launches(), max_size=2))},
        ai_revenue=draw(ai_revenues()),
        ai_costs=draw(
            st.builds(
                econ.AiUnitCosts,
                model_efficiency_value_usd=money,
                data_acquisition_usd=money,
                model_maintenance_usd=money,
            )
        ),
    )


@st.composite
def launches(draw: st.DrawFn) -> econ.Launch:
    return econ.Launch(
        name=draw(trimmed),
        category=draw(st.sampled_from(CATEGORIES)),
        value_weight=draw(st.floats(0, 0.99)),
        cost_per_use_usd=draw(money),
        uses=draw(st.dictionaries(names, st.floats(0, 1000), max_size=3)),
        like_feature=draw(st.one_of(st.none(), names)),
        like_share=draw(st.floats(0, 10)),
        model=draw(st.one_of(st.none(), trimmed)),
        input_tokens=draw(st.floats(0, 1e6)),
        output_tokens=draw(st.floats(0, 1e6)),
    )


@st.composite
def ai_revenues(draw: st.DrawFn) -> econ.AiRevenue:
    over = draw(st.dictionaries(names, names, max_size=3))
    over = {plan: base for plan, base in over.items() if plan != base}
    given = draw(st.dictionaries(names, money, max_size=2))
    basis = draw(st.sampled_from(["all", "direct", "attributed"]))
    if basis == "attributed" and not (over or given):
        given = {"ai": 75.0}
    return econ.AiRevenue(basis=basis, uplift_over=over, uplift_usd=given)
