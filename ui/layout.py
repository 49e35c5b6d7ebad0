"""What every page shares: the sidebar (dataset, share link, reset) and notices."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from econ.link import SAMPLE_DATASET
from ui import session
from ui.text import plain


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
