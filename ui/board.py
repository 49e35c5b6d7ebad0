"""The board pack from the app: a button on every page that renders the current view (dataset
and scenario) as HTML and PDF, then offers both files.

Rendering takes a few seconds (every chart is drawn, the PDF typeset), so it happens when asked
for, under a spinner, and is kept per dataset, scenario and day: asking again is instant, and a
changed assumption shows the button again rather than a stale pack.

On the Compare scenarios page the pack adds a "Scenarios compared" section: the saved
scenarios compared there (their ids are part of the key, so another choice makes another pack).
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import streamlit as st
from streamlit.navigation.page import StreamlitPage

import econ
from econ_pack import pack, pdf
from ui import exports, saved, session
from ui.text import plain

PREPARED: Final = "board_pack_prepared"
"""Session key: the (dataset, scenario, link, day) the board pack was last prepared for."""

Format = Literal["html", "pdf"]

COMPARE_PAGE: Final = "compare"
"""The url path of the Compare scenarios page, whose pack includes the comparison."""


@st.cache_data(max_entries=8, show_spinner=False)
def cached_board_pack(key: tuple[str, str, str, str, str, str], fmt: Format) -> bytes:
    """The board pack's file, from the report the app already holds for this scenario;
    ``key`` is (dataset id, data folder, scenario JSON, share link, ISO day, the compared
    saved scenarios' ids joined by dots, empty for none)."""
    dataset_id, data_dir, scenario_json, share_link, day, compared = key
    comparison = saved.comparison(compared.split("."))[0] if compared else None
    inputs = pack.pack_inputs(
        session.cached_dataset(dataset_id, data_dir),
        econ.Scenario.from_json(scenario_json),
        dataset_id=dataset_id,
        share_link=share_link,
        generated_on=dt.date.fromisoformat(day),
        report=session.cached_report(dataset_id, data_dir, scenario_json),
        comparison=comparison,
    )
    return pdf.board_pack(inputs, fmt)


def board_pack(page: StreamlitPage) -> None:
    """The sidebar's board pack: "Prepare", then a download of each format."""
    key = (
        session.dataset_id(),
        str(session.store().root),
        session.current().scenario.to_json(indent=None),
        session.share_url(page),
        dt.date.today().isoformat(),
        ".".join(session.compared()) if page.url_path == COMPARE_PAGE else "",
    )
    st.markdown("**Board pack**")
    if st.session_state.get(PREPARED) != key:
        compared = "the scenarios compared, " if key[-1] else ""
        st.caption(
            f"This view as one report to send: summary, {compared}segment LTV, margins, "
            "recommendations, methods and every assumption."
        )
        if not st.button("Prepare HTML and PDF", key="board_pack_prepare", icon=":material/print:"):
            return
    files: dict[Format, bytes] = {}
    with st.spinner("Rendering the board pack: drawing the charts and typesetting the PDF…"):
        files["html"] = cached_board_pack(key, "html")
        try:
            files["pdf"] = cached_board_pack(key, "pdf")
        except econ.EconError as error:
            st.error(f"The PDF could not be made: {plain(error)}. The HTML opens in any browser.")
    st.session_state[PREPARED] = key
    mimes: dict[Format, str] = {"html": "text/html", "pdf": "application/pdf"}
    for fmt, data in files.items():
        st.download_button(
            f"Download {fmt.upper()}",
            data=data,
            file_name=exports.file_name("board-pack", fmt),
            mime=mimes[fmt],
            on_click="ignore",
            key=f"board_pack_{fmt}",
            icon=":material/download:",
        )
