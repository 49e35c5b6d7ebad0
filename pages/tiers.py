"""Tiers & pricing: what to gate, include, meter, reroute or reprice, and a price simulator.

The controls (recommendations to apply, the price book with its pricing models, volume
discounts, the free tier, model swaps, routing and the customer response) sit on the left and
current pricing against the simulated price book on the right, so a change and what it did are
on one screen; the detail (margins by plan, bills, what each part of the bill adds, response,
plans, segments) follows in tabs.

Most controls write the scenario on every change; the tiers and discounts editors are drafts,
checked as they are edited and applied with a button, since a half-typed band set makes no
price.
"""

import streamlit as st

import econ
from econ.formats import count, money, percent
from econ.present import columns as spec
from econ.present import facts, labels, pricing_view, response, views
from econ.present import model_swaps as swap_view
from econ_pack import charts, pricing_charts
from ui import controls, drill, exports, layout, session, tables
from ui.text import plain

LAST_CHANGE = "tiers_last_change"
"""Session key of :class:`econ.present.pricing_view.LastChange`: what the last edit did."""
SCROLL_AFTER = 8
"""More recommendation cards or features than this scroll inside their tab, so the figures on
the right stay beside them."""
SCROLL_HEIGHT = 560

now = session.current()
scenario, report, data = now.scenario, now.report, now.data
book = scenario.price_book
segment_by = scenario.segment_by
recommendations = now.recommendations()
try:
    simulation = now.simulation()
except econ.ScenarioError as refused:
    # A discount for a segment column this data lacks (a link or a saved scenario made on
    # other data) cannot be billed: say so and offer to take the discounts out.
    st.error(f"The simulated price book cannot be applied to this data: {plain(refused)}.")
    st.button(
        "Take the volume discounts out",
        key="discounts:clear_refused",
        on_click=controls.change(controls.book_discounts, ()),
    )
    st.stop()
by_plan = views.features_by_plan(report)
plans = facts.plans_by_price(report.customer_months)
features = sorted(report.features["feature_id"].to_list())

last = pricing_view.remember(
    st.session_state.get(LAST_CHANGE),
    pricing_view.context_of(now.dataset_id, scenario),
    book,
    pricing_view.outcome_of(simulation),
)
st.session_state[LAST_CHANGE] = last

FEATURE_COLUMNS = [3, 2, 2, 2, 2, 1]
"""The price book's per-feature columns: name, allowance, overage, per use, outcome, off."""
DELTA_COLORS = {True: "green", False: "red", None: "gray"}
DELTA_ARROWS = {"up": "up", "down": "down", "none": "off"}


def results() -> None:
    """Now → simulated: what the last edit did, the KPI strip, and who pays more."""
    with st.container(border=True):
        st.markdown("**Now → simulated**, per month on the window's history")
        if book.is_current_pricing:
            st.info(
                "The price book changes nothing yet: apply a recommendation or set a price.",
                icon=":material/tune:",
            )
        elif last.sentence:
            st.success(plain(last.sentence), icon=":material/change_circle:")
        kpis = pricing_view.kpi_strip(simulation)
        for start in range(0, len(kpis), 2):
            for column, kpi in zip(st.columns(2), kpis[start : start + 2], strict=False):
                column.metric(
                    kpi.label,
                    kpi.simulated,
                    delta=None if kpi.change is None else plain(kpi.change),
                    delta_color=DELTA_COLORS[kpi.good],  # type: ignore[arg-type]
                    delta_arrow=DELTA_ARROWS[kpi.trend],  # type: ignore[arg-type]
                    help=kpi.help,
                )
        st.caption(plain(pricing_view.now_line(kpis)))
        st.caption(plain(pricing_view.bills_sentence(simulation.bills)))
        for note in simulation.notes:
            st.warning(plain(note), icon=":material/info:")


