"""Methods: how every number is made, each formula with its live value in this view."""

import polars as pl
import streamlit as st

from econ import formats
from econ.scenario.assumptions import ALL
from econ.schema import CATEGORY_BANDS
from ui import layout, session
from ui.text import plain

now = session.current()
scenario, report = now.scenario, now.report
blended = report.segment(ALL)
totals = report.totals
money, percent = formats.money, formats.percent

st.title("Methods")
st.caption(
    "The definitions behind every figure, in the order they are built. The numbers in the "
    "margins are this view's blended (all customers) values, so they move with the assumptions."
)
layout.notices()


def live(text: str) -> None:
    st.markdown(f":blue-background[**In this view**] {text}")


st.subheader("1. The unit: an active customer-month")
st.markdown(
    "A revenue row inside the window whose MRR, after any plan re-pricing, is above zero. Usage "
    "is bucketed to calendar months in UTC; a customer-month's inference cost is the sum of its "
    "customer's usage that month. Usage outside every active customer-month (free trials, "
    "churned or unknown customers) is *unbilled*: reported, but kept out of the economics."
)
live(
    f"{totals.customer_months:,} customer-months from {totals.customers:,} customers, "
    f"{totals.first_month} to {totals.last_month}; unbilled usage "
    f"{money(totals.unbilled_inference_usd, cents=False)}."
)

if not now.data.pricing.filter(now.data.pricing["priced_by"] != "given").is_empty():
    st.markdown(
        "**Cost from tokens.** Rows logged without a cost were priced at their date's rates:"
    )
    st.latex(
        r"\text{cost} = (n_\text{in} - n_\text{cached})\,p_\text{in} + n_\text{cached}\,"
        r"p_\text{cached} + n_\text{out}\,p_\text{out}"
    )

st.subheader("2. Compute-adjusted gross profit per customer-month")
st.latex(
    r"\text{GP} = \text{ARPA} - \text{inference} - \text{AI infra} - \text{support} - \text{CS}"
)
live(
    f"{money(blended['gross_profit_usd'])} = {money(blended['arpa_usd'])} − "
    f"{money(blended['inference_usd'])} − {money(blended['ai_infra_usd'])} − "
    f"{money(blended['support_usd'])} − {money(blended['cs_usd'])}, a gross margin of "
    f"{percent(blended['gross_margin'])}."
)
st.markdown(
    "ARPA and inference are averages over the segment's customer-months (Σ MRR ÷ customer-"
    "months, Σ inference ÷ customer-months); the burdens come from the assumptions. Because "
    "every figure is per customer-month, segments recombine to the blended row."
)

st.subheader("3. Monthly revenue churn")
st.latex(
    r"\text{churn} = \frac{\sum \text{MRR of customer-months whose customer is gone"
    r" the next month}}{\sum \text{MRR of all customer-months before the window's last month}}"
)
live(
    f"blended churn {percent(blended['churn'], digits=2)} per month "
    f"({blended['churn_source'] or 'undefined'})."
)

st.subheader("4. Lifetime value, three ways")
st.latex(r"\text{LTV}_\text{revenue} = \frac{\text{ARPA}}{\text{churn}}")
st.latex(
    r"\text{LTV}_\text{traditional} = \frac{\text{ARPA} - \text{hosting} - \text{support}"
    r" - \text{CS}}{\text{churn}}"
)
st.latex(r"\text{LTV}_\text{compute-adjusted} = \frac{\text{GP}}{\text{churn}}")
live(
    f"revenue LTV {money(blended['ltv_revenue_usd'], cents=False)}, traditional "
    f"{money(blended['ltv_traditional_usd'], cents=False)}, compute-adjusted "
    f"{money(blended['ltv_compute_adjusted_usd'], cents=False)}."
)

st.subheader("5. Against acquisition cost")
st.latex(
    r"\text{LTV:CAC} = \frac{\text{LTV}_\text{compute-adjusted}}{\text{CAC}} \qquad"
    r"\text{payback} = \frac{\text{CAC}}{\text{GP}}\ \text{months}"
)
live(
    f"CAC {money(blended['cac_usd'], cents=False)}, LTV:CAC {formats.ratio(blended['ltv_cac'])} "
    f"(traditional {formats.ratio(blended['ltv_cac_traditional'])}), payback "
    f"{formats.months(blended['payback_months'])} months. 3:1 is the usual bar."
)

st.subheader("6. Usage tiers")
st.markdown(
    "Each customer's monthly inference cost x is its inference over its active months divided "
    "by their number. With q₁ and q₂ the linearly interpolated percentiles of x over customers: "
    "light if x < q₁, core if q₁ ≤ x < q₂, power if x ≥ q₂."
)
low, high = scenario.usage_tier_percentiles
if report.tier_thresholds:
    q1, q2 = report.tier_thresholds
    live(f"percentiles {low:g} and {high:g} give q₁ = {money(q1)} and q₂ = {money(q2)} a month.")
