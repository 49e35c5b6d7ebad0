"""Customer P&L: one customer's revenue against what it costs to serve, month by month."""

import streamlit as st

import econ
from econ import formats
from econ.present import columns as spec
from econ.present import customer
from econ.present.labels import words
from econ_pack import customer_charts
from ui import drill, exports, layout, session, tables
from ui.text import plain

PICK = "customer_pick"
TYPED = "customer_typed"

now = session.current()
report, scenario = now.report, now.scenario
segment_by = scenario.segment_by


def choose_from_list() -> None:
    session.set_customer(st.session_state.get(PICK))


def choose_typed() -> None:
    typed = str(st.session_state.get(TYPED) or "").strip()
    if typed:
        session.set_customer(typed)


def picker(chosen: str | None) -> None:
    """Every customer, the biggest loss-makers first (a controlled select box: the session's
    customer is what it shows), and a box for any id."""
    customers = now.customer_profits()  # sorted by monthly gross profit, lowest first
    ids = customers["customer_id"].to_list()[: drill.MOST_OPTIONS]
    monthly = dict(zip(ids, customers["monthly_gross_profit_usd"].to_list(), strict=False))
    st.session_state[PICK] = chosen if chosen in monthly else None
    st.session_state[TYPED] = ""
    left, right = st.columns([3, 2])
    left.selectbox(
        "Customer (the biggest loss-makers first)",
        ids,
        format_func=lambda id_: f"{id_} · {formats.money(monthly[id_])} gross profit a month",
        placeholder="Choose a customer",
        key=PICK,
        on_change=choose_from_list,
    )
    right.text_input(
        "Or type a customer id",
        key=TYPED,
        on_change=choose_typed,
        placeholder=f"e.g. {ids[-1]}" if ids else "",
    )


def headline(pnl: customer.CustomerPnl) -> None:
    t = pnl.totals
    reasons = pnl.reasons
    cells = [*st.columns(3), *st.columns(3)]
    cells[0].metric("Revenue", formats.headline(t.revenue_usd), help="MRR over its active months")
    cells[1].metric(
        "Inference cost",
        formats.headline(t.inference_usd),
        help=f"{formats.percent(t.inference_share)} of its revenue",
    )
    cells[2].metric(
        "Gross profit",
        formats.headline(t.gross_profit_usd),
        help="Revenue − inference − AI infra − support − CS; "
        f"{formats.money(t.monthly_gross_profit_usd)} a month",
    )
    cells[3].metric("Gross margin", formats.percent(t.gross_margin))
    cells[4].metric(
        "Compute-adjusted LTV",
        formats.money(pnl.ltv_compute_adjusted_usd, cents=False),
        help=plain(
            reasons.get("ltv_compute_adjusted_usd")
            or f"Its gross profit a month ({formats.money(t.monthly_gross_profit_usd)}) ÷ its "
            f"segment's churn ({formats.percent(pnl.churn, digits=2)} a month)"
        ),
    )
    cells[5].metric(
        "CAC payback",
        "—" if pnl.payback_months is None else f"{formats.months(pnl.payback_months)} months",
        help=plain(
            reasons.get("payback_months")
            or f"Its segment's CAC ({formats.money(pnl.cac_usd, cents=False)}) ÷ its gross "
            "profit a month"
        ),
    )
    if pnl.repriced:
        st.info(
            f"The scenario's price book would have billed **{formats.money(t.bill_simulated_usd)}"
            f"** over these months, {formats.money_change(t.bill_change_usd)} against the "
            f"{formats.money(t.revenue_usd)} it paid.",
            icon=":material/sell:",
        )


def show(pnl: customer.CustomerPnl) -> None:
    t = pnl.totals
    st.subheader(f"Customer {plain(pnl.customer_id)}")
    st.caption(
        plain(
            f"Now on {words(pnl.plan)} ({pnl.segment_name}) · "
            f"{formats.count_of(t.active_months, 'active month')} in {pnl.window} · "
            f"LTV:CAC {formats.ratio(pnl.ltv_cac)}"
        )
    )
    headline(pnl)
    st.markdown("**Plan and segment history**")
    tables.show(
        customer.for_table(pnl.history),
        spec.CUSTOMER_HISTORY,
        name="customer-history",
        segment_by=segment_by,
    )
    st.markdown("**Revenue against inference cost by feature**")
    exports.chart(
        customer_charts.cost_and_revenue(pnl.cost_by_feature, pnl.months, pnl.every_feature),
        name="customer-cost-and-revenue",
    )
    st.markdown("**Gross profit per month**")
    exports.chart(customer_charts.gross_profit_by_month(pnl.months), name="customer-gross-profit")
    tables.show(
        customer.for_table(pnl.months),
        spec.CUSTOMER_MONTHS,
        name="customer-months",
        segment_by=segment_by,
    )
    st.subheader("Which features drive its cost")
    if pnl.features.height:
        st.caption(
            plain(
                "Its inference cost per active month against the median customer of "
                f"{words(pnl.plan)}, its latest plan."
            )
        )
        exports.chart(
            customer_charts.features_against_plan(pnl.features), name="customer-features-vs-plan"
        )
        tables.show(pnl.features, spec.CUSTOMER_FEATURES, name="customer-features")
    else:
        st.markdown("It made no calls in its active months.")
    blanks = customer.blank_figures(pnl)
    if blanks:
        with st.expander("Why some figures are blank"):
            for sentence in blanks:
                st.markdown(f"- {plain(sentence)}")


st.title("Customer P&L")
st.caption(
    "One customer's revenue against what it costs to serve, month by month: inference by "
    "feature, gross profit, its compute-adjusted LTV and payback, and which features cost more "
    "than they do for the median customer of its plan."
)
layout.notices()

chosen = session.customer_id()
pnl: customer.CustomerPnl | None = None
if chosen is not None:
    simulation = None if scenario.price_book.is_current_pricing else now.simulation()
    try:
        pnl = customer.customer_pnl(report, chosen, simulation)
    except econ.UnknownNameError as error:
        st.warning(plain(f"No P&L to show: {error.args[0]}"), icon=":material/person_off:")
picker(chosen if pnl is not None else None)
if pnl is not None:
    show(pnl)
else:
    st.info("Choose a customer to see its P&L.", icon=":material/person_search:")