def recommendation_cards() -> None:
    st.caption(
        "Ranked by gross profit a month, each measured alone on the window's usage "
        f"({simulation.months} months). Open one for its arithmetic and apply it to the "
        "simulated price book."
    )
    show_all = st.toggle(f"Show all {len(recommendations)}", key="show_all_recommendations")
    shown = facts.shown_recommendations(recommendations, show_all=show_all)
    cards = pricing_view.cards(shown, segment_by=segment_by)
    box = st.container(height=SCROLL_HEIGHT) if len(cards) > SCROLL_AFTER else st.container()
    for rec, card in zip(shown, cards, strict=True):
        label = f"**{card.rank}. {plain(card.title)}**" + "".join(
            f" · {plain(badge)}" for badge in card.badges
        )
        with box.expander(label):
            st.markdown(plain(card.detail))
            st.caption(plain(" · ".join(card.facts)))
            for line in card.arithmetic:
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


def feature_rows(plan: str, shown: list[str]) -> None:
    price = book.plan(plan)
    for feature in shown:
        name = plain(labels.feature_label(feature))
        cells = st.columns(FEATURE_COLUMNS, vertical_alignment="center")
        cells[0].markdown(name)
        for cell, (field, step) in zip(cells[1:4], controls.FEATURE_PRICE_STEPS, strict=True):
            cell.number_input(
                f"{name} {field}",
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
        cells[4].number_input(
            f"{name} $ per outcome",
            min_value=0.0,
            step=0.01,
            value=None,
            placeholder="—",
            label_visibility="collapsed",
            **controls.bind(
                f"book:{plan}:{feature}:outcome_usd",
                price.outcome_usd.get(feature),
                controls.book_outcome_price,
                plan,
                feature,
            ),
        )
        cells[5].checkbox(
            f"{name} off {plain(plan)}",
            label_visibility="collapsed",
            **controls.bind(
                f"book:{plan}:{feature}:removed",
                feature in price.removed,
                controls.book_feature_removed,
                plan,
                feature,
            ),
        )


def price_book() -> None:
    st.caption(
        "Applied to every customer-month of the window, usage as observed. Per plan: a base "
        "price (empty keeps each month's recorded MRR), an allowance with a price per extra "
        "use, a price per use from the first use, a price per outcome, features taken off the "
        "plan, and a fair-use threshold on monthly inference cost; below, a price per seat, a "
        "prepaid commitment and tiers. The parts add up."
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
            f"book:{plan}:fair_use",
            price.fair_use_usd,
            controls.book_plan_price,
            plan,
            "fair_use_usd",
        ),
    )
    with st.expander("More pricing models for this plan: seats and a prepaid commitment"):
        plan_models(plan, price)
    with st.expander("Tiers on this plan: graduated or volume", expanded=bool(price.tiers)):
        tiers_editor(plan, price)
    header = st.columns(FEATURE_COLUMNS)
    titles = [
        "Feature",
        "Included uses",
        "$ per extra use",
        "$ per use (all)",
        "$ per outcome",
        "Off plan",
    ]
    for column, title in zip(header, titles, strict=True):
        column.markdown(f"**{title}**")
    shown = layout.capped(features, "features")
    with st.container(height=SCROLL_HEIGHT - 140) if len(shown) > SCROLL_AFTER else st.container():
        feature_rows(plan, shown)
    st.caption(
        "A price per outcome bills only the calls the ledger marks as successful outcomes "
        "(its outcomes column)."
    )


SEAT_SOURCES = {
    "revenue": "the revenue table's seat count",
    "users": "distinct ledger users that month",
}
PERIODS = {"month": "a month", "year": "a year (a twelfth drawn each month)"}


