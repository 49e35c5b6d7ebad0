"""AI scorecard: what a call costs, earns and buys, per feature and month (article 000 §7),
and whether compute-adjusted LTV matters for this business (article 001)."""

import streamlit as st

from econ import formats
from econ.present import columns as spec
from econ.present import scorecard
from econ_pack import scorecard_charts
from ui import exports, layout, session, tables
from ui.text import plain

now = session.current()
card = scorecard.scorecard(now.report)
features = card.features["feature_id"].to_list()

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
tables.show(card.features, spec.SCORECARD_FEATURES, name="scorecard-features")
if not card.tokens_known:
    st.caption(
        "Tokens per dollar is blank: the usage ledger records no token counts (give the input "
        "and output tokens per call to see it)."
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
    tables.show(card.monthly, spec.SCORECARD_MONTHLY, name="scorecard-monthly")
