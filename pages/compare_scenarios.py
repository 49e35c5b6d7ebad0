"""Compare scenarios: two to five saved scenarios side by side on the same history, each against
a baseline: gross profit month by month, the totals with their changes, LTV and LTV:CAC per
segment by both methods, margins per plan, how each customer's bill moves and who is hit
hardest (with a drill to their P&L), and what each option changes.

The choice (baseline first) is kept in the session and the link (``compare=id1.id2``), so the
share link and the board pack reproduce this comparison.
"""

import streamlit as st

import econ
from econ import formats
from econ.present import columns as spec
from econ.present import compare_view
from econ_pack import compare_charts
from ui import drill, exports, layout, saved, session, tables
from ui.text import plain

PICKED = "compare:picked"
BASELINE = "compare:baseline"
SHOWN = "compare:shown"
"""The compared ids the pickers were last set from (a link, a rename or their own change)."""
SAVE_NAME = "compare:save_name"

available = saved.saved_scenarios()
by_id = {item.scenario_id: item for item in available}
repeated = {item.name for item in available if [o.name for o in available].count(item.name) > 1}


def short_label(scenario_id: str) -> str:
    """A saved scenario in the pickers: its name, and when it was saved if the name repeats."""
    item = by_id[scenario_id]
    return saved.label(item) if item.name in repeated else item.name


def resolved(ids: tuple[str, ...]) -> list[str]:
    """The saved scenarios ``ids`` name, as ids of this dataset's list (a link made before a
    rename names the old id), each once; those no longer saved are left out."""
    found: list[str] = []
    for scenario_id in ids:
        try:
            item = saved.scenario_store().get(session.dataset_id(), scenario_id)
        except econ.EconError:
            continue
        if item.scenario_id in by_id and item.scenario_id not in found:
            found.append(item.scenario_id)
    return found


def choice_changed() -> None:
    """The pickers changed: the baseline first, then the others in the order picked."""
    picked = [str(item) for item in st.session_state.get(PICKED) or []]
    baseline = st.session_state.get(BASELINE)
    if baseline not in picked:
        baseline = picked[0] if picked else None
    ids = (baseline, *(item for item in picked if item != baseline)) if baseline else ()
    session.set_compared(tuple(str(item) for item in ids))
    st.session_state[SHOWN] = session.compared()


def save_clicked() -> None:
    """Save the current scenario and add it to the comparison (while it has room)."""
    name = str(st.session_state.get(SAVE_NAME) or "")
    item = saved.save_current(name)
    if item is None:
        return
    st.session_state[SAVE_NAME] = ""
    ids = session.compared()
    if item.scenario_id not in ids and len(ids) < compare_view.MOST_COMPARED:
        session.set_compared((*ids, item.scenario_id))


def pickers() -> None:
    """Which saved scenarios to compare, and which is the baseline."""
    ids = session.compared()
    if st.session_state.get(SHOWN) != ids or PICKED not in st.session_state:
        st.session_state[PICKED] = resolved(ids)
        st.session_state[SHOWN] = ids
    picked = [item for item in st.session_state[PICKED] if item in by_id]
    st.session_state[PICKED] = picked
    if st.session_state.get(BASELINE) not in picked:
        st.session_state[BASELINE] = picked[0] if picked else None
    left, right = st.columns([3, 2])
    left.multiselect(
        f"Saved scenarios to compare (2 to {compare_view.MOST_COMPARED})",
        list(by_id),
        format_func=short_label,
        max_selections=compare_view.MOST_COMPARED,
        placeholder="Choose saved scenarios",
        key=PICKED,
        on_change=choice_changed,
    )
    right.selectbox(
        "Baseline (every other is measured against it)",
        picked,
        format_func=short_label,
        placeholder="Pick scenarios first",
        key=BASELINE,
        on_change=choice_changed,
    )


def save_form(expanded: bool) -> None:
    with st.expander("Save the current scenario", expanded=expanded, icon=":material/save:"):
        st.caption(
            "The current scenario is what the other pages show now (set prices on Tiers & "
            "pricing, costs and churn on Segment LTV). Save it under a name, change something, "
            "save again: each saved scenario is an option to compare. The sidebar's \"Saved "
            'scenarios" section opens, renames and deletes them.'
        )
        st.text_input(
            "Save the current scenario as",
            key=SAVE_NAME,
            placeholder="e.g. Starter at $59",
        )
        st.button(
            "Save and compare", key="compare:save", on_click=save_clicked, icon=":material/add:"
        )


def headline(c: econ.Comparison) -> None:
    """The winner in a sentence, then each option's gross profit a month against the baseline."""
    st.success(plain(compare_view.winner_sentence(c)), icon=":material/emoji_events:")
    roles = compare_view.roles(c)
    rows = {str(row["scenario"]): row for row in c.totals.iter_rows(named=True)}
    for column, name in zip(st.columns(len(c.names)), c.names, strict=True):
        row = rows[name]
        role = f" · {roles[name]}" if roles[name] else ""
        change = row["gross_profit_change_usd"]
        moved = change is not None and round(abs(change), 2) > 0
        column.metric(
            plain(f"{name}{role}"),
            formats.money(row["gross_profit_usd"]),
            delta=None if name == c.baseline else plain(formats.money_change(change, per="month")),
            # The change is written with a typographic minus, so its direction is given.
            delta_color=("green" if change > 0 else "red") if moved else "gray",
            delta_arrow=("up" if change > 0 else "down") if moved else "off",
            help="Gross profit a month over the window, against the baseline",
        )
        margin = f"Margin {formats.percent(row['gross_margin'])}"
        column.caption(
            plain(
                f"{margin}; every other option is measured against it"
                if name == c.baseline
                else f"{margin} ({formats.points(row['gross_margin_change'])}); "
                f"{formats.number(row['customers_expected_lost'])} expected to leave; "
                f"{formats.money(row['gross_profit_after_response_usd'])} a month after they go"
            )
        )