def plan_models(plan: str, price: econ.PlanPrice) -> None:
    """Per-seat pricing and a prepaid commitment for the plan, added to its other parts."""
    st.markdown("**Per seat**")
    seats = st.columns(3)
    seats[0].number_input(
        "$ per seat a month",
        min_value=0.0,
        step=1.0,
        value=None,
        placeholder="no seat price",
        **controls.bind(
            f"book:{plan}:seat_usd", price.seat_usd, controls.book_plan_term, plan, "seat_usd"
        ),
    )
    seats[1].number_input(
        "Minimum seats",
        min_value=0.0,
        step=1.0,
        value=None,
        placeholder="0",
        help="The fewest seats a customer-month is billed for (also when its count is unknown).",
        **controls.bind(
            f"book:{plan}:min_seats",
            price.min_seats or None,
            controls.book_plan_term,
            plan,
            "min_seats",
        ),
    )
    seats[2].selectbox(
        "Seats from",
        list(SEAT_SOURCES),
        format_func=SEAT_SOURCES.__getitem__,
        **controls.bind(
            f"book:{plan}:seats_from",
            price.seats_from,
            controls.book_plan_term,
            plan,
            "seats_from",
        ),
    )
    st.markdown("**Prepaid commitment**")
    st.caption(
        "Credits bought ahead: the plan's usage charges draw them down, usage beyond them is "
        "billed on top; the unused part either expires (breakage, revenue) or carries over "
        "(deferred, not revenue of the window)."
    )
    commitment = st.columns(3)
    commitment[0].number_input(
        "Commitment $",
        min_value=0.0,
        step=100.0,
        value=None,
        placeholder="none",
        **controls.bind(
            f"book:{plan}:commitment_usd",
            price.commitment_usd,
            controls.book_plan_term,
            plan,
            "commitment_usd",
        ),
    )
    commitment[1].selectbox(
        "Per",
        list(PERIODS),
        format_func=PERIODS.__getitem__,
        **controls.bind(
            f"book:{plan}:commitment_period",
            price.commitment_period,
            controls.book_plan_term,
            plan,
            "commitment_period",
        ),
    )
    commitment[2].number_input(
        "Breakage %",
        min_value=0.0,
        max_value=100.0,
        step=5.0,
        help="The share of a month's unused commitment that expires and counts as revenue; "
        "the rest carries over.",
        **controls.bind(
            f"book:{plan}:breakage",
            controls.percent_value(price.breakage),
            controls.book_breakage_percent,
            plan,
        ),
    )


TIER_MODES = {
    "graduated": "Graduated: each unit at its band's price",
    "volume": "Volume: every unit at the band the month reaches",
}
TIER_MEASURES = {"calls": "calls", "tokens": "tokens (input + output)"}


def tiers_editor(plan: str, price: econ.PlanPrice) -> None:
    """Tiers on one feature's usage or the plan's whole usage: a draft of mode, measure and
    bands, applied with a button (checked first: bands that make no price say why)."""
    st.caption(
        "Bands on a customer-month's usage, each up to and including its bound; the last "
        "band has no bound. Stripe's example: 1-5 units at $7, 6-10 at $6.50, 11 and up at $6 "
        "(the table starts from it). Graduated bills 12 units 5 × $7 + 5 × $6.50 + 2 × $6; "
        "volume bills all 12 at $6. A flat $ is added once when usage reaches the band."
    )
    scope = st.selectbox(
        "Tiers on",
        controls.tiers_scopes(price, features),
        key=f"tiers_scope:{plan}",
        format_func=tiers_scope_name,
    )
    current = price.tiers.get(scope)
    state = [plan, scope, None if current is None else current.to_dict()]
    left, right = st.columns(2)
    mode = left.selectbox(
        "Mode",
        list(TIER_MODES),
        index=list(TIER_MODES).index(current.mode if current else "graduated"),
        format_func=TIER_MODES.__getitem__,
        key=controls.editor_key("tiers_mode", state),
    )
    measure = right.selectbox(
        "Measure",
        list(TIER_MEASURES),
        index=list(TIER_MEASURES).index(current.measure if current else "calls"),
        format_func=TIER_MEASURES.__getitem__,
        key=controls.editor_key("tiers_measure", state),
    )
    table = st.data_editor(
        controls.tier_table(current),
        key=controls.editor_key("tiers_bands", state),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "up_to": st.column_config.NumberColumn(
                "Up to", min_value=1, help="Empty on the last band: every unit above"
            ),
            "unit_usd": st.column_config.NumberColumn("$ per unit", min_value=0, format="%.4f"),
            "flat_usd": st.column_config.NumberColumn("Flat $", min_value=0, format="%.2f"),
        },
    )
    tiers, problem = controls.tiers_of(mode, measure, table)
    if problem is not None:
        st.error(f"These bands make no price: {plain(problem)}.", icon=":material/error:")
    elif tiers is not None:
        st.caption(plain(pricing_view.tiers_summary(tiers)))
    applied = tiers is not None and tiers == current
    buttons = st.columns(2)
    buttons[0].button(
        "Applied to the simulation" if applied else "Apply the tiers",
        key=f"tiers:{plan}:{scope}:apply",
        disabled=tiers is None or applied,
        on_click=controls.change(controls.book_tiers, plan, scope, tiers),
    )
    buttons[1].button(
        "Remove the tiers",
        key=f"tiers:{plan}:{scope}:remove",
        disabled=current is None,
        on_click=controls.change(controls.book_tiers, plan, scope, None),
    )