else:
    live(f"segments are by {plain(scenario.segment_by)}, not usage tier.")

st.subheader("7. Feature revenue and margin")
st.latex(
    r"\text{revenue}_f = \sum_{\text{customer-months}} \text{MRR} \times"
    r"\frac{\text{calls}_f}{\text{calls}} \quad\text{(usage)}\qquad"
    r"\text{revenue}_f = \sum \text{MRR} \times \frac{w_f}{\sum_g w_g} \quad\text{(custom)}"
)
st.latex(r"\text{margin}_f = \frac{\text{revenue}_f - \text{cost}_f}{\text{revenue}_f}")
worst = report.features.tail(1).row(0, named=True) if report.features.height else None
if worst:
    live(
        f"{scenario.allocation.method} allocation; the lowest feature in the margin stack, "
        f"{plain(worst['feature_id'])}, earns {money(worst['revenue_usd'], cents=False)} against "
        f"{money(worst['cost_usd'], cents=False)} of cost: margin {percent(worst['gross_margin'])}."
        f" Aggregate feature margin {percent(totals.inference_margin)}."
    )

st.subheader("8. Feature status against category bands")
st.dataframe(
    pl.DataFrame(
        {
            "category": list(CATEGORY_BANDS),
            "target band": [f"{b.low:.0%}–{b.high:.0%}" for b in CATEGORY_BANDS.values()],
            "act below": [f"{b.act_below:.0%}" for b in CATEGORY_BANDS.values()],
        }
    ),
    hide_index=True,
)
st.markdown(
    "Status: **negative** (gross profit below zero), **act** (below the action threshold), "
    "**watch** (below the band), **ok** (in the band), **above band** (a possible "
    "under-pricing signal). Benchmarks: KeyBanc Capital Markets SaaS survey, SaaS Capital."
)

st.subheader("9. Recommendations")
st.markdown(
    "Per plan and feature, with c its cost per customer-month on the plan, R its revenue per "
    "customer-month, s its share of the plan's revenue, u its cost per use and t its target "
    "margin (its own, else the low end of its category's band):"
)
st.latex(r"\text{minimum tier price} = \frac{c}{s\,(1 - t)}")
st.latex(
    r"N_\text{included} = \left\lfloor \frac{R\,(1 - t)}{u} \right\rfloor \qquad"
    r"\text{overage price} = \frac{u}{1 - t}"
)
st.latex(
    r"\text{optimization ROI} = \frac{(u - u_\text{after}) \times \text{monthly calls}"
    r" \times 12}{\text{engineering investment}}"
)
st.markdown(
    "A feature is removed from a lower plan when not even one use a month pays for itself "
    "(⌊R ÷ u⌋ < 1 after optimization). Fair use bills inference above a percentile threshold "
    "at cost ÷ (1 − margin). Routing a share σ of calls to a model at relative cost ρ "
    "multiplies cost by 1 − σ + σρ. Every impact is measured alone, per month, on the window's "
    "usage; the Tiers & pricing page applies any of them to the simulated price book."
)
recommendations = now.recommendations()
if recommendations:
    top = recommendations[0]
    live(
        f"the top recommendation, *{plain(top.title)}*, adds "
        f"{money(top.gross_profit_change_usd)} of gross profit a month."
    )

st.subheader("10. The pricing simulator")
st.latex(
    r"\text{bill} = \text{base} + \sum_f p^\text{over}_f \max(0, n_f - N_f)"
    r" + \sum_f p^\text{use}_f\, n_f + \frac{\max(0, \text{inference} - T)}{1 - m}"
)
st.markdown(
    "Applied to every customer-month of the window on its plan: base price (or the recorded "
    "MRR), overage beyond an allowance, per-use prices, and fair use above a threshold T. "
    "Usage stays as observed unless a share of newly metered uses is assumed to stop; costs "
    "follow the remaining usage and any cost factors. Churn and burdens stay as they are."
)
simulation = now.simulation()
bills = simulation.bills
live(
    f"{bills.paying_more:,} customers would pay more and {bills.paying_less:,} less under the "
    "current price book."
    if not scenario.price_book.is_current_pricing
    else "the price book is empty, so the simulation equals the current view."
)

st.subheader("11. Undefined values")
st.markdown(
    "A figure that cannot be computed is left blank, never shown as infinity: churn from a "
    "single month, LTV when churn is 0 (an unbounded lifetime), LTV:CAC without a CAC, payback "
    "when gross profit is not positive (the CAC is never paid back). The tables say why."
)
