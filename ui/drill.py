"""Drilling down from a table of customers to one customer's P&L.

A table that lists customers (the loss-makers, the largest bill increases) gets a picker under
it: choose a customer, press the button, and the Customer P&L page opens on that customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import streamlit as st

from ui import session

MOST_OPTIONS: Final = 1_000
"""The most customers one picker lists (in the order given): Streamlit sends every option to
the browser, and the Customer P&L page takes any id besides."""


def customer_picker(ids: Sequence[str], *, key: str, label: str = "Open a customer's P&L") -> None:
    """A select box of ``ids`` (the first :data:`MOST_OPTIONS`, in the order the table lists
    them) and a button opening the chosen customer's P&L; nothing when there are none."""
    options = list(dict.fromkeys(ids))[:MOST_OPTIONS]
    if not options:
        return
    choice, button = st.columns([3, 1], vertical_alignment="bottom")
    chosen = choice.selectbox(label, options, key=key)
    if button.button("Open P&L", key=f"{key}_open", icon=":material/person_search:"):
        session.open_customer(str(chosen))