def tiers_scope_name(scope: str) -> str:
    """A tiers scope in the selectbox: a feature, or the plan's whole usage."""
    if scope == econ.ALL_FEATURES:
        return "All usage on the plan (every feature together)"
    return labels.feature_label(scope)


def discounts_editor() -> None:
    """Volume discounts across plans: a share off the bill from a monthly bill, or for a
    segment of the revenue table; a customer-month gets the largest it qualifies for."""
    st.caption(
        "A share off the simulated bill of the customer-months it is for: those whose bill "
        "(before discounts) is at least the amount given, and in the segment chosen (both "
        "must hold when both are given; neither: every customer). A customer-month gets the "
        "largest discount it qualifies for."
    )
    segments = pricing_view.discount_segments(data.revenue, data.segment_columns)
    for item in book.discounts:  # one the data no longer has stays listed, to be removed
        if item.column is not None:
            segments.setdefault(f"{item.column} = {item.value}", (item.column, item.value or ""))
    table = st.data_editor(
        controls.discount_table(book.discounts),
        key=controls.editor_key("discounts", [d.to_dict() for d in book.discounts]),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "share": st.column_config.NumberColumn(
                "Discount %", min_value=0, max_value=100, format="%.1f%%"
            ),
            "min_bill_usd": st.column_config.NumberColumn(
                "From a monthly bill of $", min_value=0, format="%.2f"
            ),
            "segment": st.column_config.SelectboxColumn(
                "For the segment", options=list(segments), help="Empty: every segment"
            ),
        },
    )
    discounts, problem = controls.discounts_of(table, segments)
    if problem is not None:
        st.error(f"These discounts cannot apply: {plain(problem)}.", icon=":material/error:")
    else:
        for item in discounts or ():
            st.caption(plain(f"{percent(item.share)} off for {item.label}"))
    applied = discounts is not None and discounts == book.discounts
    buttons = st.columns(2)
    buttons[0].button(
        "Applied to the simulation" if applied else "Apply the discounts",
        key="discounts:apply",
        disabled=discounts is None or applied,
        on_click=controls.change(controls.book_discounts, discounts or ()),
    )
    buttons[1].button(
        "Remove every discount",
        key="discounts:remove",
        disabled=not book.discounts,
        on_click=controls.change(controls.book_discounts, ()),
    )


def free_tier() -> None:
    """What the free tier costs and what it buys in paying customers, before and after a cap
    on its usage."""
    tier = econ.free_tier(data, report)
    st.caption(
        "Usage in customer-months nobody pays for: customers on a $0 plan or without a "
        "revenue row. The conversion rate and the usage cap are yours to set: the data "
        "cannot say how a cap moves conversion."
    )
    left, right = st.columns(2)
    left.number_input(
        "Conversion rate %",
        min_value=0.0001,
        max_value=100.0,
        step=0.5,
        value=None,
        placeholder=f"observed ({percent(tier.observed_conversion)})",
        help="The share of free customers who become paying customers; empty: the rate "
        "observed in the data.",
        **controls.bind(
            "free:conversion_rate",
            controls.percent_value(book.freemium.conversion_rate),
            controls.free_conversion_percent,
        ),
    )
    right.number_input(
        "Usage cap — calls a month",
        min_value=0.0,
        step=10.0,
        value=None,
        placeholder="no cap",
        help="A free customer's calls above the cap in a month are not served.",
        **controls.bind(
            "free:usage_cap_calls", book.freemium.usage_cap_calls, controls.free_usage_cap
        ),
    )
    figures = pricing_view.free_tier_figures(tier)
    capped = tier.usage_cap_calls is not None
    for start in range(0, len(figures), 3):
        row = figures[start : start + 3]
        for column, figure in zip(st.columns(3), row, strict=False):
            column.metric(
                figure.label,
                figure.value,
                help=plain(figure.help),
            )
            if capped and figure.capped is not None:
                column.caption(plain(f"With the cap: {figure.capped}"))
    if capped:
        st.caption(
            plain(
                f"With the cap of {count(round(tier.usage_cap_calls or 0))} calls a month: "
                f"{count(tier.capped_calls)} of {count(tier.calls)} free calls served."
            )
        )
    for reason in tier.reasons:
        st.info(plain(reason[:1].upper() + reason[1:] + "."), icon=":material/info:")
    if tier.no_customer_cost_usd:
        st.caption(
            plain(
                f"Calls without any customer cost {money(tier.no_customer_cost_usd)} over the "
                "window: they have no customer to convert and are not counted here."
            )
        )
    if tier.by_plan.height:
        st.markdown("**By plan**, over the window")
        tables.show(tier.by_plan, spec.FREE_TIER_PLANS, name="free-tier-by-plan")


