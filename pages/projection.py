"""Projection: the next 12 months at current pricing and at the simulated price book."""

import streamlit as st

from econ import formats
from econ.present import columns as spec
from econ.present import projection as shaped
from econ_pack import projection_charts
from ui import controls, exports, layout, session, tables
from ui.text import plain

now = session.current()
scenario = now.scenario
projection = now.projection()
head = shaped.headline(projection)

st.title("Projection")
st.caption(
    "Today's customers carried forward at their segment's retention, new customers at the "
    "acquisition rate, each segment's revenue per customer as in the last three months and its "
    "inference cost per customer on the trend of the last six: current pricing against the "
    "simulated price book of Tiers & pricing."
)
layout.notices()

with st.container(border=True):
    st.markdown("##### Assumptions")
    left, right = st.columns([1, 2])
    left.number_input(
        "New customers a month",
        min_value=0.0,
        step=1.0,
        value=None,
        format="%.1f",
        placeholder=f"recent rate: {projection.new_customers_per_month:,.1f}",
        **controls.bind(
            "projection:new_customers",
            scenario.retention.new_customers_per_month,
            controls.new_customers,
        ),
    )
    right.caption(
        "Empty uses the recent rate: customers whose first paid month is one of the window's "
        "last three, a month. Retention: "
        + (
            "each segment's fitted shifted-beta-geometric curve."
            if scenario.retention.ltv_method == "sbg"
            else "each segment's monthly churn (Segment LTV page)."
        )
    )

period = f"{head.first_month:%b %Y} to {head.last_month:%b %Y}"
first, second, third, fourth = st.columns(4)
first.metric(f"Gross profit, {period}", formats.money(head.gross_profit_current_usd, cents=False))
second.metric(
    "With the simulated price book",
    formats.money(head.gross_profit_simulated_usd, cents=False),
    delta=formats.money(head.change_usd, cents=False) if abs(head.change_usd) >= 0.5 else None,
)
# Changes are written with a true minus sign, so the arrow and colour are set, not guessed.
margin_moved = (
    None
    if head.margin_first is None or head.margin_last is None
    else head.margin_last - head.margin_first
)
third.metric(
    f"Gross margin, {head.last_month:%b %Y}",
    formats.percent(head.margin_last),
    delta=None
    if margin_moved is None
    else f"{formats.points(margin_moved)} from {formats.percent(head.margin_first)}",
    delta_color="gray" if not margin_moved else "green" if margin_moved > 0 else "red",
    delta_arrow="off" if not margin_moved else "up" if margin_moved > 0 else "down",
)
grown = head.customers_last - head.customers_today
fourth.metric(
    f"Customers, {head.last_month:%b %Y}",
    f"{head.customers_last:,.0f}",
    delta=f"{formats.number_change(grown, digits=0)} from {formats.count(head.customers_today)} "
    "today",
    delta_color="gray" if round(grown) == 0 else "green" if grown > 0 else "red",
    delta_arrow="off" if round(grown) == 0 else "up" if grown > 0 else "down",
)
for note in shaped.notes_in_words(projection, scenario.segment_by):
    st.info(plain(note), icon=":material/info:")

st.subheader("Gross profit per month")
exports.chart(
    projection_charts.gross_profit(shaped.gross_profit_lines(projection)),
    name="projected-gross-profit",
)
st.subheader("Customers")
exports.chart(
    projection_charts.customers(shaped.customer_lines(projection, segment_by=scenario.segment_by)),
    name="projected-customers",
)

st.subheader("Month by month")
tables.show(
    shaped.projection_table(projection, segment_by=scenario.segment_by),
    spec.PROJECTION,
    name="projection",
    segment_by=scenario.segment_by,
)
