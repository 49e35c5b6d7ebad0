"""Which customer a click on a chart of customers picked, from Streamlit's chart event."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ui.drill import picked


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"selection": {"customer": [{"customer_id": "acme", "x": 1}]}}, "acme"),
        (SimpleNamespace(selection={"customer": [{"customer_id": "bolt"}]}), "bolt"),
        ({"selection": {"customer": []}}, None),
        ({"selection": {}}, None),
        ({"selection": {"customer": [{"customer_id": ""}]}}, None),
        ({"selection": {"customer": [{"customer_id": 7}]}}, None),
        ({"selection": {"customer": ["acme"]}}, None),
        (None, None),
    ],
)
def test_the_customer_a_click_picked(event: object, expected: str | None) -> None:
    assert picked(event, "customer") == expected
