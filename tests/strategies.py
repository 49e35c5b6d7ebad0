"""Hypothesis strategies shared by the property tests: small datasets and any scenario."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import strategies as st

import econ

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
        },
        schema_overrides={"region": pl.String},
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
    )