def model_swap_control() -> None:
    """Pick a feature and a model: its recorded calls re-priced at the model's list rates, the
    derived multiplier, and a button that applies it to the simulation."""
    st.markdown("**Swap a feature's model**")
    st.caption(
        "Re-prices a feature's recorded tokens at another model's list rates (genai-prices), "
        "month by month: the cost multiplier is derived from your own calls, not typed, and "
        "replaces the feature's cost factor in the simulation."
    )
    for line in swap_view.applied_lines(simulation):
        st.caption(plain(line))
    why_not = swap_view.why_not(data)
    if why_not is not None:
        st.info(plain(why_not), icon=":material/swap_horiz:")
        return
    left, right = st.columns(2)
    feature = left.selectbox(
        "Feature",
        swap_view.swap_features(data),
        key="swap_feature",
        format_func=labels.feature_label,
    )
    current = book.model_swaps.get(feature)
    model = right.selectbox(
        "Model (this data's own first)",
        swap_view.swap_models(data, current),
        key=f"swap_model:{feature}",
    )
    panel = swap_view.swap_panel(data, feature, model, report.customer_months.window)
    if panel.problem is not None:
        st.warning(plain(panel.problem), icon=":material/warning:")
        return
    cells = st.columns(3)
    cells[0].metric("Recorded, over the window", panel.recorded)
    cells[1].metric("Re-priced", panel.repriced)
    cells[2].metric("Cost ×", panel.factor)
    st.caption(plain(panel.sentence))
    applied = current == model
    buttons = st.columns(2)
    buttons[0].button(
        "Applied to the simulation" if applied else "Apply to the simulation",
        key="swap:apply",
        disabled=applied or not panel.applies,
        on_click=controls.change(controls.book_model_swap, model, feature),
    )
    if current is not None:
        buttons[1].button(
            "Take the swap out",
            key="swap:remove",
            on_click=controls.change(controls.book_model_swap, None, feature),
        )


def routing_and_response() -> None:
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
            f"{plain(labels.feature_label(feature))} cost ×",
            min_value=0.0,
            max_value=10.0,
            step=0.05,
            help="Swapped to another model: its derived multiplier applies instead, while it "
            "has one."
            if feature in book.model_swaps
            else None,
            **controls.bind(
                f"book:cost:{feature}",
                book.cost_multipliers.get(feature, 1.0),
                controls.book_cost_factor,
                feature,
            ),
        )
    settings: tuple[tuple[str, controls.BookSetting, float, float], ...] = (
        ("Metered-usage drop", "metered_usage_drop", 0.9, book.metered_usage_drop),
        (
            "Churn risk: a bill rising by more than",
            "churn_risk_increase",
            1.0,
            book.churn_risk_increase,
        ),
        ("Margin on fair-use overage", "fair_use_margin", 0.9, book.fair_use_margin),
        ("Churn elasticity", "churn_elasticity", 3.0, book.churn_elasticity),
        ("Bill rise tolerated", "tolerated_increase", 1.0, book.tolerated_increase),
    )
    for start in range(0, len(settings), 2):
        pair = settings[start : start + 2]
        for column, (label, name, most, value) in zip(st.columns(2), pair, strict=False):
            column.slider(
                label,
                0.0,
                max(most, value),
                step=0.05,
                **controls.bind(f"book:{name}", value, controls.book_setting, name),
            )


