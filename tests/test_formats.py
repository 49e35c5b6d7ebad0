"""Number formats people read."""

from __future__ import annotations

import pytest

from econ import formats


@pytest.mark.parametrize(
    ("value", "text"),
    [(5700.0, "$5,700.00"), (-3.0, "-$3.00"), (0.004, "$0.00"), (None, "—")],
)
def test_money(value: float | None, text: str) -> None:
    assert formats.money(value) == text


def test_other_formats() -> None:
    assert formats.money(8650.4, cents=False) == "$8,650"
    assert formats.percent(0.829) == "82.9%"
    assert formats.percent(None) == "—"
    assert formats.ratio(4.75) == "4.8x"
    assert formats.months(10.526) == "10.5"
    assert formats.per_call(0.000412) == "$0.000412"
    assert formats.count(1234567) == "1,234,567"
