"""Methods: how every number is made, each formula with its live value in this view."""

import streamlit as st

from econ import formats
from econ.present import company, facts, labels, pricing_view, scorecard
from econ.present.methods import FORMULA_BY_KEY, category_bands
from econ.present.summary import ai_revenue_text
from ui import layout, session
from ui.text import plain

now = session.current()
scenario, report = now.scenario, now.report
blended = report.segment(facts.BLENDED)
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


def formula(key: str) -> None:
    """A formula of :data:`econ.present.methods.FORMULAS` and the function that computes it."""
    shown = FORMULA_BY_KEY[key]
    st.latex(shown.latex)
    st.caption(shown.caption)


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

if facts.currency_conversion(now.data) is not None:
    st.markdown(
        "**Currencies.** Amounts in other currencies were converted at the rates given, "
        "month by month:"
    )
    formula("currency")

if not now.data.pricing.filter(now.data.pricing["priced_by"] != "given").is_empty():
    st.markdown(
        "**Cost from tokens.** Rows logged without a cost were priced at their date's rates:"
    )
    formula("token_cost")

st.subheader("2. Compute-adjusted gross profit per customer-month")
formula("gross_profit")
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
st.markdown(
    "**What counts as AI revenue** (article 001). ARPA is of the revenue the scenario counts: "
    "all MRR (an AI-native product, the default); direct AI revenue (the revenue table's "
    "`ai_revenue_usd`: AI add-ons, seats, credits, overage), at most the month's MRR; or an AI "
    "plan's uplift over the plan it extends, on that plan's months, at most their MRR (other "
    "plans count none, and their inference still counts as cost). AI-influenced revenue "
    "(`ai_influenced_usd`) is reported beside these and never counted. Every revenue figure of "
    "the economics uses it; a customer-month is active, churn is measured and bills are "
    "simulated on its whole MRR."
)
formula("ai_revenue")
live(plain(ai_revenue_text(report)))
formula("gross_margin")
live(
    f"inference is {percent(totals.inference_share)} of revenue"
    f"{facts.inference_note(totals.inference_share)}"
)

st.subheader("3. Monthly revenue churn")
formula("churn")
formula("blended_churn")
live(
    f"blended churn {percent(blended['churn'], digits=2)} per month "
    f"({blended['churn_source'] or 'undefined'})."
)

st.subheader("4. Lifetime value, three ways")
formula("ltv_revenue")
formula("ltv_traditional")
formula("ltv_compute_adjusted")
live(
    f"revenue LTV {money(blended['ltv_revenue_usd'], cents=False)}, traditional "
    f"{money(blended['ltv_traditional_usd'], cents=False)}, compute-adjusted "
    f"{money(blended['ltv_compute_adjusted_usd'], cents=False)}."
)

st.subheader("5. Against acquisition cost")
formula("ltv_cac")
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
formula("feature_revenue")
formula("feature_margin")
worst = report.features.tail(1).row(0, named=True) if report.features.height else None
if worst:
    live(
        f"{scenario.allocation.method} allocation; the lowest feature in the margin stack, "
        f"{plain(labels.feature_label(worst['feature_id']))}, earns "
        f"{money(worst['revenue_usd'], cents=False)} against "
        f"{money(worst['cost_usd'], cents=False)} of cost: margin {percent(worst['gross_margin'])}."
        f" Aggregate feature margin {percent(totals.inference_margin)}."
    )

st.subheader("8. Feature status against category bands")
st.dataframe(category_bands(), hide_index=True)
formula("feature_status")
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
formula("minimum_price")
formula("allowance")
formula("optimization_roi")
formula("routing")
formula("model_swap")
st.markdown(
    "A feature is removed from a lower plan when not even one use a month pays for itself "
    "(⌊R ÷ u⌋ < 1 after optimization). Fair use bills inference above a percentile threshold "
    "at cost ÷ (1 − margin). Routing a share σ of calls to a model at relative cost ρ "
    "multiplies cost by 1 − σ + σρ; a route that names its model derives ρ (and a price book's "
    "model swap the feature's cost factor) from the feature's own tokens re-priced month by "
    "month at that model's list rates, over their recorded cost. Every impact is "
    "measured alone, per month, on the window's usage; the Tiers & pricing page applies any of "
    "them to the simulated price book."
)
recommendations = now.recommendations()
if recommendations:
    top = recommendations[0]
    title = pricing_view.in_words(top.title, top, segment_by=scenario.segment_by)
    live(
        f"the top recommendation, *{plain(title)}*, adds "
        f"{money(top.gross_profit_change_usd)} of gross profit a month."
    )

