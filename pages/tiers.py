"""Tiers & pricing: what to gate, include, meter, reroute or reprice, and a price simulator."""

import streamlit as st

from econ.formats import count, money, percent
from econ.present import facts, response, views
from econ_pack import charts
from ui import controls, layout, session, tables
from ui.text import plain

now = session.current()
scenario, report, data = now.scenario, now.report, now.data
book = scenario.price_book
recommendations = now.recommendations()
simulation = now.simulation()
by_plan = views.features_by_plan(report)
plans = facts.plans_by_price(report.customer_months)
features = sorted(report.features["feature_id"].to_list())

st.title("Tiers & pricing")
st.caption(
    "Where each feature makes or loses money plan by plan, what to change, and what the change "
    "would have done to revenue, margin and each customer's bill on your own history."
)
layout.notices()

st.subheader("Feature margins by plan")
for row in views.losing_by_plan(by_plan).iter_rows(named=True):
    st.error(
        f"**{plain(row['feature_id'])}** loses {money(-row['gross_profit_usd'], cents=False)} on "
        f"**{plain(row['plan'])}** over the window (margin {percent(row['gross_margin'])}).",
        icon=":material/money_off:",
    )
st.altair_chart(
    charts.margin_stack(
        views.margin_stack(by_plan, by="plan"), views.net_gross_profit(by_plan, by="plan")
    ),
    width="stretch",
)

st.subheader("Recommendations")
st.caption(
    "Ranked by monthly gross-profit impact, each measured alone on the window's usage "
    f"({simulation.months} months). Open one for its arithmetic; apply it to try it in the "
    "simulator below."
)
show_all = st.toggle(f"Show all {len(recommendations)}", key="show_all_recommendations")
shown = facts.shown_recommendations(recommendations, show_all=show_all)
for rank, rec in enumerate(shown, start=1):
    impact = rec.gross_profit_change_usd
    label = f"**{rank}. {plain(rec.title)}**" + (
        f" · +{money(impact, cents=False)}/mo" if impact else ""
    )
    with st.expander(label):
        first, second, third, fourth = st.columns(4)
        first.metric("Revenue / month", money(rec.revenue_change_usd, cents=False))
        second.metric("Inference / month", money(rec.cost_change_usd, cents=False))
        third.metric(
            "Gross margin",
            percent(rec.gross_margin_after),
            delta=f"{(rec.gross_margin_after or 0) - (rec.gross_margin_before or 0):+.2%}",
        )
        fourth.metric(
            "Customers affected",
            count(rec.customers_affected),
            help=f"They bring {percent(rec.revenue_share_affected)} of revenue.",
        )
        for line in rec.arithmetic:
            st.markdown(f"- {plain(line)}")
        if rec.patch is not None:
            applied = rec.patch.apply(book) == book
            st.button(
                "Applied to the simulated price book"
                if applied
                else "Apply to the simulated price book",
                key=f"apply:{rec.id}",
                disabled=applied,
                on_click=controls.change(controls.apply_patch, rec.patch),
            )

st.subheader("Simulated price book")
st.caption(
    "Applied to every customer-month of the window, usage as observed. Per plan: a base price "
    "(empty keeps each month's recorded MRR), an allowance with a price per extra use, a price "
    "per use from the first use (usage-based or hybrid), features taken off the plan, and a "
    "fair-use threshold on monthly inference cost."
)
observed = views.observed_prices(data, report.customer_months.window)
plan = st.selectbox("Plan", plans, key="book_plan")
price = book.plan(plan)
left, right = st.columns(2)
left.number_input(
    "Base price — $ a month",
    min_value=0.0,
    step=1.0,
    value=None,
    placeholder=f"recorded MRR (mostly {money(observed.get(plan))})",
    **controls.bind(
        f"book:{plan}:base", price.base_usd, controls.book_plan_price, plan, "base_usd"
    ),
)
right.number_input(
    "Fair use — inference $ a month included",
    min_value=0.0,
    step=5.0,
    value=None,
    placeholder="no threshold",
    **controls.bind(
        f"book:{plan}:fair_use", price.fair_use_usd, controls.book_plan_price, plan, "fair_use_usd"
    ),
)
header = st.columns([2, 2, 2, 2, 1])
for column, title in zip(
    header,
    ["Feature", "Included uses", "$ per extra use", "$ per use (all)", "Off plan"],
    strict=True,
):
    column.markdown(f"**{title}**")
for feature in layout.capped(features, "features"):
    cells = st.columns([2, 2, 2, 2, 1])
    cells[0].markdown(plain(feature))
    for cell, (field, step) in zip(cells[1:4], controls.FEATURE_PRICE_STEPS, strict=True):
        cell.number_input(
            f"{plain(feature)} {field}",
            min_value=0.0,
            step=step,
            value=None,
            placeholder="—",
            label_visibility="collapsed",
            **controls.bind(
                f"book:{plan}:{feature}:{field}",
                controls.feature_price(price, field, feature),
                controls.book_feature_price,
                plan,
                feature,
                field,
            ),
        )
    cells[4].checkbox(
        f"{plain(feature)} off {plain(plan)}",
        label_visibility="collapsed",
        **controls.bind(
            f"book:{plan}:{feature}:removed",
            feature in price.removed,
            controls.book_feature_removed,
            plan,
            feature,
        ),
    )

