"""Segment LTV: compute-adjusted LTV per segment against traditional LTV and CAC."""

import streamlit as st

from econ import formats
from econ.present import columns as spec
from econ.present import facts, labels, retention, views
from econ.present.facts import BLENDED
from econ.present.summary import ai_revenue_text
from econ.schema import USAGE_TIER
from econ_pack import charts, retention_charts
from ui import ai_revenue, controls, drill, exports, layout, session, tables
from ui.text import plain

now = session.current()
scenario, report, data = now.scenario, now.report, now.data
segments = report.segments
names = facts.segment_names(segments)
segment_by = scenario.segment_by


def named(segment: str) -> str:
    """A segment's name in words, as Markdown that shows it literally."""
    return plain(labels.segment_label(segment, segment_by))


st.title("Compute-adjusted LTV by segment")
st.caption(
    "Customers paying the same price can cost very different amounts to serve. LTV here is "
    "monthly gross profit per customer after inference and AI costs, divided by monthly churn."
)
layout.notices()
# One slot whether or not it shows, so the tabs below keep their place (and the open tab)
# when the basis changes.
basis_note = st.empty()
if scenario.ai_revenue.basis != "all":
    basis_note.info(
        plain(ai_revenue_text(report)) + " ARPA, gross profit and LTV below are of that revenue.",
        icon=":material/payments:",
    )

with st.container(border=True):
    st.markdown("##### Assumptions")
    left, right = st.columns([1, 2])
    left.selectbox(
        "Segment customers by",
        facts.segmentations(data),
        format_func=facts.segmentation_label,
        **controls.bind("segment_by", scenario.segment_by, controls.segment_by),
    )
    if scenario.segment_by == USAGE_TIER:
        low, high = scenario.usage_tier_percentiles
        right.slider(
            "Usage-tier split (percentiles of each customer's monthly inference cost)",
            min_value=1,
            max_value=99,
            **controls.bind("tier_percentiles", (round(low), round(high)), controls.tier_split),
        )
        if report.tier_thresholds:
            q1, q2 = report.tier_thresholds
            right.caption(
                f"{named('light')}: under {formats.money(q1)} a month · {named('core')}: "
                f"{formats.money(q1)} to {formats.money(q2)} · {named('power')}: "
                f"{formats.money(q2)} and more"
            )

    churn_tab, cac_tab, cogs_tab, price_tab, ai_tab = st.tabs(
        ["Churn", "CAC", "Cost burdens", "Plan prices", "AI revenue"]
    )
    with ai_tab:
        ai_revenue.section(now)
    with churn_tab:
        st.caption(
            "Monthly revenue churn. Each slider starts at the rate estimated from the data "
            "(revenue of customers who left ÷ revenue at risk); move it to override. The "
            "blended rate follows the segments' (weighted by their revenue at risk) unless "
            "you set it too."
        )
        columns = st.columns(min(4, len(names) + 1))
        for index, name in enumerate([*layout.capped(names, "segments"), BLENDED]):
            row = report.segment(name)
            estimate = row["churn_estimated"]
            shown = row["churn"] if row["churn"] is not None else (estimate or 0.0)
            top = controls.churn_slider_top(max(shown, estimate or 0.0))
            with columns[index % len(columns)]:
                st.slider(
                    f"{'All customers' if name == BLENDED else named(name)} — % per month",
                    min_value=0.0,
                    max_value=top,
                    step=0.01,
                    format="%.2f%%",
                    **controls.bind(
                        f"churn:{name}",
                        min(top, controls.percent_value(shown) or 0.0),
                        controls.churn_percent,
                        name,
                        names,
                    ),
                )
                estimate_text = (
                    formats.percent(estimate, digits=2)
                    if estimate is not None
                    else "cannot be estimated (one month of data)"
                )
                marker = facts.churn_marker(row["churn_source"])
                st.caption(f"estimated from data: {estimate_text}{marker}")
        st.button(
            "Use the data's estimates",
            key="churn_reset",
            on_click=controls.change(controls.reset_churn),
        )
    with cac_tab:
        st.caption("Customer acquisition cost per new customer, by segment.")
        columns = st.columns(min(4, len(names)))
        for index, name in enumerate(layout.capped(names, "segments")):
            columns[index % len(columns)].number_input(
                f"CAC — {named(name)}",
                min_value=0.0,
                step=50.0,
                value=None,
                format="%.0f",
                placeholder="not set",
                **controls.bind(
                    f"cac:{name}",
                    controls.segment_value(scenario.cac_usd, name),
                    controls.cac,
                    name,
                    names,
                ),
            )
        blended_cac = report.segment(BLENDED)["cac_usd"]
        st.caption(
            f"Blended CAC: {formats.money(blended_cac, cents=False)} (each customer counted "
            "with the CAC of the segment it joined in)."
        )
    with cogs_tab:
        st.caption(
            "Costs per active customer-month besides inference. AI infra, support and CS enter "
            "compute-adjusted gross profit; hosting/DevOps is what the traditional view uses "
            "instead of inference and AI infra."
        )
        titles = controls.BURDEN_TITLES
        columns = st.columns(len(titles))
        for column, burden in zip(columns, titles, strict=True):
            value = getattr(scenario.cogs, burden)
            if not isinstance(value, float):
                column.caption(
                    "Varies by segment in this scenario: "
                    + ", ".join(f"{named(k)} {formats.money(v)}" for k, v in value.items())
                    + ". A value here applies to every segment."
                )
            column.number_input(
                f"{titles[burden]} — $ per month",
                min_value=0.0,
                step=0.5,
                format="%.2f",
                **controls.bind(
                    f"cogs:{burden}",
                    controls.segment_value(value, BLENDED) if isinstance(value, float) else 0.0,
                    controls.burden,
                    burden,
                ),
            )
    with price_tab:
        observed = views.observed_prices(data, report.customer_months.window)
        st.caption(
            "Monthly price per plan. Each starts at the price most often recorded; a new price "
            "re-prices every customer-month of that plan (what-if pricing on your history)."
        )
        plans = sorted(observed, key=lambda plan: (observed[plan], plan))
        columns = st.columns(max(1, min(4, len(plans))))
        for index, plan in enumerate(layout.capped(plans, "plans")):
            with columns[index % len(columns)]:
                st.number_input(
                    f"{plain(plan)} — $ per month",
                    min_value=0.0,
                    step=1.0,
                    format="%.2f",
                    **controls.bind(
                        f"price:{plan}",
                        scenario.prices.get(plan, observed[plan]),
                        controls.plan_price,
                        plan,
                        observed,
                    ),
                )
                changed = plan in scenario.prices
                st.caption(
                    f"observed: {formats.money(observed[plan])}"
                    + (" · **re-priced**" if changed else "")
                )

