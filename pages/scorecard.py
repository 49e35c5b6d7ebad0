"""AI scorecard: what a call costs, earns and buys, per feature and month (article 000 §7),
and whether compute-adjusted LTV matters for this business (article 001)."""

import streamlit as st

from econ import formats
from econ.present import columns as spec
from econ.present import scorecard
from econ_pack import scorecard_charts
from ui import controls, exports, layout, session, tables
from ui.text import plain

now = session.current()
card = scorecard.scorecard(now.report)
features = card.features["feature_id"].to_list()
# Cost per outcome needs the ledger's outcome column: without one its columns are left out.
shown = [
    column
    for column in spec.SCORECARD_FEATURES
    if card.outcomes_known or column.name not in spec.SCORECARD_OUTCOME_COLUMNS
]
shown_monthly = [
    column
    for column in spec.SCORECARD_MONTHLY
    if card.outcomes_known or column.name not in spec.SCORECARD_OUTCOME_COLUMNS
]

st.title("AI scorecard")
st.caption(
    "Per AI feature: what a call costs, what it earns from the revenue allocated to the feature, "
    "the margin left per call, how many tokens a dollar of inference buys, and what the feature "
    "costs per customer-month."
)
layout.notices()

share, spread = st.columns(2)
share.metric(
    "Inference share of revenue",
    formats.percent(card.inference_share) if card.inference_share is not None else "—",
    help="Inference cost ÷ revenue over the window: under 5% the standard gross-margin LTV is "
    "enough, over 10% compute-adjusted LTV matters (article 001).",
)
spread.metric(
    "Spread of customers' inference spend",
    f"{card.spend_variation:.2f}" if card.spend_variation is not None else "—",
    help="Coefficient of variation of each customer's mean monthly inference cost (standard "
    "deviation ÷ mean); above 1, heavy and light users differ by more than the average itself.",
)
(st.warning if card.matters else st.info)(plain(card.diagnosis()), icon=":material/insights:")

st.subheader("Per feature over the window")
tables.show(card.features, tuple(shown), name="scorecard-features")
if not card.tokens_known:
    st.caption(
        "Tokens per dollar is blank: the usage ledger records no token counts (give the input "
        "and output tokens per call to see it)."
    )
if card.outcomes_known:
    st.caption(
        "Cost per outcome is inference cost ÷ the calls the ledger marks as successful; it is "
        "blank for a feature with no successful outcome."
    )
else:
    st.caption(
        "Cost per outcome and success rate need an outcome column in the usage ledger "
        "(`outcome`: true / false per call, or how many of a row's calls succeeded)."
    )

st.subheader("Inference margin per call, month by month")
lines = scorecard.margin_lines(card)
if lines.height:
    exports.chart(
        scorecard_charts.inference_margin_per_call(lines, features),
        name="inference-margin-per-call",
    )
else:
    st.markdown("No feature made a call in the window.")
with st.expander("Month by month, per feature"):
    tables.show(card.monthly, tuple(shown_monthly), name="scorecard-monthly")

st.subheader("AI unit profit")
st.caption(
    "Article 000: AI unit profit = (LTV + model-efficiency value − compute − data acquisition − "
    "model maintenance) ÷ active customers. Here every term is per active customer over the "
    "expected lifetime (1 ÷ churn). LTV and compute come from your data; the other three are "
    "company-wide amounts a month that no ledger holds: your estimates, shared over the "
    f"{formats.count(card.active_customers)} customers active in the window's last month."
)
costs = now.scenario.ai_costs
inputs: dict[controls.AiCostField, tuple[str, str]] = {
    "model_efficiency_value_usd": (
        "Model-efficiency value",
        "The value a model that improves with use creates (lower churn, higher conversion).",
    ),
    "data_acquisition_usd": (
        "Data acquisition",
        "Labelling, storing, cleaning and sourcing training data.",
    ),
    "model_maintenance_usd": (
        "Model maintenance",
        "The people and engineering that maintain, retrain and monitor the models.",
    ),
}
for column, (name, (label, help_text)) in zip(st.columns(3), inputs.items(), strict=True):
    column.number_input(
        f"{label} — $ per month (your estimate; 0 = not set)",
        min_value=0.0,
        step=100.0,
        format="%.0f",
        help=f"{help_text} A company-wide amount a month, shared over the active customers.",
        **controls.bind(f"ai_costs:{name}", getattr(costs, name), controls.ai_cost, name),
    )
blended = card.blended_unit_profit()
if blended["ai_unit_profit_usd"] is None:
    st.info(f"AI unit profit is blank: {plain(blended['null_reason'])}.", icon=":material/info:")
else:
    result, ltv = st.columns(2)
    result.metric(
        "AI unit profit per active customer",
        formats.money(blended["ai_unit_profit_usd"]),
        help="LTV + model-efficiency value − compute − data acquisition − model maintenance, "
        "over the expected lifetime of "
        f"{blended['lifetime_months']:.1f} months.",
    )
    ltv.metric(
        "Compute-adjusted LTV",
        formats.money(blended["ltv_compute_adjusted_usd"]),
        help="Gross profit ÷ churn: the AI unit profit with the three estimates at 0.",
    )
    if card.ai_costs.all_zero:
        st.caption(
            "The three estimates are 0 (not set), so AI unit profit equals the compute-adjusted "
            "LTV. Enter them above to see what data and model upkeep take from it."
        )
    exports.chart(
        scorecard_charts.ai_unit_profit(scorecard.unit_profit_steps(card)),
        name="ai-unit-profit",
    )
with st.expander("Per segment"):
    tables.show(card.unit_profit, spec.SCORECARD_UNIT_PROFIT, name="ai-unit-profit")