st.subheader("10. The pricing simulator")
formula("bill")
st.markdown(
    "Applied to every customer-month of the window on its plan, each part added to the "
    "others: base price (or the recorded MRR), a price per seat s (at least s_min), the usage "
    "charges U (overage beyond an allowance, per-use prices, graduated or volume tiers on a "
    "feature's uses or tokens, a price per successful outcome), drawn down from a prepaid "
    "commitment C, fair use above a threshold T, and the largest volume discount d the "
    "customer-month qualifies for. Usage stays as observed unless a share of newly metered "
    "uses is assumed to stop; costs follow the remaining usage and any cost factors. Churn "
    "and burdens stay as they are."
)
simulation = now.simulation()
bills = simulation.bills
live(
    f"{bills.paying_more:,} customers would pay more and {bills.paying_less:,} less under the "
    "current price book."
    if not scenario.price_book.is_current_pricing
    else "the price book is empty, so the simulation equals the current view."
)

st.markdown(
    "**Free tier.** Usage outside the active customer-months (a $0 plan, or no revenue row) "
    "is the free tier; its cost per converted customer divides its inference by the free "
    "customers who convert (at the rate set, else the rate observed: free customers who pay "
    "in a later month), and a usage cap scales each free month's cost to the capped calls."
)
formula("free_tier")

st.markdown(
    "**Customer response.** A customer whose bill rises by a share x beyond the tolerated "
    "rise τ leaves with probability p (e is the churn elasticity, an assumption to set from a "
    "past price change: the share of customers lost ÷ the rise). Leavers take their simulated "
    "revenue and costs; LTV after the response scales the simulated LTV by the share expected "
    "to stay."
)
formula("response")
response_now = simulation.response
live(
    f"elasticity {response_now.elasticity:g}: {response_now.expected_lost:,.1f} customers "
    f"expected to leave, {money(response_now.revenue_at_risk_usd, cents=False)} a month of "
    "revenue at risk."
)

st.subheader("11. Retention: cohorts and the shifted-beta-geometric model")
st.markdown(
    "Customers are grouped by their first active month (a cohort) and followed month by month "
    "while they stay (a pause ends the first spell; a customer who comes back counts in revenue "
    "retention and NRR, not in logo survival). Monthly GRR and NRR count the MRR of customers "
    "active the month before:"
)
formula("grr_nrr")
st.markdown(
    "Retention curves flatten with tenure because the customers who stay are the loyal ones. "
    "The shifted-beta-geometric model (Fader & Hardie 2007) says so with two numbers: each "
    "customer has a constant monthly churn θ, and θ varies across customers as Beta(α, β). "
    "It is fitted by maximum likelihood per segment on all its cohorts at once, each cohort "
    "censored at its last observed month:"
)
formula("sbg_survival")
formula("sbg_likelihood")
st.markdown(
    "With churn that varies across customers the undiscounted lifetime can be unbounded "
    "(α ≤ 1), so the modelled LTV discounts future gross profit at the scenario's annual rate, "
    "converted to a monthly d (Fader & Hardie 2010). The same curve values the customers "
    "already here, each at its tenure n:"
)
formula("sbg_ltv")
formula("residual_value")
formula("sbg_payback")
fitted = report.retention.filter(report.retention["segment"] == facts.BLENDED).row(0, named=True)
live(
    f"all customers: α = {fitted['alpha']:.3g}, β = {fitted['beta']:.3g}; sBG LTV "
    f"{money(fitted['ltv_sbg_usd'], cents=False)} against the simple "
    f"{money(fitted['ltv_simple_usd'], cents=False)}; LTV:CAC uses the "
    f"{scenario.retention.ltv_method} method."
    if fitted["alpha"] is not None and fitted["beta"] is not None
    else "the blended sBG fit is undefined for this data; its reason is on the Segment LTV page."
)

st.subheader("12. The 12-month projection")
st.markdown(
    "Today's customers survive at their tenure (r from the fitted curve with the sBG method, "
    "else the segment's churn), new customers arrive at the recent acquisition rate A (or the "
    "scenario's), revenue per customer is the last three months' (current or simulated "
    "pricing), and each feature's cost per customer-month follows its log-linear trend over "
    "the last six months, capped at ±25% a month: the compute spiral made visible."
)
formula("projection")

st.subheader("13. The Summary: KPI changes and how findings rank")
st.markdown(
    "Each KPI card is a monthly series over the window. Month over month compares the last "
    "month with the one before; quarter over quarter the last three months with the three "
    "before (blank with fewer than six months). Money and customers change in percent; a margin "
    "or a share changes in percentage points, a quarter's being the ratio of its sums."
)
formula("kpi_change")
st.markdown(
    "Every finding is scanned across every segmentation (usage tier, plan, each segment "
    "column), not only the one selected, and ranked by the dollars a month it puts at stake: "
    "for a segment below 3:1, the gross profit a month it lacks to reach 3:1 at its own churn "
    "and CAC over its customer-months a month; for power users, the gross profit the "
    "traditional view credits them with; for losing features, plans and customers, their loss "
    "a month; for recommendations, the best one's gain. The best finding of each kind is shown "
    "first, at most eight; the inference-share rule closes the list."
)
formula("finding_rank")

