"""Feature margins: gross margin per AI feature, the margin stack and the monthly trend."""

import streamlit as st

from econ import formats
from econ.present import columns as spec
from econ.present import facts, labels, views
from econ.schema import CATEGORIES
from econ_pack import charts
from ui import controls, exports, layout, session, tables
from ui.text import plain

now = session.current()
scenario, report = now.scenario, now.report
features = report.features
feature_ids = sorted(features["feature_id"].to_list())

st.title("Gross margin per AI feature")
st.caption(
    "Each feature's inference cost against the share of revenue it earns. Aggregate margin can "
    "look healthy while one feature quietly loses money on every use."
)
layout.notices()

METHODS = {
    "usage": "Usage-weighted (each customer-month's revenue by its share of calls)",
    "custom": "Custom value weights (e.g. from willingness-to-pay research)",
}

with st.container(border=True):
    st.markdown("##### Assumptions")
    usage_shares = facts.usage_shares(features)
    st.radio(
        "Revenue allocation",
        list(METHODS),
        format_func=METHODS.__getitem__,
        horizontal=True,
        **controls.bind(
            "allocation_method",
            scenario.allocation.method,
            controls.allocation_method,
            usage_shares,
        ),
    )
    if scenario.allocation.method == "custom":
        weights = scenario.allocation.weights
        total = sum(weights.get(f, 0.0) for f in feature_ids) or 1.0
        st.caption(
            "Weights are normalized: only their proportions matter. A feature with weight 0 "
            "earns no revenue."
        )
        columns = st.columns(4)
        for index, feature in enumerate(layout.capped(feature_ids, "features")):
            with columns[index % 4]:
                st.slider(
                    plain(labels.feature_label(feature)),
                    min_value=0.0,
                    max_value=100.0,
                    step=0.5,
                    **controls.bind(
                        f"weight:{feature}",
                        min(100.0, weights.get(feature, 0.0)),
                        controls.weight,
                        feature,
                    ),
                )
                st.caption(f"= {formats.percent(weights.get(feature, 0.0) / total)} of revenue")

    st.markdown("**Feature categories** set each feature's target margin band")
    columns = st.columns(4)
    for index, feature in enumerate(layout.capped(feature_ids, "features")):
        columns[index % 4].selectbox(
            plain(labels.feature_label(feature)),
            CATEGORIES,
            format_func=labels.category_label,
            **controls.bind(
                f"category:{feature}", scenario.category_of(feature), controls.category, feature
            ),
        )

totals = report.totals
losses = facts.feature_losses(features)
first, second, third = st.columns(3)
first.metric("Aggregate feature margin", formats.percent(totals.inference_margin))
second.metric("Features losing money", f"{losses.losers.height} of {losses.features}")
third.metric(
    "Lost on them",
    formats.money(losses.loss_usd, cents=False),
    help="Their combined negative gross profit over the window.",
)
for row in losses.losers.iter_rows(named=True):
    st.error(
        f"**{plain(labels.feature_label(row['feature_id']))}** loses "
        f"{formats.money(-row['gross_profit_usd'], cents=False)}: "
        f"{formats.count(row['calls'])} calls at {formats.per_call(row['cost_per_call_usd'])} "
        f"cost {formats.money(row['cost_usd'], cents=False)} against "
        f"{formats.money(row['revenue_usd'], cents=False)} of revenue "
        f"(margin {formats.percent(row['gross_margin'])}).",
        icon=":material/money_off:",
    )
unallocated = facts.unallocated_revenue(totals)
if unallocated is not None:
    st.caption(
        f"{formats.money(unallocated, cents=False)} of revenue comes from "
        "customer-months without any AI call and is not allocated to a feature."
    )

tables.show(views.feature_rows(features), spec.FEATURES, name="feature-margins")

stack_column, band_column = st.columns([1, 1])
with stack_column:
    st.markdown("**Margin stack**: each feature's gross profit, largest first, down to the net")
    net = views.net_gross_profit(features)
    exports.chart(charts.margin_stack(views.margin_stack(features), net), name="margin-stack")
    if net.height:
        gains, lost = net["gains_usd"].item(), net["losses_usd"].item()
        st.caption(
            f"Profitable features earn {formats.money(gains, cents=False)}; loss-makers lose "
            f"{formats.money(lost, cents=False)}. "
            + (
                "The profitable features fund the losses "
                f"with {formats.money(gains - lost, cents=False)} to spare."
                if gains >= lost
                else "The losses are larger than what the profitable features earn."
            )
        )
with band_column:
    st.markdown("**Margin against each category's target band**")
    exports.chart(
        charts.margin_against_bands(views.margin_bands(features)), name="margin-against-bands"
    )
    st.caption(
        "Grey bar: the category's target band. Orange tick: the action threshold. A margin "
        "beyond ±100% is drawn at the edge; its label gives the real figure."
    )

st.subheader("Month by month")
trend = views.feature_trend(report)
crossed = views.crossings(trend)
for row in crossed.iter_rows(named=True):
    st.warning(
        f"**{plain(labels.feature_label(row['feature_id']))}** crossed from a positive to a "
        "negative margin in "
        f"{row['crossed_in']:%B %Y}; its margin in the latest month is "
        f"{formats.percent(row['latest_margin'])}.",
        icon=":material/trending_down:",
    )


@st.fragment
def monthly_trend() -> None:
    shown = st.multiselect(
        "Features",
        feature_ids,
        default=feature_ids,
        format_func=labels.feature_label,
        key="trend_features",
    )
    exports.chart(
        charts.feature_trend(trend.filter(trend["feature_id"].is_in(shown)), feature_ids),
        name="feature-margin-trend",
    )


monthly_trend()