with st.expander("Model routing, optimization and customer response"):
    st.caption(
        "A cost factor per feature: 0.6 means 40% cheaper (say, half the calls routed to a model "
        "at 20% of the cost). The metered-usage drop is the share of newly metered uses that "
        "customers stop making. The customer response: a customer whose bill rises by a share x "
        "beyond the tolerated rise τ leaves with probability min(1, elasticity × (x − τ)); "
        "0.5 is an assumption, set it from your own past price changes."
    )
    columns = st.columns(4)
    for index, feature in enumerate(layout.capped(features, "features")):
        columns[index % 4].number_input(
            f"{plain(feature)} cost ×",
            min_value=0.0,
            max_value=10.0,
            step=0.05,
            **controls.bind(
                f"book:cost:{feature}",
                book.cost_multipliers.get(feature, 1.0),
                controls.book_cost_factor,
                feature,
            ),
        )
    book_settings: tuple[tuple[str, controls.BookSetting, float, float], ...] = (
        ("Metered-usage drop", "metered_usage_drop", 0.9, book.metered_usage_drop),
        (
            "Churn risk: a bill rising by more than",
            "churn_risk_increase",
            1.0,
            book.churn_risk_increase,
        ),
        ("Margin on fair-use overage", "fair_use_margin", 0.9, book.fair_use_margin),
    )
    for column, (label, name, most, value) in zip(st.columns(3), book_settings, strict=True):
        column.slider(
            label,
            0.0,
            most,
            step=0.05,
            **controls.bind(f"book:{name}", value, controls.book_setting, name),
        )
    response_settings: tuple[tuple[str, controls.BookSetting, float, float], ...] = (
        ("Churn elasticity", "churn_elasticity", 3.0, book.churn_elasticity),
        ("Bill rise tolerated", "tolerated_increase", 1.0, book.tolerated_increase),
    )
    for column, (label, setting, most, value) in zip(
        st.columns(3), response_settings, strict=False
    ):
        column.slider(
            label,
            0.0,
            max(most, value),
            step=0.05,
            **controls.bind(f"book:{setting}", value, controls.book_setting, setting),
        )
st.button(
    "Clear the price book",
    key="clear_price_book",
    on_click=controls.change(controls.clear_price_book),
)

st.subheader("Current against simulated")
if book.is_current_pricing:
    st.info(
        "The price book changes nothing yet: apply a recommendation or set prices above.",
        icon=":material/tune:",
    )
totals = {row[0]: row for row in simulation.totals.rows()}
blended = facts.blended_row(simulation.segments)
comparison = st.columns(5)
for column, (label, measure) in zip(
    comparison,
    [
        ("Revenue / month", "revenue_usd"),
        ("Inference / month", "inference_usd"),
        ("Gross profit / month", "gross_profit_usd"),
    ],
    strict=False,
):
    _, current, simulated, change = totals[measure]
    column.metric(
        label,
        money(simulated, cents=False),
        delta=f"{money(change, cents=False)} from {money(current, cents=False)}"
        if abs(change) >= 0.5
        else None,
        delta_color="inverse" if measure == "inference_usd" else "normal",
    )
_, margin_now, margin_then, margin_change = totals["gross_margin"]
comparison[3].metric(
    "Gross margin",
    percent(margin_then),
    delta=f"{margin_change or 0:+.2%} from {percent(margin_now)}",
)
ltv_now, ltv_then = (
    blended["ltv_compute_adjusted_current_usd"],
    blended["ltv_compute_adjusted_simulated_usd"],
)
comparison[4].metric(
    "Compute-adjusted LTV",
    money(ltv_then, cents=False),
    delta=(
        f"{money((ltv_then or 0) - (ltv_now or 0), cents=False)} from {money(ltv_now, cents=False)}"
    ),
)
bills = simulation.bills
st.markdown(
    f"**{bills.paying_more:,} of {bills.customers:,} customers would pay more** "
    f"({money(bills.increase_usd, cents=False)} over the window; median rise "
    f"{percent(bills.median_increase)}), {bills.paying_less:,} would pay less. "
    f"**{bills.at_risk:,}** see their bill rise by more than "
    f"{percent(bills.at_risk_threshold, digits=0)}: a churn risk."
)
st.markdown("**If customers respond** (per month)")
st.markdown(plain(response.response_summary(simulation.response)))
st.table(response.response_table(simulation).rename(response.RESPONSE_TABLE_HEADERS))
st.altair_chart(
    charts.bill_changes(simulation.customers, views.bill_diagonal(simulation.customers)),
    width="stretch",
)
st.markdown("**By plan** (per month)")
st.dataframe(
    simulation.plans.select(list(tables.PLAN_COMPARISON_COLUMNS)),
    column_config=tables.PLAN_COMPARISON_COLUMNS,
    hide_index=True,
    width="stretch",
)
st.markdown("**By segment** (per customer-month)")
st.dataframe(
    response.segments_with_response(simulation).select(list(tables.SEGMENT_COMPARISON_COLUMNS)),
    column_config=tables.SEGMENT_COMPARISON_COLUMNS,
    hide_index=True,
    width="stretch",
)
st.markdown("**Simulated feature margins by plan**")
st.altair_chart(
    charts.margin_stack(
        views.margin_stack(simulation.features_by_plan, by="plan"),
        views.net_gross_profit(simulation.features_by_plan, by="plan"),
    ),
    width="stretch",
)
if bills.paying_more:
    st.markdown("**Largest increases**")
    st.dataframe(
        simulation.customers.head(10).select(list(tables.BILL_COLUMNS)),
        column_config=tables.BILL_COLUMNS,
        hide_index=True,
        width="stretch",
    )