st.subheader("14. The company month by month, and the compute spiral")
company_now = company.company_months(report)
st.markdown(
    "A customer is new in its first active month of the window, returning when it comes back "
    "after a month or more without one, and churned in the first month it is not active after "
    "one that was; the window's first month has no month before it, so its flows are blank."
)
formula("customer_flows")
latest = company_now.months.row(-1, named=True) if company_now.months.height else None
if latest is not None and latest["new_customers"] is not None:
    live(
        f"{latest['month']:%Y-%m}: {formats.count(latest['customers'])} customers, "
        f"{formats.count(latest['new_customers'])} new, "
        f"{formats.count(latest['returning_customers'])} returning, "
        f"{formats.count(latest['churned_customers'])} churned."
    )
st.markdown(
    "The compute spiral (reference article 000): usage grows, inference cost grows faster than "
    "the revenue the feature earns, and pricing has not caught up. A feature's month is called "
    "out when its cost rose and grew faster than its allocated revenue."
)
formula("compute_spiral")
st.markdown(
    "As a trend: over the last N months (the Company by month page's control), the monthly "
    "growth of a feature's (or an acquisition cohort's) inference cost per customer-month and of "
    "its revenue per customer-month, by a log-linear least-squares fit; where both trends take "
    "its margin in 6 and 12 months."
)
formula("spiral_trend")
live(
    f"{formats.count(company_now.spiral.height)} feature-months in the spiral over "
    f"{company_now.window_text}."
)

st.markdown(
    "**Before a feature launches** (article 002), a new feature takes its value weight of each "
    "plan's revenue and costs its uses at its cost per use. "
    "**AI-adjusted CAC and the AI scorecard** (article 000): trial compute is added to CAC "
    "per segment (customers who never paid shared over the month's acquisitions). Per "
    "feature, what a call costs and earns from the revenue allocated to the feature, the "
    "margin left per call, and how many tokens a dollar of inference buys. Whether "
    "compute-adjusted LTV matters reads the inference share with the spread of customers' "
    "inference spend."
)
formula("launch_estimate")
formula("ai_adjusted_cac")
formula("scorecard")
formula("ltv_diagnosis")
card = scorecard.scorecard(report)
live(plain(card.diagnosis()))
st.markdown(
    "**Cost per outcome** needs an `outcome` column in the usage ledger (how many of a row's "
    "calls succeeded): inference cost ÷ successful outcomes, beside the success rate. "
    "**AI unit profit** (article 000 §2) puts every term per active customer over the expected "
    "lifetime L = 1 ÷ churn: LTV before compute (ARPA − support − CS), plus the model-efficiency "
    "value, minus compute (inference + AI infra), data acquisition and model maintenance. The "
    "last three are your estimates, company-wide dollars a month shared over the N customers "
    "active in the window's last month (0 until set): at 0 it is the compute-adjusted LTV."
)
formula("cost_per_outcome")
formula("ai_unit_profit")
unit = card.blended_unit_profit()
live(
    f"AI unit profit is {formats.money(unit['ai_unit_profit_usd'])} per active customer "
    f"over {formats.count(card.active_customers)} active customers"
    + ("" if card.ai_costs.all_zero else ", with your estimates")
    + "."
    if unit["ai_unit_profit_usd"] is not None
    else f"AI unit profit is blank: {plain(unit['null_reason'])}."
)

st.subheader("15. One customer's P&L")
st.markdown(
    "The customer's own active months with the same definitions as every segment: gross profit "
    "is revenue − inference − AI infra, support and CS; its LTV is its mean monthly gross profit "
    "÷ the churn of its latest segment (the simple LTV: one customer has no cohort to fit a "
    "retention curve to), its payback that segment's CAC ÷ its monthly gross profit. Each "
    "feature's cost per active month is set against the median customer of its latest plan, "
    "counting $0 for those who never used the feature."
)

st.subheader("16. Comparing saved scenarios")
st.markdown(
    "Two to five saved scenarios, the first the baseline, each fitted to the data and given the "
    "baseline's window, segmentation and AI revenue basis, then simulated on the same history. "
    "Every figure is "
    "shown beside its difference from the baseline (dollars, or points for a margin); each "
    "customer's bill over the window is set against its bill under the baseline."
)
formula("scenario_comparison")
live(
    f"bills above the churn-risk threshold are those rising by more than "
    f"{percent(scenario.price_book.churn_risk_increase, digits=0)} (this scenario's threshold)."
)

st.subheader("17. Undefined values")
st.markdown(
    "A figure that cannot be computed is left blank, never shown as infinity: churn from a "
    "single month, LTV when churn is 0 (an unbounded lifetime), LTV:CAC without a CAC, payback "
    "when gross profit is not positive (the CAC is never paid back). The tables say why."
)
