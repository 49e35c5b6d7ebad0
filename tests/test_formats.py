"""Number formats people read: one format per kind, changes with their sign, "—" for
undefined."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from econ import formats
from econ.formats import MINUS, NO_CHANGE, NULL_TEXT

UNDEFINED = [None, math.nan, math.inf, -math.inf]

ANY_FLOAT = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))
FINITE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)

FORMATS = [
    formats.money,
    formats.amount,
    formats.headline,
    formats.percent,
    formats.ratio,
    formats.months,
    formats.number,
    formats.per_call,
    formats.money_change,
    formats.points,
    formats.ratio_change,
    formats.number_change,
]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12_651.73, "$12,652"),
        (5700.0, "$5,700"),
        (1000.0, "$1,000"),
        (999.994, "$999.99"),
        (999.996, "$1,000"),  # rounds to $1,000.00: the thousands rule
        (49.5, "$49.50"),
        (0.21, "$0.21"),
        (0.004, "$0.00"),
        (-3.0, "-$3.00"),
        (-1234.4, "-$1,234"),
        (-0.001, "$0.00"),  # never "-$0.00"
        (None, "—"),
    ],
)
def test_money_drops_cents_from_a_thousand(value: float | None, text: str) -> None:
    assert formats.money(value) == text


def test_money_in_whole_dollars_on_request() -> None:
    assert formats.money(8650.4, cents=False) == "$8,650"
    assert formats.money(49.5, cents=False) == "$50"
    assert formats.money(-0.2, cents=False) == "$0"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.0011, "$0.0011"), (0.0, "$0.00"), (1.5, "$1.50"), (12_345.6, "$12,346")],
)
def test_amount_and_headline(value: float, text: str) -> None:
    assert formats.amount(value) == text
    assert formats.headline(value) == text


def test_other_formats() -> None:
    assert formats.percent(0.829) == "82.9%"
    assert formats.percent(0.8434) == "84.3%"
    assert formats.percent(-0.0001) == "0.0%"
    assert formats.percent(0.2, digits=0) == "20%"
    assert formats.ratio(4.75) == "4.8x"
    assert formats.ratio(-0.01) == "0.0x"
    assert formats.months(10.526) == "10.5"
    assert formats.per_call(0.000412) == "$0.000412"
    assert formats.count(1234567) == "1,234,567"
    assert formats.count(None) == NULL_TEXT
    assert formats.count_of(1, "row") == "1 row"
    assert formats.count_of(2, "row") == "2 rows"
    assert formats.number(41.52) == "41.5"
    assert formats.number(-0.01) == "0.0"


@pytest.mark.parametrize(
    ("value", "per", "text"),
    [
        (12_651.73, "month", "+$12,652 / month"),
        (-49.5, None, f"{MINUS}$49.50"),
        (-1234.4, "month", f"{MINUS}$1,234 / month"),
        (0.21, None, "+$0.21"),
        (0.004, "month", NO_CHANGE),
        (-0.004, None, NO_CHANGE),
        (0.0, "month", NO_CHANGE),
        (None, "month", NULL_TEXT),
        (math.nan, "month", NULL_TEXT),
    ],
)
def test_money_change(value: float | None, per: str | None, text: str) -> None:
    assert formats.money_change(value, per=per) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.009, "+0.9 pp"),
        (-0.012, f"{MINUS}1.2 pp"),
        (0.0004, NO_CHANGE),
        (-0.0004, NO_CHANGE),
        (0.0, NO_CHANGE),
        (None, NULL_TEXT),
    ],
)
def test_points(value: float | None, text: str) -> None:
    assert formats.points(value) == text


def test_ratio_and_number_changes() -> None:
    assert formats.ratio_change(0.24) == "+0.2x"
    assert formats.ratio_change(-1.06) == f"{MINUS}1.1x"
    assert formats.ratio_change(0.04) == NO_CHANGE
    assert formats.number_change(41.52) == "+41.5"
    assert formats.number_change(-2.0) == f"{MINUS}2.0"
    assert formats.number_change(1234.0, digits=0) == "+1,234"
    assert formats.number_change(0.01) == NO_CHANGE


@pytest.mark.parametrize("value", UNDEFINED)
@pytest.mark.parametrize("write", FORMATS, ids=lambda f: f.__name__)
def test_undefined_reads_a_dash(write: object, value: float | None) -> None:
    assert callable(write)
    assert write(value) == NULL_TEXT


@given(value=ANY_FLOAT)
def test_never_none_nan_or_inf(value: float | None) -> None:
    for write in FORMATS:
        text = write(value).lower()
        assert "none" not in text
        assert "nan" not in text
        assert "inf" not in text


@given(value=FINITE)
def test_a_change_has_the_sign_of_its_value(value: float) -> None:
    for text in (
        formats.money_change(value),
        formats.points(value),
        formats.ratio_change(value),
        formats.number_change(value),
    ):
        if text == NO_CHANGE:
            continue
        assert text[0] == ("+" if value > 0 else MINUS), (value, text)
        assert "-" not in text


@given(value=FINITE)
def test_no_change_only_when_it_rounds_to_zero(value: float) -> None:
    assert (formats.money_change(value) == NO_CHANGE) == (round(abs(value), 2) == 0)
    assert (formats.points(value) == NO_CHANGE) == (float(f"{abs(value) * 100:.1f}") == 0)


@given(value=FINITE)
def test_money_keeps_cents_only_below_a_thousand(value: float) -> None:
    text = formats.money(value)
    has_cents = "." in text
    assert has_cents == (round(abs(value), 2) < formats.WHOLE_DOLLARS_FROM)
    assert text.startswith("-") == (value < 0 and text.strip("-$0.,") != "")
    digits = text.lstrip("-$").replace(",", "")
    assert abs(float(digits) - abs(value)) <= (0.005 if has_cents else 0.5) + 1e-9 * abs(value)


@given(value=st.floats(min_value=-10.0, max_value=10.0, allow_nan=False))
def test_percent_has_one_decimal(value: float) -> None:
    text = formats.percent(value)
    assert text.endswith("%")
    _, _, decimals = text[:-1].partition(".")
    assert len(decimals) == 1
    assert not text.startswith("-0.0")
