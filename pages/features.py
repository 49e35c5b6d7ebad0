"""Feature margins: gross margin per AI feature, the margin stack and the monthly trend."""

import streamlit as st

import econ
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

st.subheader("Before a feature launches")
st.caption(
    "No feature should launch to a tier without a documented gross margin estimate. Give its "
    "expected uses per customer-month, its cost per use and the share of each plan's price its "
    "value justifies; the existing features share the rest of the price as before."
)
launch_names = sorted(scenario.launches)
if not launch_names:
    st.button(
        "Estimate a new feature",
        key="launch:add",
        on_click=controls.change(controls.launch_setting, "new_feature", "new_feature", "name"),
    )
else:
    launch = scenario.launches[launch_names[0]]
    try:
        result: econ.Estimate | None = econ.estimate(report, launch)
    except econ.ScenarioError as error:
        result = None
        st.warning(f"No estimate: {plain(error)}.", icon=":material/block:")
    with st.container(border=True):
        first, second, third = st.columns(3)
        first.text_input(
            "Feature name",
            **controls.bind(
                "launch:name", launch.name, controls.launch_setting, launch.name, "name"
            ),
        )
        second.selectbox(
            "Category",
            CATEGORIES,
            format_func=labels.category_label,
            **controls.bind(
                "launch:category", launch.category, controls.launch_setting, launch.name, "category"
            ),
        )
        third.number_input(
            "Value weight (% of each plan's price)",
            min_value=0.0,
            max_value=99.0,
            step=1.0,
            **controls.bind(
                "launch:value_weight",
                controls.percent_value(launch.value_weight),
                controls.launch_setting,
                launch.name,
                "value_weight",
            ),
        )
        first, second, third = st.columns(3)
        first.number_input(
            "Cost per use ($)",
            min_value=0.0,
            step=0.01,
            format="%.4f",
            **controls.bind(
                "launch:cost_per_use_usd",
                launch.cost_per_use_usd,
                controls.launch_setting,
                launch.name,
                "cost_per_use_usd",
            ),
        )
        second.number_input(
            "Uses per customer-month (every plan)",
            min_value=0.0,
            step=1.0,
            **controls.bind(
                "launch:uses",
                launch.uses.get("all", 0.0),
                controls.launch_setting,
                launch.name,
                "uses",
            ),
        )
        third.button(
            "Remove this estimate",
            key="launch:remove",
            on_click=controls.change(controls.remove_launch, launch.name),
        )
        first, second = st.columns(2)
        first.selectbox(
            "Or follow an existing feature's use",
            [None, *feature_ids],
            format_func=lambda f: "No: the uses typed" if f is None else labels.feature_label(f),
            **controls.bind("launch:like", launch.like_feature, controls.launch_like, launch.name),
        )
        second.number_input(
            "Share of that feature's use (%)",
            min_value=0.0,
            max_value=1000.0,
            step=5.0,
            disabled=launch.like_feature is None,
            **controls.bind(
                "launch:like_share",
                controls.percent_value(launch.like_share),
                controls.launch_like_share,
                launch.name,
            ),
        )
        with st.expander("Price each use from a model's tokens (list prices)"):
            first, second, third = st.columns(3)
            first.text_input(
                "Model (empty: the cost per use typed)",
                **controls.bind(
                    "launch:model",
                    launch.model or "",
                    controls.launch_setting,
                    launch.name,
                    "model",
                ),
            )
            second.number_input(
                "Input tokens per use",
                min_value=0.0,
                step=100.0,
                **controls.bind(
                    "launch:input_tokens",
                    launch.input_tokens,
                    controls.launch_setting,
                    launch.name,
                    "input_tokens",
                ),
            )
            third.number_input(
                "Output tokens per use",
                min_value=0.0,
                step=100.0,
                **controls.bind(
                    "launch:output_tokens",
                    launch.output_tokens,
                    controls.launch_setting,
                    launch.name,
                    "output_tokens",
                ),
            )
        plans = [] if result is None else [planned.plan for planned in result.plans]
        st.caption("Uses per customer-month of one plan (empty: the number for every plan)")
        columns = st.columns(4)
        for index, plan in enumerate(layout.capped(plans, "plans")):
            columns[index % 4].number_input(
                plain(plan),
                min_value=0.0,
                step=1.0,
                value=None,
                placeholder="every plan's",
                **controls.bind(
                    f"launch:uses:{plan}",
                    launch.uses.get(plan),
                    controls.launch_plan_uses,
                    launch.name,
                    plan,
                ),
            )
    if result is not None:
        for planned in result.plans:
            if planned.gross_profit_usd is None:
                continue
            line = (
                f"**{plain(planned.plan)}**: {formats.number(planned.uses)} uses × "
                f"{formats.money(result.cost_per_use_usd)} = "
                f"{formats.money(planned.cost_usd)} against "
                f"{formats.money(planned.revenue_usd)} of revenue: "
                f"{formats.money_change(planned.gross_profit_usd)} a customer-month "
                f"(margin {formats.percent(planned.gross_margin)}); the plan's margin goes from "
                f"{formats.percent(planned.plan_margin_before)} to "
                f"{formats.percent(planned.plan_margin_after)}."
            )
            (st.error if planned.gross_profit_usd < 0 else st.info)(line)
        st.caption(
            f"Target margin {formats.percent(result.target)}, the low end of the "
            f"{labels.category_label(launch.category)} band: the allowance and overage are what a "
            "recommendation would set to meet it."
        )
        tables.show(result.frame(), spec.LAUNCH_ESTIMATE, name="launch-estimate")

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
