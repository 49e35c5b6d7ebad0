"""What every page shares: the sidebar (dataset, share link, reset) and notices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, TypeVar

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from econ.scenario.link import SAMPLE_DATASET
from ui import session
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
        st.button(
            "Reset assumptions",
            on_click=session.reset_scenario,
            help="Back to the defaults for this dataset.",
            key="reset_scenario",
        )


def notices() -> None:
    """Messages from links that could not be used, or changes that were refused.

    They quote what the link or the data said (a version, a page, a segment name), so they are
    shown as plain text.
    """
    for notice in session.take_notices():
        st.warning(plain(notice))