st.subheader("LTV against CAC")
blended = report.segment(BLENDED)
first, second, third, fourth = st.columns(4)
first.metric(
    "Compute-adjusted LTV (blended)",
    formats.money(blended["ltv_compute_adjusted_usd"], cents=False),
    help="Monthly gross profit after inference and AI costs ÷ monthly churn.",
)
second.metric(
    "Traditional LTV (blended)", formats.money(blended["ltv_traditional_usd"], cents=False)
)
third.metric("LTV:CAC (blended)", formats.ratio(blended["ltv_cac"]))
fourth.metric("Monthly churn (blended)", formats.percent(blended["churn"], digits=2))
weak = views.below_benchmark(segments)
if weak.height:
    for row in weak.iter_rows(named=True):
        who = "All customers" if row["segment"] == BLENDED else f"**{named(row['segment'])}**"
        st.warning(
            f"{who}: compute-adjusted LTV:CAC is **{formats.ratio(row['ltv_cac'])}**, below 3:1 "
            f"(the traditional view says {formats.ratio(row['ltv_cac_traditional'])}).",
            icon=":material/trending_down:",
        )
elif segments["ltv_cac"].is_null().all():
    st.info("Set a CAC (Assumptions → CAC) to compare LTV with acquisition cost.")
else:
    st.success("Every segment clears 3:1 compute-adjusted LTV:CAC.")

exports.chart(
    charts.ltv_by_segment(
        views.ltv_bars(segments, segment_by=segment_by),
        views.benchmark_marks(segments, segment_by=segment_by),
    ),
    name="ltv-by-segment",
)
tables.show(segments, spec.SEGMENTS, name="segment-ltv", segment_by=segment_by)
overlap = facts.counted_twice(segments)
if overlap:
    st.caption(
        f"The segments count {overlap:,} more customers than all customers: a customer who "
        "moved between segments during the window (a plan change, a new usage tier) counts in "
        "each segment it was in."
    )
blanks = facts.blank_figures(segments, spec.SEGMENTS, segment_by=segment_by)
if blanks:
    with st.expander("Why some figures are blank"):
        for sentence in blanks:
            st.markdown(f"- {plain(sentence)}")

