"""Controls bound to the scenario.

Every control is "controlled": before it is drawn, its Session State value is set from the
scenario, and its change callback writes the new value back into the scenario. The scenario
therefore stays the single source of truth: a share link, a reset or a page switch redraws
every control with the right value, and no widget holds state of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

import econ
from ui import session

Edit = Callable[[econ.Scenario, Any], econ.Scenario]


def bind(key: str, value: Any, edit: Edit) -> dict[str, Any]:
    """Show ``value`` in the widget ``key`` and route its changes through ``edit``.

    Returns the keyword arguments to pass to the widget (``key`` and ``on_change``).
    """
    st.session_state[key] = value

    def changed() -> None:
        try:
            session.set_scenario(edit(session.scenario(), st.session_state[key]))
        except econ.ScenarioError as error:
            st.session_state.setdefault(session.NOTICES, []).append(
                f"That change was not applied: {error}."
            )

    return {"key": key, "on_change": changed}


def percent_value(rate: float | None) -> float | None:
    """A rate as the percentage a control shows (two decimals)."""
    return None if rate is None else round(rate * 100, 2)


def as_rate(percent: float | None) -> float | None:
    return None if percent is None else percent / 100