def margins_by_plan() -> None:
    for row in views.losing_by_plan(by_plan).iter_rows(named=True):
        st.error(
            f"**{plain(labels.feature_label(row['feature_id']))}** loses "
            f"{money(-row['gross_profit_usd'])} on **{plain(labels.words(row['plan']))}** over "
            f"the window (margin {percent(row['gross_margin'])}).",
            icon=":material/money_off:",
        )
    exports.chart(
        charts.margin_stack(
            views.margin_stack(by_plan, by="plan"), views.net_gross_profit(by_plan, by="plan")
        ),
        name="margin-stack-by-plan",
    )


def simulated_margins() -> None:
    if book.is_current_pricing:
        st.caption("The price book changes nothing yet: these are today's margins.")
    exports.chart(
        charts.margin_stack(
            views.margin_stack(simulation.features_by_plan, by="plan"),
            views.net_gross_profit(simulation.features_by_plan, by="plan"),
        ),
        name="simulated-margin-stack-by-plan",
    )


def bills() -> None:
    st.markdown(plain(pricing_view.bills_sentence(simulation.bills)))
    exports.chart(
        pricing_charts.bill_change_histogram(
            pricing_view.bill_change_histogram(simulation.customers)
        ),
        name="bill-changes",
    )
    if not scenario.price_book.is_current_pricing:
        st.markdown("**Each customer's bill, now against simulated** (click one to open its P&L)")
        clicked = exports.chart(
            charts.bill_changes(simulation.customers, views.bill_diagonal(simulation.customers)),
            name="bills-now-against-simulated",
            select=charts.CUSTOMER_PICK,
        )
        drill.open_picked(clicked, charts.CUSTOMER_PICK)
    if simulation.bills.paying_more:
        st.markdown("**Largest increases**")
        tables.show(
            simulation.customers.head(10),
            spec.BILLS,
            name="largest-bill-increases",
            segment_by=segment_by,
        )
    drill.customer_picker(
        simulation.customers["customer_id"].to_list(),
        key="drill_bills",
        label="Open a customer's P&L (the largest bill increases first)",
    )


def customer_response() -> None:
    st.markdown(plain(response.response_summary(simulation.response)))
    st.table(response.response_table(simulation).rename(response.RESPONSE_TABLE_HEADERS))


def bill_parts() -> None:
    st.caption(
        "Per month, per plan: today's bill beside each part of the simulated bill (parts no "
        "plan uses are left out), discounts negative."
    )
    tables.show(pricing_view.bill_parts(simulation.parts), spec.BILL_PARTS, name="bill-parts")
    for note in simulation.notes:
        st.caption(plain(note))


def plan_table() -> None:
    st.caption("Per month.")
    tables.show(simulation.plans, spec.PLAN_COMPARISON, name="plans-simulated")


def segment_table() -> None:
    st.caption("Per customer-month.")
    tables.show(
        response.segments_with_response(simulation),
        spec.SEGMENT_COMPARISON,
        name="segments-simulated",
        segment_by=segment_by,
    )


st.title("Tiers & pricing")
st.caption(
    "What to change plan by plan, and what the change would have done to revenue, margin and "
    "each customer's bill on your own history."
)
layout.notices()

edit_side, result_side = st.columns([3, 2], gap="large")
with result_side:
    results()
with edit_side:
    recs_tab, book_tab, discounts_tab, free_tab, levers_tab = st.tabs(
        ["Recommendations", "Price book", "Volume discounts", "Free tier", "Routing & response"]
    )
    with recs_tab:
        recommendation_cards()
    with book_tab:
        price_book()
    with discounts_tab:
        discounts_editor()
    with free_tab:
        free_tier()
    with levers_tab:
        model_swap_control()
        routing_and_response()
    st.button(
        "Clear the price book",
        key="clear_price_book",
        on_click=controls.change(controls.clear_price_book),
    )

DETAIL = {
    "Margins by plan": margins_by_plan,
    "Simulated margins by plan": simulated_margins,
    "Customers' bills": bills,
    "What each part of the bill adds": bill_parts,
    "Customer response": customer_response,
    "Plans": plan_table,
    "Segments": segment_table,
}
for tab, draw in zip(st.tabs(list(DETAIL)), DETAIL.values(), strict=True):
    with tab:
        draw()
