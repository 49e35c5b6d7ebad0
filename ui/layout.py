"""What every page shares: the sidebar (dataset, share link, reset) and notices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, TypeVar

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from econ.scenario.link import SAMPLE_DATASET
from ui import auth, board, exports, saved, session
from ui.text import plain

T = TypeVar("T")

MAX_CONTROLS: Final = 40
"""The most controls of one kind a page draws (one per segment, plan or feature): Streamlit's
cost per run grows with the square of a page's widgets, so a file with thousands of segments
would take minutes a rerun."""


def capped(items: Sequence[T], what: str) -> list[T]:
    """The first :data:`MAX_CONTROLS` of ``items`` (in the page's own order, as its tables list
    them), and a caption saying how many have no control here."""
    if len(items) <= MAX_CONTROLS:
        return list(items)
    st.caption(
        f"Controls for the first {MAX_CONTROLS} of {len(items):,} {what}, in the order of the "
        "table; the others keep their values. To set any of them, write a scenario file and "
        "run it with `econ analyze --scenario`."
    )
    return list(items[:MAX_CONTROLS])


def sidebar(page: StreamlitPage) -> None:
    with st.sidebar:
        data = session.dataset()
        if session.dataset_id() == SAMPLE_DATASET:
            st.caption("Data: the bundled sample (Quillstack, a fictional AI SaaS).")
        else:
            st.caption(f"Data: {plain(data.usage_name)} + {plain(data.revenue_name)}")
        st.markdown("**Copy share link**")
        st.code(session.share_url(page), language=None, wrap_lines=False)
        st.caption(
            "Reopens exactly this view, dataset and every assumption included: copy it with "
            "the button in the box."
        )
        if auth.opened_through_link():
            st.caption(
                "It carries the link with an expiry you opened this dataset with: it works for "
                "anyone holding it until that link expires or is revoked."
            )
        elif auth.sign_in_configured() and session.dataset_id() != SAMPLE_DATASET:
            st.caption(
                "It opens only for the people this dataset is shared with; the Data page says "
                "who, and makes links with an expiry for anyone else."
            )
        st.button(
            "Reset assumptions",
            on_click=session.reset_scenario,
            help="Back to the defaults for this dataset.",
            key="reset_scenario",
        )
        scenario_file()
        saved.sidebar_section()
        board.board_pack(page)


def scenario_file() -> None:
    """The scenario as a JSON file: download it, or open one (the same file ``econ analyze
    --scenario`` reads)."""
    with st.expander("Scenario file", icon=":material/tune:"):
        st.download_button(
            "Download this scenario (JSON)",
            data=session.scenario().to_json(),
            file_name=exports.file_name("scenario", "json"),
            mime="application/json",
            on_click="ignore",
            key="scenario_download",
        )
        st.file_uploader(
            "Open a scenario file",
            type=["json"],
            key=session.scenario_uploader_key(),
            on_change=session.use_scenario_file,
            help="A scenario saved from this app or written for `econ analyze --scenario`.",
        )


OWN_SAMPLE_NOTE: Final = frozenset({"", "summary", "data"})
"""Pages that say the sample is loaded in their own words (the Summary beside its figures, the
Data page beside the uploaders), so the shared banner is not drawn twice there."""


def sample_banner(page: StreamlitPage) -> None:
    """On every page while the bundled sample is loaded: say so, and where to load your own."""
    if session.dataset_id() != SAMPLE_DATASET or page.url_path in OWN_SAMPLE_NOTE:
        return
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.info(
        "You are looking at the bundled sample: Quillstack, a fictional AI SaaS. "
        "Load your own usage ledger and revenue table on the Data page.",
        icon=":material/science:",
    )
    right.page_link("pages/home.py", label="Load your data", icon=":material/upload:")


def notices() -> None:
    """Messages from links that could not be used, or changes that were refused.

    They quote what the link or the data said (a version, a page, a segment name), so they are
    shown as plain text.
    """
    for notice in session.take_notices():
        st.warning(plain(notice))