def segments(c: econ.Comparison, segment_by: str) -> None:
    st.subheader("Segments: compute-adjusted LTV and LTV:CAC")
    frame = compare_view.segments_table(c)
    in_use = set(c.segments["ltv_method"].to_list())
    titles = [
        f"{title}{' · in use' if method in in_use else ''}"
        for method, title in compare_view.LTV_METHOD_TITLES.items()
    ]
    for tab, method in zip(st.tabs(titles), compare_view.LTV_METHOD_TITLES, strict=True):
        with tab:
            tables.show(
                frame,
                compare_view.segment_columns(method),
                name=f"compare-segments-{method}",
                segment_by=segment_by,
            )
    st.caption(
        "Churn is as observed in every option (a price moves no churn rate here, as in the "
        'simulator); "Method in use" is the LTV each option\'s scenario reads elsewhere. '
        "An sBG LTV is blank where no retention curve could be fitted."
    )


def bills(c: econ.Comparison, segment_by: str) -> None:
    st.subheader("How each customer's bill moves")
    tables.show(compare_view.bill_summary_table(c), spec.COMPARE_BILLS, name="compare-bills")
    exports.chart(
        compare_charts.bill_change_by_option(compare_view.bill_change_histograms(c)),
        name="compare-bill-changes",
    )
    st.markdown("**The customers most affected**: the largest rises first, then the largest falls")
    options = c.names[1:]
    for index, (tab, name) in enumerate(
        zip(st.tabs([plain(n) for n in options]), options, strict=True)
    ):
        with tab:
            affected = compare_view.most_affected_table(c, name)
            if affected.is_empty():
                st.caption("No customer's bill changes under this option.")
                continue
            tables.show(
                affected,
                spec.COMPARE_AFFECTED,
                name=f"compare-affected-{index}",
                segment_by=segment_by,
            )
            drill.customer_picker(
                affected["customer_id"].to_list(),
                key=f"compare_drill_{index}",
                label="Open a customer's P&L (under the current scenario)",
            )


def changes(c: econ.Comparison) -> None:
    st.subheader("What each option changes")
    features = session.current().report.features["feature_id"].to_list()
    for item in compare_view.option_changes(c, features):
        st.markdown(f"**{plain(item.scenario)}**: {plain(item.summary)}")
        lines = [f"- Applies: {plain(title)}" for title in item.recommendations]
        lines += [f"- {plain(line)}" for line in item.changes]
        if lines:
            st.markdown("\n".join(lines))


def show(c: econ.Comparison, segment_by: str) -> None:
    for name, notes in c.notes.items():
        st.info(plain(f"{name}: " + "; ".join(notes) + "."), icon=":material/info:")
    headline(c)
    st.caption(plain(compare_view.compared_line(c)))
    exports.chart(
        compare_charts.gross_profit_by_month(compare_view.gross_profit_lines(c)),
        name="compare-gross-profit",
    )
    st.caption(
        "Gross profit each month as each option bills and costs it; the baseline dashed, the "
        "option with the most gross profit once the customers expected to leave go drawn thick."
    )
    st.subheader("Per month over the window")
    tables.show(compare_view.totals_table(c), spec.COMPARE_TOTALS, name="compare-totals")
    with st.expander("Month by month"):
        tables.show(compare_view.monthly_table(c), spec.COMPARE_MONTHLY, name="compare-monthly")
    segments(c, segment_by)
    st.subheader("Plans")
    tables.show(
        compare_view.plans_table(c), spec.COMPARE_PLANS, name="compare-plans", segment_by=segment_by
    )
    bills(c, segment_by)
    changes(c)


st.title("Compare scenarios")
st.caption(
    "Two to five saved scenarios on the same history, each against a baseline: which makes the "
    "most gross profit, at what margin, LTV and LTV:CAC, and whose bills it raises."
)
layout.notices()

if len(available) < 2:
    st.info(
        f"{formats.count_of(len(available), 'scenario')} saved for this data so far; a "
        "comparison needs two. Save the current scenario below (or in the sidebar's \"Saved "
        'scenarios"), change an assumption, and save again.',
        icon=":material/bookmarks:",
    )
pickers()
save_form(expanded=len(available) < 2)
compared = session.compared()
comparison: econ.Comparison | None = None
problems: list[str] = []
try:
    comparison, problems = saved.comparison(compared) if compared else (None, [])
except econ.EconError as error:
    problems.append(f"These scenarios cannot be compared ({error}).")
for problem in problems:
    st.warning(plain(problem), icon=":material/warning:")
if comparison is not None:
    show(comparison, comparison.segment_by)
elif len(available) >= 2:
    st.info("Choose at least two saved scenarios to compare.", icon=":material/compare_arrows:")