st.subheader("AI-adjusted CAC: the compute burned in trials")
trials = now.ai_adjusted_cac()
st.caption(
    "A trial's inference is a cost of acquiring the customers it converts (reference article "
    "000): each acquired customer's usage before its first paid month, plus a share of the "
    "usage of customers who never paid (spread over the customers acquired that month), is "
    "added to the CAC. Customers paying in the window's first month are not counted as "
    "acquired: they may have paid before it."
)
tables.show(trials.table, spec.AI_ADJUSTED_CAC, name="ai-adjusted-cac", segment_by=segment_by)
st.markdown(
    plain(
        f"Customers who never paid used {formats.money(trials.non_converting_usd, cents=False)} "
        "of inference in the window"
        + (
            f", of which {formats.money(trials.unattributed_usd, cents=False)} in months "
            "nobody was acquired (in no segment's CAC)."
            if trials.unattributed_usd > 0.005
            else "."
        )
    )
)

ai_revenue.buckets(now)

st.subheader("Who loses money")
customers = now.customer_profits()
losses = views.loss_concentration(customers)
if losses.losing:
    st.markdown(
        f"**{losses.losing:,} of {losses.customers:,} customers "
        f"({formats.percent(losses.losing_share)}) lose money** after inference and AI costs: "
        f"{formats.money(losses.loss_usd, cents=False)} over the window. The worst "
        f"{losses.worst:,} of them account for **{formats.percent(losses.worst_share)}** of "
        "those losses."
    )
else:
    st.markdown("No customer loses money after inference and AI costs.")


@st.fragment
def distribution() -> None:
    bins = st.select_slider("Bins", options=[10, 20, 40, 80], value=40, key="histogram_bins")
    exports.chart(
        charts.profit_histogram(views.profit_histogram(customers, bins=bins)),
        name="customer-gross-profit",
    )


distribution()
st.markdown("**Biggest loss-makers**")
loss_makers = views.loss_makers(customers, segment_by=segment_by)
if loss_makers.height:
    tables.show(loss_makers, spec.LOSS_MAKERS, name="loss-makers", segment_by=segment_by)
    drill.customer_picker(loss_makers["customer_id"].to_list(), key="drill_loss_makers")
else:
    st.markdown("No customer loses money.")

st.subheader("Retention")
retained = now.retention()
st.caption(
    "Customers grouped by their first paid month (a cohort) and followed month by month. A "
    "customer counts as retained while its first run of paid months lasts: a pause ends it, as "
    "churn counts it. Each segment's cohorts are fitted with the shifted-beta-geometric (sBG) "
    "model (Fader & Hardie 2007), which lets churn fall as the customers who stay prove loyal; "
    "its LTV is monthly gross profit × the discounted expected lifetime."
)
rate_column, method_column = st.columns([1, 2])
rate_column.number_input(
    "Discount rate — % per year",
    min_value=0.0,
    max_value=100.0,
    step=0.5,
    format="%.1f",
    **controls.bind(
        "retention:discount_rate", retained.discount_percent, controls.discount_percent
    ),
)
method_column.radio(
    "LTV used for LTV:CAC and payback",
    list(retention.LTV_METHOD_LABELS),
    format_func=retention.LTV_METHOD_LABELS.__getitem__,
    horizontal=True,
    **controls.bind("retention:ltv_method", retained.ltv_method, controls.ltv_method),
)
for note in retention.method_notes(report):
    st.warning(plain(note[0].upper() + note[1:] + "."), icon=":material/info:")
heat, curves, monthly = st.tabs(
    ["Cohorts", "Survival: observed against the sBG fit", "Monthly GRR and NRR"]
)
with heat:
    acquired_in = st.selectbox(
        "Customers acquired in",
        [facts.BLENDED, *(name for name in retained.segments if name != facts.BLENDED)],
        format_func=lambda name: (
            "every segment" if name == facts.BLENDED else labels.segment_label(name, segment_by)
        ),
        key="retention:cohort_segment",
    )
    cohorts = (
        retained.heatmap
        if acquired_in == facts.BLENDED
        else retention.segment_heatmap(report, acquired_in)
    )
    exports.chart(retention_charts.cohort_heatmap(cohorts), name="cohort-retention")
with curves:
    exports.chart(
        retention_charts.survival_curves(retained.curves, retained.segments),
        name="survival-curves",
    )
with monthly:
    exports.chart(retention_charts.grr_nrr(retained.rates), name="grr-nrr")
    st.caption(
        "GRR: the month's starting MRR kept, less churn and contraction. NRR adds expansion "
        "(upgrades, and customers who came back). New customers count in neither."
    )
tables.show(retained.table, spec.RETENTION, name="retention", segment_by=segment_by)
if retained.reasons:
    with st.expander("Why some retention figures are blank"):
        for reason, where in retained.reasons.items():
            st.markdown(f"- {plain(reason)} ({', '.join(map(named, where))})")
