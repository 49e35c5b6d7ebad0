"""Company by month: revenue, inference cost, margins and customers month by month, each with its
change against the month and the quarter before; inference cost per customer-month by feature;
and the months where a feature's cost grew faster than its revenue (the compute spiral)."""

import streamlit as st

from econ.present import columns as spec
from econ.present import company, spiral
from econ.present.kpis import CUSTOMERS, GROSS_MARGIN, INFERENCE, INFERENCE_SHARE, REVENUE
from econ_pack import company_charts
from ui import controls, exports, layout, session, summary, tables
from ui.text import plain

CARD_ROWS = (
    (REVENUE, INFERENCE, INFERENCE_SHARE, company.GROSS_PROFIT, GROSS_MARGIN),
    (
        CUSTOMERS,
        company.NEW_CUSTOMERS,
        company.RETURNING_CUSTOMERS,
        company.CHURNED_CUSTOMERS,
    ),
)

now = session.current()
result = company.company_months(now.report)
months = result.months

st.title("Company by month")
st.caption(
    f"{plain(result.window_text)} · each month sums its active customer-months · the cards are "
    f"{result.window.last:%B %Y}, against the month before (MoM) and the last 3 months against "
    "the 3 before (QoQ)"
)
layout.notices()

for names in CARD_ROWS:
    for column, name in zip(st.columns(len(CARD_ROWS[0])), names, strict=False):
        kpi = result.kpi(name)
        with column:
            st.metric(
                kpi.name,
                kpi.value_text,
                delta=kpi.mom_text,
                delta_color=summary.delta_color(kpi, kpi.mom),
                delta_arrow=kpi.direction(kpi.mom),
                border=False,
                help="The window's last month; its change against the month before (MoM) and "
                "the last 3 months against the 3 before (QoQ, which needs 6 months of data). "
                "Money and customers change in percent, margins and shares in points.",
            )
            st.caption(result.qoq_caption(kpi))
st.caption(
    "New: a customer's first active month in the window. Returning: back after a pause "
    "(active now, not the month before, but earlier in the window). Churned: active the month "
    "before and not this month. The window's first month has none of the three: who was "
    "already paying before it is not in the data."
)

money_column, ratio_column = st.columns(2)
with money_column:
    st.markdown("**Revenue and inference cost**")
    exports.chart(
        company_charts.revenue_and_inference(company.money_lines(months)),
        name="company-revenue-inference",
    )
with ratio_column:
    st.markdown("**Gross margin and inference share**")
    exports.chart(
        company_charts.margin_and_share(company.ratio_lines(months)),
        name="company-margin-share",
    )

st.markdown("**Customers**: active (line, left axis), and who came and went (bars, right axis)")
exports.chart(
    company_charts.customers(company.customer_line(months), company.flow_bars(months)),
    name="company-customers",
)

st.subheader("Month by month")
tables.show(company.table_rows(months), spec.COMPANY_MONTHS, name="company-by-month")

st.subheader("Compute spiral")
st.caption(
    "A feature's inference cost growing faster than the revenue allocated to it, month over "
    "month: as usage grows, inference cost runs ahead of pricing. A fall in revenue counts as "
    "negative growth; a month where the cost fell is never called out. Reviewed monthly, "
    "and quarterly for pricing."
)
shown, _ = company.spiral_callouts(result.spiral)
if not shown:
    st.success(company.NO_SPIRAL, icon=":material/check_circle:")
else:
    if result.spiral.height > len(shown):
        st.markdown(
            f"**{result.spiral.height} feature-months** over the window; those of "
            f"{result.spiral.row(-1, named=True)['month']:%B %Y}:"
        )
    for sentence in shown:
        st.warning(plain(sentence), icon=":material/trending_up:")
    by_feature = company.spiral_by_feature_text(company.spiral_by_feature(result.feature_costs))
    st.caption(f"Months where cost outgrew revenue, by feature: {plain(by_feature)}.")
    with st.expander(f"Every spiral month ({result.spiral.height})"):
        tables.show(company.table_rows(result.spiral), spec.COMPANY_SPIRAL, name="compute-spiral")

st.markdown("**The spiral as a trend**")
st.slider(
    "Trend over the last N months",
    min_value=2,
    max_value=24,
    step=1,
    help="The months at the end of the window the growth of cost and revenue per "
    "customer-month is fitted on (log-linear least squares).",
    **controls.bind(
        "retention:trend_months", now.scenario.retention.trend_months, controls.trend_months
    ),
)
trends = spiral.spiral_trends(now.report)
st.caption(
    f"Over the last {trends.months} months: each feature's inference cost and allocated revenue "
    "per customer-month, and each acquisition cohort's (customers by the quarter of their first "
    "active month), as monthly growth rates by a log-linear least-squares fit (capped at ±25% a "
    "month). A spiral: the cost grows, and faster than the revenue. Margins 6 and 12 months ahead "
    "if both trends continue."
)
spiral_sentences = trends.sentences()
if not spiral_sentences:
    st.success(
        f"No feature's or cohort's cost per customer-month outgrew its revenue over the last "
        f"{trends.months} months.",
        icon=":material/check_circle:",
    )
for sentence in spiral_sentences:
    st.warning(plain(sentence), icon=":material/trending_up:")
tables.show(spiral.table_rows(trends.trends), spec.COMPANY_SPIRAL_TRENDS, name="spiral-trends")

st.markdown("**Inference cost per customer-month, by feature**")
costs = result.feature_costs
every_feature = sorted(set(costs["feature_id"].to_list()))
drawn = company.largest_features(costs)
if len(drawn) < len(every_feature):
    st.caption(
        f"The {len(drawn)} features with the most inference cost over the window, of "
        f"{len(every_feature)}."
    )
exports.chart(
    company_charts.feature_costs(costs.filter(costs["feature_id"].is_in(drawn)), every_feature),
    name="company-feature-costs",
)
st.caption(
    "A feature's inference cost in the month ÷ every active customer-month of that month, so "
    "the features of a month add up to its inference cost per customer-month. A red triangle "
    "marks a compute-spiral month."
)
