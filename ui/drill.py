"""Drilling down from a table or a chart of customers to one customer's P&L.

A table that lists customers (the loss-makers, the largest bill increases) gets a picker under
it: choose a customer, press the button, and the Customer P&L page opens on that customer. A
chart of customers (the bills, now against simulated) opens the customer whose point is
clicked (:func:`open_picked`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

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


def picked(event: Any, selection: str) -> str | None:
    """The customer a chart's click selected: the ``customer_id`` of the first point of
    ``selection`` in Streamlit's chart event, or ``None`` when nothing is selected."""
    chosen = getattr(event, "selection", None)
    if chosen is None and isinstance(event, Mapping):
        chosen = event.get("selection")
    points = chosen.get(selection) if isinstance(chosen, Mapping) else None
    if not points or not isinstance(points, Sequence):
        return None
    first = points[0]
    customer = first.get("customer_id") if isinstance(first, Mapping) else None
    return customer if isinstance(customer, str) and customer else None


def open_picked(event: Any, selection: str) -> None:
    """Open the P&L of the customer a click on a chart selected, if any."""
    customer = picked(event, selection)
    if customer is not None:
        session.open_customer(customer)
